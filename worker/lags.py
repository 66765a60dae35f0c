"""How far a session's orders and comments trail the product moments that caused them,
estimated from the session's own timeline.

Orders land 0-90 s after a product is pinned and tapped (a flash sale or "checkout
sekarang" near 0, a long demo far later; stragglers later still), comments a few seconds
after; each session has its own. The lead signal is the product clicks (viewers tap the
pinned product at once); without clicks, the pins themselves (a pulse at every new pin).
A follower's lag is the shift that best lines it up with the lead (Pearson correlation of
the two series smoothed over ``SMOOTH`` s), within ``BOUNDS``; when the best shift does
not line them up clearly (correlation under ``MIN_CORRELATION``, a flat or thin session)
the default is used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from worker.timeline import Timeline

#: Seconds each signal trails the moment that caused it, when the session cannot tell.
DEFAULT_LAGS: Mapping[str, float] = {
    "gmv": 30, "orders": 30, "comments": 10,
    "product_clicks": 0, "likes": 0, "shares": 0, "new_followers": 0,
}
#: The shifts searched, per follower (seconds).
BOUNDS: Mapping[str, tuple[int, int]] = {"orders": (0, 120), "comments": (0, 30)}
#: Signals that move with orders (same lag).
WITH_ORDERS = ("gmv", "items_sold", "customers")
#: Seconds both series are averaged over before lining them up: buyers check out over
#: tens of seconds, and in a quiet room an order every few seconds is all there is.
SMOOTH = 30
MIN_CORRELATION = 0.2
PIN_PULSE = 20  # s a new pin counts as a pulse of product interest, without clicks


@dataclass(frozen=True)
class Lags:
    """The lag of every signal, and for orders and comments how it was found:
    ``"estimated"`` (from this session) or ``"default"``; ``lead`` the series it was lined
    up with ("product clicks", "pins") or None."""

    values: Mapping[str, float]
    found: Mapping[str, str]
    lead: str | None


def estimate_lags(timeline: Timeline, n: int) -> Lags:
    """The lags of a session of ``n`` seconds (see the module docstring)."""
    values = dict(DEFAULT_LAGS)
    found = dict.fromkeys(BOUNDS, "default")
    lead, lead_name = _lead(timeline, n)
    if lead is None:
        return Lags(values, found, None)
    for name, (lo, hi) in BOUNDS.items():
        x = timeline.series(name)
        if x is None:
            continue
        lag = best_shift(lead, _smooth(_filled(x[:n])), lo, hi)
        if lag is not None:
            values[name], found[name] = float(lag), "estimated"
    for name in WITH_ORDERS:
        values[name] = values["orders"]
    return Lags(values, found, lead_name)


def best_shift(lead: np.ndarray, follower: np.ndarray, lo: int, hi: int) -> int | None:
    """The shift in ``lo..hi`` s at which ``follower`` best follows ``lead`` (Pearson r),
    or None when even the best r is under ``MIN_CORRELATION``."""
    n = min(len(lead), len(follower))
    best, best_r = None, MIN_CORRELATION
    for lag in range(lo, min(hi, n - 2 * SMOOTH) + 1):
        r = _pearson(lead[: n - lag], follower[lag:n])
        if r > best_r + 1e-9:
            best, best_r = lag, r
    return best


def _lead(timeline: Timeline, n: int) -> tuple[np.ndarray | None, str | None]:
    clicks = timeline.series("product_clicks")
    if clicks is not None and np.nansum(clicks) > 0:
        return _smooth(_filled(clicks[:n])), "product clicks"
    if timeline.has_pins and timeline.pin_changes():
        pulse = np.zeros(max(n, 1))
        for t, _ in timeline.pin_changes():
            a = int(t)
            pulse[a:a + PIN_PULSE] = 1.0
        return _smooth(pulse[:n]), "pins"
    return None, None


def _filled(x: np.ndarray) -> np.ndarray:
    """Unknown seconds as the series' mean, so they line up with nothing."""
    known = x[~np.isnan(x)]
    mean = float(known.mean()) if len(known) else 0.0
    return np.where(np.isnan(x), mean, x)


def _smooth(x: np.ndarray) -> np.ndarray:
    return np.convolve(x, np.ones(SMOOTH) / SMOOTH, mode="valid") if len(x) >= SMOOTH else x


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    if float(np.ptp(a)) < 1e-9 or float(np.ptp(b)) < 1e-9:
        return 0.0  # a constant series lines up with nothing
    a, b = a - a.mean(), b - b.mean()
    # Plain sums, not BLAS: a threaded dot product is slower than this on a busy machine.
    den = math.sqrt(float(np.sum(a * a)) * float(np.sum(b * b)))
    return float(np.sum(a * b)) / den if den > 0 else 0.0
