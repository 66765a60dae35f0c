"""Point 4 of issue 13: a killed render leaves no ffmpeg running and, once the next run
or worker starts, no temporary output behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from store.media import MediaStore

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _pids_with(marker: str) -> list[int]:
    """Processes whose command line holds ``marker`` (ours: a uuid in an output path)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().split(") ")[-1][:1]
        except OSError:
            continue
        if marker.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _wait(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.mark.parametrize("how", ["run", "read_media"])
def test_a_killed_work_horse_takes_its_ffmpeg_with_it(tmp_path: Path, how: str) -> None:
    marker = uuid.uuid4().hex  # reaches ffmpeg's argv only, not the horse's
    endless = ["-re", "-f", "lavfi", "-i", "testsrc2=s=64x64:r=10"]
    code = {
        "run": "import os, json; from worker import ffmpeg; "
               "ffmpeg.run(json.loads(os.environ['ARGS']), timeout=300)",
        # the analysis reader, as it decodes an upload that never ends
        "read_media": "import os, json; from worker import frames; "
                      "frames.user_input = lambda *a, **k: json.loads(os.environ['ARGS']); "
                      "[None for _ in frames.read_media('x', fps=None, audio=False, "
                      "timeout=300)]",
    }[how]
    args = [*endless, "-metadata", f"title={marker}"]
    if how == "run":
        args += ["-f", "matroska", str(tmp_path / "out.mkv")]
    horse = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT,
                             env={**os.environ, "ARGS": json.dumps(args)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait(lambda: bool(_pids_with(marker)), 20), "ffmpeg did not start"
        os.kill(horse.pid, signal.SIGKILL)  # as RQ kills a horse past its timeout, or OOM
        horse.wait(timeout=10)
        assert _wait(lambda: not _pids_with(marker), 5), "ffmpeg outlived its work horse"
    finally:
        for pid in _pids_with(marker):  # only the ffmpeg this test started
            os.kill(pid, signal.SIGKILL)
        if horse.poll() is None:
            horse.kill()


def test_temporary_outputs_of_killed_runs_are_removed_and_live_ones_kept(
        tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    teaser_dir = media.absolute("teasers/" + "a" * 32)
    teaser_dir.mkdir(parents=True)
    (media.root / "uploads").mkdir()
    stale = [teaser_dir / ".r1.k2j3.mp4", teaser_dir / ".r1.x8a1.jpg",
             media.root / "uploads" / f".{uuid.uuid4().hex}.bin.part"]
    live = [teaser_dir / ".r2.abcd.mp4", media.root / "uploads" / ".fresh.bin.part"]
    finished = [teaser_dir / "r1.mp4", media.root / "uploads" / f"{uuid.uuid4().hex}.bin"]
    an_hour_ago = time.time() - 3600
    for path in [*stale, *live, *finished]:
        path.write_bytes(b"\x00" * 1000)
    for path in [*stale, *finished]:
        os.utime(path, (an_hour_ago, an_hour_ago))
    assert sorted(media.sweep_partials()) == sorted(stale)
    assert all(p.exists() for p in [*live, *finished])
    # A retry of revision 2 clears what a killed run of revision 2 left, right away.
    media.remove_partials_of("teasers/" + "a" * 32 + "/r2.mp4")
    assert not live[0].exists() and finished[0].exists()
