"""Music beds: synthesised here (numpy, fixed seeds), so they are ours to use.

Each bed is a whole number of bars, rendered circularly (note tails wrap to the start),
so ``-stream_loop -1`` plays it seamlessly; each is longer than the longest teaser (45 s)
so a render normally never reaches the loop point at all. ``python -m worker.music`` regenerates the
committed files under media/assets/music; every bed is normalised to ``BED_LUFS``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from store.settings import current
from worker.ffmpeg import binary, run

MUSIC_DIR = Path(__file__).resolve().parent.parent / "media" / "assets" / "music"
RATE = 48_000
BED_LUFS = -16.0  # integrated loudness every committed bed is normalised to
# Peaks at -4 dBFS: a bed raised to -14 LUFS (nobody speaking) then peaks at -2 dBFS and
# the render's limiter barely touches it.
PEAK_LIMIT = 0.63


@dataclass(frozen=True)
class BedStyle:
    """How one bed sounds: tempo, key, chords (semitones above the key's root), mood."""

    name: str
    bpm: float
    bars: int
    root_hz: float
    chords: tuple[tuple[int, ...], ...]
    mood: str
    seed: int
    kick_every: float = 1.0  # beats between kicks
    hat_every: float = 0.5
    pluck_every: float = 0.5
    brightness: float = 1.0


STYLES: tuple[BedStyle, ...] = (
    BedStyle("upbeat", 124, 24, 130.81, ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12)),
             "bright, four-on-the-floor pop", seed=124, hat_every=0.25, brightness=1.2),
    BedStyle("chill", 90, 18, 110.0, ((0, 3, 7, 10), (5, 8, 12, 15), (3, 7, 10, 14),
                                      (8, 12, 15, 19)),
             "laid-back lo-fi, soft kick on 1 and 3", seed=90, kick_every=2.0,
             pluck_every=1.0, brightness=0.6),
    BedStyle("warm", 100, 20, 146.83, ((0, 4, 7, 11), (9, 12, 16), (5, 9, 12, 16),
                                       (7, 11, 14)),
             "warm acoustic-like plucks and pads", seed=100, hat_every=1.0,
             pluck_every=0.5, brightness=0.8),
)


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


# --- synthesis -------------------------------------------------------------------------

def _env(n: int, attack: float, decay: float) -> np.ndarray:
    t = np.arange(n) / RATE
    return np.minimum(1.0, t / max(attack, 1e-4)) * np.exp(-t / decay)


def _add(buf: np.ndarray, start: int, sig: np.ndarray, pan: float) -> None:
    """Mix a mono ``sig`` into the stereo loop ``buf`` at ``start``, wrapping around the
    end so the loop is seamless; ``pan`` -1 (left) .. 1 (right), equal power."""
    left, right = np.cos((pan + 1) * np.pi / 4), np.sin((pan + 1) * np.pi / 4)
    idx = (start + np.arange(len(sig))) % len(buf)
    np.add.at(buf[:, 0], idx, sig * left)
    np.add.at(buf[:, 1], idx, sig * right)


