"""Size and duration limits of a recording, checked before any decoding work.

One place for the numbers: ``MAX_UPLOAD_BYTES`` (the same variable and default the API's
upload cap reads, see cuplik/settings.py) and ``MAX_DURATION_S`` override them. The
duration comes from the container header alone (no frame decoded), so an oversized or
overlong file is refused in milliseconds.
"""

from __future__ import annotations

import os
from pathlib import Path

from worker.errors import InputError
from worker.ffmpeg import ACCEPTED_FORMATS

DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024**3  # as cuplik.settings: hours of phone-bitrate LIVE
DEFAULT_MAX_DURATION_S = 4 * 3600.0


def max_upload_bytes() -> int:
    """The largest accepted file, in bytes (``MAX_UPLOAD_BYTES`` overrides)."""
    return int(os.environ.get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES)


def max_duration_s() -> float:
    """The longest accepted recording, in seconds (``MAX_DURATION_S`` overrides)."""
    return float(os.environ.get("MAX_DURATION_S") or DEFAULT_MAX_DURATION_S)


def _human_bytes(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover


def _human_duration(seconds: float) -> str:
    h, rest = divmod(int(round(seconds)), 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min {s:02d} s"


def check_limits(path: str | os.PathLike[str]) -> None:
    """Raise ``InputError`` when ``path`` is over the size or duration limit, naming the
    limit. Reads the file size and the container header only; an unreadable header is
    left to the probe, which explains it properly."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p.name}: no such file; give the path of a video recording")
    size, limit = p.stat().st_size, max_upload_bytes()
    if size > limit:
        raise InputError(f"{p.name}: is {_human_bytes(size)}, over the limit of "
                         f"{_human_bytes(limit)}; upload a shorter or more compressed "
                         "recording")
    duration = header_duration(p)
    longest = max_duration_s()
    if duration is not None and duration > longest:
        raise InputError(f"{p.name}: lasts {_human_duration(duration)}, over the limit of "
                         f"{_human_duration(longest)}; upload a shorter part of the recording")


def header_duration(path: Path) -> float | None:
    """The duration the container header states, or None when it states none."""
    import av

    options = {"protocol_whitelist": "file", "format_whitelist": ACCEPTED_FORMATS}
    try:
        with av.open("file:" + str(path.resolve()), options=options) as container:
            if container.duration:
                return float(container.duration) / av.time_base
            return None
    except (av.error.FFmpegError, UnicodeDecodeError):
        return None
