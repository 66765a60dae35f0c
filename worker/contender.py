"""The product moment a teaser shows beside its opening when the session cannot tell which
of the two sold more.

A session's product moments are credited with the orders and GMV that followed them
(``worker.product_moments.drawn``): counts of a few orders each, plus the room's other
orders landing in the same seconds. When a second product moment drew nearly as much as
the opening's (``CONTENDER`` of it or more), the data does not say which one sold: the
teaser shows both pitches, the opening's first and longer (``OPENING_SHARE`` of the
teaser at most), rather than all of one that may not be the moment that sold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from worker.product_moments import PIN_REACH, Moment, kind

CONTENDER = 2 / 3
#: With a contender, the opening's pitch keeps at least this share of the teaser (when
#: both pitches do not fit whole); the contender's pitch has the rest.
OPENING_SHARE = 0.6


def contender(moments: Sequence[Moment], credit: Mapping[int, float], opening: Moment,
              usable: Callable[[int], bool]) -> Moment | None:
    """The product moment of the same kind as ``opening`` (a pin beside a pin) that drew
    the most after it, ``PIN_REACH`` s from it at least (another moment, whose orders are
    its own), when it drew ``CONTENDER`` of what the opening drew or more and ``usable``
    (its start second: not in poor picture, not in the other teaser) holds."""
    at = int(math.floor(opening[0]))
    best = credit.get(at, 0.0)
    if not best > 0:
        return None
    out: Moment | None = None
    for moment in moments:
        a = int(math.floor(moment[0]))
        if (kind(moment[1]) != kind(opening[1]) or abs(a - at) < PIN_REACH
                or credit[a] < CONTENDER * best or not usable(a)):
            continue
        if out is None or credit[a] > credit[int(math.floor(out[0]))]:
            out = moment
    return out


def shares(target: float, opening_pitch: int, contender_pitch: int) -> tuple[int, int]:
    """Seconds of the opening's pitch and of the contender's the teaser shows: both whole
    when they fit in ``target``; else the opening as much as leaves the contender whole,
    and at least ``OPENING_SHARE`` of the teaser (or its whole pitch), the contender the
    rest."""
    total = int(target)
    if opening_pitch + contender_pitch <= total:
        return opening_pitch, contender_pitch
    first = max(min(opening_pitch, int(round(OPENING_SHARE * target))), total - contender_pitch)
    return first, min(contender_pitch, total - first)
