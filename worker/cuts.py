"""Placing a teaser's cuts: adding windows, growing segments to the target length and
snapping cut points to nearby shot changes / quiet moments, keeping every rule (segments
>= 6 s, touching or ``MIN_GAP`` s apart, the total within ``TOLERANCE`` of the target,
the opening on its product moment, vetoed seconds avoided).

The choosing itself (scores, the opening) is ``worker.ranking``'s; it hands its state over
as a ``CutContext``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np

from domain.edits import MAX_SEGMENTS, MIN_SEGMENT_S, TARGET_S, TOLERANCE_S, length_bounds

MIN_SEGMENT = MIN_SEGMENT_S
TOLERANCE = TOLERANCE_S  # target 40 s accepts 35..45 s

SNAP_RADIUS = 2.0
NEAR_DISCOUNT = 0.5  # a window close to a chosen cut is the same moment and counts for half
MIN_GAP = 3  # two segments either touch or leave at least this many seconds between them
OPEN_SLACK = 1.0  # the first cut may start up to 1 s before the product moment
BIG = 1e6  # penalty that puts a vetoed choice below every clean one


class CutContext(Protocol):
    """What placing and snapping cuts reads of the ranking's state."""

    duration: float
    target: float
    score: np.ndarray  # per second
    veto: np.ndarray  # per second: avoid when there is an alternative

    def selection_scores(self, length: int) -> np.ndarray: ...


def place_window(ctx: CutContext, segs: list[list[int]], length: int, spread: int,
                 longest: float) -> bool:
    """Add the best window of ``length`` s that neither overlaps nor nearly touches the
    chosen ones; a window that exactly continues a segment extends it instead. Another
    moment of the session is preferred: a window within ``spread`` s of a chosen one, or
    an extension past ``longest`` s, counts for half (a second helping of the same one)."""
    n = len(ctx.score)
    if length > n:
        return False
    taken, near = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    for s, e in segs:
        taken[max(0, s - MIN_GAP):e + MIN_GAP] = True
        near[max(0, s - spread):e + spread] = True
    tcum = np.concatenate(([0], np.cumsum(taken)))
    ncum = np.concatenate(([0], np.cumsum(near)))
    sel = ctx.selection_scores(length)
    free = (tcum[length:] - tcum[:-length]) == 0
    close = (ncum[length:] - ncum[:-length]) > 0
    masked = np.where(free, np.where(close & (sel > 0), sel * NEAR_DISCOUNT, sel), -np.inf)
    a = int(np.argmax(masked))
    best: tuple[float, int, int | None] = (float(masked[a]), -a, None)
    for i, (s, e) in enumerate(segs):
        factor = NEAR_DISCOUNT if e - s + length > longest else 1.0
        for start in ([e] if i == 0 else [e, s - length]):  # never prepend to the opening
            if 0 <= start <= n - length and _fits(segs, start, start + length, skip=i):
                value = float(sel[start])
                key = (value * factor if value > 0 else value, -start, i)
                if key[:2] > best[:2]:
                    best = key
    if not best[0] > -np.inf:
        return False
    start = -best[1]
    if best[2] is None:
        segs.append([start, start + length])
    else:
        seg = segs[best[2]]
        seg[0], seg[1] = min(seg[0], start), max(seg[1], start + length)
    return True


def _fits(segs: list[list[int]], start: float, end: float, skip: int) -> bool:
    for j, (s, e) in enumerate(segs):
        if j == skip:
            continue
        gap = max(s - end, start - e)
        if gap < 0 or 0 < gap < MIN_GAP:
            return False
    return True


def grow(ctx: CutContext, segs: list[list[int]], missing: int) -> None:
    """Fill what the windows could not (a short session, a crowded one) one second at a
    time on the side with the better score, never into another segment or the veto."""
    n = len(ctx.score)
    for _ in range(max(0, missing)):
        options: list[tuple[float, int, int]] = []
        for i, (s, e) in enumerate(segs):
            if e < n and _fits(segs, s, e + 1, skip=i):
                options.append((ctx.score[e] - BIG * ctx.veto[e], -i, 1))
            if i > 0 and s > 0 and _fits(segs, s - 1, e, skip=i):
                options.append((ctx.score[s - 1] - BIG * ctx.veto[s - 1], -i, 0))
        if not options:
            return
        _, neg_i, side = max(options)
        segs[-neg_i][side] += 1 if side else -1


