"""What a media file holds: streams, display size, duration, audio layout.

Probed with PyAV under the same protocol and container whitelists as every ffmpeg run.
Errors are ``InputError``s with a message a seller can act on.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

from worker.errors import InputError
from worker.ffmpeg import ACCEPTED_FORMATS

MIN_SECONDS = 3.0


@dataclass(frozen=True)
class MediaInfo:
    """A probed source. ``width``/``height`` are the *display* size (rotation and pixel
    aspect ratio applied); ``sar`` is the coded pixels' aspect ratio (1: square)."""

    path: str
    duration: float
    width: int
    height: int
    fps: float
    rotation: int
    interlaced: bool
    has_audio: bool
    audio_channels: int
    size_bytes: int
    container: str
    sar: float = 1.0

    @property
    def is_portrait(self) -> bool:
        return self.height > self.width

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def probe(path: str | os.PathLike[str], *, min_seconds: float = MIN_SECONDS) -> MediaInfo:
    """Probe ``path``; raise ``InputError`` for an unreadable file, no video stream, or a
    recording shorter than ``min_seconds``."""
    import av

    p = Path(path).resolve()
    if not p.is_file():
        raise InputError(f"{path}: no such file; give the path of a video recording")
    options = {"protocol_whitelist": "file", "format_whitelist": ACCEPTED_FORMATS}
    try:
        container = av.open("file:" + str(p), options=options)
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{p.name}: not a video file ffmpeg can read ({exc.__class__.__name__}); "
            "upload an MP4, MOV, MKV, AVI, WebM or MPEG recording") from exc
    with container:
        if not container.streams.video:
            raise InputError(f"{p.name}: has no video stream; upload a video, not audio only")
        vstream = container.streams.video[0]
        cc = vstream.codec_context
        rotation, interlaced = 0, False
        try:
            for frame in container.decode(video=0):
                rotation = int(getattr(frame, "rotation", 0) or 0) % 360
                interlaced = bool(getattr(frame, "interlaced_frame", False))
                break
        except av.error.FFmpegError as exc:
            raise InputError(f"{p.name}: the video stream cannot be decoded ({exc}); "
                             "re-export the recording and upload it again") from exc
        ratio = vstream.sample_aspect_ratio or cc.sample_aspect_ratio
        sar = float(ratio) if ratio and 0.1 <= float(ratio) <= 10 else 1.0
        width, height = cc.width, cc.height
        if abs(sar - 1.0) > 0.01:  # non-square pixels: the picture is shown wider/narrower
            width = max(2, int(round(width * sar / 2)) * 2)
        else:
            sar = 1.0
        if rotation in (90, 270):
            width, height = height, width
        duration = _duration(container, vstream)
        rate = vstream.average_rate or vstream.guessed_rate
        fps = float(rate) if rate else 30.0
        audio = container.streams.audio
        channels = audio[0].codec_context.layout.nb_channels if audio else 0
        fmt = container.format.name
    if width <= 0 or height <= 0:
        raise InputError(f"{p.name}: the video stream has no picture size; re-export it")
    if duration < min_seconds:
        raise InputError(f"{p.name}: is {duration:.1f} s long; a teaser needs a recording "
                         f"of at least {min_seconds:.0f} s")
    return MediaInfo(path=str(p), duration=round(duration, 3), width=width, height=height,
                     fps=round(fps, 3), rotation=rotation, interlaced=interlaced,
                     has_audio=bool(audio), audio_channels=channels,
                     size_bytes=p.stat().st_size, container=fmt, sar=round(sar, 4))


def _duration(container: object, vstream: object) -> float:
    import av

    assert isinstance(container, av.container.InputContainer)
    if container.duration:
        return float(container.duration) / av.time_base
    if vstream.duration and vstream.time_base:  # type: ignore[attr-defined]
        return float(vstream.duration * vstream.time_base)  # type: ignore[attr-defined]
    return 0.0
