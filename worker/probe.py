"""What a media file holds: streams, display size, duration, audio layout.

Read from the stream dump of our hardened ffmpeg child (whitelisted protocol, containers
and decoders, memory bound, timeout): the worker process itself never opens an upload
with PyAV or OpenCV, whose bundled FFmpeg copies are older and unhardened. Nothing is
decoded: the streams are copied to a null output for zero seconds. Errors are
``InputError``s with a message a seller can act on.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from worker.errors import InputError
from worker.ffmpeg import (
    ACCEPTED_AUDIO_CODECS,
    ACCEPTED_VIDEO_CODECS,
    FfmpegError,
    run,
    user_input,
)

MIN_SECONDS = 3.0
HEADER_TIMEOUT_S = 60.0


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

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Header:
    """What the container and stream headers state (nothing decoded, nothing verified):
    ``duration`` None when the header states none; ``width``/``height`` as coded."""

    container: str
    duration: float | None
    video_codec: str | None
    width: int
    height: int
    fps: float
    rotation: int
    interlaced: bool
    audio_codec: str | None
    audio_channels: int
    sar: float = 1.0


def read_header(path: str | os.PathLike[str]) -> Header:
    """The header of ``path`` from ffmpeg's stream dump; ``InputError`` when ffmpeg cannot
    open it under our whitelists."""
    p = Path(path).resolve()
    if not p.is_file():
        raise InputError(f"{p.name}: no such file; give the path of a video recording",
                         indonesian=f"{p.name}: berkas tidak ditemukan; berikan lokasi "
                                    "rekaman videonya")
    try:
        dump = run(["-t", "0", *user_input(p), "-map", "0", "-c", "copy", "-f", "null", "-"],
                   timeout=HEADER_TIMEOUT_S, loglevel="info", tail_lines=400)
    except FfmpegError as exc:
        raise InputError(
            f"{p.name}: not a video file ffmpeg can read ({_reason(exc.tail)}); "
            "upload an MP4, MOV, MKV, AVI, WebM or MPEG recording",
            indonesian=f"{p.name}: bukan berkas video yang bisa dibaca ({_reason(exc.tail)}); "
                       "unggah rekaman MP4, MOV, MKV, AVI, WebM, atau MPEG") from exc
    return parse_header(dump)


def _reason(tail: str) -> str:
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    return lines[-1][:160] if lines else "unreadable"


_INPUT = re.compile(r"^Input #0, (.+?), from ", re.M)
_DURATION = re.compile(r"^\s*Duration: (?:(\d+):(\d\d):(\d\d(?:\.\d+)?)|N/A)", re.M)
_STREAM = re.compile(r"^\s*Stream #0:\d+\S*: (Video|Audio|Subtitle|Data|Attachment): (.*)$")
_SIZE = re.compile(r"(?<![\w.])(\d{1,6})x(\d{1,6})(?![\w.])")
_RATE = re.compile(r"(\d+(?:\.\d+)?)(k?) (fps|tbr)")
_SAR = re.compile(r"\[SAR (\d+):(\d+) ")
_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees")
_LAYOUTS = {"mono": 1, "stereo": 2, "2.1": 3, "3.0": 3, "quad": 4, "4.0": 4, "5.0": 5,
            "5.1": 6, "6.1": 7, "7.1": 8}


def parse_header(dump: str) -> Header:
    """A ``Header`` from ffmpeg's ``Input #0`` dump (pure; unit-tested on real dumps)."""
    found = _INPUT.search(dump)
    container = found.group(1) if found else ""
    duration = None
    d = _DURATION.search(dump)
    if d and d.group(1) is not None:
        duration = int(d.group(1)) * 3600 + int(d.group(2)) * 60 + float(d.group(3))
    video: tuple[str, str] | None = None
    rotation = 0
    audio: str | None = None
    in_video = False
    for line in dump.splitlines():
        stream = _STREAM.match(line)
        if stream:
            kind, desc = stream.groups()
            in_video = kind == "Video" and video is None
            if in_video:
                video = (kind, desc)
            elif kind == "Audio" and audio is None:
                audio = desc
            continue
        if in_video and (r := _ROTATION.search(line)):
            rotation = int(round(float(r.group(1)))) % 360
    width = height = 0
    fps = 0.0
    interlaced = False
    video_codec = None
    sar = 1.0
    if video is not None:
        if (ratio := _SAR.search(video[1])) and int(ratio.group(2)):
            value = int(ratio.group(1)) / int(ratio.group(2))
            sar = value if 0.1 <= value <= 10 else 1.0
        parts = _top_level(video[1])
        video_codec = parts[0].split(" ")[0]
        for part in parts[1:]:
            if not width and (size := _SIZE.match(part.strip())):
                width, height = int(size.group(1)), int(size.group(2))
            elif rate := _RATE.fullmatch(part.strip().removesuffix(" (default)")):
                value = float(rate.group(1)) * (1000 if rate.group(2) else 1)
                if rate.group(3) == "fps" or not fps:
                    fps = value
        interlaced = any(order in parts[1] for order in ("top first", "bottom first",
                                                         "top coded first",
                                                         "bottom coded first")) \
            if len(parts) > 1 else False
    channels = 0
    audio_codec = None
    if audio is not None:
        parts = _top_level(audio)
        audio_codec = parts[0].split(" ")[0]
        layout = parts[2].strip() if len(parts) > 2 else ""
        named = re.match(r"(\d+) channels", layout)
        channels = int(named.group(1)) if named else _LAYOUTS.get(layout.split("(")[0], 2)
    return Header(container=container, duration=duration, video_codec=video_codec,
                  width=width, height=height, fps=fps, rotation=rotation,
                  interlaced=interlaced, audio_codec=audio_codec, audio_channels=channels,
                  sar=sar)


