"""The teaser's other moments after its opening, and their play order: one story.

After the product moment it opens on (``worker.ranking``), a teaser shows that moment's
order rush (the room as its buyers check out, when they do so well after the pitch), then
the session's other best moments, preferring seconds with a product on screen, and plays
them as one story: the opening's product first, each other product's moments together.
Pure numpy over the session's per-second arrays.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from worker import reasons
from worker.cuts import MIN_GAP, MIN_SEGMENT
from worker.series import mean
from worker.timeline import Timeline

#: Seconds with nothing on screen to buy (no product pinned, outside the opening's story)
#: count for this much when choosing the teaser's other moments: a giveaway's comment
#: flood is not a moment a teaser for the next LIVE should show.
OFF_PRODUCT = 0.3
STORY = 60  # s after the opening's orders land that still belong to its story


def story_score(timeline: Timeline, score: np.ndarray, lags: Mapping[str, float],
                opening: int | None) -> np.ndarray:
    """The score the teaser's other moments are chosen by: seconds with nothing on screen
    to buy (pins known, none pinned) count for ``OFF_PRODUCT``, except in the story of the
    product moment the teaser opens on at ``opening`` (until its orders have landed, plus
    ``STORY`` s; None: the teaser opens on no product moment)."""
    if not timeline.has_pins:
        return score
    n = len(score)
    pinned = np.array([p is not None for p in timeline.pins[:n]]
                      + [False] * max(0, n - len(timeline.pins)))
    story = np.zeros(n, dtype=bool)
    if opening is not None:
        story[opening:opening + int(lags.get("orders", 0)) + STORY] = True
    out: np.ndarray = np.where(pinned | story, score, score * OFF_PRODUCT)
    return out


def order_rush(timeline: Timeline, lags: Mapping[str, float], segs: list[list[int]], *,
               target: float, veto: np.ndarray) -> list[int] | None:
    """The moment after the opening (``segs[0]``) when its orders land well after it: the
    seconds where they pour in (unshifted: the room as the buyers check out), if they
    stand out, the teaser has room for them (``target`` s in all) and they touch neither
    another of ``segs`` nor the ``veto``ed seconds."""
    orders = timeline.series("orders")
    lag = int(round(lags.get("orders", 0)))
    a, e = segs[0]
    rest = int(target - sum(t - s for s, t in segs))
    length = rest if rest - 10 < MIN_SEGMENT else 10
    n = len(veto)
    if orders is None or lag < e - a + MIN_GAP or length < MIN_SEGMENT:
        return None
    lo, hi = a + lag, min(n, a + lag + STORY)
    x = np.nan_to_num(orders[:n])
    base = mean(orders[:n])
    if hi - lo < length or not base > 0:
        return None
    cum = np.concatenate(([0.0], np.cumsum(x[lo:hi])))
    means = (cum[length:] - cum[:-length]) / length
    i = int(np.argmax(means))
    start = lo + i
    if means[i] < reasons.NOTABLE * base or veto[start:start + length].any():
        return None
    if start - e < MIN_GAP:
        start = e
    if any(start < t + MIN_GAP and s < start + length + MIN_GAP for s, t in segs[1:]):
        return None
    return [start, start + length]


def story_order(timeline: Timeline, segs: list[list[int]]) -> list[list[int]]:
    """Play order that tells one story: the opening, then the rest of its product's
    moments, then each other product's moments together (no A, B, A again), each group
    in the order it happened."""
    pins = timeline.pins

    def product(seg: list[int]) -> str | None:
        mid = (seg[0] + seg[1]) // 2
        return pins[mid] if mid < len(pins) else None

    first = product(segs[0])
    rest = sorted(segs[1:])
    groups: dict[str | None, list[list[int]]] = {}
    for seg in rest:
        p = product(seg)
        groups.setdefault(first if p is None else p, []).append(seg)
    ordered = groups.pop(first, [])
    for group in groups.values():
        ordered += group
    return [segs[0], *ordered]
