"""The seller flow over HTTP against a real ``cuplik serve`` (embedded redis-server, its
own worker process, SQLite under a temporary VAR_DIR): key -> upload a recording ->
it is checked -> a past session with its metric timeline -> ask for a teaser -> poll
-> download (with a Range request) -> the MP4 plays as a vertical teaser."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cuplik.local_service import LocalService, local_service
from tests.footage import make_clip
from worker.probe import probe

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
TARGET = 10.0


@dataclass
class Service:
    local: LocalService
    # Every exchange (method, path, status, headers, body), checked against /openapi.json.
    log: list[tuple[str, str, int, dict[str, str], bytes]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.local.base

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self.local.process

    def call(self, method: str, path: str, *, key: str | None = None, body: Any = None,
             data: bytes | None = None, headers: dict[str, str] | None = None
             ) -> tuple[int, dict[str, str], bytes]:
        """One HTTP request; returns (status, headers, body) for any status."""
        hdrs = dict(headers or {})
        if key:
            hdrs["Authorization"] = f"Bearer {key}"
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                answer = resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            answer = err.code, dict(err.headers), err.read()
        self.log.append((method, path, *answer))
        return answer

    def json(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        status, _headers, raw = self.call(method, path, **kwargs)
        return status, json.loads(raw) if raw else None

    def create_key(self, seller: str) -> str:
        return self.local.create_key(seller)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    var = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "DATABASE_URL", "MEDIA_ROOT")}
    env.update(VAR_DIR=str(var), PYTHONPATH=str(ROOT), WEBHOOK_ALLOW_PRIVATE="1")
    with local_service(var / "serve.log", env=env, cwd=ROOT) as local:
        yield Service(local)


def _poll(svc: Service, path: str, key: str, done: set[str], timeout: float
          ) -> tuple[Any, list[Any]]:
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        status, body = svc.json("GET", path, key=key)
        assert status == 200, body
        seen.append(body)
        if body["status"] in done:
            return body, seen
        assert time.monotonic() < deadline, f"{path} still {body['status']}: {body}"
        time.sleep(0.2)


def _timeline() -> list[dict[str, Any]]:
    rows = []
    for t in range(0, 30, 5):
        peak = t == 15
        rows.append({"t": t, "viewers": 150, "views": 180, "room_impressions": 900,
                     "room_enters": 120, "product_impressions": 300 + (300 if peak else 0),
                     "product_clicks": 8 + (50 if peak else 0),
                     "gmv": 20000 + (900000 if peak else 0), "orders": 1 + (12 if peak else 0),
                     "comments": 4, "likes": 12, "shares": 1, "new_followers": 0,
                     "pinned_product": "SKU-SERUM" if peak else ""})
    return rows


def test_seller_gets_a_teaser_from_a_past_session_over_http(service: Service,
                                                            tmp_path: Path) -> None:
    key = service.create_key("toko-e2e")
    recording = make_clip(tmp_path / "live.mp4", seconds=30, size="640x360", fps=30)

    status, headers, raw = service.call(
        "POST", "/v1/footage", key=key, data=recording.read_bytes(),
        headers={"Content-Type": "application/octet-stream", "X-Filename": "live.mp4"})
    assert status == 202, raw
    footage = json.loads(raw)
    footage, _ = _poll(service, f"/v1/footage/{footage['id']}", key, {"ready", "rejected"}, 60)
    assert footage["status"] == "ready", footage

    status, live = service.json("POST", "/v1/sessions", key=key, body={
        "title": "Serum flash sale", "category": "Beauty",
        "started_at": "2026-11-20T19:00:00+07:00", "ended_at": "2026-11-20T19:30:00+07:00",
        "timeline": _timeline(), "footage_id": footage["id"]})
    assert status == 201, live

    asked = time.monotonic()
    status, headers, raw = service.call("POST", "/v1/teasers", key=key, body={
        "session_id": live["id"], "target_seconds": TARGET})
    assert status == 202, raw
    teaser = json.loads(raw)
    assert headers["Location"].endswith(f"/v1/teasers/{teaser['id']}")
    assert teaser["status"] == "queued" and teaser["eta_s"] is not None
    teaser, seen = _poll(service, f"/v1/teasers/{teaser['id']}", key, {"ready", "failed"}, 120)
    request_to_ready = time.monotonic() - asked
    assert teaser["status"] == "ready", teaser
    assert teaser["progress"] == 1.0 and teaser["eta_s"] is None
    assert teaser["segments"] and all(s["reason"] for s in teaser["segments"])
    assert any("SKU-SERUM" in s["reason"] for s in teaser["segments"])
    progress = [b["progress"] for b in seen]
    assert progress == sorted(progress), "progress went backwards"

    # A player asks for the first bytes: 206 with the range.
    status, headers, head = service.call("GET", teaser["links"]["video"], key=key,
                                         headers={"Range": "bytes=0-1023"})
    assert status == 206 and len(head) == 1024
    assert headers["Content-Type"] == "video/mp4"
    assert headers["Content-Range"].startswith("bytes 0-1023/")
    assert head[4:8] == b"ftyp"
    status, headers, video = service.call("GET", teaser["links"]["video"], key=key)
    assert status == 200 and video[:1024] == head
    # Fast start: the index (moov) comes before the media data (mdat).
    assert 0 <= video.find(b"moov") < video.find(b"mdat")
    out = tmp_path / "teaser.mp4"
    out.write_bytes(video)
    info = probe(out)
    assert info.height > info.width and info.height in (1280, 1920)
    assert info.duration == pytest.approx(TARGET, abs=0.5)
    assert info.has_audio and info.audio_channels == 2
    status, headers, poster = service.call("GET", teaser["links"]["poster"], key=key)
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert poster[:3] == b"\xff\xd8\xff"

    # Another seller cannot see it, and no key is no access.
    other = service.create_key("toko-lain")
    assert service.call("GET", f"/v1/teasers/{teaser['id']}", key=other)[0] == 404
    assert service.call("GET", f"/v1/teasers/{teaser['id']}")[0] == 401
    print(f"request-to-ready for a {TARGET:.0f} s teaser: {request_to_ready:.1f} s")


class Hooks:
    """A webhook receiver on 127.0.0.1: keeps each delivery's headers and raw body."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hooks.received.append((dict(self.headers.items()), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cuplik"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_readme_integration_auto_teasers_idempotency_webhook_signed_download(
        service: Service, tmp_path: Path) -> None:
    """The README's integration, as a plan-creation flow would run it."""
    key = service.create_key("toko-integrasi")
    recording = make_clip(tmp_path / "live.mp4", seconds=30, size="640x360", fps=30)
    status, _, raw = service.call("POST", "/v1/footage", key=key, data=recording.read_bytes(),
                                  headers={"Content-Type": "video/mp4",
                                           "Idempotency-Key": "upload-live-1"})
    assert status == 202, raw
    footage, _ = _poll(service, f"/v1/footage/{json.loads(raw)['id']}", key,
                       {"ready", "rejected"}, 60)
    assert footage["status"] == "ready", footage
    status, live = service.json("POST", "/v1/sessions", key=key, body={
        "title": "Serum flash sale", "started_at": "2026-11-20T19:00:00+07:00",
        "ended_at": "2026-11-20T19:30:00+07:00", "timeline": _timeline(),
        "footage_id": footage["id"]})
    assert status == 201, live
    assert service.json("PUT", "/v1/catalogue", key=key, body={
        "products": [{"id": "SKU-SERUM", "name": "Serum"}, {"id": "SKU-TONER"}],
        "promotion_tools": [{"id": "flash", "kind": "flash_sale"}]})[0] == 200

    hooks = Hooks()
    try:
        status, hook = service.json("POST", "/v1/webhooks", key=key, body={
            "url": hooks.url, "events": ["teaser.ready", "teaser.failed"]})
        assert status == 201 and hook["secret"], hook
        start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0).isoformat()
        plan_body = {"title": "Payday LIVE", "start": start, "time_zone": "Asia/Jakarta",
                     "duration_minutes": 120, "product_ids": ["SKU-SERUM", "SKU-TONER"],
                     "promotion_tool_ids": ["flash"], "auto_teasers": True}
        idem = {"Idempotency-Key": "plan-payday-1"}
        status, headers, raw = service.call("POST", "/v1/plans", key=key, body=plan_body,
                                            headers=idem)
        assert status == 201, raw
        plan = json.loads(raw)
        assert len(plan["teasers"]) == 2, plan["auto_teasers"]
        retry = service.call("POST", "/v1/plans", key=key, body=plan_body, headers=idem)
        assert retry[0] == 201 and json.loads(retry[2])["id"] == plan["id"]
        assert retry[1]["Idempotent-Replayed"] == "true"

        deadline = time.monotonic() + 240
        while len(hooks.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        events = []
        for headers, body in hooks.received:
            expected = "sha256=" + hmac.new(hook["secret"].encode(), body,
                                            hashlib.sha256).hexdigest()
            assert hmac.compare_digest(headers["X-Cuplik-Signature"], expected)
            events.append(json.loads(body))
    finally:
        hooks.close()
    assert sorted((e["event"], e["data"]["teaser_id"]) for e in events) == sorted(
        ("teaser.ready", t) for t in plan["teasers"])

    status, teaser = service.json("GET", events[0]["data"]["links"]["self"], key=key)
    assert status == 200 and teaser["started_at"] and teaser["finished_at"]
    status, headers, video = service.call("GET", teaser["links"]["download"])  # no key
    assert status == 200 and headers["Content-Type"] == "video/mp4"
    assert "private" in headers["Cache-Control"] and video[4:8] == b"ftyp"
    status, ready_plan = service.json("GET", f"/v1/plans/{plan['id']}", key=key)
    assert ready_plan["ready"] is True, ready_plan["missing"]


def test_every_answer_of_the_flows_matches_the_openapi_document(service: Service) -> None:
    """The document is the truth: each real answer above (and a few refusals) has a
    status, media type and body the document declares for that route."""
    import requests
    import schemathesis
    from schemathesis.core.failures import FailureGroup

    key = service.create_key("toko-kontrak")
    service.call("GET", "/v1/teasers?status=done", key=key)
    service.call("POST", "/v1/plans", key=key, body={"title": ""})
    service.call("GET", "/v1/plans/missing", key=key)
    service.call("GET", "/v1/plans")
    status, _, raw = service.call("GET", "/openapi.json")
    assert status == 200
    schema = schemathesis.openapi.from_dict(json.loads(raw))
    checked, failures = 0, []
    for method, path, status, headers, body in list(service.log):
        if path == "/openapi.json":
            continue
        found = schema.find_operation_by_path(method, path.split("?")[0])
        assert found is not None, f"{method} {path} is not in the document"
        request = requests.Request(method, service.base + path).prepare()
        response = schemathesis.Response(
            status_code=status, headers={k: [v] for k, v in headers.items()}, content=body,
            request=request, elapsed=0.0, verify=False)
        try:
            found.validate_response(response)
        except FailureGroup as exc:
            failures.append(f"{method} {path} {status}: {exc}"[:800])
        checked += 1
    assert checked > 20 and not failures, "\n".join(failures)


def test_serve_stops_cleanly_with_its_children(service: Service) -> None:
    redis_pids = subprocess.run(["pgrep", "-f", "-s", str(service.process.pid),
                                 "redis-server"], capture_output=True, text=True).stdout.split()
    assert redis_pids, "the embedded redis-server runs in serve's session"
    service.process.send_signal(signal.SIGTERM)
    assert service.process.wait(timeout=30) == 0
    # A child that exited with serve can take a moment to be reaped by init on a loaded
    # machine; one still there after 10 s was left running.
    deadline = time.monotonic() + 10
    while True:
        leftovers = subprocess.run(["pgrep", "-s", str(service.process.pid)],
                                   capture_output=True, text=True).stdout.split()
        if not leftovers or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert leftovers == [], f"children left running: {leftovers}"
