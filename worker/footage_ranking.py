"""Rank uploaded footage (no metrics at all) from picture and sound alone.

A good moment is sharp, well lit, steady, shows a person, has someone speaking and is
not static. The teaser opens on the best close, steady, sharp moment: with no product
pins to go by, that is the likeliest product shot. Cuts snap to shot changes and quiet
moments; every segment says why it was chosen in words a seller understands.
"""

from __future__ import annotations

import math

import numpy as np

from domain.edits import MAX_SEGMENTS, MIN_SEGMENT_S, TOLERANCE_S
from worker import reasons
from worker.analysis import Analysis
from worker.editlist import Segment
from worker.errors import InputError
from worker.ranking import Selection

MIN_SEGMENT = MIN_SEGMENT_S
MIN_TEASER = 5.0  # a short source still needs this much good footage
TOLERANCE = TOLERANCE_S  # target 40 s accepts 35..45 s
SNAP_RADIUS = 1.5
MIN_GAP = 3
GOOD_QUALITY = 0.35
SHOT_CHANGE_PENALTY = 0.7  # a moment that straddles a shot change cannot keep one crop


def scores(a: Analysis) -> tuple[np.ndarray, np.ndarray]:
    """Per-second (moment score, opening score), both 0..1. The moment score rewards a
    good picture with a person, speech and movement; the opening score a close, steady,
    sharp picture."""
    q = a.quality_per_second()
    lively = np.clip(a.local_motion / 0.01, 0.0, 1.0)
    face = np.clip(a.face, 0.0, 1.0)
    speech = a.speech if a.has_audio else np.zeros(a.seconds)
    moment = q * (1.0 + 1.0 * face + 0.8 * speech + 0.5 * lively) / 3.3
    close = np.where(np.isnan(a.face_w), 0.5 * (1.0 - np.clip(a.action_spread, 0.0, 1.0)),
                     np.clip(np.nan_to_num(a.face_w) / 0.3, 0.0, 1.0))
    opening = q * (1.0 - a.shake) * (0.6 + 0.4 * close) * (0.8 + 0.2 * face)
    return moment, opening


def rank_footage(analysis: Analysis, duration: float, *, target: float = 40.0,
                 lang: str = "en") -> Selection:
    """Choose 1-4 non-overlapping segments (each >= 6 s) totalling ``target`` +-5 s from
    footage of ``duration`` s, opening on the best close-up. A source shorter than that
    gives what is good in it (at least 5 s) with ``short_source`` set and a note. Reasons
    and notes are worded in ``lang`` ("id" or "en")."""
    reasons.check_lang(lang)
    if duration < MIN_TEASER:
        raise InputError(f"the footage is {duration:.1f} s long; a teaser needs at least "
                         f"{MIN_TEASER:.0f} s of footage",
                         indonesian=f"videonya hanya {duration:.1f} detik; teaser butuh "
                                    f"video minimal {MIN_TEASER:.0f} detik".replace(".", ","))
    a = analysis
    moment, opening = scores(a)
    notes = _notes(a, lang)
    if duration <= target + TOLERANCE:
        return _short(a, duration, moment, target, notes, lang)
    n = min(a.seconds, int(math.floor(duration - a.start)))
    cuts = _shot_mask(a, n)
    windows: list[tuple[int, int]] = []
    # Four 10 s moments when they fit; in footage too short for four apart, fewer and
    # longer ones, so the teaser still reaches the target.
    for k in range(len(_lengths(target)), 0, -1):
        placed = _place(opening[:n], moment[:n], _lengths(target, k), cuts)
        if sum(e - s for s, e in placed) > sum(e - s for s, e in windows):
            windows = placed
        if sum(e - s for s, e in windows) >= target - TOLERANCE:
            break
    if not windows:
        return _short(a, duration, moment, target, notes, lang)
    # Play order: the opening first, then the rest as they happened.
    ordered = [windows[0], *sorted(windows[1:])]
    bounds = _snap([(a.start + s, a.start + e) for s, e in ordered], a, duration, target)
    segments = tuple(
        Segment(start=round(s, 3), end=round(e, 3),
                score=round(_mean(moment, a, s, e), 3),
                reason=reason(a, s, e, opening=i == 0, lang=lang))
        for i, (s, e) in enumerate(bounds))
    return Selection(segments=segments, short_source=False, notes=tuple(notes),
                     opening_reason=reasons.say("footage_opening", lang,
                                                text=segments[0].reason),
                     candidates=other_moments(a, duration, bounds, lang=lang))


CANDIDATES = 6  # other moments offered beside a teaser's own
CANDIDATE_S = 10


