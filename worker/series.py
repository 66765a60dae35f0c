"""Per-second series as the ranking's modules read them: a timeline signal shifted back by
its lag, its mean over the seconds known, its usual rate.

Pure numpy over ``worker.timeline``'s arrays (NaN where the timeline does not know).
"""

from __future__ import annotations

import math

import numpy as np

from worker.timeline import Timeline


def aligned(timeline: Timeline, name: str, n: int, lag: float) -> np.ndarray | None:
    """The per-second series shifted back by ``lag`` s, cut or padded (NaN) to ``n``."""
    x = timeline.series(name)
    if x is None:
        return None
    shift = max(0, int(round(lag)))
    out = np.full(n, np.nan)
    src = x[shift:shift + n]
    out[: len(src)] = src
    return out


def mean(x: np.ndarray) -> float:
    """The mean over the seconds known (NaN when none is)."""
    known = x[~np.isnan(x)]
    return float(known.mean()) if len(known) else math.nan


def usual_rate(x: np.ndarray) -> float:
    """A series' usual rate per second: the median of its 2-minute means (its peaks lift
    the mean, and in 1-s buckets of a quiet room the median second is 0)."""
    w = min(len(x), 120)
    if w < 1:
        return 0.0
    cum = np.concatenate(([0.0], np.cumsum(x)))
    return float(np.median((cum[w:] - cum[:-w]) / w))
