"""What an operator sees when a regeneration changes the music: the API takes the batch
with its ``changes``, a real ``cuplik worker`` regenerates each teaser with the least work
(the picture kept packet for packet, the sound mixed again with the new bed), the batch
counts say ``remux`` (and ``render`` for a teaser drawn with an older template or
rendered before edit lists were kept), each teaser plays its new sound, and
``regeneration.finished`` reaches the webhook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cuplik.embedded_redis import EmbeddedRedis
from domain.teasers import TEMPLATE_VERSION
from store.models import Footage, Seller, Teaser, TeaserStatus, WebhookEndpoint
from store.queues import JobGateway
from tests.footage import make_clip
from tests.integration.test_jobs_render import timeline
from tests.integration.test_jobs_support import add_footage, add_session, add_teaser
from tests.integration.test_regeneration import lufs, packets
from worker.editlist import EditList
from worker.render import render

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
TARGET = 8.0


class Rows:
    """What the add_* helpers need (``db``, ``media``)."""

    def __init__(self, db: Any, media: Any) -> None:
        self.db, self.media = db, media


@pytest.fixture
def hook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A webhook receiver on the loopback: its URL and the events it was sent."""
    got: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", got
    server.shutdown()
    server.server_close()
    thread.join()


def _worker(env: dict[str, str], log: Path) -> None:
    """Run one real ``cuplik worker`` until the queues are empty."""
    with log.open("ab") as out:
        done = subprocess.run([sys.executable, "-m", "cuplik.cli", "worker", "--burst",
                               "--name", f"regen-{os.getpid()}"], env=env, cwd=ROOT,
                              stdin=subprocess.DEVNULL, stdout=out, stderr=out, timeout=300)
    assert done.returncode == 0, log.read_text()[-3000:]


def test_a_music_change_remuxes_under_the_same_picture_and_the_batch_says_so(
        tmp_path: Path, hook: tuple[str, list[dict[str, Any]]]) -> None:
    from api import create_app
    from api.auth import create_key

    url, events = hook
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
           "PYTHONPATH": str(ROOT)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    try:
        with db.session() as s:
            ops = {"Authorization": f"Bearer {create_key(s, 'ops-team', ops=True)}"}
            create_key(s, "toko-regen")
            seller = s.scalar(select(Seller.id).where(Seller.name == "toko-regen"))
            ops_id = s.scalar(select(Seller.id).where(Seller.name == "ops-team"))
            s.add(WebhookEndpoint(seller_id=ops_id, url=url, secret="s" * 32,
                                  events=["regeneration.finished"]))
        clip = make_clip(tmp_path / "live.mp4", seconds=24, size="640x360", fps=30)
        rows = Rows(db, media)
        footage = add_footage(rows, seller, clip, status="ready")
        with db.session() as s:  # what its ingest found
            s.get(Footage, footage).probe = {"duration": 24.0, "width": 640, "height": 360,
                                             "has_audio": True}
        live = add_session(rows, seller, footage, timeline())
        ids = [add_teaser(rows, seller, session_id=live, target_seconds=TARGET)
               for _ in range(3)]
        with db.session() as s:  # made with another bed than the change's (not "auto",
            for t in ids:        # which could pick the same one: then nothing changes)
                row = s.get(Teaser, t)
                assert row is not None
                row.params = {**row.params, "music": "warm"}
        gateway.enqueue_renders([(t, 1) for t in ids], queue="interactive")
        _worker(env, tmp_path / "worker.log")
        first = {t: _row(db, t) for t in ids}
        assert all(r.status is TeaserStatus.READY for r in first.values())
        picture = {t: packets(media.absolute(r.video_path), "v") for t, r in first.items()}
        sound = {t: packets(media.absolute(r.video_path), "a") for t, r in first.items()}
        # The second teaser was drawn with an older template: a full render brings it on.
        older = media.absolute(media.edit_list_of(first[ids[1]].video_path))
        older.write_text(json.dumps({**json.loads(older.read_text()),
                                     "template_version": "2025.1"}))
        # The third was rendered before edit lists were kept: it is made again in full.
        media.absolute(media.edit_list_of(first[ids[2]].video_path)).unlink()

        body = {"teaser_ids": ids, "changes": {"music": "chill"}}
        answer = client.post("/v1/ops/regenerations", headers=ops, json=body)
        assert answer.status_code == 202, answer.get_json()
        batch_url = answer.headers["Location"]
        started = time.monotonic()
        _worker(env, tmp_path / "worker.log")
        took = time.monotonic() - started

        batch = client.get(batch_url, headers=ops).get_json()
        assert batch["counts"]["done"] == 3, batch
        assert batch["work"] == {"remux": 1, "render": 2}
        assert batch["changes"] == {"music": "chill"}
        items = client.get(f"{batch_url}/items", headers=ops).get_json()["items"]
        assert {i["teaser_id"]: i["work"] for i in items} == {
            ids[0]: "remux", ids[1]: "render", ids[2]: "render"}
        remuxed, rendered = _row(db, ids[0]), _row(db, ids[1])
        assert remuxed.video_path == f"teasers/{ids[0]}/r2.mp4"
        assert remuxed.params["music"] == "chill" and remuxed.report["work"] == "remux"
        new_video = media.absolute(remuxed.video_path)
        # The picture is the one the seller had, packet for packet; the old files are gone.
        assert packets(new_video, "v") == picture[ids[0]]
        assert not media.absolute(first[ids[0]].video_path).exists()
        # ... and the sound is the new bed's: what a full render with it gives.
        edit = EditList.load(media.absolute(media.edit_list_of(remuxed.video_path)))
        assert edit.music == "chill"
        full = render(edit, tmp_path / "full.mp4", tmp_path / "full.jpg")
        assert lufs(new_video) == pytest.approx(lufs(full.video), abs=0.5)
        assert packets(new_video, "a") == packets(full.video, "a")
        assert packets(new_video, "a") != sound[ids[0]]
        # The older template's teaser was drawn again, with the new bed too.
        assert rendered.report["work"] == "render" and rendered.params["music"] == "chill"
        redrawn = EditList.load(media.absolute(media.edit_list_of(rendered.video_path)))
        assert (redrawn.template_version, redrawn.music) == (TEMPLATE_VERSION, "chill")
        remade = _row(db, ids[2])
        assert remade.report["work"] == "render" and remade.params["music"] == "chill"
        assert EditList.load(media.absolute(media.edit_list_of(remade.video_path))).music \
            == "chill"
        finished = [e for e in events if e["event"] == "regeneration.finished"]
        assert [e["data"]["batch_id"] for e in finished] == [batch["id"]]
        # The same selection and changes again: the same batch, nothing queued.
        again = client.post("/v1/ops/regenerations", headers=ops, json=body)
        assert again.status_code == 200 and again.get_json()["newly_queued"] == 0
        print(f"regeneration of 3 teasers by one worker: {took:.1f} s")
    finally:
        gateway.connection.close()
        if app.extensions.get("jobs") is not None:
            app.extensions["jobs"].connection.close()
        db.dispose()
        redis.stop()


def _row(db: Any, teaser_id: str) -> Any:
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        s.expunge(row)
        return row