def other_moments(a: Analysis, duration: float, chosen: list[tuple[float, float]], *,
                  lang: str = "en", k: int = CANDIDATES,
                  length: int = CANDIDATE_S) -> tuple[Segment, ...]:
    """The best ``k`` windows of ``length`` s of the footage that the ``chosen`` spans do
    not touch, best first, half a window apart at least, each with its reason."""
    moment, _ = scores(a)
    n = min(a.seconds, int(math.floor(duration - a.start)))
    taken = np.zeros(n, dtype=bool)
    for s, e in chosen:
        taken[max(0, int(s - a.start) - MIN_GAP):max(0, math.ceil(e - a.start) + MIN_GAP)] = True
    cuts = _shot_mask(a, n)
    out: list[Segment] = []
    while len(out) < k:
        w = _best_window(moment[:n], length, taken, cuts)
        if w is None:
            break
        s, e = a.start + w, a.start + w + length
        out.append(Segment(start=round(s, 3), end=round(e, 3),
                           score=round(_mean(moment, a, s, e), 3),
                           reason=reason(a, s, e, lang=lang)))
        taken[max(0, w - length // 2):w + length + length // 2] = True
    return tuple(out)


def seller_cuts(a: Analysis, duration: float, cuts: list[tuple[float, float]], *,
                lang: str = "en") -> Selection:
    """The seller's cuts of the footage (checked against ``domain.edits`` before this),
    in their play order, each with its score and reason, and the other moments on offer."""
    moment, _ = scores(a)
    segments = tuple(Segment(start=round(s, 3), end=round(e, 3),
                             score=round(_mean(moment, a, s, e), 3),
                             reason=reason(a, s, e, opening=i == 0, lang=lang))
                     for i, (s, e) in enumerate(cuts))
    return Selection(segments=segments, short_source=False, notes=tuple(_notes(a, lang)),
                     opening_reason=segments[0].reason,
                     candidates=other_moments(a, duration, cuts, lang=lang))


def _place(opening: np.ndarray, moment: np.ndarray, lens: list[int],
           cuts: np.ndarray) -> list[tuple[int, int]]:
    """The opening window, then the best free windows of the other lengths (kept
    ``MIN_GAP`` apart); as many as fit."""
    taken = np.zeros(len(moment), dtype=bool)
    windows: list[tuple[int, int]] = []
    for i, length in enumerate(lens):
        w = _best_window(opening if i == 0 else moment, length, taken, cuts)
        if w is None:
            break
        windows.append((w, w + length))
        taken[max(0, w - MIN_GAP):w + length + MIN_GAP] = True
    return windows


def _lengths(target: float, k: int | None = None) -> list[int]:
    """``target`` split into ``k`` (default: one per 10 s, at most four) whole seconds."""
    k = k or max(1, min(MAX_SEGMENTS, int(target // 10)))
    base, rem = int(target // k), int(round(target - (target // k) * k))
    return [base + (1 if i < rem else 0) for i in range(k)]


def _shot_mask(a: Analysis, n: int) -> np.ndarray:
    """True at second i when a shot change falls inside it (not at its very start)."""
    mask = np.zeros(n, dtype=bool)
    for t in a.shot_changes:
        i = int(math.floor(t - a.start))
        if 0 <= i < n and (t - a.start) - i > 0.3:
            mask[i] = True
        elif 0 < i < n:
            mask[i - 1] = False  # a change on the second boundary splits nothing
    return mask


def _best_window(score: np.ndarray, length: int, taken: np.ndarray,
                 cuts: np.ndarray) -> int | None:
    """Start of the free window of ``length`` s with the best mean score; windows across
    a shot change are marked down, windows with a frozen/blank stretch ruled out."""
    n = len(score)
    if n < length:
        return None
    cum = np.concatenate(([0.0], np.cumsum(score)))
    means = (cum[length:] - cum[:-length]) / length
    tcum = np.concatenate(([0], np.cumsum(taken)))
    busy = (tcum[length:] - tcum[:-length]) > 0
    # Shot changes strictly inside the window (the first second's may sit at its start).
    ccum = np.concatenate(([0], np.cumsum(cuts)))
    inner = (ccum[length:] - ccum[:-length] - cuts[: n - length + 1]) > 0
    means = np.where(inner, means * SHOT_CHANGE_PENALTY, means)
    means = np.where(busy, -1.0, means)
    best = int(np.argmax(np.round(means, 9)))
    return None if means[best] < 0 else best


def _snap(bounds: list[tuple[float, float]], a: Analysis, duration: float,
          target: float) -> list[tuple[float, float]]:
    """Move each cut to a shot change (best) or a quiet moment within ``SNAP_RADIUS`` s,
    keeping segments >= 6 s, apart, inside the source and the total within 3 s of the
    target."""
    shots = np.asarray(a.shot_changes, dtype=float)
    quiet = np.asarray(a.quiet_times, dtype=float)
    out = list(bounds)
    total = sum(e - s for s, e in out)
    for i in range(len(out)):
        for side in (0, 1):
            t = out[i][side]
            new = _nearest(shots, t) if _nearest(shots, t) is not None else _nearest(quiet, t)
            if new is None:
                continue
            s, e = (new, out[i][1]) if side == 0 else (out[i][0], new)
            grown = total + (e - s) - (out[i][1] - out[i][0])
            others = [b for j, b in enumerate(out) if j != i]
            if (e - s >= MIN_SEGMENT and s >= 0.0 and e <= duration
                    and abs(grown - target) <= 3.0
                    and all(e <= os_ or s >= oe for os_, oe in others)):
                out[i], total = (s, e), grown
    return out


def _nearest(times: np.ndarray, t: float) -> float | None:
    if not len(times):
        return None
    j = int(np.argmin(np.abs(times - t)))
    return float(times[j]) if abs(times[j] - t) <= SNAP_RADIUS else None


def _short(a: Analysis, duration: float, moment: np.ndarray, target: float,
           notes: list[str], lang: str) -> Selection:
    """A source about as long as the teaser or shorter: its best stretch of good picture
    (the whole source when nothing is clearly bad), at least 5 s."""
    n = max(1, min(a.seconds, int(math.ceil(duration - a.start - 1e-6))))
    good = a.quality_per_second()[:n] >= GOOD_QUALITY
    start, end = _longest_run(good)
    if end - start < MIN_TEASER:
        start, end = 0, n
        notes.append(reasons.say("footage_poor", lang))
    s, e = a.start + start, min(duration, a.start + end)
    if e - s < MIN_TEASER:
        s, e = max(0.0, min(s, duration - MIN_TEASER)), min(duration, max(e, s + MIN_TEASER))
    short = (e - s) < target - TOLERANCE
    if short:
        notes.insert(0, reasons.say("footage_short", lang, d=f"{e - s:.0f}", t=f"{target:.0f}"))
    seg = Segment(start=round(s, 3), end=round(e, 3), score=round(_mean(moment, a, s, e), 3),
                  reason=reason(a, s, e, opening=True, lang=lang))
    return Selection(segments=(seg,), short_source=short, notes=tuple(notes),
                     opening_reason=reasons.say("footage_best", lang, text=seg.reason))


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    best, run_start = (0, 0), None
    for i, ok in enumerate([*mask.tolist(), False]):
        if ok and run_start is None:
            run_start = i
        elif not ok and run_start is not None:
            if i - run_start > best[1] - best[0]:
                best = (run_start, i)
            run_start = None
    return best


def _mean(x: np.ndarray, a: Analysis, s: float, e: float) -> float:
    i, j = a.index(s), max(a.index(s) + 1, int(math.ceil(e - a.start)))
    part = x[i:j]
    return float(part.mean()) if len(part) else 0.0


def reason(a: Analysis, start: float, end: float, *, opening: bool = False,
           lang: str = "en") -> str:
    """Why ``start``..``end`` was chosen, in a seller's words ("sharp close-up, you are
    speaking 8 of 10 s")."""
    i, j = a.index(start), max(a.index(start) + 1, int(math.ceil(end - a.start)))
    length = j - i
    sharp = float(np.mean(a.sharpness[i:j]))
    face = float(np.mean(a.face[i:j]))
    face_w = a.face_w[i:j]
    close = (face >= 0.3 and bool(np.any(~np.isnan(face_w)))
             and float(np.nanmean(face_w)) >= 0.18)
    parts: list[str] = []
    if sharp >= 0.6:
        parts.append(reasons.say("sharp_close" if close else "sharp", lang))
    elif close:
        parts.append(reasons.say("close", lang))
    if float(np.mean(a.exposure()[i:j])) >= 0.8:
        parts.append(reasons.say("lit", lang))
    if float(np.mean(a.shake[i:j])) < 0.15:
        parts.append(reasons.say("still", lang))
    if face >= 0.5:
        parts.append(reasons.say("on_screen", lang))
    if a.has_audio:
        talking = int(np.sum(a.speech[i:j] >= 0.4))
        if talking >= max(1, length // 2):
            parts.append(reasons.say("speaking", lang) if talking == length
                         else reasons.say("speaking_part", lang, talking=talking, length=length))
    if float(np.mean(a.local_motion[i:j])) >= 0.01:
        parts.append(reasons.say("lively", lang))
    if not parts:
        parts.append(reasons.say("clearest", lang))
    text = ", ".join(parts)
    return reasons.say("opening", lang, text=text) if opening else text


def _notes(a: Analysis, lang: str) -> list[str]:
    notes: list[str] = []
    if not a.has_audio:
        notes.append(reasons.say("no_sound", lang))
    if a.seconds and float(np.mean(a.face)) < 0.05:
        notes.append(reasons.say("no_face", lang))
    return notes
