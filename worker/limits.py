"""Size, duration, picture-size and frame-rate limits of a recording, checked before
any decoding work.

The numbers are the process's settings (``store.settings.Limits``: ``MAX_UPLOAD_BYTES``,
the same cap the API's uploads use, ``MAX_DURATION_S``, ``MAX_PIXELS`` per frame, Mastodon's
8.3 Mpx: 3840x2160, and ``MAX_FPS``). They come from the headers
alone (no frame decoded, read by the hardened ffmpeg child), so an oversized file is
refused in milliseconds. A header can lie: decoding is bounded separately (``-t`` at the
stated duration, a frame count, a memory limit per ffmpeg child).
"""

from __future__ import annotations

import os
from pathlib import Path

from store.settings import current
from worker.errors import InputError
from worker.probe import Header, read_header


def max_upload_bytes() -> int:
    """The largest accepted file, in bytes."""
    return current().limits.max_upload_bytes


def max_duration_s() -> float:
    """The longest accepted recording, in seconds."""
    return current().limits.max_duration_s


def max_pixels() -> int:
    """The largest accepted picture, in pixels per frame."""
    return current().limits.max_pixels


def max_fps() -> float:
    """The highest accepted frame rate."""
    return current().limits.max_fps


def _human_bytes(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover


def _human_duration(seconds: float, lang: str = "en") -> str:
    h, rest = divmod(int(round(seconds)), 3600)
    m, s = divmod(rest, 60)
    if lang == "id":
        return f"{h} jam {m:02d} mnt" if h else f"{m} mnt {s:02d} dtk"
    return f"{h} h {m:02d} min" if h else f"{m} min {s:02d} s"


def check_limits(path: str | os.PathLike[str]) -> Header:
    """Raise ``InputError`` when ``path`` is over a limit (size, duration, pixels per
    frame, frame rate), naming the limit; return the header it read. Reads the file size
    and the headers only; an unreadable header is an ``InputError`` too."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p.name}: no such file; give the path of a video recording",
                         indonesian=f"{p.name}: berkas tidak ditemukan; berikan lokasi "
                                    "rekaman videonya")
    size, limit = p.stat().st_size, max_upload_bytes()
    if size > limit:
        raise InputError(f"{p.name}: is {_human_bytes(size)}, over the limit of "
                         f"{_human_bytes(limit)}; upload a shorter or more compressed "
                         "recording",
                         indonesian=f"{p.name}: berukuran {_human_bytes(size)}, melebihi "
                                    f"batas {_human_bytes(limit)}; unggah rekaman yang lebih "
                                    "pendek atau lebih terkompresi")
    head = read_header(p)
    longest = max_duration_s()
    if head.duration is not None and head.duration > longest:
        raise InputError(f"{p.name}: lasts {_human_duration(head.duration)}, over the limit "
                         f"of {_human_duration(longest)}; upload a shorter part of the "
                         "recording",
                         indonesian=f"{p.name}: berdurasi {_human_duration(head.duration, 'id')}"
                                    f", melebihi batas {_human_duration(longest, 'id')}; "
                                    "unggah bagian rekaman yang lebih pendek")
    pixels, most = head.width * head.height, max_pixels()
    if pixels > most:
        raise InputError(f"{p.name}: its pictures are {head.width}x{head.height} "
                         f"({pixels / 1e6:.1f} Mpx), over the limit of {most / 1e6:.1f} Mpx "
                         "per frame (3840x2160); export the recording at 4K or less",
                         indonesian=f"{p.name}: gambarnya {head.width}x{head.height} "
                                    f"({pixels / 1e6:.1f} Mpx), melebihi batas "
                                    f"{most / 1e6:.1f} Mpx per frame (3840x2160); ekspor "
                                    "rekamannya dalam 4K atau lebih kecil")
    fastest = max_fps()
    if head.fps > fastest:
        raise InputError(f"{p.name}: runs at {head.fps:g} frames per second, over the limit "
                         f"of {fastest:g}; export it at 60 fps or less",
                         indonesian=f"{p.name}: berjalan {head.fps:g} frame per detik, "
                                    f"melebihi batas {fastest:g}; ekspor dalam 60 fps atau "
                                    "kurang")
    return head


def header_duration(path: Path) -> float | None:
    """The duration the container header states, or None when it states none (or the
    file cannot be read)."""
    try:
        return read_header(path).duration
    except InputError:
        return None
