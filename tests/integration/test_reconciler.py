"""Nothing accepted is lost: after Redis loses its data, after a worker is killed
mid-job, or when a job is stuck, the reconciler re-queues the work (bounded) or fails
it with a reason, and every row reaches a final state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rq import Worker
from rq.serializers import JSONSerializer
from rq.utils import utcformat

from store.models import Footage, RegenerationBatch, RegenerationItem, Teaser, utcnow
from store.queues import QUEUES
from tests.footage import make_clip
from tests.integration import test_jobs_support as support
from tests.integration.test_jobs_support import (
    Stack,
    add_footage,
    add_seller,
    add_session,
    add_teaser,
    backdate,
)
from worker.reconciler import Reconciler

redis_server, stack = support.redis_server, support.stack  # fixtures

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
OLD = timedelta(minutes=5)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("footage") / "clip.mp4", seconds=4,
                     size="320x180", fps=15)


def _crash_redis_losing_its_data(stack: Stack) -> None:
    """SIGKILL redis and bring it back on the same port with its files gone: the worst
    case (no persistence, or a fresh machine); every queued job is lost."""
    stack.redis.kill()
    for name in ("cuplik.aof", "cuplik.rdb"):
        (stack.redis.data_dir / name).unlink(missing_ok=True)
    stack.redis.start()


def test_work_lost_with_redis_is_requeued_and_finishes(stack: Stack, clip: Path) -> None:
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, clip)
    no_recording = add_teaser(stack, seller, session_id=add_session(stack, seller, None))
    stack.gateway.enqueue_ingest(footage_id)
    stack.gateway.enqueue_render(no_recording, 1)
    assert stack.gateway.queue_counts()["interactive"] == 2

    _crash_redis_losing_its_data(stack)
    assert stack.gateway.queue_counts() == {"interactive": 0, "batch": 0}
    stack.drain()  # nothing to do: the jobs are gone
    assert stack.footage(footage_id).status.value == "uploaded"

    backdate(stack, Footage, footage_id, OLD)
    backdate(stack, Teaser, no_recording, OLD)
    report = Reconciler(stack.db, stack.gateway).run_once()
    assert report.requeued_footage == [footage_id]
    assert report.requeued_teasers == [no_recording]
    stack.drain()
    assert stack.footage(footage_id).status.value == "ready"
    teaser = stack.teaser(no_recording)
    assert teaser.status.value == "failed" and "has no recording" in teaser.error


def test_queued_jobs_survive_a_redis_crash_through_the_append_only_file(
        stack: Stack, clip: Path) -> None:
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, clip)
    stack.gateway.enqueue_ingest(footage_id)
    time.sleep(1.5)  # appendfsync everysec: what was accepted a second ago is on disk
    stack.redis.kill()
    stack.redis.start()
    assert stack.gateway.queue_counts()["interactive"] == 1
    stack.drain()
    assert stack.footage(footage_id).status.value == "ready"


def test_live_and_fresh_work_is_left_alone(stack: Stack) -> None:
    seller = add_seller(stack)
    queued = add_teaser(stack, seller, session_id=add_session(stack, seller, None))
    stack.gateway.enqueue_render(queued, 1)
    backdate(stack, Teaser, queued, OLD)
    just_accepted = add_teaser(stack, seller, session_id=add_session(stack, seller, None))
    report = Reconciler(stack.db, stack.gateway).run_once()
    assert report.changed == 0
    # The fresh row has no job yet (the API enqueues right after writing it): not touched.
    assert stack.teaser(just_accepted).status.value == "queued"
    assert stack.gateway.queue_counts()["interactive"] == 1


def test_a_teaser_interrupted_too_often_fails_with_a_reason(stack: Stack) -> None:
    seller = add_seller(stack)
    teaser_id = add_teaser(stack, seller, session_id=add_session(stack, seller, None),
                           status="running", attempts=4, age=OLD)
    report = Reconciler(stack.db, stack.gateway, max_attempts=4).run_once()
    assert report.failed_teasers == [teaser_id]
    row = stack.teaser(teaser_id)
    assert row.status.value == "failed"
    assert "interrupted 4 times" in row.error and "ask for the teaser again" in row.error
    assert row.error_id.startswith("Pembuatan teaser terputus 4 kali; minta teasernya lagi")
    assert stack.gateway.queue_counts()["interactive"] == 0


def test_an_upload_interrupted_too_often_is_rejected_with_a_reason(stack: Stack,
                                                                   clip: Path) -> None:
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, clip)
    with stack.db.session() as s:
        row = s.get(Footage, footage_id)
        assert row is not None
        row.attempts = 4
    backdate(stack, Footage, footage_id, OLD)
    report = Reconciler(stack.db, stack.gateway, max_attempts=4).run_once()
    assert report.rejected_footage == [footage_id] and report.requeued_footage == []
    row = stack.footage(footage_id)
    assert row.status.value == "rejected"
    assert "interrupted 4 times" in row.reason
    assert stack.gateway.queue_counts()["interactive"] == 0


def test_a_regeneration_is_requeued_on_the_batch_queue_and_a_sellers_edit_is_not(
        stack: Stack) -> None:
    seller = add_seller(stack)
    session_id = add_session(stack, seller, None)
    regenerated = add_teaser(stack, seller, session_id=session_id, revision=3, age=OLD)
    edited = add_teaser(stack, seller, session_id=session_id, revision=2, age=OLD)
    with stack.db.session() as s:
        batch = RegenerationBatch(selection={}, selection_key="k", template_version="t",
                                  created_by=seller, created_at=utcnow())
        s.add(batch)
        s.flush()
        s.add(RegenerationItem(batch_id=batch.id, teaser_id=regenerated, revision=3))
    report = Reconciler(stack.db, stack.gateway).run_once()
    assert sorted(report.requeued_teasers) == sorted([regenerated, edited])
    # before: every revision after the first went to the batch queue, so a seller's edit
    # (PUT /teasers/{id}/edit, a relink, a poster) waited behind a whole ops batch
    assert stack.gateway.queue_counts() == {"interactive": 1, "batch": 1}


def _worker_env(stack: Stack) -> dict[str, str]:
    url = stack.db.url
    if stack.db.schema:
        pytest.skip("a worker subprocess reads DATABASE_URL only (no schema): SQLite here")
    return {**os.environ, "REDIS_URL": stack.redis.url, "DATABASE_URL": url,
            "MEDIA_ROOT": str(stack.media.root), "VAR_DIR": str(stack.root / "var"),
            "PYTHONPATH": str(ROOT)}


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_an_upload_whose_worker_was_killed_mid_job_is_finished_by_another(
        stack: Stack, tmp_path: Path) -> None:
    env = _worker_env(stack)
    # Long enough that the ingest is still running when we kill the worker.
    long_clip = make_clip(tmp_path / "long.mp4", seconds=40, size="320x180", fps=15)
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, long_clip)
    job_id = stack.gateway.enqueue_ingest(footage_id)
    worker = subprocess.Popen([sys.executable, "-m", "cuplik.cli", "worker"], env=env,
                              cwd=ROOT, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: stack.gateway.statuses([job_id])[job_id] == "started", 30,
                  "the worker to start the ingest")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its work horse, like a crash
        worker.wait(timeout=10)
    assert stack.gateway.statuses([job_id])[job_id] == "started"  # stranded
    assert stack.footage(footage_id).status.value == "uploaded"

    # An hour later the stranded job is past any timeout: the reconciler takes it back.
    later = utcnow() + timedelta(hours=1)
    report = Reconciler(stack.db, stack.gateway, now=lambda: later).run_once()
    assert report.requeued_footage == [footage_id]
    stack.drain()
    row = stack.footage(footage_id)
    assert row.status.value == "ready", row.reason
    assert row.probe["duration"] == pytest.approx(40, abs=0.5)


def test_cuplik_reconcile_command_reports_what_it_did(stack: Stack) -> None:
    env = _worker_env(stack)
    seller = add_seller(stack)
    teaser_id = add_teaser(stack, seller, session_id=add_session(stack, seller, None), age=OLD)
    out = subprocess.run([sys.executable, "-m", "cuplik.cli", "reconcile"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "re-queued 1 teasers" in out.stdout
    assert stack.gateway.statuses([f"render-{teaser_id}-r1"])[f"render-{teaser_id}-r1"] \
        == "queued"


def _take_and_die(stack: Stack, name: str, *, with_execution: bool) -> str:
    """What a worker killed between taking a job from its queue and its work horse
    starting it leaves behind (seen once in the fleet test): the job off every queue,
    its status still ``queued``, and (after the worker's first step) an execution of
    the dead worker's. Returns the job id."""
    worker = Worker([stack.gateway.queue(q) for q in QUEUES],
                    connection=stack.gateway.connection, serializer=JSONSerializer, name=name)
    worker.register_birth()
    taken = worker.dequeue_job_and_maintain_ttl(timeout=1)
    assert taken is not None
    job, _ = taken
    if with_execution:
        worker.prepare_execution(job)
    # Its heartbeat stops: the last one was a minute ago.
    beat = datetime.now(UTC) - timedelta(minutes=1)
    stack.gateway.connection.hset(worker.key, "last_heartbeat", utcformat(beat))
    assert stack.gateway.statuses([job.id])[job.id] == "queued"
    assert stack.gateway.queue_counts() == {"interactive": 0, "batch": 0}
    return str(job.id)


@pytest.mark.parametrize("with_execution", [True, False], ids=["after-its-first-step",
                                                               "right-after-taking-it"])
def test_a_job_whose_worker_died_before_starting_it_is_requeued_and_finishes(
        stack: Stack, with_execution: bool) -> None:
    seller = add_seller(stack)
    teaser_id = add_teaser(stack, seller, session_id=add_session(stack, seller, None), age=OLD)
    stack.gateway.enqueue_render(teaser_id, 1)
    _take_and_die(stack, "lost-before-start", with_execution=with_execution)

    first = Reconciler(stack.db, stack.gateway).run_once()
    if not with_execution:
        # Nothing says who took it: it may be starting this very moment. Once it has been
        # off the queue, not started, for three heartbeats, it is lost.
        assert first.changed == 0
        later = utcnow() + timedelta(seconds=20)
        first = Reconciler(stack.db, stack.gateway, now=lambda: later).run_once()
    assert first.requeued_teasers == [teaser_id]
    assert stack.gateway.queue_counts()["interactive"] == 1
    stack.drain()
    teaser = stack.teaser(teaser_id)
    assert teaser.status.value == "failed" and "has no recording" in teaser.error


def test_an_upload_whose_worker_died_before_starting_its_ingest_is_finished(
        stack: Stack, clip: Path) -> None:
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, clip)
    backdate(stack, Footage, footage_id, OLD)
    stack.gateway.enqueue_ingest(footage_id)
    _take_and_die(stack, "lost-before-ingest", with_execution=True)
    report = Reconciler(stack.db, stack.gateway).run_once()
    assert report.requeued_footage == [footage_id]
    stack.drain()
    assert stack.footage(footage_id).status.value == "ready"