def _top_level(desc: str) -> list[str]:
    """``desc`` split at the commas outside parentheses and brackets."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in desc:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def probe(path: str | os.PathLike[str], *, min_seconds: float = MIN_SECONDS) -> MediaInfo:
    """Probe ``path``; raise ``InputError`` for an unreadable file, no video stream, or a
    recording shorter than ``min_seconds``."""
    p = Path(path).resolve()
    head = read_header(p)
    return media_info(p, head, min_seconds=min_seconds)


def media_info(p: Path, head: Header, *, min_seconds: float = MIN_SECONDS) -> MediaInfo:
    """The ``MediaInfo`` of a read header, with the seller-facing refusals."""
    p = Path(p).resolve()
    if head.video_codec is None:
        raise InputError(f"{p.name}: has no video stream; upload a video, not audio only",
                         indonesian=f"{p.name}: tidak berisi gambar video; unggah video, "
                                    "bukan hanya suara")
    if head.video_codec not in ACCEPTED_VIDEO_CODECS:
        raise InputError(f"{p.name}: its video is coded as {head.video_codec}, which is not "
                         "accepted; export it as H.264 or HEVC (MP4), VP9 or AV1 (WebM)",
                         indonesian=f"{p.name}: videonya berformat {head.video_codec}, yang "
                                    "tidak diterima; ekspor sebagai H.264 atau HEVC (MP4), "
                                    "VP9 atau AV1 (WebM)")
    if head.audio_codec is not None and head.audio_codec not in ACCEPTED_AUDIO_CODECS:
        raise InputError(f"{p.name}: its sound is coded as {head.audio_codec}, which is not "
                         "accepted; export it with AAC, MP3 or Opus sound",
                         indonesian=f"{p.name}: suaranya berformat {head.audio_codec}, yang "
                                    "tidak diterima; ekspor dengan suara AAC, MP3, atau Opus")
    width, height, sar = head.width, head.height, head.sar
    if abs(sar - 1.0) > 0.01:  # non-square pixels: the picture is shown wider/narrower
        width = max(2, int(round(width * sar / 2)) * 2)
    else:
        sar = 1.0
    if head.rotation in (90, 270):
        width, height = height, width
    if width <= 0 or height <= 0:
        raise InputError(f"{p.name}: the video stream has no picture size; re-export it",
                         indonesian=f"{p.name}: ukuran gambar videonya tidak tercatat; ekspor "
                                    "ulang videonya")
    duration = head.duration or 0.0
    if duration < min_seconds:
        raise InputError(f"{p.name}: is {duration:.1f} s long; a teaser needs a recording "
                         f"of at least {min_seconds:.0f} s",
                         indonesian=f"{p.name}: hanya {duration:.1f} dtk; teaser butuh rekaman "
                                    f"minimal {min_seconds:.0f} dtk")
    return MediaInfo(path=str(p), duration=round(duration, 3), width=width, height=height,
                     fps=round(head.fps or 30.0, 3), rotation=head.rotation,
                     interlaced=head.interlaced, has_audio=head.audio_codec is not None,
                     audio_channels=head.audio_channels, size_bytes=p.stat().st_size,
                     container=head.container, sar=round(sar, 4))
