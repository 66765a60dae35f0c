"""Rank a past LIVE session's moments by GMV and interaction and choose the teaser's cuts.

Pure numpy, no ffmpeg. The per-second score (``score_seconds``) is a weighted mean of
signals, each relative to the session's own average (1.0 = usual) and per viewer in the
room at that moment, so a busy hour with many viewers does not drown a small room that
caught fire. Orders, GMV and comments trail the moment that caused them, so they are
shifted back by a lag before scoring.

``rank_session`` then picks 1-4 non-overlapping segments (each >= 6 s) totalling the
target (40 s; 35-45 s accepted), OPENING on the product moment that drew the most sales
(a pin, or the strongest rise in product clicks or orders: ``worker.product_moments``) so
a product is on screen in the first 3 s, held for its pitch (``worker.pitch``); cut points
snap to nearby shot changes / quiet moments (``worker.cuts``); seconds with poor picture
are avoided when there is an alternative. Every segment says why it was chosen, with
numbers (``worker.reasons``).

A second teaser of the same session (``avoid``: the spans a sibling teaser already shows)
avoids those seconds the same way, so a seller posting both does not post one video twice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from domain.edits import MAX_SEGMENTS
from worker import reasons
from worker.contender import contender, shares
from worker.cuts import BIG, MIN_SEGMENT, TOLERANCE, grow, place_window, snap
from worker.editlist import Segment
from worker.errors import InputError
from worker.lags import DEFAULT_LAGS, Lags, estimate_lags
from worker.pitch import pitch_length
from worker.product_moments import (
    PROBE,
    Moment,
    drawn,
    kind,
    order_value_capped,
    product_moments,
)
from worker.series import aligned, mean, usual_rate
from worker.story import order_rush, story_order, story_score
from worker.timeline import Timeline

#: Weights of the score: money first (what a teaser sells is a room where people buy),
#: then intent to buy (product clicks), then conversation, then lighter interactions.
WEIGHTS: Mapping[str, float] = {
    "gmv": 3.0, "orders": 3.0, "product_clicks": 2.0, "comments": 1.5,
    "shares": 1.0, "new_followers": 1.0, "likes": 0.5,
}
#: A single signal may count at most this many times its session average, so one outlier
#: (a bulk order) cannot outvote everything else.
CAP = 10.0
#: Per-viewer rates use at least this share of the session's median viewers, so three
#: viewers and one comment at the very start do not look like a riot.
VIEWER_FLOOR = 0.25
QUALITY_THRESHOLD = 0.35
# Closer than this (or one bucket) to a chosen cut is the same moment, and counts for
# ``cuts.NEAR_DISCOUNT``: a teaser shows several moments.
SPREAD = 30
#: The opening runs while the product moment's stretch stays lively (clicks, and the
#: orders and comments it drew): at least ``MIN_OPEN`` s, leaving room for one more moment
#: (a pitch is the moment that sold: a teaser shows it whole, up to 34 s of 40).
MIN_OPEN = 12


@dataclass(frozen=True)
class Selection:
    """The chosen cuts, in play order; ``opening_reason`` says which product moment the
    teaser opens on (or why it could not open on one)."""

    segments: tuple[Segment, ...]
    short_source: bool
    notes: tuple[str, ...]
    opening_reason: str
    #: Seconds each signal was taken to trail the moment behind it (``DEFAULT_LAGS`` or
    #: estimated from the session itself).
    lags: Mapping[str, float] = field(default_factory=dict)
    #: Other moments the teaser could show instead, best first (offered to the seller).
    candidates: tuple[Segment, ...] = ()

    @property
    def duration(self) -> float:
        return sum(s.duration for s in self.segments)


def score_seconds(timeline: Timeline, duration: float, *,
                  lags: Mapping[str, float] | None = None) -> np.ndarray:
    """Per-second score over ``floor(duration)`` seconds: 1.0 is the session's usual
    activity, 3.0 three times it; 0 where the timeline knows nothing."""
    n = max(0, int(math.floor(duration)))
    lags = {**DEFAULT_LAGS, **(lags or {})}
    viewers = aligned(timeline, "viewers", n, 0)
    per_viewer = None
    if viewers is not None and np.isfinite(viewers).any():
        median = float(np.nanmedian(viewers))
        per_viewer = np.where(np.isnan(viewers), median,
                              np.maximum(viewers, max(1.0, VIEWER_FLOOR * median)))
    num, den = np.zeros(n), np.zeros(n)
    for name, weight in WEIGHTS.items():
        x = aligned(timeline, name, n, lags.get(name, 0))
        if x is None:
            continue
        if name == "gmv":
            x = order_value_capped(timeline, x, n, lags.get("orders", 0))
        rate = x / per_viewer if per_viewer is not None else x
        base = mean(rate)
        if not base > 0:
            continue  # never happened in this session: says nothing about any moment
        known = ~np.isnan(rate)
        num[known] += weight * np.minimum(rate[known] / base, CAP)
        den[known] += weight
    return np.divide(num, den, out=np.zeros(n), where=den > 0)


def rank_session(timeline: Timeline, duration: float, *, target: float = 40.0,
                 lags: Mapping[str, float] | None = None,
                 cut_candidates: Iterable[float] = (),
                 quality: np.ndarray | None = None,
                 avoid: Sequence[tuple[float, float]] = (),
                 motion: np.ndarray | None = None, lang: str = "en") -> Selection:
    """Choose the teaser's segments from a session of ``duration`` s. ``cut_candidates``
    are times of shot changes / quiet moments to snap cuts to (within 2 s);
    ``quality`` is a per-second 0..1 picture quality (0 = dark, blurred, frozen);
    ``avoid`` are source spans ``(start, end)`` another teaser of this session already
    shows, in its play order (the first is where it opens): avoided like poor picture when
    the rest of the session can fill the teaser. ``motion`` (per second, the picture's
    local movement) places a product moment inside a coarse bucket: the burst of someone
    holding the product up to the camera.

    ``lags`` fixes signals' lags; the others are estimated from the session itself
    (``worker.lags``) and the selection says which were used."""
    given = dict(lags or {})
    ctx = session_context(timeline, duration, target=target, lags=given, lang=lang)
    found, score = ctx.found, ctx.score
    assert found is not None
    if duration <= target:
        return _whole_source(ctx, repeats=bool(avoid))

    n = len(score)
    bad = np.zeros(n, dtype=bool)
    if quality is not None:
        q = np.asarray(quality, dtype=float)[:n]
        bad[: len(q)] = ~(q >= QUALITY_THRESHOLD)  # NaN counts as bad too
    # Veto only when there is enough good picture to cut the whole teaser from.
    if bad.any() and int((~bad).sum()) >= target:
        ctx.poor = bad
    used = _span_mask(avoid, n)
    # The other teaser's seconds likewise: only when enough fresh good picture is left.
    repeats = used.any() and int((~(ctx.poor | used)).sum()) < target
    if used.any() and not repeats:
        ctx.used = used
        ctx.other_opening = _span_mask(avoid[:1], n)
    ctx.veto = ctx.poor | ctx.used

    notes: tuple[str, ...] = () if ctx.signals else (reasons.say("no_signals", lang),)
    if "orders" in ctx.signals and "orders" not in given:
        notes += (reasons.lag_note(ctx.lags["orders"], found.found["orders"], found.lead,
                                   lang),)
    if repeats:
        notes += (reasons.say("repeats", lang),)
    opening, moment, opening_reason, more, rival = _choose_opening(ctx, PROBE, motion)
    notes += more
    a = opening[0]
    length = _opening_length(ctx, a) if moment is not None else _segment_lengths(target)[0]
    segs: list[list[int]] = [[a, min(a + length, n)]]  # [start, end) whole seconds, play order
    if rival is not None:
        b = int(math.floor(rival[0]))
        first, second = shares(target, length, _opening_length(ctx, b))
        if second >= MIN_SEGMENT:
            segs = [[a, min(a + first, n)], [b, min(b + second, n)]]
            notes += (reasons.contender_note(b, lang),)
    ctx.score = story_score(timeline, score, ctx.lags, a if moment is not None else None)
    ctx.rush = order_rush(timeline, ctx.lags, segs, target=target, veto=ctx.veto)
    if ctx.rush is not None:
        segs.append(ctx.rush)
    spread = max(SPREAD, int(math.ceil(timeline.bucket)))
    longest = max(MIN_SEGMENT, target / 2)
    for length in _segment_lengths(target - sum(e - s for s, e in segs), MIN_SEGMENT):
        if len(segs) >= MAX_SEGMENTS or not place_window(ctx, segs, length, spread, longest):
            break
    grow(ctx, segs, int(round(target)) - sum(e - s for s, e in segs))
    ctx.score = score
    segs = story_order(timeline, segs)
    bounds = snap([(float(s), float(e)) for s, e in segs], ctx, moment, cut_candidates)

    windows = [_window(ctx, s, e, here=seg is ctx.rush) for (s, e), seg in zip(bounds, segs,
                                                                              strict=True)]
    phrased = [reasons.reason_parts(pin, stats, weights=WEIGHTS, cap=CAP, lang=lang)
               for pin, stats in windows]
    steady = not any(notable for _, notable in phrased)
    if timeline.end < 0.9 * duration:
        notes += (reasons.partial_timeline_note(timeline.end, duration, lang),)
    if steady and ctx.signals:
        notes = (*notes, reasons.say("steady", lang))
    segments = tuple(
        Segment(start=round(s, 3), end=round(e, 3), score=round(ctx.mean_score(s, e), 3),
                reason=reasons.reason_text(parts, notable, steady, stats, lang))
        for (s, e), (parts, notable), (_, stats) in zip(bounds, phrased, windows, strict=True)
    )
    return Selection(segments=segments, short_source=False, notes=notes,
                     opening_reason=opening_reason, lags=_used(ctx))


def session_context(timeline: Timeline, duration: float, *, target: float = 40.0,
                    lags: Mapping[str, float] | None = None, lang: str = "en") -> _Context:
    """What choosing or describing moments of a session needs: its per-second score and
    signals, with lags estimated from the session (``lags`` fixes some)."""
    if not duration > 0:
        raise InputError("the recording has no duration; upload the session's recording",
                         indonesian="rekamannya tidak punya durasi; unggah rekaman sesi ini")
    timeline.check_within(duration)
    found = estimate_lags(timeline, max(0, int(math.floor(duration))))
    used = {**found.values, **dict(lags or {})}
    ctx = _Context(timeline, duration, used, score_seconds(timeline, duration, lags=used),
                   target)
    ctx.found = found
    ctx.lang = reasons.check_lang(lang)
    return ctx


def _used(ctx: _Context) -> dict[str, float]:
    """The lags of the signals the session has (what the report says was used)."""
    return {k: float(ctx.lags.get(k, 0)) for k in ("orders", "gmv", "comments")
            if k in ctx.signals}


def _opening_length(ctx: _Context, a: int) -> int:
    """How long the product moment at ``a``'s pitch lasts (``worker.pitch``): while the
    viewers' live taps hold their level (product clicks; without them likes, which follow
    what is on screen too; without either, the score); ``MIN_OPEN`` s at least, leaving
    room for one more moment."""
    lo = min(MIN_OPEN, int(ctx.target))
    hi = max(lo, int(ctx.target - MIN_SEGMENT))
    for name in ("product_clicks", "likes"):
        lead = ctx.signals.get(name)
        if lead is not None and np.nansum(lead) > 0:
            taps = np.nan_to_num(lead)
            return pitch_length(taps, a, lo, hi, usual=usual_rate(taps), probe=PROBE)
    return pitch_length(ctx.score, a, lo, hi, usual=1.0, probe=PROBE)


def rank_with_analysis(timeline: Timeline, duration: float, analysis: Any, *,
                       target: float = 40.0, avoid: Sequence[tuple[float, float]] = (),
                       lang: str = "en") -> Selection:
    """``rank_session`` with the recording's saved analysis (``worker.analysis.Analysis``):
    its picture quality vetoes dark, blurred or frozen moments, its shot changes and
    quiet moments are the cut points."""
    return rank_session(timeline, duration, target=target, avoid=avoid,
                        quality=analysis.quality_per_second(),
                        cut_candidates=cut_candidates(analysis),
                        motion=analysis.local_motion, lang=lang)


def cut_candidates(analysis: Any) -> list[float]:
    """Where an analysed recording can be cut: its shot changes and quiet moments."""
    return sorted({*map(float, analysis.shot_changes), *map(float, analysis.quiet_times)})


class _Context:
    """What the selection steps share: the score, the lagged signals, the veto mask."""

    def __init__(self, timeline: Timeline, duration: float, lags: Mapping[str, float],
                 score: np.ndarray, target: float) -> None:
        self.timeline, self.duration, self.score, self.target = timeline, duration, score, target
        n = len(score)
        self.signals = {k: x for k in WEIGHTS
                        if (x := aligned(timeline, k, n, lags.get(k, 0))) is not None}
        self.lags = lags
        self.found: Lags | None = None
        self.lang = "en"
        self.rush: list[int] | None = None  # the order-rush segment: its figures unshifted
        # Seconds to avoid when there is an alternative, for two reasons kept apart so the
        # notes can say which: poor picture, and shown already in the session's other teaser.
        self.poor = np.zeros(n, dtype=bool)
        self.used = np.zeros(n, dtype=bool)
        self.other_opening = np.zeros(n, dtype=bool)  # where the other teaser opens
        self.veto = np.zeros(n, dtype=bool)  # poor | used
        self._cum = np.concatenate(([0.0], np.cumsum(score)))

    def mean_score(self, start: float, end: float) -> float:
        a, b = int(math.floor(start)), max(int(math.ceil(end)), int(math.floor(start)) + 1)
        b = min(b, len(self.score))
        return float((self._cum[b] - self._cum[a]) / (b - a)) if b > a else 0.0

    def describe(self, start: float, end: float) -> Segment:
        """``start``..``end`` as a segment with its score and why it stands out (or its
        usual rates): for a moment the ranking offers or a seller chose."""
        pin, stats = _window(self, start, end)
        parts, notable = reasons.reason_parts(pin, stats, weights=WEIGHTS, cap=CAP,
                                              lang=self.lang)
        return Segment(start=round(start, 3), end=round(end, 3),
                       score=round(self.mean_score(start, end), 3),
                       reason=reasons.reason_text(parts, notable, False, stats, self.lang))

    def selection_scores(self, length: int) -> np.ndarray:
        """Window scores for choosing: centre-weighted (so a window sits on its peak rather
        than just touching it) and vetoed windows pushed below every clean one."""
        w = 0.5 + 0.5 * np.hanning(length + 2)[1:-1]
        # Rounded so that equal windows tie exactly (then the earliest wins), whatever
        # the float noise of the convolution.
        sel = np.round(np.convolve(self.score, w[::-1] / w.sum(), mode="valid"), 9)
        if self.veto.any():
            vcum = np.concatenate(([0], np.cumsum(self.veto)))
            sel = sel - BIG * ((vcum[length:] - vcum[:-length]) > 0)
        return sel


def _span_mask(spans: Sequence[tuple[float, float]], n: int) -> np.ndarray:
    """The whole seconds that ``spans`` touch, as a mask of ``n`` seconds."""
    mask = np.zeros(n, dtype=bool)
    for start, end in spans:
        if math.isfinite(start) and math.isfinite(end) and end > start:
            mask[max(0, int(math.floor(start))):max(0, int(math.ceil(end)))] = True
    return mask


def _whole_source(ctx: _Context, *, repeats: bool = False) -> Selection:
    d, lo = ctx.duration, ctx.target - TOLERANCE
    pin, stats = _window(ctx, 0.0, d)
    parts, notable = reasons.reason_parts(pin, stats, weights=WEIGHTS, cap=CAP, lang=ctx.lang)
    reason = reasons.reason_text(parts, notable, not notable, stats, ctx.lang)
    notes: tuple[str, ...] = ()
    short = d < lo
    if short:
        notes = (reasons.short_recording_note(d, ctx.target, ctx.lang),)
    if repeats:
        notes += (reasons.say("repeats", ctx.lang),)
    segment = Segment(start=0.0, end=round(d, 3), score=round(ctx.mean_score(0.0, d), 3),
                      reason=reason)
    return Selection(segments=(segment,), short_source=short, notes=notes,
                     opening_reason=reasons.say("whole", ctx.lang))


def _segment_lengths(target: float, least: float = 1) -> list[int]:
    """``target`` s as up to ``MAX_SEGMENTS`` lengths of about 10 s (none under ``least``)."""
    if target < least:
        return []
    k = max(1, min(MAX_SEGMENTS, int(target // 10)))
    base, rem = int(target // k), int(round(target - (target // k) * k))
    return [base + (1 if i < rem else 0) for i in range(k)]


def _choose_opening(ctx: _Context, length: int, motion: np.ndarray | None = None
                    ) -> tuple[list[int], float | None, str, tuple[str, ...], Moment | None]:
    n = len(ctx.score)
    best: tuple[float, ...] | None = None
    choice: tuple[list[int], Moment] | None = None
    pcum, ucum, ocum = (np.concatenate(([0], np.cumsum(m)))
                        for m in (ctx.poor, ctx.used, ctx.other_opening))
    moments = product_moments(ctx, motion)
    credit = drawn(ctx, moments)
    for at, priority, text in moments:
        a = int(math.floor(at))
        end = min(a + length, n)
        if end - a < MIN_SEGMENT:
            continue
        # Poor picture or a moment the other teaser shows: only when no product moment is
        # free of it (one free of both beats one with either, either beats both). Reused,
        # a moment the other teaser shows later beats the one it opens on: the two
        # teasers then at least start differently.
        vetoed = (-BIG * (pcum[end] - pcum[a] > 0) - BIG * (ucum[end] - ucum[a] > 0)
                  - BIG / 2 * (ocum[end] - ocum[a] > 0))
        key = (vetoed, -kind(priority), credit[a], -priority, -at)
        if best is None or key > best:
            best, choice = key, ([a, end], (at, priority, text))
    if choice is not None:
        (a, end), chosen = choice
        at, text = chosen[0], chosen[2]
        dim: tuple[str, ...] = ()
        if ctx.poor[a:end].any():
            dim += (reasons.poor_opening_note(at, ctx.lang),)
        if ctx.used[a:end].any():
            dim += (_reuse_note(ctx, moments, at, length),)
        rival = contender(moments, credit, chosen, lambda b: not ctx.veto[b:b + length].any())
        return [a, end], at, text, dim, rival
    sel = ctx.selection_scores(length)
    a = int(np.argmax(sel))
    return ([a, a + length], None, reasons.no_product_opening(ctx.lang),
            (reasons.no_product_note(ctx.lang),), None)


def _reuse_note(ctx: _Context, moments: list[Moment], at: float,
                length: int) -> str:
    """Why the opening shows a product moment the other teaser shows too."""
    n = len(ctx.score)
    only = len({int(t) for t, _, _ in moments}) == 1
    return reasons.reuse_note(at, only=only, every=not only and all(
        ctx.used[int(t):int(t) + length].any() for t, _, _ in moments
        if n - int(t) >= MIN_SEGMENT), lang=ctx.lang)


def _window(ctx: _Context, start: float, end: float, *, here: bool = False
            ) -> tuple[str | None, list[reasons.SignalStat]]:
    """The segment's first pinned product (a second before it counts) and each signal
    over the stretch the segment stands for: the segment and, for a signal that trails its
    moment, the ``lag`` s after it (``here``: the segment alone, as for the order rush)."""
    a, b = int(math.floor(start)), max(int(math.ceil(end)), int(math.floor(start)) + 1)
    pins = [p for p in ctx.timeline.pins[max(0, a - 1):b] if p]
    stats: list[reasons.SignalStat] = []
    for k in ctx.signals:
        x = ctx.timeline.series(k)
        assert x is not None
        lag = 0 if here else max(0, int(round(ctx.lags.get(k, 0))))
        part = x[a:min(len(x), b + lag)]
        stats.append(reasons.SignalStat(k, mean(part), mean(x), float(lag),
                                        float(len(part)), float(np.nansum(part))))
    return (pins[0] if pins else None), stats

