"""Issue 17 part 2: the service on PostgreSQL and one Redis with three ``cuplik worker``
processes (separate process groups, as separate machines) sharing the media store. A
regeneration batch of 30 teasers and 30 seller requests that arrive while it runs: all 60
end ready, the sellers are not starved by the batch (the first seller teaser is ready
before the batch is half done), and killing one worker mid-batch (SIGKILL to its process
group: a machine lost) loses nothing."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from cuplik.embedded_redis import EmbeddedRedis
from cuplik.local_fleet import local_fleet
from domain.lifecycle import TeaserStatus
from store.db import Database
from store.media import MediaStore
from store.models import Footage, Teaser
from tests.footage import make_clip
from tests.integration.test_jobs_render import timeline
from tests.integration.test_jobs_support import add_footage, add_session, add_teaser
from tests.postgres import postgres_url

pytestmark = [pytest.mark.integration, pytest.mark.fleet]
ROOT = Path(__file__).resolve().parents[2]
FLEET_DB = "cuplik_ops_fleet"
BATCH, SELLER = 30, 30
TARGET = 5.0  # short teasers (the shortest a seller may ask): the fleet is the point
LIVENESS_S = 480


class Rows:
    """What the add_* helpers need (``db``, ``media``): the service's own."""

    def __init__(self, db: Database, media: MediaStore) -> None:
        self.db, self.media = db, media


@pytest.fixture
def fleet_db() -> Iterator[str]:
    """A database of our own on the shared PostgreSQL (the workers take DATABASE_URL
    only, so a schema would not do), dropped afterwards."""
    url = postgres_url()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{FLEET_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{FLEET_DB}"'))
    yield url.rsplit("/", 1)[0] + "/" + FLEET_DB
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{FLEET_DB}" WITH (FORCE)'))
    admin.dispose()


def _states(db: Any, ids: list[str]) -> dict[str, tuple[TeaserStatus, int, str | None]]:
    with db.session() as s:
        rows = s.execute(select(Teaser.id, Teaser.status, Teaser.revision, Teaser.video_path)
                         .where(Teaser.id.in_(ids))).all()
    return {r.id: (r.status, r.revision, r.video_path) for r in rows}


def test_three_workers_on_postgresql_finish_everything_sellers_first_and_lose_nothing(
        fleet_db: str, tmp_path: Path) -> None:
    from api import create_app
    from api.auth import create_key
    from store.models import Seller

    redis = EmbeddedRedis(tmp_path / "redis")
    redis.start()
    media_root = tmp_path / "media"
    app = create_app(config={"DATABASE_URL": fleet_db, "REDIS_URL": redis.url,
                             "MEDIA_ROOT": str(media_root), "TESTING": True})
    db = app.extensions["db"]
    rows = Rows(db, app.extensions["media"])
    client = app.test_client()
    try:
        with db.session() as s:
            seller_key = {"Authorization": f"Bearer {create_key(s, 'toko-fleet')}"}
            ops_key = {"Authorization": f"Bearer {create_key(s, 'ops-team', ops=True)}"}
            seller = s.scalar(select(Seller.id).where(Seller.name == "toko-fleet"))
        clip = make_clip(tmp_path / "live.mp4", seconds=24, size="640x360", fps=30)
        footage = add_footage(rows, seller, clip, status="ready")
        with db.session() as s:  # what its ingest found
            s.get(Footage, footage).probe = {"duration": 24.0, "width": 640, "height": 360,
                                             "has_audio": True}
        live = add_session(rows, seller, footage, timeline())
        # Teasers made before (their render is not this test's): the batch renders them anew.
        old = [add_teaser(rows, seller, session_id=live, target_seconds=TARGET,
                          status="ready") for _ in range(BATCH)]
        env = {**os.environ, "REDIS_URL": redis.url, "DATABASE_URL": fleet_db,
               "MEDIA_ROOT": str(media_root), "VAR_DIR": str(tmp_path / "var"),
               "PYTHONPATH": str(ROOT)}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        with local_fleet(3, env, tmp_path / "logs", cwd=ROOT,
                         args=["--reconcile-every", "5"]) as fleet:
            answer = client.post("/v1/ops/regenerations", json={"teaser_ids": old},
                                 headers=ops_key)
            assert answer.status_code == 202, answer.get_json()
            assert answer.get_json()["newly_queued"] == BATCH
            batch_url = answer.headers["Location"]
            _wait(lambda: _done(db, old) >= 3, 120, "the batch to be under way")

            asked = []
            for _ in range(SELLER):
                answer = client.post("/v1/teasers", headers=seller_key, json={
                    "session_id": live, "target_seconds": TARGET})
                assert answer.status_code == 202, answer.get_json()
                asked.append(answer.get_json()["id"])
            batch_done_at_first_seller = None
            killed = False
            # A bound on liveness, not a speed goal (bench/throughput.py measures that):
            # the killed worker's job waits for the reconciler, on a loaded machine too.
            deadline = time.monotonic() + LIVENESS_S
            while True:
                done_old, done_new = _done(db, old), _done(db, asked)
                if batch_done_at_first_seller is None and done_new:
                    batch_done_at_first_seller = done_old
                if not killed and done_new >= 5:
                    fleet.kill(0)  # mid-batch, mid-render most likely: a machine lost
                    killed = True
                if done_old == BATCH and done_new == SELLER:
                    break
                assert time.monotonic() < deadline, (
                    f"after {LIVENESS_S} s: batch {done_old}/{BATCH}, sellers {done_new}/{SELLER}"
                    f"; unfinished: {_unfinished(db, app.extensions['jobs'], old + asked)}")
                time.sleep(0.5)

        assert killed
        assert batch_done_at_first_seller is not None
        assert batch_done_at_first_seller < BATCH / 2, (
            f"the first seller teaser waited for {batch_done_at_first_seller} batch renders")
        states = _states(db, old + asked)
        for teaser_id in old:
            status, revision, video = states[teaser_id]
            assert (status, revision) == (TeaserStatus.READY, 2)
            assert video == f"teasers/{teaser_id}/r2.mp4" and (media_root / video).is_file()
        for teaser_id in asked:
            status, revision, video = states[teaser_id]
            assert (status, revision) == (TeaserStatus.READY, 1)
            assert video is not None and (media_root / video).is_file()
        counts = client.get(batch_url, headers=ops_key).get_json()["counts"]
        assert counts == {"queued": 0, "running": 0, "done": BATCH, "failed": 0,
                          "superseded": 0}
    finally:
        gateway = app.extensions.get("jobs")
        if gateway is not None:
            gateway.connection.close()
        db.dispose()
        redis.stop()


def _unfinished(db: Any, gateway: Any, ids: list[str]) -> list[str]:
    """Each unfinished teaser's row and what Redis holds of its job (what a stranded
    one was waiting for)."""
    found = []
    for teaser_id, (status, revision, video) in _states(db, ids).items():
        if status is TeaserStatus.READY and video is not None:
            continue
        job = f"render-{teaser_id}-r{revision}"
        fields = {k.decode(): v.decode()[:40] for k, v in
                  gateway.connection.hgetall(f"rq:job:{job}").items()
                  if k.decode() in ("status", "origin", "worker_name", "started_at")}
        found.append(f"{teaser_id} {status.value} r{revision} job={fields or 'none'}")
    return found


def _done(db: Any, ids: list[str]) -> int:
    return sum(1 for status, revision, video in _states(db, ids).values()
               if status is TeaserStatus.READY and video is not None)


def _wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.25)
