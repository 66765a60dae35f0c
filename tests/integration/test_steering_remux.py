"""A seller's edit that changes only the music (``PUT /v1/teasers/{id}/edit``) takes the
least work, as an ops regeneration does: a real ``cuplik worker`` mixes the new bed under
the kept voice and muxes it over the very picture packets the seller had; an edit of the
moments renders again. ``/metrics`` counts both by the work they took."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from cuplik.embedded_redis import EmbeddedRedis
from store.models import Footage, Seller, Teaser, TeaserStatus
from store.queues import JobGateway
from tests.footage import make_clip
from tests.integration.test_jobs_render import timeline
from tests.integration.test_jobs_support import add_footage, add_session, add_teaser
from tests.integration.test_regeneration import lufs, packets
from tests.integration.test_regenerations_service import Rows, _row
from worker.editlist import EditList
from worker.render import render
from worker.stem import stem_path

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _worker(env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        done = subprocess.run([sys.executable, "-m", "cuplik.cli", "worker", "--burst"],
                              env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out,
                              stderr=out, timeout=300)
    assert done.returncode == 0, log.read_text()[-3000:]


def _regenerations(client: Any) -> dict[str, float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    return {s.labels["work"]: s.value
            for family in text_string_to_metric_families(answer.get_data(as_text=True))
            for s in family.samples if s.name == "cuplik_regenerations_total"}


def test_a_sellers_music_edit_keeps_the_picture_packets_and_metrics_count_the_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from api import create_app
    from api.auth import create_key

    metrics = tmp_path / "metrics"
    metrics.mkdir()
    # The worker's counters land here; the app's /metrics adds them up (multiprocess).
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics))
    redis = EmbeddedRedis(tmp_path / "redis")
    redis.start()
    media_root = tmp_path / "media"
    database = f"sqlite:///{tmp_path / 'cuplik.db'}"
    app = create_app(config={"DATABASE_URL": database, "REDIS_URL": redis.url,
                             "MEDIA_ROOT": str(media_root), "TESTING": True})
    db, media = app.extensions["db"], app.extensions["media"]
    client = app.test_client()
    gateway = JobGateway(redis.url)
    env = {**os.environ, "REDIS_URL": redis.url, "DATABASE_URL": database,
           "MEDIA_ROOT": str(media_root), "VAR_DIR": str(tmp_path / "var"),
           "PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
    log = tmp_path / "worker.log"
    try:
        with db.session() as s:
            seller_key = {"Authorization": f"Bearer {create_key(s, 'toko-edit')}"}
            seller = s.scalar(select(Seller.id).where(Seller.name == "toko-edit"))
        clip = make_clip(tmp_path / "live.mp4", seconds=24, size="640x360", fps=30)
        rows = Rows(db, media)
        footage = add_footage(rows, seller, clip, status="ready")
        with db.session() as s:  # what its ingest found
            s.get(Footage, footage).probe = {"duration": 24.0, "width": 640, "height": 360,
                                             "has_audio": True}
        live = add_session(rows, seller, footage, timeline())
        teaser = add_teaser(rows, seller, session_id=live, target_seconds=8.0)
        with db.session() as s:  # a named bed, not "auto" (which could pick "chill")
            row = s.get(Teaser, teaser)
            row.params = {**row.params, "music": "warm"}
        gateway.enqueue_renders([(teaser, 1)], queue="interactive")
        _worker(env, log)
        first = _row(db, teaser)
        assert first.status is TeaserStatus.READY and first.report["work"] == "render"
        before = media.absolute(first.video_path)
        assert stem_path(before).is_file()  # the voice kept beside the teaser
        picture, sound = packets(before, "v"), packets(before, "a")
        assert _regenerations(client) == {}  # a first render is not a regeneration

        answer = client.put(f"/v1/teasers/{teaser}/edit", headers=seller_key,
                            json={"music": "chill"})
        assert answer.status_code == 202, answer.get_json()
        _worker(env, log)
        remuxed = _row(db, teaser)
        assert remuxed.status is TeaserStatus.READY, remuxed.error
        assert remuxed.report["work"] == "remux" and remuxed.revision == 2
        after = media.absolute(remuxed.video_path)
        # The seller's picture, packet for packet; the new bed heard, as a full render
        # of the edited teaser sounds.
        assert packets(after, "v") == picture
        assert packets(after, "a") != sound
        edit = EditList.load(media.absolute(media.edit_list_of(remuxed.video_path)))
        assert edit.music == "chill"
        full = render(edit, tmp_path / "full.mp4", tmp_path / "full.jpg")
        assert packets(after, "a") == packets(full.video, "a")
        assert lufs(after) == pytest.approx(lufs(full.video), abs=0.5)
        # The replaced version's files are gone, its voice stem with them.
        assert not before.exists() and not stem_path(before).exists()
        assert stem_path(after).is_file()
        assert _regenerations(client) == {"remux": 1.0}

        # Other moments (8 s, as an 8 s teaser's rules ask) change the picture: made
        # again in full, and counted so.
        answer = client.put(f"/v1/teasers/{teaser}/edit", headers=seller_key,
                            json={"segments": [{"start": 12.0, "end": 20.0}]})
        assert answer.status_code == 202, answer.get_json()
        _worker(env, log)
        recut = _row(db, teaser)
        assert recut.status is TeaserStatus.READY and recut.report["work"] == "render"
        assert packets(media.absolute(recut.video_path), "v") != picture
        assert _regenerations(client) == {"remux": 1.0, "render": 1.0}
    finally:
        gateway.connection.close()
        if app.extensions.get("jobs") is not None:
            app.extensions["jobs"].connection.close()
        db.dispose()
        redis.stop()
