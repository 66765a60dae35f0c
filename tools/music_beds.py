"""Synthesise the committed music beds (numpy, fixed seeds: ours to use) and write them,
normalised to ``worker.music.BED_LUFS``, with their ``beds.json``, under media/assets/music.

Run from the repository: ``.venv/bin/python -m tools.music_beds``. Not part of the service:
the worker only reads the committed files (``worker/music.py``).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from worker.ffmpeg import run
from worker.music import BED_LUFS, MUSIC_DIR, RATE

# Peaks at -4 dBFS: a bed raised to -14 LUFS (nobody speaking) then peaks at -2 dBFS and
# the render's limiter barely touches it.
PEAK_LIMIT = 0.63
FFMPEG_TIMEOUT_S = 120.0  # one encode or loudness measure of a bed of under a minute


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
        run(["-y", "-f", "f32le", "-ar", str(RATE), "-ac", "2", "-i", str(raw), "-af",
             f"volume={gain_db:.2f}dB,alimiter=limit={PEAK_LIMIT}:level=0",
             "-c:a", "aac", "-b:a", "128k", "-map_metadata", "-1",
             "-fflags", "+bitexact", "-movflags", "+faststart", str(out)],
            timeout=FFMPEG_TIMEOUT_S)


def measure_lufs(path: Path) -> float:
    """Integrated loudness of ``path`` (one of our own files) by ffmpeg's ebur128."""
    tail = run(["-i", str(path), "-vn", "-af", "ebur128", "-f", "null", "-"],
               timeout=FFMPEG_TIMEOUT_S, loglevel="info", tail_lines=40)
    found = re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", tail)
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
