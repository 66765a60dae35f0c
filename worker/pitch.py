"""How long a product moment's pitch lasts: the teaser's opening shows it whole.

While a seller pitches the product on screen, viewers keep tapping it; when the pitch is
over, the taps step down (and trail off). The pitch ends at that step: the split of the
lead signal (product clicks, or the ranking's score without them) into a level before and
a level after that explains the counts best (Poisson likelihood), among the splits after
which the lead has fallen to ``FALLEN`` of its rise over the usual level. Levels are means
over the stretches either side, which a few seconds of few taps in a quiet room do not move
the way they move a threshold on a smoothed peak.
"""

from __future__ import annotations

import numpy as np

#: Seconds after the longest opening that are looked at, so that a pitch running to the
#: longest opening still shows the level it steps down to.
AFTER = 20
#: The pitch is over once the lead has fallen to this share of its rise over the usual.
FALLEN = 1 / 3


def pitch_length(lead: np.ndarray, a: int, shortest: int, longest: int, *, usual: float,
                 probe: int) -> int:
    """Seconds from ``a`` that the pitch opening there lasts, ``shortest`` to ``longest``:
    where ``lead`` (per second, >= 0; ``usual`` its session's usual level) steps down to
    ``FALLEN`` of its rise or less; ``longest`` when it does not within reach (the pitch runs
    on); ``shortest`` when it did not rise above the usual in the ``probe`` s after ``a``
    (no pitch to hold)."""
    x = np.nan_to_num(np.asarray(lead[a:a + longest + AFTER], dtype=float))
    x = np.maximum(x, 0.0)
    n = len(x)
    if n <= shortest:
        return n
    cum = np.concatenate(([0.0], np.cumsum(x)))
    if not cum[min(n, probe)] / min(n, probe) > usual:
        return shortest
    t = np.arange(shortest, min(longest, n - 1) + 1)
    before, after = cum[t], cum[n] - cum[t]
    rate_before, rate_after = before / t, after / (n - t)
    gain = _log_likelihood(before, rate_before) + _log_likelihood(after, rate_after)
    fallen = rate_after <= usual + FALLEN * (rate_before - usual)
    gain = np.where(fallen & (rate_before > usual), np.round(gain, 9), -np.inf)
    i = int(np.argmax(gain))
    if not gain[i] > -np.inf:
        return min(longest, n)
    return int(t[i])


def _log_likelihood(count: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Poisson log likelihood of ``count`` events at ``rate`` per second, up to the terms
    every split of one stretch shares (``count * log(rate)``: the ``-rate * seconds``
    terms sum to the stretch's total count however it is split)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out: np.ndarray = np.where(count > 0, count * np.log(np.where(rate > 0, rate, 1.0)), 0.0)
    return out
