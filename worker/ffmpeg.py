"""Running ffmpeg safely: hardened inputs, a timeout that kills the process group,
progress from ``-progress``, the stderr tail kept for errors, atomic outputs."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

# Containers we accept from users. Demuxer names are matched one by one, so "mov" admits
# the "mov,mp4,m4a,3gp,3g2,mj2" demuxer. No playlist or concat demuxers (hls, concat):
# they can make ffmpeg read other files (CVE-2016-1897/1898, CVE-2017-9993).
ACCEPTED_FORMATS = "mov,matroska,avi,mpeg,mpegts,flv,asf,wav,mp3,aac,ogg,h264,hevc,m4v"

STDERR_TAIL_LINES = 30


class FfmpegError(RuntimeError):
    """ffmpeg failed or timed out; ``tail`` holds the last lines it wrote to stderr."""

    def __init__(self, message: str, tail: str = "") -> None:
        super().__init__(message if not tail else f"{message}\n{tail}")
        self.message = message
        self.tail = tail


def binary() -> str:
    """The ffmpeg executable: ``FFMPEG_BINARY`` or the one the imageio-ffmpeg wheel ships."""
    override = os.environ.get("FFMPEG_BINARY")
    if override:
        return override
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def user_input(path: str | os.PathLike[str], *, seek: float | None = None,
               duration: float | None = None) -> list[str]:
    """The argv of one *untrusted* input: file protocol only, accepted containers only,
    an absolute ``file:`` path, input-side seek and duration bounds."""
    args = ["-protocol_whitelist", "file", "-format_whitelist", ACCEPTED_FORMATS]
    if seek is not None and seek > 0:
        args += ["-ss", f"{seek:.3f}"]
    if duration is not None:
        args += ["-t", f"{duration:.3f}"]
    return [*args, "-i", "file:" + str(Path(path).resolve())]


def run(args: list[str], *, timeout: float, total_seconds: float | None = None,
        on_progress: Callable[[float], None] | None = None) -> str:
    """Run ``ffmpeg <args>`` and return its stderr tail.

    ``args`` excludes the binary and the global flags added here (``-nostdin``,
    ``-hide_banner``, ``-progress pipe:1``). ``on_progress`` gets 0..1 from the output
    time over ``total_seconds``. On timeout the whole process group is killed.
    """
    argv = [binary(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "error",
            "-progress", "pipe:1", *args]
    tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, text=True,
                            errors="replace")
    err_reader = threading.Thread(target=lambda: tail.extend(proc.stderr or ()), daemon=True)
    err_reader.start()
    timed_out = threading.Event()

    def _kill() -> None:
        timed_out.set()
        _killpg(proc)

    timer = threading.Timer(timeout, _kill)
    timer.start()
    try:
        for line in proc.stdout or ():
            if on_progress and total_seconds and line.startswith("out_time_us="):
                with contextlib.suppress(ValueError):
                    done = int(line.split("=", 1)[1]) / 1e6
                    on_progress(max(0.0, min(1.0, done / total_seconds)))
        proc.wait()
    finally:
        timer.cancel()
        timer.join()  # the timer thread holds the Popen until it ends
        _killpg(proc)
        err_reader.join(timeout=5)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    text = "".join(tail).strip()
    if timed_out.is_set():
        raise FfmpegError(f"ffmpeg took longer than {timeout:.0f} s and was stopped", text)
    if proc.returncode != 0:
        raise FfmpegError(f"ffmpeg failed (exit {proc.returncode})", text)
    return text


def _killpg(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block
    succeeds, delete it otherwise, so nothing half-written is ever left at ``path``."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=final.suffix, dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, final)
    finally:
        tmp_path.unlink(missing_ok=True)

