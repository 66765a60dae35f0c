"""Real renders through the queue: a session's teaser becomes ready with its segments and
progress; a regeneration swaps files only once verified; a transient failure is retried
with back-off; a failed regeneration keeps the teaser the seller already has."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from rq.job import Job
from rq.serializers import JSONSerializer

from domain.lifecycle import TeaserStatus
from store import lifecycle
from store.models import Teaser, utcnow
from tests.footage import make_clip
from tests.integration import test_jobs_support as support
from tests.integration.test_jobs_support import (
    Stack,
    add_footage,
    add_seller,
    add_session,
    add_teaser,
)
from worker.probe import probe

redis_server, stack = support.redis_server, support.stack  # fixtures

# Renders are the costly part; the row handling is covered on both databases in
# test_jobs.py, so these run on SQLite only (2 shared cores).
pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("stack", ["sqlite"], indirect=True)]
TARGET = 8.0


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("footage") / "live.mp4", seconds=24,
                     size="640x360", fps=30)


def timeline() -> list[dict[str, Any]]:
    """Four-second buckets with a pinned product and an order spike at 12 s."""
    rows = []
    for t in range(0, 24, 4):
        peak = t == 12
        rows.append({"t": t, "viewers": 100, "views": 120, "room_impressions": 500,
                     "room_enters": 60, "product_impressions": 200 + (200 if peak else 0),
                     "product_clicks": 5 + (40 if peak else 0),
                     "gmv": 10000 + (500000 if peak else 0), "orders": 1 + (10 if peak else 0),
                     "comments": 3, "likes": 10, "shares": 0, "new_followers": 0,
                     "pinned_product": "SKU-1" if peak else ""})
    return rows


def _session_teaser(stack: Stack, recording: Path) -> str:
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, recording, status="ready")
    live = add_session(stack, seller, footage_id, timeline())
    return add_teaser(stack, seller, session_id=live, target_seconds=TARGET)


def _regenerate(stack: Stack, teaser_id: str, revision: int) -> None:
    """What the ops batch does to a row before queueing: a new revision, queued."""
    with stack.db.session() as session:
        row = session.get(Teaser, teaser_id)
        assert row is not None and row.revision == revision - 1
        lifecycle.new_revision(row, utcnow())


def test_a_session_teaser_is_rendered_and_marked_ready(stack: Stack, recording: Path) -> None:
    teaser_id = _session_teaser(stack, recording)
    job_id = stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()
    row = stack.teaser(teaser_id)
    assert row.status is TeaserStatus.READY, row.error
    assert (row.stage, row.progress, row.attempts, row.error) == ("done", 1.0, 1, None)
    assert row.video_path == f"teasers/{teaser_id}/r1.mp4"
    assert row.poster_path == f"teasers/{teaser_id}/r1.jpg"
    info = probe(stack.media.absolute(row.video_path))
    assert info.height > info.width and info.has_audio
    # Cuts snap to a quiet moment within 2 s: the teaser is about TARGET (35-45 s of 40).
    assert info.duration == pytest.approx(TARGET, rel=0.125)
    assert stack.media.absolute(row.poster_path).stat().st_size > 1000
    # The seller sees why each moment was chosen.
    segments = row.report["segments"]
    assert segments and all(s["reason"] for s in segments)
    assert any("SKU-1" in s["reason"] for s in segments)
    assert row.report["duration_s"] == pytest.approx(TARGET, rel=0.125)
    assert row.started_at <= row.finished_at
    meta = Job.fetch(job_id, connection=stack.gateway.connection,
                     serializer=JSONSerializer).get_meta()
    assert meta == {"stage": "done", "progress": 1.0}


def test_a_regeneration_swaps_in_the_new_render_and_removes_the_old(
        stack: Stack, recording: Path) -> None:
    teaser_id = _session_teaser(stack, recording)
    stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()
    old_video = stack.media.absolute(stack.teaser(teaser_id).video_path)
    _regenerate(stack, teaser_id, 2)
    assert stack.gateway.enqueue_renders([(teaser_id, 2)]) == 1
    stack.drain()
    row = stack.teaser(teaser_id)
    assert row.status is TeaserStatus.READY, row.error
    assert row.video_path == f"teasers/{teaser_id}/r2.mp4"
    assert row.report["revision"] == 2
    assert stack.media.absolute(row.video_path).is_file()
    assert not old_video.exists()


def test_a_failed_regeneration_keeps_the_verified_teaser(stack: Stack,
                                                         recording: Path) -> None:
    teaser_id = _session_teaser(stack, recording)
    stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()
    ready = stack.teaser(teaser_id)
    recording_row = stack.footage(ready.footage_id) if ready.footage_id else None
    assert recording_row is None  # a session teaser reaches its recording via the session
    # The recording disappears from storage before the regeneration runs.
    from store.models import LiveSession

    with stack.db.session() as session:
        live = session.get(LiveSession, ready.session_id)
        footage_path = stack.footage(live.footage_id).path
    stack.media.absolute(footage_path).unlink()
    _regenerate(stack, teaser_id, 2)
    stack.gateway.enqueue_renders([(teaser_id, 2)])
    stack.drain()
    row = stack.teaser(teaser_id)
    assert row.status is TeaserStatus.FAILED
    assert "missing from storage" in row.error
    # The teaser the seller already had is still there and still served.
    assert row.video_path == f"teasers/{teaser_id}/r1.mp4"
    assert stack.media.absolute(row.video_path).is_file()


def test_a_transient_failure_is_retried_after_a_back_off(stack: Stack,
                                                         recording: Path) -> None:
    teaser_id = _session_teaser(stack, recording)
    # Something in the way of the output directory: the render cannot write its file.
    blocker = stack.media.absolute(f"teasers/{teaser_id}")
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_bytes(b"")
    job_id = stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()
    row = stack.teaser(teaser_id)
    assert (row.status, row.stage, row.attempts) == (TeaserStatus.QUEUED, "waiting to retry", 1)
    assert row.error
    assert stack.gateway.statuses([job_id])[job_id] == "scheduled"
    blocker.unlink()  # the disk problem goes away
    time.sleep(5.2)  # the first back-off interval
    stack.drain()
    row = stack.teaser(teaser_id)
    assert row.status is TeaserStatus.READY, row.error
    assert row.attempts == 2 and row.error is None


def test_a_session_teaser_uses_the_analysis_saved_at_upload(stack: Stack,
                                                             recording: Path) -> None:
    """The saved analysis (not a fresh look) decides: here it says the seconds around
    the only product moment are too dark. The teaser still opens on that product (no
    other has better picture), says so, and shows nothing else from the dark stretch,
    though the file itself is fine."""
    from dataclasses import replace

    import numpy as np

    from store.models import Footage, LiveSession
    from worker.analysis import analyse, analysis_path_for

    teaser_id = _session_teaser(stack, recording)
    with stack.db.session() as session:
        live = session.get(LiveSession, stack.teaser(teaser_id).session_id)
        footage = session.get(Footage, live.footage_id if live else None)
        assert footage is not None
        path = stack.media.absolute(footage.path)
        saved = analysis_path_for(path)
        footage.analysis_path = str(saved.relative_to(stack.media.root))
    seen = analyse(path)
    dark = np.array(seen.brightness)
    dark[10:17] = 0.02  # "the camera was covered" around the 12 s peak
    replace(seen, brightness=dark, dark=np.where(dark < 0.1, 0.95, seen.dark)).save(saved)
    stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()
    row = stack.teaser(teaser_id)
    assert row.status is TeaserStatus.READY, row.error
    opening, *rest = row.report["segments"]
    assert "SKU-1" in opening["reason"]
    # Worded in the seller's language (Indonesian by default), like the sticker.
    assert row.report["lang"] == "id"
    assert any("buruk, tetapi tidak ada momen produk yang lebih baik" in note
               for note in row.report["notes"]), row.report["notes"]
    for seg in rest:
        assert min(seg["end"], 17) - max(seg["start"], 10) <= 0.5, seg
