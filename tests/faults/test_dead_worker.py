"""Point 5 of issue 13: a killed worker's teaser is re-queued within 30 s. The reconciler
tells a dead worker by its heartbeat, not by RQ's worker key (which outlived the worker
by about two minutes, hiding its job)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.footage import make_clip
from tests.integration import test_jobs_support as support
from tests.integration.test_jobs_support import Stack, add_footage, add_seller, add_teaser
from tests.integration.test_reconciler import ROOT, _wait_for, _worker_env
from worker.reconciler import Reconciler

redis_server, stack = support.redis_server, support.stack  # fixtures

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("stack", ["sqlite"], indirect=True)
def test_a_killed_workers_teaser_is_requeued_within_30_seconds(stack: Stack,
                                                               tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "live.mp4", seconds=30, size="320x180", fps=15)
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, clip, status="ready")
    teaser_id = add_teaser(stack, seller, footage_id=footage_id, target_seconds=10)
    job_id = stack.gateway.enqueue_render(teaser_id, 1)
    worker = subprocess.Popen([sys.executable, "-m", "cuplik.cli", "worker"],
                              env=_worker_env(stack), cwd=ROOT, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: stack.teaser(teaser_id).stage not in (None, "starting"), 60,
                  "the worker to be rendering")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its horse: a machine lost
        worker.wait(timeout=10)
    killed = time.monotonic()
    assert stack.teaser(teaser_id).status.value == "running"
    reconciler = Reconciler(stack.db, stack.gateway)  # real clock, default limits
    requeued: list[str] = []
    while not requeued and time.monotonic() - killed < 30:
        requeued = reconciler.run_once().requeued_teasers
        time.sleep(1)
    assert requeued == [teaser_id], "still hidden 30 s after the worker died"
    assert stack.gateway.statuses([job_id])[job_id] == "queued"
    stack.drain()
    assert stack.teaser(teaser_id).status.value == "ready"


@pytest.mark.parametrize("stack", ["sqlite"], indirect=True)
def test_a_running_teaser_is_left_alone_while_its_worker_beats(stack: Stack) -> None:
    from datetime import timedelta

    from rq import Worker
    from rq.job import Job
    from rq.utils import utcformat

    from domain.lifecycle import TeaserStatus
    from store.models import Teaser, utcnow

    seller = add_seller(stack)
    teaser_id = add_teaser(stack, seller, footage_id=None, status="running")
    job_id = stack.gateway.enqueue_render(teaser_id, 1)
    worker = Worker([stack.gateway.queue("interactive")], connection=stack.gateway.connection,
                    name="render-box-1")
    worker.register_birth()
    worker.heartbeat()
    conn = stack.gateway.connection
    conn.hset(Job.key_for(job_id), mapping={"status": "started", "worker_name": worker.name,
                                            "started_at": utcformat(utcnow())})
    with stack.db.session() as session:
        session.get(Teaser, teaser_id).status = TeaserStatus.RUNNING
    reconciler = Reconciler(stack.db, stack.gateway)
    assert reconciler.run_once().requeued_teasers == []  # beating: alive
    # Three beats missed (16 s ago): dead, though RQ's key for it is still there.
    conn.hset(worker.key, "last_heartbeat", utcformat(utcnow() - timedelta(seconds=16)))
    assert conn.exists(worker.key)
    assert reconciler.run_once().requeued_teasers == [teaser_id]
