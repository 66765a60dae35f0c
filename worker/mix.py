"""The teaser's sound, mixed from the cut voice and a music bed.

The voice is faded over ``VOICE_FADE_S`` at every join and at both ends (no click, no
word chopped hard); the bed sits ``BED_UNDER_VOICE_LU`` under the voice and dips a
further ``DUCK_DB`` while someone speaks, so under speech it is about 15 dB below the
voice and still heard. The dip is drawn from where the voice is, not by a compressor:
it starts ``LOOKAHEAD_S`` before a word (the first syllable is never masked), stays down
for ``HOLD_S`` after speech (no pumping between words) and comes back up over
``RELEASE_S`` in a real pause. The bed fades in at the start and out with the last
word. ``worker.loudness.master`` then sets -14 LUFS under the peak ceiling. Pure NumPy
on 48 kHz stereo float arrays; a bed is read from its raw PCM (``read_bed``), its loudness
powers measured once per process (``bed_sub_powers``).
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from worker.errors import RenderError
from worker.loudness import (
    RATE,
    SUB,
    TARGET_LUFS,
    Master,
    block_loudness,
    gated,
    master,
    ramps,
    sub_powers,
)
from worker.music import BED_LUFS, bed_pcm, beds

VOICE_FADE_S = 0.03
BED_UNDER_VOICE_LU = 8.0  # the bed in pauses, under the voice's loudness
DUCK_DB = 7.0  # the further dip while someone speaks: ~15 dB under the voice
LOOKAHEAD_S = 0.1  # the dip is complete this long before a word starts
HOLD_S = 0.3  # the music stays down this long after speech: no swell between words
RELEASE_S = 0.4  # back up over this in a real pause (a 1.2 s pause breathes fully)
MIN_WORD_S = 0.05  # shorter bursts (a click, a knock) do not duck the music
ACTIVE_UNDER_LU = 20.0  # a 10 ms step is speech when within this of the voice's loudness
MUSIC_FADE_IN_S = 0.5
MUSIC_FADE_OUT_S = 1.5
MUSIC_TAIL_S = 0.25  # the bed is gone this long after the last word
SILENT_LUFS = -45.0  # a quieter "voice" is silence or hiss: not boosted, nothing ducked
MAX_VOICE_GAIN_DB = 30.0
HOP = RATE // 100  # the dip is decided every 10 ms
STEM_HEADROOM = 4.0  # a decoded voice may peak over full scale: the stem keeps 12 dB more
STEM_SCALE = 2.0 ** 23 / STEM_HEADROOM  # 24-bit steps over +-STEM_HEADROOM


@dataclass(frozen=True)
class Mix:
    """How the sound was mixed: the voice's loudness as cut (None: no voice), the gains
    (dB) given to voice and bed, whether the bed was ducked, where the bed's fade-out
    ends (s) and what mastering did."""

    voice_lufs: float | None
    voice_db: float
    music_db: float
    ducked: bool
    music_ends: float
    master: Master


def segment_bounds(lengths: Sequence[int]) -> list[tuple[int, int]]:
    """(start, end) sample of each segment of the concatenated voice."""
    ends = np.cumsum(lengths).tolist()
    return list(zip([0, *ends[:-1]], ends, strict=True))


def fade_joins(voice: np.ndarray, bounds: Sequence[tuple[int, int]],
               seconds: float = VOICE_FADE_S) -> None:
    """Fade the voice in and out over ``seconds`` (raised cosine) at both ends of every
    segment, in place."""
    n = int(round(seconds * RATE))
    for start, end in bounds:
        k = min(n, (end - start) // 2)
        if k > 0:
            ramp = (0.5 - 0.5 * np.cos(np.pi * (np.arange(k) + 0.5) / k)).astype(voice.dtype)
            voice[start:start + k] *= ramp[:, None]
            voice[end - k:end] *= ramp[::-1, None]


def speech_steps(voice: np.ndarray, voice_lufs: float) -> np.ndarray:
    """Per 10 ms: True where someone speaks (30 ms energy within ``ACTIVE_UNDER_LU`` of
    the voice's loudness, bursts shorter than ``MIN_WORD_S`` left out)."""
    m = len(voice) // HOP
    if m == 0:
        return np.zeros(0, dtype=bool)
    part = voice[: m * HOP].astype(np.float64)
    energy = (part[:, 0] ** 2 + part[:, 1] ** 2).reshape(m, HOP).mean(axis=1)
    smooth = np.convolve(energy, np.ones(3) / 3, mode="same")
    level = 10 * np.log10(smooth + 1e-20) - 0.691
    active = level > max(voice_lufs - ACTIVE_UNDER_LU, -65.0)
    return _drop_short(active, int(round(MIN_WORD_S * 100)))


def duck_db(active: np.ndarray) -> np.ndarray:
    """Per 10 ms, the bed's dip (dB, <= 0) for the speech steps ``active``: fully down
    (``DUCK_DB``) from ``LOOKAHEAD_S`` before speech until ``HOLD_S`` after it (a pause
    between words never lets it up), ramping down over the ``LOOKAHEAD_S`` before that
    and back up over ``RELEASE_S`` after the hold."""
    ahead, hold = int(round(LOOKAHEAD_S * 100)), int(round(HOLD_S * 100))
    release = int(round(RELEASE_S * 100))
    down = active.astype(np.float64)
    for k in range(1, max(hold, ahead) + 1):
        if k <= hold:
            down[k:] = np.maximum(down[k:], active[:-k])
        if k <= ahead:
            down[:-k] = np.maximum(down[:-k], active[k:])
    # Ramps as the upper envelope of shifted copies: rising linearly over ``ahead`` steps
    # into speech, falling linearly over ``release`` steps after the hold.
    depth = down.copy()
    for k in range(1, ahead + 1):
        depth[:-k] = np.maximum(depth[:-k], down[k:] * (1 - k / ahead))
    for k in range(1, release + 1):
        depth[k:] = np.maximum(depth[k:], down[:-k] * (1 - k / release))
    return -DUCK_DB * depth


def _drop_short(mask: np.ndarray, min_len: int) -> np.ndarray:
    """``mask`` without True runs shorter than ``min_len``."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    out = mask.copy()
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if b - a < min_len:
            out[a:b] = False
    return out


def _bed_fades_db(steps: int, fade_out_end: float) -> np.ndarray:
    """Per 10 ms, the bed's fade in from the start and out to ``fade_out_end`` (dB)."""
    t = np.arange(steps) * HOP / RATE
    fin = np.clip(t / MUSIC_FADE_IN_S, 0.0, 1.0)
    fout = np.clip((fade_out_end - t) / MUSIC_FADE_OUT_S, 0.0, 1.0)
    return 20 * np.log10(np.maximum(fin * fout, 1e-5))


def voice_stem(voice: np.ndarray | None, lengths: Sequence[int]) -> np.ndarray:
    """The voice as the mix takes it ((n, 2) float32): the concatenated segments' sound
    (``lengths``: samples of each; None when the source has no sound) cut or padded with
    silence to their length, faded at every join, on the grid ``STEM_SCALE`` (what a
    24-bit stem holds exactly: a render and a regeneration that reads the kept stem mix
    the very same samples)."""
    n = int(sum(lengths))
    if voice is None:
        return np.zeros((n, 2), dtype=np.float32)
    out = np.array(voice[:n], dtype=np.float32)
    if len(out) < n:
        out = np.concatenate((out, np.zeros((n - len(out), 2), np.float32)))
    fade_joins(out, segment_bounds(lengths))
    return on_stem_grid(out)


def on_stem_grid(x: np.ndarray) -> np.ndarray:
    """``x`` rounded to the nearest multiple of 1 / ``STEM_SCALE`` (at most ``STEM_HEADROOM``
    times full scale), in place: steps of -126 dBFS, far under any recording's noise."""
    scale = np.float32(STEM_SCALE)
    np.multiply(x, scale, out=x)
    np.rint(x, out=x)
    np.clip(x, -(2.0 ** 23), 2.0 ** 23 - 1, out=x)
    np.multiply(x, np.float32(1 / STEM_SCALE), out=x)  # a power of two: exact
    return x


def mix(voice: np.ndarray | None, lengths: Sequence[int], music: np.ndarray | None, *,
        music_subs: np.ndarray | None = None) -> tuple[np.ndarray, Mix]:
    """The teaser's sound ((n, 2) float32, 48 kHz, mastered) from the concatenated voice
    (``lengths``: samples of each segment; None when the source has no sound) and the
    bed (at least n samples, or None; ``music_subs``: its ``sub_powers`` when known)."""
    return mix_stem(voice_stem(voice, lengths), music, music_subs=music_subs)


def mix_stem(voice: np.ndarray, music: np.ndarray | None, *,
             music_subs: np.ndarray | None = None,
             voice_subs: np.ndarray | None = None) -> tuple[np.ndarray, Mix]:
    """``mix`` of a voice that is its ``voice_stem`` already (a render's, or the one kept
    beside it, with its ``sub_powers``, ``voice_subs``): not cut or faded again."""
    n = len(voice)
    total = n / RATE
    voice_subs = sub_powers(voice) if voice_subs is None else voice_subs
    lufs = gated(block_loudness(voice_subs))
    speaks = lufs is not None and lufs > SILENT_LUFS
    voice_db = (max(-MAX_VOICE_GAIN_DB, min(MAX_VOICE_GAIN_DB, TARGET_LUFS - lufs))
                if speaks and lufs is not None else 0.0)
    out = voice * np.float32(10 ** (voice_db / 20)) if speaks else voice
    # The mix's 100 ms powers, voice and bed added (they do not correlate): the bed's
    # are its own times its gain, which changes slowly against 100 ms.
    subs = voice_subs * 10 ** (voice_db / 10)
    music_db, ends = 0.0, total
    if music is not None and len(music) >= n:
        steps = -(-n // HOP)
        dip = np.zeros(steps)
        if speaks and lufs is not None:
            active = speech_steps(voice, lufs)
            dip[: len(active)] = duck_db(active)
            last = np.flatnonzero(active)
            if len(last):
                ends = min(total, max(total - 3.0, (last[-1] + 1) * HOP / RATE + MUSIC_TAIL_S))
            music_db = TARGET_LUFS - BED_UNDER_VOICE_LU - BED_LUFS
        else:
            music_db = TARGET_LUFS - BED_LUFS
        gain_db = dip + _bed_fades_db(steps, ends) + music_db
        bed_gain = ramps(np.power(10.0, gain_db / 20), HOP, n)
        out = out + music[:n] * bed_gain[:, None]
        bed_subs = sub_powers(music[:n]) if music_subs is None else music_subs
        m = min(len(subs), len(bed_subs))
        per_sub = np.power(10.0, gain_db / 10)[: m * (SUB // HOP)].reshape(m, -1).mean(axis=1)
        subs = subs[:m] + bed_subs[:m] * per_sub
    result, done = master(out, subs=subs)
    return result, Mix(voice_lufs=None if lufs is None else round(lufs, 2),
                       voice_db=round(voice_db, 2), music_db=round(music_db, 2),
                       ducked=bool(speaks and music is not None), music_ends=round(ends, 3),
                       master=done)


def read_bed(pcm: Path, n: int) -> np.ndarray:
    """``n`` samples of a music bed (raw 48 kHz stereo s16le, ``worker.music.bed_pcm``) as
    (n, 2) float32, looped from its start when it is shorter (beds loop seamlessly)."""
    raw = np.fromfile(pcm, dtype="<i2", count=2 * n)
    bed = raw[: len(raw) // 2 * 2].reshape(-1, 2)
    if not len(bed):
        raise RenderError(f"the music bed {pcm.name} is empty")
    if len(bed) < n:
        bed = np.resize(bed, (n, 2))
    return bed.astype(np.float32) * np.float32(1 / 32768)


def bed_sub_powers(pcm: Path | None, n: int) -> np.ndarray | None:
    """The bed's 100 ms loudness powers (``worker.loudness.sub_powers``) for its first
    ``n`` samples, computed once per bed file and process; None when the bed is shorter
    (it loops: the caller measures the looped samples)."""
    if pcm is None:
        return None
    st = pcm.stat()
    if n > st.st_size // 4:
        return None
    return _bed_subs(str(pcm), st.st_size, st.st_mtime_ns)


def warm_beds() -> None:
    """Measure every committed bed's loudness powers now (decoding it into the cache if
    need be): a worker calls this once, so the work horses it forks inherit them instead
    of each measuring its bed again (0.1-0.2 s of a music-only regeneration's ~0.5 s)."""
    with tempfile.TemporaryDirectory(prefix="cuplik-beds-") as spare:
        for name in beds():
            bed_sub_powers(bed_pcm(name, Path(spare)), 1)


@functools.lru_cache(maxsize=8)
def _bed_subs(path: str, size: int, mtime_ns: int) -> np.ndarray:
    del mtime_ns  # part of the key: a rewritten bed is measured again
    return sub_powers(read_bed(Path(path), size // 4))
