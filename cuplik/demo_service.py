"""The demo as a seller's tooling would drive the service, over HTTP only.

Starts ``cuplik serve`` (embedded Redis, SQLite and media under ``./var``), creates an
API key, uploads the sample recording, registers the past session with its timeline,
creates a LIVE plan with automatic teasers, follows their progress, downloads them.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cuplik.local_service import ServiceDidNotStart, local_service

SELLER = "demo-shop"
PRODUCTS = ["SKU-SERUM-30ML", "SKU-TONER-100ML", "SKU-MASK-5PCS"]


class Client:
    """A tiny JSON client for the demo (standard library only)."""

    def __init__(self, base: str, key: str) -> None:
        self.base, self.key = base, key

    def call(self, method: str, path: str, body: Any = None, *, raw: bytes | Path | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
        hdrs = {"Authorization": f"Bearer {self.key}", **(headers or {})}
        data: Any = None
        if raw is not None:
            data = raw.open("rb") if isinstance(raw, Path) else raw
            hdrs["Content-Type"] = "application/octet-stream"
            if isinstance(raw, Path):
                hdrs["Content-Length"] = str(raw.stat().st_size)
        elif body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=600) as resp:
                payload = resp.read()
                status = resp.status
                ctype = resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            payload, status, ctype = exc.read(), exc.code, exc.headers.get("Content-Type", "")
        finally:
            if hasattr(data, "close"):
                data.close()
        parsed = json.loads(payload) if "json" in ctype and payload else None
        return status, parsed, payload

    def json(self, method: str, path: str, body: Any = None, *, expect: int,
             raw: bytes | Path | None = None, headers: dict[str, str] | None = None) -> Any:
        status, parsed, payload = self.call(method, path, body, raw=raw, headers=headers)
        if status != expect:
            raise SystemExit(f"cuplik demo: {method} {path} answered {status}: "
                             f"{payload[:500].decode(errors='replace')}")
        return parsed


def _timeline_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(newline="") as f:
        for r in csv.DictReader(f):
            rows.append({k: (v if k == "pinned_product" else float(v)) for k, v in r.items()
                         if v != ""})
    return rows


def _say(msg: str) -> None:
    print(f"cuplik demo: {msg}", file=sys.stderr, flush=True)


def run_through_service(recording: Path, timeline: Path, work: Path) -> int:
    """Drive the seller flow over HTTP against a freshly started ``cuplik serve``."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    work.mkdir(parents=True, exist_ok=True)
    log = work / "serve.log"
    _say(f"starting cuplik serve (embedded Redis, SQLite, ./var); its log: {log}")
    try:
        with local_service(log, env=env) as service:
            _say(f"cuplik serve answers on {service.base}")
            key = service.create_key(SELLER)
            # The platform's own key: a session's figures come from the platform (a
            # seller's own count never ranks it in the Inspiration Hub).
            platform = Client(service.base + "/v1", service.create_key("platform", ops=True))
            try:
                code = _seller_flow(Client(service.base + "/v1", key), platform, recording,
                                    timeline, work)
            finally:
                _say("stopping the service")
    except ServiceDidNotStart as exc:
        raise SystemExit(f"cuplik demo: {exc}") from None
    # The demo's plan, session and teasers stay in ./var: the studio shows them.
    print(f"studio: run `{Path(sys.executable).parent / 'cuplik'} serve` and open "
          f"http://127.0.0.1:8000/studio (sign in with the key {key})")
    return code


def _seller_flow(api: Client, platform: Client, recording: Path, timeline: Path,
                 work: Path) -> int:
    api.json("PUT", "/catalogue", {
        "products": [{"id": p, "name": p.replace("SKU-", "").title()} for p in PRODUCTS],
        "promotion_tools": [{"id": "VOUCHER-10", "kind": "voucher",
                             "product_ids": [PRODUCTS[0]]}]}, expect=200)
    _say(f"uploading the recording ({recording.stat().st_size / 1e6:.0f} MB) ...")
    footage = api.json("POST", "/footage", raw=recording, expect=202,
                       headers={"X-Filename": recording.name})
    _say("the service checks and analyses the upload (picture and sound) ...")
    while footage["status"] == "uploaded":
        time.sleep(1)
        footage = api.json("GET", f"/footage/{footage['id']}", expect=200)
    if footage["status"] != "ready":
        raise SystemExit(f"cuplik demo: the upload was rejected: {footage.get('reason')}")
    ended = datetime.now(UTC) - timedelta(days=3)
    seller_id = api.json("GET", "/me", expect=200)["seller_id"]
    session = platform.json("POST", "/sessions", {
        "seller_id": seller_id, "account_type": "official",
        "title": "Serum launch LIVE", "category": "Beauty", "username": SELLER,
        "started_at": (ended - timedelta(minutes=6)).isoformat(),
        "ended_at": ended.isoformat(), "timeline": _timeline_rows(timeline),
        "footage_id": footage["id"]}, expect=201)
    start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=12, minute=0, second=0,
                                                           microsecond=0)  # 19.00 WIB
    plan = api.json("POST", "/plans", {
        "title": "Serum restock LIVE", "description": "Restock and vouchers",
        "start": start.isoformat(), "time_zone": "Asia/Jakarta", "duration_minutes": 90,
        "product_ids": PRODUCTS[:2], "promotion_tool_ids": ["VOUCHER-10"],
        "auto_teasers": True}, expect=201)
    teaser_ids = plan["teasers"]
    _say(f"plan {plan['id']} created from session {session['id']}; automatic teasers: "
         f"{len(teaser_ids)} ({(plan.get('auto_teasers') or {}).get('message', '')})")
    if not teaser_ids:
        return 1
    done = _follow(api, teaser_ids)
    out_dir = work / "teasers"
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for t in done:
        if t["status"] != "ready":
            failed += 1
            print(f"teaser {t['id']} ({t['slot']}) failed: {t['error']}")
            continue
        video = out_dir / f"{t['slot'] or t['id']}.mp4"
        poster = video.with_suffix(".jpg")
        video.write_bytes(api.call("GET", f"/teasers/{t['id']}/video")[2])
        poster.write_bytes(api.call("GET", f"/teasers/{t['id']}/poster")[2])
        print(f"teaser ({t['slot']}, sticker {t['sticker_text']!r}): {video.resolve()}")
        print(f"  poster: {poster.resolve()}  {t['duration_s']:.1f} s, "
              f"{t['width']}x{t['height']}")
        for s in t["segments"]:
            print(f"  {s['start']:6.1f}-{s['end']:6.1f} s  {s['reason']}")
    return 1 if failed else 0


def _follow(api: Client, ids: list[str], timeout: float = 900) -> list[dict[str, Any]]:
    """Poll the teasers, printing stage and progress, until all are final."""
    deadline = time.monotonic() + timeout
    last = ""
    while True:
        states = [api.json("GET", f"/teasers/{i}", expect=200) for i in ids]
        line = "  ".join(f"{t['slot'] or t['id'][:6]}: {t['status']} {t['stage'] or ''} "
                         f"{t['progress'] * 100:3.0f}%" for t in states)
        if line != last:
            _say(line)
            last = line
        if all(t["status"] in ("ready", "failed") for t in states):
            return states
        if time.monotonic() > deadline:
            raise SystemExit("cuplik demo: teasers not ready in time; see `rq info`")
        time.sleep(0.5)
