"""Queue mechanics against a real redis-server and real workers: deterministic ids,
idempotent enqueues, fail-fast on bad input, retries, progress on the job and the row."""

from __future__ import annotations

from pathlib import Path

import pytest
from rq.job import Job
from rq.serializers import JSONSerializer

from store.queues import RENDER_POLICY, render_job_id
from tests.footage import make_clip
from tests.integration import test_jobs_support as support
from tests.integration.test_jobs_support import (
    Stack,
    add_footage,
    add_seller,
    add_session,
    add_teaser,
)

redis_server, stack = support.redis_server, support.stack  # fixtures

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("footage") / "clip.mp4", seconds=4,
                     size="320x180", fps=15)


def _job(stack: Stack, job_id: str) -> Job:
    return Job.fetch(job_id, connection=stack.gateway.connection, serializer=JSONSerializer)


def test_enqueue_render_sets_lifetimes_and_is_idempotent(stack: Stack) -> None:
    first = stack.gateway.enqueue_render("a" * 32, 3)
    again = stack.gateway.enqueue_render("a" * 32, 3)
    assert first == again == f"render-{'a' * 32}-r3"
    assert stack.gateway.queue_counts() == {"interactive": 1, "batch": 0}
    job = _job(stack, first)
    assert job.func_name == "worker.jobs.render_teaser"
    assert job.args == ["a" * 32, 3]
    assert job.timeout == RENDER_POLICY.timeout
    assert job.result_ttl == RENDER_POLICY.result_ttl
    assert job.failure_ttl == RENDER_POLICY.failure_ttl
    assert job.ttl == RENDER_POLICY.ttl
    assert job.retries_left == RENDER_POLICY.retries


def test_bulk_enqueue_queues_each_revision_once(stack: Stack) -> None:
    # How fast (goal <= 2 s) is bench/service.py's to measure, not a timed test's.
    items = [(f"{i:032x}", 2) for i in range(1000)]
    assert stack.gateway.enqueue_renders(items) == 1000
    assert stack.gateway.enqueue_renders(items) == 0
    assert stack.gateway.queue_counts()["batch"] == 1000


def test_ingest_marks_a_good_upload_ready_with_its_probe(stack: Stack, clip: Path) -> None:
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, clip)
    assert stack.gateway.enqueue_ingest(footage_id) == f"ingest-{footage_id}"
    stack.drain()
    row = stack.footage(footage_id)
    assert row.status.value == "ready", row.reason
    assert row.probe["width"] == 320 and row.probe["height"] == 180
    assert row.probe["duration"] == pytest.approx(4.0, abs=0.2)
    assert row.job_id == f"ingest-{footage_id}" and row.attempts == 1
    # The picture/sound analysis is saved beside the upload for the render to reuse.
    assert row.analysis_path == row.path + ".analysis.npz"
    assert stack.media.absolute(row.analysis_path).stat().st_size > 0
    # ... and its recording quality kept for the hub's highlight checks.
    quality = row.recording_quality
    assert quality is not None and 0.0 <= quality["sharpness"] <= 1.0
    assert quality["silence_share"] < 1.0  # the clip has sound
    assert _job(stack, row.job_id).get_status() == "finished"


def test_ingest_rejects_a_broken_upload_once_with_the_reason(stack: Stack,
                                                             tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video at all" * 100)
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, junk)
    job_id = stack.gateway.enqueue_ingest(footage_id)
    stack.drain()
    row = stack.footage(footage_id)
    assert row.status.value == "rejected"
    assert "not a video file" in row.reason and "upload" in row.reason
    job = _job(stack, job_id)
    # Failed for good, not parked for a retry: a broken file stays broken.
    assert job.get_status() == "failed"
    assert stack.gateway.connection.zcard("rq:scheduled:interactive") == 0


def test_render_of_a_session_without_recording_fails_fast(stack: Stack) -> None:
    seller = add_seller(stack)
    live = add_session(stack, seller, None)
    teaser_id = add_teaser(stack, seller, session_id=live)
    job_id = stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()
    row = stack.teaser(teaser_id)
    assert row.status.value == "failed"
    assert "has no recording" in row.error and "upload" in row.error
    assert row.attempts == 1 and row.video_path is None
    assert _job(stack, job_id).get_status() == "failed"


def test_render_of_a_corrupt_recording_fails_fast_with_the_probe_message(
        stack: Stack, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 4096)
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, junk, status="ready")
    teaser_id = add_teaser(stack, seller, footage_id=footage_id)
    stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()
    row = stack.teaser(teaser_id)
    assert row.status.value == "failed"
    assert "not a video file ffmpeg can read" in row.error
    assert row.attempts == 1  # one run: no retries for a bad input


def test_a_superseded_revision_does_not_touch_the_teaser(stack: Stack, clip: Path) -> None:
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, clip, status="ready")
    teaser_id = add_teaser(stack, seller, footage_id=footage_id, revision=2)
    job_id = stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()
    row = stack.teaser(teaser_id)
    assert (row.status.value, row.attempts, row.video_path) == ("queued", 0, None)
    assert _job(stack, job_id).get_status() == "finished"


def test_re_enqueue_of_a_failed_job_id_runs_it_again(stack: Stack) -> None:
    seller = add_seller(stack)
    live = add_session(stack, seller, None)
    teaser_id = add_teaser(stack, seller, session_id=live)
    job_id = stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()
    assert _job(stack, job_id).get_status() == "failed"
    assert stack.gateway.enqueue_render(teaser_id, 1) == job_id
    assert _job(stack, job_id).get_status() == "queued"
    assert job_id not in stack.gateway.queue("interactive").failed_job_registry.get_job_ids()
    stack.drain()
    assert stack.teaser(teaser_id).attempts == 2


def test_render_job_id_is_a_safe_rq_id() -> None:
    assert render_job_id("0123456789abcdef0123456789abcdef", 12) == \
        "render-0123456789abcdef0123456789abcdef-r12"


class _Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_progress_is_throttled_monotonic_and_always_written_at_stage_changes() -> None:
    from worker.progress import Progress

    rows: list[tuple[str, float]] = []
    clock = _Clock()
    progress = Progress(lambda stage, f: rows.append((stage, f)), None, min_interval=0.5,
                        clock=clock)
    progress("probe", 0.02)
    for i in range(100):  # ffmpeg reports many times a second
        clock.t += 0.01
        progress("render", 0.2 + i * 0.005)
    clock.t += 0.6
    progress("render", 0.9)
    progress("render", 0.5)  # a late, smaller report never moves it back
    progress("done", 1.0)
    assert rows[0] == ("probe", 0.02)
    assert rows[1][0] == "render"  # the stage change is written at once
    assert len(rows) <= 6, rows
    assert [f for _, f in rows] == sorted(f for _, f in rows)
    assert rows[-1] == ("done", 1.0)
