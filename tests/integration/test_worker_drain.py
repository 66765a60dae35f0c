"""A rolling deploy loses nothing: a real ``cuplik worker`` sent SIGTERM in the middle of
a real render finishes it, or, past ``--drain-seconds``, hands it back to the front of
its queue (teaser queued, no attempt spent, no ffmpeg left running) for the next worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.footage import make_clip
from tests.integration import test_jobs_support as support
from tests.integration.test_jobs_support import Stack, add_footage, add_seller, add_teaser
from tests.integration.test_reconciler import ROOT, _wait_for, _worker_env

redis_server, stack = support.redis_server, support.stack  # fixtures
NAME = f"drain-{uuid.uuid4().hex[:8]}"

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("stack", ["sqlite"], indirect=True)]


def _rendering_worker(stack: Stack, tmp_path: Path, *args: str,
                      target: float) -> tuple[subprocess.Popen[bytes], str, str]:
    clip = make_clip(tmp_path / "live.mp4", seconds=30, size="640x360", fps=30)
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, clip, status="ready")
    teaser_id = add_teaser(stack, seller, footage_id=footage_id, target_seconds=target)
    job_id = stack.gateway.enqueue_render(teaser_id, 1)
    worker = subprocess.Popen([sys.executable, "-m", "cuplik.cli", "worker", "--name", NAME,
                               *args],
                              env=_worker_env(stack), cwd=ROOT, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(lambda: stack.teaser(teaser_id).stage == "render", 90,
              "the worker to be rendering")
    return worker, teaser_id, job_id


def _ffmpeg_of(worker_name: str) -> list[int]:
    """The ffmpeg processes a worker's horses started (RQ puts the worker's name in the
    horse's environment; ffmpeg inherits it)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")[0]
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"ffmpeg" in cmd and f"RQ_WORKER_ID={worker_name}".encode() in env:
            found.append(int(entry.name))
    return found


def test_sigterm_lets_the_running_render_finish(stack: Stack, tmp_path: Path) -> None:
    worker, teaser_id, job_id = _rendering_worker(stack, tmp_path, target=8)
    os.killpg(worker.pid, signal.SIGTERM)  # as a deploy stops a machine's processes
    assert worker.wait(timeout=60) == 0
    row = stack.teaser(teaser_id)
    assert row.status.value == "ready" and row.attempts == 1, row.error
    assert stack.gateway.statuses([job_id])[job_id] == "finished"


def test_a_render_past_the_drain_is_handed_back_and_finished_elsewhere(
        stack: Stack, tmp_path: Path) -> None:
    worker, teaser_id, job_id = _rendering_worker(stack, tmp_path, "--drain-seconds", "0",
                                                  target=20)
    _wait_for(lambda: bool(_ffmpeg_of(NAME)), 30, "ffmpeg to be running")
    os.killpg(worker.pid, signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
    assert stack.gateway.statuses([job_id])[job_id] == "queued"
    assert stack.gateway.queue("interactive").job_ids[0] == job_id  # at the front
    row = stack.teaser(teaser_id)
    assert (row.status.value, row.stage, row.attempts) == ("queued", "waiting for a worker", 0)
    assert not _ffmpeg_of(NAME), "an ffmpeg of the stopped worker runs on"
    stack.drain()  # the next worker
    row = stack.teaser(teaser_id)
    assert row.status.value == "ready" and row.attempts == 1, row.error


def test_a_second_sigterm_stops_at_once_and_still_hands_the_job_back(
        stack: Stack, tmp_path: Path) -> None:
    worker, teaser_id, job_id = _rendering_worker(stack, tmp_path, "--drain-seconds", "600",
                                                  target=20)
    _wait_for(lambda: bool(_ffmpeg_of(NAME)), 30, "ffmpeg to be running")
    os.killpg(worker.pid, signal.SIGTERM)
    time.sleep(1.5)  # RQ takes a second signal within 1 s for the same one
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(timeout=30)
    assert stack.gateway.statuses([job_id])[job_id] == "queued"
    assert stack.teaser(teaser_id).status.value == "queued"
    assert not _ffmpeg_of(NAME)
    stack.drain()
    assert stack.teaser(teaser_id).status.value == "ready"