def snap(bounds: list[tuple[float, float]], ctx: CutContext, moment: float | None,
         cut_candidates: Iterable[float]) -> list[tuple[float, float]]:
    """Move each cut to the nearest candidate within ±2 s that keeps every rule."""
    cands = np.array(sorted(float(c) for c in cut_candidates
                            if math.isfinite(c) and 0 <= c <= ctx.duration))
    if not len(cands):
        return bounds
    lo, hi = ctx.target - TOLERANCE, ctx.target + TOLERANCE
    out = list(bounds)
    for i in range(len(out)):
        for side in (0, 1):
            here = out[i][side]
            near = cands[np.abs(cands - here) <= SNAP_RADIUS + 1e-9]
            for c in near[np.lexsort((near, np.abs(near - here)))].tolist():  # nearest first
                new = (c, out[i][1]) if side == 0 else (out[i][0], c)
                if _snap_ok(new, i, out, ctx, moment, lo, hi):
                    out[i] = new
                    break
    return out


def _snap_ok(new: tuple[float, float], i: int, out: list[tuple[float, float]], ctx: CutContext,
             moment: float | None, lo: float, hi: float) -> bool:
    s, e = new
    if e - s < MIN_SEGMENT or s < 0 or e > ctx.duration:
        return False
    if i == 0 and moment is not None and not (moment - OPEN_SLACK - 1e-9 <= s <= moment + 1e-9):
        return False
    if any(j != i and s < oe and os_ < e for j, (os_, oe) in enumerate(out)):
        return False
    total = sum(b - a for a, b in out) - (out[i][1] - out[i][0]) + (e - s)
    if not lo - 1e-9 <= total <= hi + 1e-9:
        return False
    if ctx.veto.any():
        a, b = int(math.floor(s)), min(int(math.ceil(e)), len(ctx.veto))
        if ctx.veto[a:b].any():
            return False
    return True


# --- cuts nobody hears ------------------------------------------------------------------

PAUSE_REACH = 1.0  # s a chosen cut may move to land in a pause between phrases
PHRASE_PAUSE = 0.25  # s: a shorter pause is a gap between words
LEAD_IN = 0.12  # s of a pause kept before a segment's first word
TAIL = 0.25  # s of a pause kept after a segment's last word (the fades live there)
DEAD_AIR = 1.5  # s with nobody speaking and nothing shown: taken out of a segment
DEAD_AIR_KEEP = 0.3  # s of such a pause left each side of the skip


def at_pauses(bounds: Sequence[tuple[float, float]], pauses: np.ndarray, duration: float,
              heard: Sequence[tuple[float, float]] | None = None, *,
              target: float | None = None) -> tuple[list[tuple[float, float]], list[float]]:
    """Each segment's start moved to just before speech resumes after a pause, its end
    to just after the last word before one, with the nearest pause within
    ``PAUSE_REACH`` s (a cut already in a pause is tightened the same way).
    ``pauses``: (k, 2) source seconds; ``heard``: the spans whose sound was analysed
    (None: all of it). Returns the new bounds and the cut times (s) that found no pause
    within reach although there is sound there (the caller says so in the report). A
    cut never moves past the neighbouring segments nor past its segment's middle, nor
    where the teaser would break an edit rule (``domain.edits``: a moment shorter than
    6 s, a total outside the bounds for ``target`` and this recording; see
    ``teaser_bounds``), so the moments a teaser reports are ones its seller can send back
    unchanged."""
    spans = np.asarray(pauses, dtype=float).reshape(-1, 2)
    out = [tuple(b) for b in bounds]
    missed: list[float] = []
    total = sum(e - s for s, e in bounds)
    least, (shortest, longest) = _least_segment(duration), teaser_bounds(duration, total,
                                                                          target)
    for i, (s, e) in enumerate(bounds):
        lo = max(0.0, max((b for a, b in out[:i] if b <= s), default=0.0))
        hi = min(duration, min((a for a, b in out[i + 1:] if a >= e), default=duration))
        new_s = _cut_in_pause(s, spans, start=True, lo=lo, hi=e - (e - s) / 2)
        new_e = _cut_in_pause(e, spans, start=False, lo=s + (e - s) / 2, hi=hi)
        at = [s, e]
        for side, (t, new) in enumerate(((s, new_s), (e, new_e))):
            if new is None:
                if _was_heard(t, heard):
                    missed.append(round(t, 2))
                continue
            moved = [new, at[1]] if side == 0 else [at[0], new]
            change = (moved[1] - moved[0]) - (at[1] - at[0])
            if _keeps_rules(moved[1] - moved[0], total + change, least, shortest, longest,
                            change):
                at, total = moved, total + change
            elif 0 < t < duration and _was_heard(t, heard):
                missed.append(round(t, 2))  # the rules keep it where a word may be clipped
        out[i] = (at[0], at[1])
    return [(float(a), float(b)) for a, b in out], missed


