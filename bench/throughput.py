"""Throughput of a fleet of workers (issue 17): teasers per minute with 1, 2 and 3
``cuplik worker`` processes on this machine, sharing one Redis (an embedded redis-server),
PostgreSQL (a database of its own, ``cuplik_ops_bench``) and the media store.

Each round seeds ``--teasers`` fresh 40 s teasers cut from a 60 s 720x1280 portrait
recording with a metric timeline (the common case: a phone's LIVE recording), starts the
workers, waits until they are all registered and idle, queues every render at once and
times the first enqueue to the last teaser ready. The load average before and after is
recorded beside each figure: the machine is shared.

    .venv/bin/python bench/throughput.py [--teasers 9] [--workers 1,2,3] [--write-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402

from cuplik.embedded_redis import EmbeddedRedis  # noqa: E402
from cuplik.local_fleet import local_fleet  # noqa: E402
from store.db import Database  # noqa: E402
from store.media import MediaStore  # noqa: E402
from store.models import Footage, Seller, Teaser, TeaserStatus  # noqa: E402
from store.queues import JobGateway  # noqa: E402
from tests.footage import make_clip  # noqa: E402

BASELINE = ROOT / "bench" / "baselines" / "throughput.json"
PG = os.environ.get("TEST_POSTGRES_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DB = "cuplik_ops_bench"
TARGET_S = 40.0


def _timeline() -> list[dict[str, Any]]:
    """One-minute session in 5 s buckets, a product pinned and orders spiking at 30 s."""
    rows = []
    for t in range(0, 60, 5):
        peak = t == 30
        rows.append({"t": t, "viewers": 100, "views": 120, "room_impressions": 500,
                     "room_enters": 60, "product_impressions": 200 + (200 if peak else 0),
                     "product_clicks": 5 + (40 if peak else 0),
                     "gmv": 10000 + (500000 if peak else 0), "orders": 1 + (10 if peak else 0),
                     "comments": 3, "likes": 10, "shares": 0, "new_followers": 0,
                     "pinned_product": "SKU-1" if peak else ""})
    return rows


def _fresh_database() -> str:
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))
    admin.dispose()
    return PG.rsplit("/", 1)[0] + "/" + BENCH_DB


def _seed(db: Database, media: MediaStore, clip: Path, count: int) -> list[str]:
    from store.models import LiveSession

    with db.session() as s:
        seller = Seller(name=f"bench-{time.time_ns()}")
        s.add(seller)
        s.flush()
        rel = media.new_upload_path()
        media.absolute(rel).parent.mkdir(parents=True, exist_ok=True)
        media.absolute(rel).write_bytes(clip.read_bytes())
        footage = Footage(seller_id=seller.id, path=rel, status="ready",
                          original_filename="live.mp4", size_bytes=clip.stat().st_size,
                          probe={"duration": 60.0, "width": 720, "height": 1280,
                                 "has_audio": True})
        s.add(footage)
        s.flush()
        live = LiveSession(seller_id=seller.id, title="Bench", timeline=_timeline(),
                           started_at=datetime(2026, 11, 20, 12, tzinfo=UTC),
                           ended_at=datetime(2026, 11, 20, 13, tzinfo=UTC),
                           footage_id=footage.id)
        s.add(live)
        s.flush()
        teasers = [Teaser(seller_id=seller.id, status=TeaserStatus.QUEUED,
                          source_kind="session", session_id=live.id, revision=1,
                          params={"target_seconds": TARGET_S, "music": "auto", "lang": "id",
                                  "tz": "Asia/Jakarta", "sticker_text": None,
                                  "plan_start": None})
                   for _ in range(count)]
        s.add_all(teasers)
        s.flush()
        return [t.id for t in teasers]


def _ready(db: Database, ids: list[str]) -> tuple[int, int]:
    with db.session() as s:
        states = [st for (st,) in s.execute(select(Teaser.status).where(Teaser.id.in_(ids)))]
    return (sum(st is TeaserStatus.READY for st in states),
            sum(st is TeaserStatus.FAILED for st in states))


def _round(workers: int, teasers: int, url: str, redis: EmbeddedRedis, media_root: Path,
           clip: Path, logs: Path) -> dict[str, Any]:
    from rq import Worker

    db, media = Database(url), MediaStore(media_root)
    gateway = JobGateway(redis.url)
    gateway.connection.flushdb()  # our own server
    ids = _seed(db, media, clip, teasers)
    env = {**os.environ, "REDIS_URL": redis.url, "DATABASE_URL": url,
           "MEDIA_ROOT": str(media_root), "PYTHONPATH": str(ROOT)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with local_fleet(workers, env, logs, cwd=ROOT, prefix=f"bench{workers}"):
        deadline = time.monotonic() + 120
        while len([w for w in Worker.all(connection=gateway.connection)
                   if w.get_state() == "idle"]) < workers:
            if time.monotonic() > deadline:
                raise SystemExit(f"{workers} workers did not come up; see {logs}")
            time.sleep(0.2)
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        gateway.enqueue_renders([(t, 1) for t in ids], queue="interactive")
        while True:
            ready, failed = _ready(db, ids)
            if ready + failed == teasers:
                break
            time.sleep(0.2)
        took = time.monotonic() - started
        load_after = os.getloadavg()[0]
    gateway.connection.close()
    db.dispose()
    if failed:
        raise SystemExit(f"{failed} renders failed with {workers} workers; see {logs}")
    return {"workers": workers, "teasers": teasers, "seconds": round(took, 1),
            "teasers_per_min": round(teasers / took * 60, 2),
            "load_before": round(load_before, 1), "load_after": round(load_after, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teasers", type=int, default=9, help="teasers per round (9)")
    parser.add_argument("--workers", default="1,2,3", help="worker counts to run (1,2,3)")
    parser.add_argument("--write-baseline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cuplik-throughput-") as tmp:
        work = Path(tmp)
        clip = make_clip(work / "live.mp4", seconds=60, size="720x1280", fps=30)
        url = _fresh_database()
        Database(url).upgrade()
        redis = EmbeddedRedis(work / "redis")
        redis.start()
        try:
            rounds = [_round(int(n), args.teasers, url, redis, work / "media", clip,
                             work / "logs") for n in args.workers.split(",")]
        finally:
            redis.stop()
            admin = create_engine(PG, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
            admin.dispose()
    result = {
        "what": f"{TARGET_S:.0f} s teasers (720x1280) from a 60 s 720x1280 recording with a "
                "metric timeline, all queued at once on interactive; first enqueue to last "
                "ready",
        "cores": os.cpu_count(), "machine": platform.machine(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rounds": rounds,
    }
    print(json.dumps(result, indent=2))
    for r in rounds:
        print(f"{r['workers']} worker(s): {r['teasers_per_min']:.1f} teasers/min "
              f"({r['teasers']} in {r['seconds']:.0f} s; load {r['load_before']}"
              f" -> {r['load_after']})")
    if args.write_baseline:
        BASELINE.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
