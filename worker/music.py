"""Music beds at run time: the committed beds under media/assets/music (synthesised by
``tools/music_beds.py``, so they are ours to use), picked for "auto", checked by name, and
decoded once to raw PCM for the render's mix.

Each bed is a whole number of bars that loops seamlessly and is longer than the longest
teaser (45 s); every bed is normalised to ``BED_LUFS``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import threading
from pathlib import Path

from store.settings import current
from worker.ffmpeg import run

MUSIC_DIR = Path(__file__).resolve().parent.parent / "media" / "assets" / "music"
RATE = 48_000
BED_LUFS = -16.0  # integrated loudness every committed bed is normalised to


def beds() -> list[str]:
    """Names of the committed music beds, in a stable order."""
    return sorted(p.stem for p in MUSIC_DIR.glob("*.m4a"))


def bed_path(name: str) -> Path:
    """The file of bed ``name``; ``ValueError`` for an unknown name (never a path from
    outside: the name must be one of ``beds()``)."""
    if name not in beds():
        raise ValueError(f"unknown music bed {name!r}; choose one of {', '.join(beds())}")
    return MUSIC_DIR / f"{name}.m4a"


def bed_pcm(name: str, spare: Path) -> Path:
    """Bed ``name`` as raw PCM (48 kHz stereo s16le), which the render reads with no AAC
    to decode: 0.2 CPU s less per 40 s teaser (measured against the .m4a input). Decoded
    once into the user's cache directory, named by the bed's content hash; into ``spare``
    (the render's own temp directory) when the cache cannot be written."""
    src = bed_path(name)
    cache = _cache_dir() / f"{name}-{_digest(name)}.s16"
    if cache.is_file():
        return cache
    for target in (cache, spare / f"{name}.s16"):
        part = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            run(["-y", "-i", str(src), "-map", "0:a:0", "-c:a", "pcm_s16le", "-ar", str(RATE),
                 "-ac", "2", "-f", "s16le", str(part)], timeout=60)
            os.replace(part, target)  # whole or not at all, also with renders side by side
            return target
        except OSError:
            with contextlib.suppress(OSError):
                part.unlink()
    raise OSError(f"cannot write the decoded music bed to {cache.parent} or {spare}")


@functools.cache
def _digest(name: str) -> str:
    """The committed bed's content hash, as ``generate`` recorded it in beds.json."""
    info = json.loads((MUSIC_DIR / "beds.json").read_text())
    return str(info[name]["sha256"])[:16]


def _cache_dir() -> Path:
    return current().cache_dir / "beds"


def check(name: str) -> str:
    """``name`` if it is a committed bed, else ``ValueError`` naming the choices."""
    bed_path(name)
    return name


def pick(key: str) -> str | None:
    """The bed for "auto": chosen deterministically from ``key`` (the teaser id or the
    source), so a re-render gets the same music; None when no bed is installed."""
    names = beds()
    if not names:
        return None
    digest = hashlib.sha256(key.encode()).digest()
    return names[int.from_bytes(digest[:4], "big") % len(names)]
