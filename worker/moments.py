"""The other moments of a session a teaser could show (offered to the seller to swap in),
and a seller's own cuts described as the ranking describes its own (score and reason).

Pure numpy over the session's timeline, like ``worker.ranking``, whose per-second score
and reasons these are; uploaded footage has its own in ``worker.footage_ranking``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from worker.cuts import BIG, MIN_GAP
from worker.editlist import Segment
from worker.ranking import QUALITY_THRESHOLD, Selection, session_context
from worker.timeline import Timeline

CANDIDATES = 6  # other moments offered beside a teaser's own
CANDIDATE_S = 10  # each as long as a typical moment of the teaser


def session_moments(timeline: Timeline, duration: float, chosen: Sequence[tuple[float, float]],
                    *, quality: np.ndarray | None = None, lang: str = "en",
                    k: int = CANDIDATES, length: int = CANDIDATE_S) -> tuple[Segment, ...]:
    """The best ``k`` windows of ``length`` s that the ``chosen`` spans do not touch, best
    first, each a separate moment (half a window apart at least) with its reason; windows
    with poor picture (``quality`` under the ranking's threshold) are left out."""
    ctx = session_context(timeline, duration, lang=lang)
    n = len(ctx.score)
    if n < length:
        return ()
    if quality is not None:
        q = np.asarray(quality, dtype=float)[:n]
        ctx.veto[: len(q)] = ~(q >= QUALITY_THRESHOLD)
    taken = np.zeros(n, dtype=bool)
    for start, end in chosen:
        taken[max(0, int(start) - MIN_GAP):min(n, math.ceil(end) + MIN_GAP)] = True
    sel = ctx.selection_scores(length)
    out: list[Segment] = []
    while len(out) < k:
        tcum = np.concatenate(([0], np.cumsum(taken)))
        free = (tcum[length:] - tcum[:-length]) == 0
        masked = np.where(free & (sel > -BIG / 2), sel, -np.inf)
        a = int(np.argmax(masked))
        if not masked[a] > -np.inf:
            break
        out.append(ctx.describe(float(a), float(a + length)))
        taken[max(0, a - length // 2):min(n, a + length + length // 2)] = True
    return tuple(out)


def seller_session_cuts(timeline: Timeline, duration: float,
                        cuts: Sequence[tuple[float, float]], *,
                        quality: np.ndarray | None = None, lang: str = "en") -> Selection:
    """The seller's cuts (checked against ``domain.edits`` before this), in their play
    order, each with its score and reason, and the other moments still on offer."""
    ctx = session_context(timeline, duration, lang=lang)
    segments = tuple(ctx.describe(s, e) for s, e in cuts)
    return Selection(segments=segments, short_source=False, notes=(),
                     opening_reason=segments[0].reason,
                     lags={k: float(ctx.lags.get(k, 0)) for k in ("orders", "gmv", "comments")
                           if k in ctx.signals},
                     candidates=session_moments(timeline, duration, cuts, quality=quality,
                                                lang=lang))
