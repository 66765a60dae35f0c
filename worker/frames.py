"""The one frame and audio reader of the analysis.

Our hardened ffmpeg (whitelists, ``file:`` path, input-side bounds) decodes the untrusted
file and writes small gray frames and 16 kHz mono PCM into a NUT stream on its stdout;
PyAV only demuxes that trusted stream, so neither OpenCV nor PyAV ever opens an upload.
Everything is streamed packet by packet: memory stays flat however long the file.

Two picture rates: ``fps`` frames per second (every frame decoded, then decimated), or
``fps=None``: keyframes only (``-skip_frame nokey``), which is what makes a 2-hour
session affordable: decoding every frame of 2 h of 720p H.264 costs minutes on 2 cores,
keyframes cost seconds.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass

import numpy as np

from worker.ffmpeg import process, user_input

AUDIO_RATE = 16000
DEFAULT_WIDTH = 256


@dataclass(frozen=True)
class VideoFrame:
    """One decoded picture: ``t`` in source seconds, ``gray`` uint8 (height, width),
    display orientation (rotation applied)."""

    t: float
    gray: np.ndarray


@dataclass(frozen=True)
class AudioBlock:
    """Mono float32 samples at ``AUDIO_RATE`` starting at ``t`` source seconds, in -1..1."""

    t: float
    samples: np.ndarray


def reader_argv(path: str, *, width: int = DEFAULT_WIDTH, fps: float | None = 4.0,
                window: tuple[float, float] | None = None, audio: bool = True) -> list[str]:
    """The ffmpeg argv (without the binary) that :func:`read_media` runs."""
    start, duration = window if window else (None, None)
    pre = ["-threads", "2"]
    if fps is None:
        pre += ["-skip_frame", "nokey"]
    # Only frames flagged interlaced are deinterlaced (MPEG-2 from a camera), so a
    # progressive source pays nothing; width is even so every pixel format fits.
    chain = [] if fps is None else [f"fps={fps:g}"]
    chain += ["yadif=mode=0:deint=interlaced", f"scale={width}:-2:flags=fast_bilinear",
              "format=gray"]
    args = [*pre, *user_input(path, seek=start, duration=duration),
            "-map", "0:v:0", "-vf", ",".join(chain), "-c:v", "rawvideo"]
    if fps is None:
        args += ["-fps_mode", "passthrough"]
    elif duration is not None:
        # A frame count too, so timestamps that never reach -t cannot keep it decoding.
        args += ["-frames:v", str(math.ceil(duration * fps) + 2)]
    if audio:
        # -ac 1 uses the resampler's downmix matrix: 5.1 centre and fronts are mixed
        # in, not dropped; an absent audio track is fine ("?").
        # One-second packets: per-packet overhead in Python, not per AAC frame (47/s).
        args += ["-map", "0:a:0?", "-ac", "1", "-ar", str(AUDIO_RATE),
                 "-af", f"asetnsamples=n={AUDIO_RATE}:p=0", "-c:a", "pcm_s16le"]
    return [*args, "-f", "nut", "pipe:1"]


def read_media(path: str, *, width: int = DEFAULT_WIDTH, fps: float | None = 4.0,
               window: tuple[float, float] | None = None, audio: bool = True,
               timeout: float = 600.0) -> Generator[VideoFrame | AudioBlock, None, None]:
    """Yield frames and audio blocks of ``path`` in stream order.

    ``window`` = (start, duration) in source seconds limits the decode (input-side seek),
    times stay in source seconds. The ffmpeg process group is killed when the iterator
    is closed, on error, or after ``timeout`` seconds (then ``FfmpegError``).
    """
    import av

    offset = window[0] if window else 0.0
    with process(reader_argv(path, width=width, fps=fps, window=window, audio=audio),
                 timeout=timeout, what="decoding the footage") as ff:
        try:
            container = av.open(ff.stdout, mode="r", format="nut")
        except av.error.FFmpegError:
            return  # ffmpeg wrote nothing: reported from its exit status
        try:
            yield from _demux(container, offset)
        finally:
            with contextlib.suppress(Exception):
                container.close()


def _demux(container: object, offset: float) -> Iterator[VideoFrame | AudioBlock]:
    import av

    assert isinstance(container, av.container.InputContainer)
    try:
        for packet in container.demux():
            if packet.size == 0 and packet.pts is None:
                continue  # flush packet
            for frame in packet.decode():
                if not isinstance(frame, av.VideoFrame | av.AudioFrame):
                    continue  # a subtitle: not mapped, never expected
                t = offset + float(frame.time or 0.0)
                if isinstance(frame, av.VideoFrame):
                    gray = frame.to_ndarray()
                    yield VideoFrame(t, gray)
                elif isinstance(frame, av.AudioFrame):
                    pcm = frame.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
                    yield AudioBlock(t, pcm)
    except av.error.EOFError:
        return
