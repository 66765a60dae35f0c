"""Loudness of the teaser's sound, measured on the samples the encoder will get.

``integrated`` is BS.1770 (the K-weighting, 400 ms blocks every 100 ms, the -70 LUFS
and -10 LU gates) as ffmpeg's ``ebur128`` computes it, on a float array. ``master``
brings a mix to -14 LUFS with its sample peaks under ``CEILING`` (room for AAC's
overshoot under -1 dBTP) by one gain and a look-ahead limiter, and it measures what the
limiter takes off: a loud peaky voice loses up to several dB of loudness to the limiter,
which a gain planned without it leaves under the target (-15.1 to -15.6 LUFS before).
Pure NumPy, no process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RATE = 48_000
TARGET_LUFS = -14.0
CEILING = 0.75  # -2.5 dBFS sample peak: leaves room for AAC's overshoot under -1 dBTP
SUB = RATE // 10  # 100 ms: a gating block is four of these
STEP = RATE // 1000  # the limiter decides its gain every 1 ms
LOOKAHEAD = RATE // 200  # 5 ms: the limiter's gain reaches a peak's level before the peak
HOLD = RATE // 20  # 50 ms held after a peak before the gain comes back up
MAX_GAIN_DB = 20.0
CHECK_OVER_DB = 2.0  # a limiter taking more than this off a peak: measure the result
CORRECTIONS = 3  # at most this many steps towards the target after measuring it


@dataclass(frozen=True)
class Master:
    """What ``master`` did: the gain (dB), the most the limiter took off (dB), and the
    integrated loudness (LUFS, None when silent) and sample peak (dBFS) of the result."""

    gain_db: float
    limited_db: float
    lufs: float | None
    peak_dbfs: float


def _k_weighting(n: int) -> np.ndarray:
    """|H|^2 of the BS.1770 K-weighting (shelf + high-pass, its 48 kHz biquads) at the
    ``rfft`` frequencies of ``n`` samples."""
    z = np.exp(-1j * 2 * np.pi * np.fft.rfftfreq(n, 1.0 / RATE) / RATE)

    def biquad(b: tuple[float, float, float], a: tuple[float, float, float]) -> np.ndarray:
        return (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)

    shelf = biquad((1.53512485958697, -2.69169618940638, 1.19839281085285),
                   (1.0, -1.69065929318241, 0.73248077421585))
    highpass = biquad((1.0, -2.0, 1.0), (1.0, -1.99004745483398, 0.99007225036621))
    return np.abs(shelf * highpass) ** 2


_KW = _k_weighting(SUB)
_PARSEVAL = np.where((np.arange(_KW.size) == 0) | (np.arange(_KW.size) == _KW.size - 1),
                     1.0, 2.0)


def sub_powers(x: np.ndarray) -> np.ndarray:
    """K-weighted mean square of each 100 ms of ``x`` ((n, channels) at 48 kHz), summed
    over the channels as BS.1770 does; a trailing partial 100 ms is left out."""
    m = len(x) // SUB
    if m == 0:
        return np.zeros(0)
    frames = np.moveaxis(np.asarray(x[: m * SUB], dtype=np.float32).reshape(m, SUB, -1), 2, 1)
    spec = np.fft.rfft(frames, axis=2)
    power = (spec.real ** 2 + spec.imag ** 2) * (_KW * _PARSEVAL)
    return power.sum(axis=(1, 2)) / (SUB * SUB)


def block_loudness(subs: np.ndarray) -> np.ndarray:
    """Loudness (LUFS) of each 400 ms block (four 100 ms powers), one every 100 ms."""
    if len(subs) < 4:
        return np.zeros(0)
    c = np.concatenate(([0.0], np.cumsum(subs)))
    block = (c[4:] - c[:-4]) / 4
    return -0.691 + 10 * np.log10(np.maximum(block, 1e-20))


def gated(blocks: np.ndarray) -> float | None:
    """BS.1770 integrated loudness of block loudnesses: the -70 LUFS absolute gate, then
    the relative gate 10 LU under the mean of what passed. None when all is silent."""
    kept = blocks[blocks > -70.0]
    if not len(kept):
        return None
    mean = _power_mean(kept)
    kept = kept[kept > mean - 10.0]
    return _power_mean(kept) if len(kept) else None


def _power_mean(blocks: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.power(10.0, blocks / 10.0))))


def integrated(x: np.ndarray) -> float | None:
    """Integrated loudness (LUFS) of ``x`` ((n, channels) at 48 kHz); None when silent."""
    return gated(block_loudness(sub_powers(x)))


def limiter_gain(peak: np.ndarray, ceiling: float = CEILING) -> np.ndarray:
    """Per-sample gain keeping ``peak * gain <= ceiling`` (``peak``: per sample, the
    larger magnitude of the channels), decided per 1 ms by ``limiter_steps`` and drawn
    linearly from step to step."""
    n = len(peak)
    if n == 0 or float(peak.max()) <= ceiling:
        return np.ones(n)
    return _step_gain_to_samples(limiter_steps(step_peaks(peak), ceiling), n)


def step_peaks(peak: np.ndarray) -> np.ndarray:
    """The loudest sample of each 1 ms step of ``peak``."""
    m = -(-len(peak) // STEP)
    return np.concatenate((peak, np.zeros(m * STEP - len(peak)))).reshape(m, STEP).max(axis=1)


def limiter_steps(top: np.ndarray, ceiling: float = CEILING) -> np.ndarray:
    """Per 1 ms step (``top``: its loudest sample), the limiter's gain: each
    over-the-ceiling peak is met by a gain that ramps down over ``LOOKAHEAD`` before it,
    holds ``HOLD`` after it and ramps back up over ``LOOKAHEAD`` (a minimum filter, then
    a moving average no longer than the look-ahead, so the smoothed gain never exceeds
    what a peak needs). Offline, the look-ahead costs no delay."""
    need = np.minimum(1.0, ceiling / np.maximum(top, 1e-12))
    if need.min() >= 1.0:
        return need
    ahead, hold = LOOKAHEAD // STEP, HOLD // STEP
    held = _sliding_min(need, before=hold, after=ahead)
    # Trailing mean over ``ahead`` steps (before the start: the first step). Every averaged
    # step saw the peak, and so did the next step: the line drawn from a step's value to
    # the next one's stays under what the peak needs.
    c = np.concatenate(([0.0], np.cumsum(np.concatenate((np.full(ahead - 1, held[0]), held)))))
    return np.minimum((c[ahead:] - c[:-ahead]) / ahead, 1.0)


def _step_gain_to_samples(gain: np.ndarray, n: int) -> np.ndarray:
    return np.minimum(ramps(gain, STEP, n), 1.0)


def ramps(values: np.ndarray, hop: int, n: int) -> np.ndarray:
    """``n`` float32 samples going in a straight line from each value to the next, one
    value every ``hop`` samples (the last one held)."""
    v = np.asarray(values, dtype=np.float32)
    if not len(v):
        return np.ones(n, np.float32)
    nxt = np.concatenate((v[1:], v[-1:]))
    frac = (np.arange(hop, dtype=np.float32) / hop)[None, :]
    out = (v[:, None] + (nxt - v)[:, None] * frac).ravel()[:n]
    return out if len(out) == n else np.concatenate((out, np.full(n - len(out), v[-1])))


def _sliding_min(a: np.ndarray, *, before: int, after: int) -> np.ndarray:
    """``out[i] = min(a[i - before .. i + after])`` in O(n) (van Herk / Gil-Werman)."""
    w = before + after + 1
    padded = np.concatenate((np.ones(before), a, np.ones(after)))
    blocks = -(-len(padded) // w)
    padded = np.concatenate((padded, np.ones(blocks * w - len(padded)))).reshape(blocks, w)
    prefix = np.minimum.accumulate(padded, axis=1).ravel()
    suffix = np.minimum.accumulate(padded[:, ::-1], axis=1)[:, ::-1].ravel()
    n = len(a)
    return np.minimum(suffix[:n], prefix[w - 1:w - 1 + n])


def peaks(x: np.ndarray) -> np.ndarray:
    """Per sample, the larger magnitude of the two channels of ``x`` ((n, 2))."""
    return np.maximum(np.abs(x[:, 0]), np.abs(x[:, 1]))


def master(mix: np.ndarray, target: float = TARGET_LUFS, *,
           subs: np.ndarray | None = None) -> tuple[np.ndarray, Master]:
    """``mix`` ((n, 2) float, 48 kHz) at ``target`` LUFS with its sample peaks under
    ``CEILING``: a gain, then the limiter; the gain is raised by what the limiter takes
    off the loudness (predicted per 100 ms from the energy it removes; when the limiter
    works hard, checked on the result and corrected once more). ``subs``: the mix's
    ``sub_powers`` when the caller already knows them. A silent mix is returned as it is."""
    subs = sub_powers(mix) if subs is None else subs
    before = gated(block_loudness(subs))
    n = len(mix)
    top = step_peaks(peaks(mix)) if n else np.zeros(0)
    if before is None:
        return mix, Master(0.0, 0.0, None, _db(float(top.max()) if len(top) else 0.0))
    m = min(len(subs), n // SUB)
    subs = subs[:m]
    # Energy per 1 ms step, to weigh the limiter's gain with (10 ms steps make a 100 ms).
    # The channels' float32 squares added in float64, channel by channel: what
    # ``.sum(axis=1, dtype=np.float64)`` gives, without its slow reduction over an axis
    # of two (36 of the mix's 110 ms on a 40 s teaser).
    sq = mix[: m * SUB].astype(np.float32) ** 2
    e = sq[:, 0].astype(np.float64)
    for channel in range(1, sq.shape[1]):
        e += sq[:, channel]
    e_step = e.reshape(-1, STEP).sum(axis=1)
    e_sub = e_step.reshape(m, -1).sum(axis=1) + 1e-20
    gain_db = _clip(target - before)

    def estimate(gain: np.ndarray, db: float) -> float | None:
        kept = (e_step * gain[: len(e_step)] ** 2).reshape(m, -1).sum(axis=1) / e_sub
        return gated(block_loudness(subs * kept * 10 ** (db / 10)))

    for _ in range(4):
        got = estimate(limiter_steps(top * 10 ** (gain_db / 20)), gain_db)
        if got is None:
            break
        gain_db = _clip(gain_db + target - got)
        if abs(target - got) < 0.05:
            break
    steps = limiter_steps(top * 10 ** (gain_db / 20))
    lufs = estimate(steps, gain_db)
    limited = float(-20 * np.log10(max(float(steps.min()), 1e-6)))
    g = (_step_gain_to_samples(steps, n) * 10 ** (gain_db / 20)).astype(np.float32)
    out = mix * g[:, None]
    if limited > CHECK_OVER_DB:
        # The energy estimate misses by up to a few tenths when the limiter takes a lot
        # (more on clicks, which a further limiting pass takes off again): measure the
        # result, and step towards the target while it is off.
        lufs = integrated(out)
        slope = 1.0  # LU gained per dB of gain: under 1 where the limiter takes some back
        for _ in range(CORRECTIONS):
            if lufs is None or abs(lufs - target) <= 0.1 or abs(gain_db) >= MAX_GAIN_DB:
                break
            step_db = max(-MAX_GAIN_DB - gain_db,
                          min(MAX_GAIN_DB - gain_db, (target - lufs) / slope))
            step = 10 ** (step_db / 20)
            g2 = limiter_gain(peaks(out) * step)
            out = out * (g2 * step).astype(np.float32)[:, None]
            limited = max(limited, float(-20 * np.log10(max(float(g2.min()), 1e-6))))
            gain_db += step_db
            before_step, lufs = lufs, integrated(out)
            if lufs is not None and step_db:
                slope = min(1.0, max(0.25, (lufs - before_step) / step_db))
    top_out = float(np.abs(out).max()) if n else 0.0
    return out.astype(np.float32, copy=False), Master(
        round(gain_db, 2), round(limited, 2), None if lufs is None else round(lufs, 2),
        _db(top_out))


def _clip(gain_db: float) -> float:
    return max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain_db))


def _db(linear: float) -> float:
    return round(20 * math.log10(linear), 2) if linear > 0 else -120.0