def synthesize(style: BedStyle) -> np.ndarray:
    """The bed as float32 stereo samples at 48 kHz (peak-normalised, not yet to LUFS)."""
    rng = np.random.default_rng(style.seed)
    beat = 60.0 / style.bpm
    total = int(round(style.bars * 4 * beat * RATE))
    buf = np.zeros((total, 2), dtype=np.float64)
    beats = style.bars * 4

    def at(b: float) -> int:
        return int(round(b * beat * RATE))

    # Kick: a falling sine sweep.
    n = int(0.35 * RATE)
    t = np.arange(n) / RATE
    kick = np.sin(2 * np.pi * (45 * t + 60 * 0.04 * (1 - np.exp(-t / 0.04)))) * _env(n, 0.002, 0.12)
    for b in np.arange(0, beats, style.kick_every):
        _add(buf, at(b), 0.9 * kick, 0.0)
    # Hats: short high-passed noise bursts, a little random in level.
    n = int(0.05 * RATE)
    for b in np.arange(style.hat_every / 2 if style.hat_every >= 1 else 0, beats, style.hat_every):
        noise = rng.standard_normal(n)
        # Band-pass (difference, then a 3-tap average): bright, but nothing near Nyquist,
        # whose inter-sample peaks would push the true peak over the limit.
        noise = np.convolve(np.diff(noise, prepend=0.0), np.ones(3) / 3, mode="same")
        _add(buf, at(b), 0.08 * style.brightness * rng.uniform(0.6, 1.0) * noise
             * _env(n, 0.001, 0.015), rng.uniform(-0.4, 0.4))
    # One chord per bar: bass on the root, a soft pad, plucked arpeggio.
    bar_len = 4 * beat
    for bar in range(style.bars):
        chord = style.chords[bar % len(style.chords)]
        start = at(bar * 4)
        n = int(bar_len * RATE)
        t = np.arange(n) / RATE
        root = style.root_hz * 2 ** (chord[0] / 12) / 2
        bass = np.sin(2 * np.pi * root * t) + 0.3 * np.sin(4 * np.pi * root * t)
        for b in range(4):
            seg = int(beat * RATE)
            _add(buf, start + b * seg, 0.35 * bass[:seg] * _env(seg, 0.01, 0.3), 0.0)
        pad = np.zeros(n)
        for semi in chord:
            f = style.root_hz * 2 ** (semi / 12)
            for detune in (-0.003, 0.003):
                pad += np.sin(2 * np.pi * f * (1 + detune) * t + rng.uniform(0, 2 * np.pi))
        swell = np.minimum(1.0, t / 0.4) * np.minimum(1.0, (bar_len - t) / 0.4 + 0.0)
        _add(buf, start, 0.05 * pad * np.clip(swell, 0, 1), 0.0)
        steps = int(round(4 / style.pluck_every))
        m = int(0.6 * RATE)
        tp = np.arange(m) / RATE
        for s in range(steps):
            semi = chord[s % len(chord)] + 12 * (s // len(chord) % 2)
            f = style.root_hz * 2 ** (semi / 12)
            tone = (np.sin(2 * np.pi * f * tp)
                    + 0.4 * style.brightness * np.sin(4 * np.pi * f * tp)
                    + 0.15 * style.brightness * np.sin(6 * np.pi * f * tp))
            _add(buf, start + at(s * style.pluck_every), 0.16 * tone * _env(m, 0.003, 0.18),
                 -0.5 if s % 2 else 0.5)
    buf /= np.max(np.abs(buf)) / 0.7
    # 10 ms ramps at the seam: AAC overshoots on an abrupt start from its priming
    # silence, which would put a peak at every loop point.
    ramp = np.linspace(0.0, 1.0, RATE // 100)[:, None]
    buf[: len(ramp)] *= ramp
    buf[-len(ramp):] *= ramp[::-1]
    return buf.astype(np.float32)


def _encode(samples: np.ndarray, out: Path, gain_db: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "bed.f32"
        raw.write_bytes(samples.tobytes())
        subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-f", "f32le", "-ar",
                        str(RATE), "-ac", "2", "-i", str(raw), "-af",
                        f"volume={gain_db:.2f}dB,alimiter=limit={PEAK_LIMIT}:level=0",
                        "-c:a", "aac", "-b:a", "128k", "-map_metadata", "-1",
                        "-fflags", "+bitexact", "-movflags", "+faststart", str(out)],
                       check=True)


def measure_lufs(path: Path) -> float:
    """Integrated loudness of ``path`` (one of our own files) by ffmpeg's ebur128."""
    proc = subprocess.run([binary(), "-nostdin", "-hide_banner", "-i", str(path), "-vn",
                           "-af", "ebur128", "-f", "null", "-"],
                          capture_output=True, text=True, check=True)
    found = re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", proc.stderr)
    return float(found[-1])


def generate(out_dir: Path = MUSIC_DIR) -> list[Path]:
    """Synthesise every style, encode to AAC and normalise it to ``BED_LUFS``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    info: dict[str, dict[str, object]] = {}
    for style in STYLES:
        samples = synthesize(style)
        out = out_dir / f"{style.name}.m4a"
        gain = 0.0
        for _ in range(3):  # the limiter moves the loudness a little: converge on it
            _encode(samples, out, gain)
            gain += BED_LUFS - measure_lufs(out)
        info[style.name] = {"bpm": style.bpm, "bars": style.bars, "mood": style.mood,
                            "seconds": round(len(samples) / RATE, 3),
                            "lufs": round(measure_lufs(out), 2),
                            "sha256": hashlib.sha256(out.read_bytes()).hexdigest()}
        written.append(out)
    (out_dir / "beds.json").write_text(json.dumps(info, indent=2) + "\n")
    return written


if __name__ == "__main__":
    for p in generate():
        print(p, p.stat().st_size)