def teaser_bounds(duration: float, total: float, target: float | None) -> tuple[float, float]:
    """The shortest and longest teaser the edit rules accept for ``target`` from a
    recording of ``duration`` s (``domain.edits.length_bounds``). Without a ``target``:
    the default one's when the ranking's ``total`` is within them (it aimed at 40 s),
    else the rules' tolerance around ``total`` itself (a caller that asked for another
    length)."""
    if target is None:
        shortest, longest = length_bounds(duration)
        inside = shortest - 1e-6 <= total <= longest + 1e-6
        target = TARGET_S if inside else total
    return length_bounds(duration, target)


def _least_segment(duration: float) -> float:
    """The shortest moment the edit rules accept from a recording of ``duration`` s."""
    return min(MIN_SEGMENT_S, duration)


def _keeps_rules(length: float, total: float, least: float, shortest: float, longest: float,
                 change: float) -> bool:
    """Whether a moved cut leaves its moment and the teaser within the edit rules (a
    move that shortens nothing is judged on the total only if it lengthens it)."""
    if change < 0 and (length < least or total < shortest):
        return False
    return not (change > 0 and total > longest)


def _cut_in_pause(t: float, spans: np.ndarray, *, start: bool, lo: float, hi: float
                  ) -> float | None:
    """Where a cut near ``t`` goes in the nearest pause within reach: a start just
    before the pause ends (speech resumes), an end just after the pause begins. A pause
    between phrases (``PHRASE_PAUSE`` s or longer) is taken before a gap between words."""
    phrases = spans[spans[:, 1] - spans[:, 0] >= PHRASE_PAUSE]
    if len(phrases) < len(spans):
        found = _cut_in_pause(t, phrases, start=start, lo=lo, hi=hi)
        if found is not None:
            return found
    best: tuple[float, float] | None = None
    for a, b in spans:
        if b < t - PAUSE_REACH or a > t + PAUSE_REACH:
            continue
        cut = max(a, b - LEAD_IN) if start else min(b, a + TAIL)
        if a <= t <= b and not (lo <= cut <= hi and abs(cut - t) <= PAUSE_REACH):
            cut = t  # in a long pause already: it stays where it is
        if not lo <= cut <= hi or abs(cut - t) > PAUSE_REACH:
            continue
        if best is None or abs(cut - t) < best[0]:
            best = (abs(cut - t), float(cut))
    return None if best is None else best[1]


def _was_heard(t: float, heard: Sequence[tuple[float, float]] | None) -> bool:
    return heard is None or any(a <= t <= b for a, b in heard)


def without_dead_air(bounds: Sequence[tuple[float, float]], pauses: np.ndarray,
                     still: np.ndarray | None, start: float = 0.0, *,
                     duration: float | None = None, target: float | None = None
                     ) -> list[list[tuple[float, float]]]:
    """Each segment as the pieces left once dead air inside it is taken out: a pause
    longer than ``DEAD_AIR`` s during which nothing is shown either (``still``: per
    second from ``start``, True where the picture does not move; None: unknown, so
    nothing is taken out), keeping ``DEAD_AIR_KEEP`` s of it each side.

    A pause stays in where taking it out would break an edit rule (``domain.edits``):
    a piece shorter than 6 s, more than 4 moments in all, or a total under the shortest
    teaser for ``target`` and a recording of ``duration`` s (None: the span ``still``
    covers, the whole recording as the pipeline builds it; ``teaser_bounds``)."""
    spans = np.asarray(pauses, dtype=float).reshape(-1, 2)
    if duration is None:
        duration = start + (len(still) if still is not None else 0)
    total = sum(e - s for s, e in bounds)
    least, shortest = _least_segment(duration), teaser_bounds(duration, total, target)[0]
    count = len(bounds)
    out: list[list[tuple[float, float]]] = []
    for s, e in bounds:
        pieces: list[tuple[float, float]] = []
        at = s
        for a, b in spans:
            if b - a <= DEAD_AIR or a < s + DEAD_AIR_KEEP or b > e - DEAD_AIR_KEEP:
                continue
            if still is None or not _still(still, start, a, b):
                continue
            cut_from, cut_to = round(a + DEAD_AIR_KEEP, 3), round(b - DEAD_AIR_KEEP, 3)
            if (cut_from - at < least or e - cut_to < least or count + 1 > MAX_SEGMENTS
                    or total - (cut_to - cut_from) < shortest):
                continue
            pieces.append((at, cut_from))
            at, total, count = cut_to, total - (cut_to - cut_from), count + 1
        pieces.append((at, e))
        out.append([(round(x, 3), round(y, 3)) for x, y in pieces])
    return out


def _still(still: np.ndarray, start: float, a: float, b: float) -> bool:
    i, j = int(math.ceil(a - start)), int(math.floor(b - start))
    if j <= i:
        return False
    part = still[max(0, i):min(len(still), j)]
    return bool(len(part)) and bool(part.all())
