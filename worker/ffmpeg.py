"""Running ffmpeg safely: hardened inputs, a timeout that kills the process group,
progress from ``-progress``, the stderr tail kept for errors, atomic outputs.

Every ffmpeg child is tied to the process that started it and bounded: its own process
group (a timeout kills ffmpeg and anything it started), ``PR_SET_PDEATHSIG`` so it dies
with its parent even when that is SIGKILLed (a killed work horse used to leave ffmpeg
rendering beside the retry), and an address-space limit (``RLIMIT_AS``,
``FFMPEG_MEMORY_LIMIT_BYTES``) so a hostile file cannot take the machine's memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import os
import resource
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from store.settings import current
from worker.errors import InputError

# Containers we accept from users. Demuxer names are matched one by one, so "mov" admits
# the "mov,mp4,m4a,3gp,3g2,mj2" demuxer. No playlist or concat demuxers (hls, concat):
# they can make ffmpeg read other files (CVE-2016-1897/1898, CVE-2017-9993).
ACCEPTED_FORMATS = "mov,matroska,avi,mpeg,mpegts,flv,asf,wav,mp3,aac,ogg,h264,hevc,m4v"

# Decoders a seller's recording may need (names as ffmpeg's ``-decoders`` lists them);
# every other decoder is refused on user input (``-codec_whitelist``), so a file cannot
# reach the long tail of rarely used, rarely audited decoders.
ACCEPTED_DECODERS = (
    "h264,hevc,vp8,vp9,av1,libdav1d,mpeg4,msmpeg4,mpeg2video,mpeg1video,mjpeg,h263,flv,"
    "theora,wmv1,wmv2,wmv3,vc1,prores,dvvideo,"
    "aac,aac_fixed,mp3,mp3float,mp2,mp2float,ac3,eac3,opus,libopus,vorbis,libvorbis,flac,"
    "alac,wmav2,amrnb,amrwb,pcm_s16le,pcm_s16be,pcm_s24le,pcm_s32le,pcm_f32le,pcm_u8,"
    "pcm_alaw,pcm_mulaw")

# The same allow-list by codec (as a file's stream header names it), checked on the header
# so a refused file gets a clear reason before any decoder is asked.
ACCEPTED_VIDEO_CODECS = frozenset({
    "h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "msmpeg4v3", "mpeg2video", "mpeg1video",
    "mjpeg", "h263", "flv1", "theora", "wmv1", "wmv2", "wmv3", "vc1", "prores", "dvvideo"})
ACCEPTED_AUDIO_CODECS = frozenset({
    "aac", "mp3", "mp2", "ac3", "eac3", "opus", "vorbis", "flac", "alac", "wmav2", "amr_nb",
    "amr_wb", "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8",
    "pcm_alaw", "pcm_mulaw"})

log = logging.getLogger(__name__)

STDERR_TAIL_LINES = 30
_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
OUTPUT_LIMIT_BYTES = 4 * 1024**3  # a teaser is tens of MB; nothing we write comes near


class FfmpegError(RuntimeError):
    """ffmpeg failed or timed out; ``tail`` holds the last lines it wrote to stderr."""

    def __init__(self, message: str, tail: str = "") -> None:
        super().__init__(message if not tail else f"{message}\n{tail}")
        self.message = message
        self.tail = tail


class FfmpegTimeout(FfmpegError):
    """ffmpeg ran past its timeout and was killed (transient: the machine may be busy)."""


class MemoryLimitError(FfmpegError, InputError):
    """ffmpeg crashed or needed more memory than its limit: the file asks for too much (a
    hostile or absurd picture), and the same file will do it again, so it is an input
    error (no retry)."""


def memory_limit_bytes() -> int:
    """The address-space limit of each ffmpeg child (``FFMPEG_MEMORY_LIMIT_BYTES``)."""
    return current().limits.ffmpeg_memory_bytes


def _prctl() -> object | None:
    # Looked up once, in the parent: the child, between fork and exec, only calls it.
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL("libc.so.6", use_errno=True).prctl
    return None


_PRCTL = _prctl()


def child_setup(memory_limit: int | None = None) -> Callable[[], None]:
    """A ``preexec_fn`` tying an ffmpeg child to its parent and bounding its memory."""
    limit = memory_limit if memory_limit is not None else memory_limit_bytes()

    def setup() -> None:
        if _PRCTL is not None:
            _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)  # type: ignore[operator]
            # Lowered privileges, as far as an unprivileged process can: exec can never
            # gain any (setuid, file capabilities), no core dump of a crash on hostile
            # data, no output file past OUTPUT_LIMIT_BYTES.
            _PRCTL(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)  # type: ignore[operator]
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT_BYTES, OUTPUT_LIMIT_BYTES))
        if limit > 0:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return setup


def popen(argv: list[str], *, stdin: int = subprocess.DEVNULL,
          **kwargs: object) -> subprocess.Popen:
    """Start an ffmpeg child: own process group, dies with us, memory bounded."""
    return subprocess.Popen(argv, stdin=stdin, start_new_session=True,  # type: ignore[call-overload]
                            preexec_fn=child_setup(), **kwargs)


def _human_bytes(n: float) -> str:
    return f"{n / 1024**3:.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:.0f} MiB"


class DiskFullError(FfmpegError):
    """ffmpeg could not write its output: the disk is full. Transient (ops free space),
    so retried; the message names the directory and its free space for ops."""


def _output_dir(argv: list[str]) -> Path | None:
    """The directory of the last output path in an ffmpeg argv (inputs follow ``-i``)."""
    for prev, arg in zip(reversed(argv[:-1]), reversed(argv), strict=False):
        if arg.startswith("/") and prev != "-i":
            return Path(arg).parent
    return None


def failure(what: str, returncode: int, tail: str,
            argv: list[str] | None = None) -> FfmpegError:
    """The error of an ffmpeg child that exited ``returncode``: a full disk (with the
    path), a crash or a memory-limit death (with the limit) are named as such."""
    if "No space left on device" in tail or "Disk quota exceeded" in tail:
        where = _output_dir(argv or [])
        free = ""
        if where is not None:
            with contextlib.suppress(OSError):
                free = f", {shutil.disk_usage(where).free / 1024**2:.0f} MiB free"
        return DiskFullError(f"{what} failed: the disk is full (no space left on device "
                             f"writing under {where or 'the output directory'}{free}); "
                             "free space there, then retry", tail)
    starved = any(sign in tail for sign in ("Cannot allocate memory", "pthread_create() failed",
                                            "Out of memory", "out of memory"))
    if starved or returncode in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return MemoryLimitError(
            f"{what} stopped (exit {returncode}): ffmpeg crashed or needed more than its "
            f"memory limit of {_human_bytes(memory_limit_bytes())} "
            "(FFMPEG_MEMORY_LIMIT_BYTES); upload a smaller recording, at most 3840x2160",
            tail)
    return FfmpegError(f"{what} failed (exit {returncode})", tail)


def binary() -> str:
    """The ffmpeg executable: ``FFMPEG_BINARY`` or the one the imageio-ffmpeg wheel ships."""
    override = current().limits.ffmpeg_binary
    if override:
        return override
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def user_input(path: str | os.PathLike[str], *, seek: float | None = None,
               duration: float | None = None) -> list[str]:
    """The argv of one *untrusted* input: file protocol only, accepted containers only,
    an absolute ``file:`` path, input-side seek and duration bounds."""
    args = ["-protocol_whitelist", "file", "-format_whitelist", ACCEPTED_FORMATS,
            "-codec_whitelist", ACCEPTED_DECODERS]
    if seek is not None and seek > 0:
        args += ["-ss", f"{seek:.3f}"]
    if duration is not None:
        args += ["-t", f"{duration:.3f}"]
    return [*args, "-i", "file:" + str(Path(path).resolve())]


@dataclass
class Process:
    """A running ffmpeg (see :func:`process`): ``stdout`` to read (bytes, or text),
    ``tail``, the last lines of its stderr, and ``stdin`` to write its ``pipe:0`` input
    to (with ``feed``; close it when done)."""

    proc: subprocess.Popen
    stdout: IO[Any] | None
    tail: deque[str]
    stdin: IO[bytes] | None = None


@contextlib.contextmanager
def process(args: list[str], *, timeout: float, what: str = "ffmpeg",
            loglevel: str = "error", text: bool = False,
            tail_lines: int = STDERR_TAIL_LINES, feed: bool = False) -> Iterator[Process]:
    """Run ``ffmpeg <args>`` while the block reads its stdout (or, with ``feed``, writes
    its ``pipe:0`` input to ``stdin``); the one place a child is watched. ``args``
    excludes the binary and the global flags added here (``-nostdin``, ``-hide_banner``,
    ``-nostats``, ``-loglevel``). The whole process group is killed when the block ends
    (early, on error, or after ``timeout`` seconds); then ``FfmpegTimeout``, or the named
    :func:`failure` for a non-zero exit, is raised, and logged for ops with the command
    and ffmpeg's last lines."""
    argv = [binary(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", loglevel, *args]
    tail: deque[str] = deque(maxlen=tail_lines)
    started = time.monotonic()
    proc = popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                 stdin=subprocess.PIPE if feed else subprocess.DEVNULL)
    err_reader = threading.Thread(
        target=lambda: tail.extend(line.decode("utf-8", "replace") for line in proc.stderr or ()),
        daemon=True)
    err_reader.start()
    timed_out = threading.Event()

    def _kill() -> None:
        timed_out.set()
        _killpg(proc)

    timer = threading.Timer(timeout, _kill)
    timer.start()
    stdout: IO[Any] | None = proc.stdout
    if text and stdout is not None:
        stdout = io.TextIOWrapper(stdout, encoding="utf-8", errors="replace")
    try:
        yield Process(proc, stdout, tail, proc.stdin)
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()  # all fed: ffmpeg sees the end of its input
        proc.wait()
    finally:
        timer.cancel()
        timer.join()  # the timer thread holds the Popen until it ends
        _killpg(proc)
        err_reader.join(timeout=5)
        for pipe in (stdout, proc.stderr, proc.stdin):
            if pipe is not None:
                with contextlib.suppress(OSError, ValueError):
                    pipe.close()
    message = "".join(tail).strip()
    took = round(time.monotonic() - started, 3)
    error: FfmpegError | None = None
    if timed_out.is_set():
        error = FfmpegTimeout(f"{what} took longer than {timeout:.0f} s and was stopped",
                              message)
    elif proc.returncode != 0:
        error = failure(what, proc.returncode, message, argv)
    if error is None:
        log.info("%s done in %.1f s", what, took,
                 extra={"event": "ffmpeg_run", "seconds": took, "returncode": 0})
        return
    # The command and ffmpeg's own last words, for ops (paths are uuid names, and no
    # seller text is ever in an argv: overlays are images).
    log.error("ffmpeg failed: %s", error.message,
              extra={"event": "ffmpeg_failed", "seconds": took, "returncode": proc.returncode,
                     "command": shlex.join(argv), "stderr_tail": message})
    raise error


def run(args: list[str], *, timeout: float, total_seconds: float | None = None,
        on_progress: Callable[[float], None] | None = None, loglevel: str = "error",
        tail_lines: int = STDERR_TAIL_LINES) -> str:
    """Run ``ffmpeg <args>`` to its end and return its stderr tail (see :func:`process`).
    ``on_progress`` gets 0..1 from the output time over ``total_seconds``."""
    with process(["-progress", "pipe:1", *args], timeout=timeout, loglevel=loglevel,
                 text=True, tail_lines=tail_lines) as ff:
        for line in ff.stdout or ():
            if on_progress and total_seconds and line.startswith("out_time_us="):
                with contextlib.suppress(ValueError):
                    done = int(line.split("=", 1)[1]) / 1e6
                    on_progress(max(0.0, min(1.0, done / total_seconds)))
    return "".join(ff.tail).strip()


def _killpg(proc: subprocess.Popen) -> None:
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

