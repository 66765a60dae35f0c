"""Reframing landscape and wide sources to 9:16 around the person.

One crop per shot: the crop is placed on the robust centre (median) of the faces over
the shot, so it never jitters and never jumps inside a shot; a new position comes only
at a shot change (``reframe_segments`` splits a segment there). When no good 9:16 crop
exists (a 2.35:1 picture would lose three quarters of its width, faces spread wider
than the crop, nobody and nothing to follow) the whole picture is shown over a blurred
fill. 9:16 and narrower sources pass through untouched (no crop).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from worker.analysis import KEYFRAME_FACE_EVERY, Analysis, analyse
from worker.editlist import Crop, Segment
from worker.graph import centre_crop

TARGET_ASPECT = 9 / 16
MIN_KEEP = 0.27  # a crop keeping less of the width than this loses too much (2.35:1 keeps 0.24)
MIN_FACE_SHARE = 0.3  # seconds of the shot with a face, to follow the face
MIN_PART = 2.0  # shorter pieces of a segment across a shot change keep their neighbour's crop
MIN_PRODUCT_SHARE = 0.6  # of the shot with something shown beside the seller: most of it


def _even(v: float) -> int:
    return int(v) // 2 * 2


def crop_for_segment(analysis: Analysis, segment: Segment, src_w: int, src_h: int
                     ) -> Crop | None:
    """The 9:16 crop (source pixels, display orientation) for ``segment``; None for a
    source that already is 9:16 or narrower; ``fill="blur"`` when no good crop exists.
    Computed over the segment's longest shot, constant for the whole segment."""
    if src_w <= 0 or src_h <= 0 or src_w / src_h <= TARGET_ASPECT * 1.02:
        return None
    crop_w = min(src_w, max(2, _even(src_h * TARGET_ASPECT)))
    keep = crop_w / src_w
    whole = Crop(x=0, y=0, w=_even(src_w), h=_even(src_h), fill="blur")
    if keep < MIN_KEEP:
        return whole
    start, end = _longest_shot(analysis, segment.start, segment.end)
    centre = subject_centre(analysis, start, end, keep)
    if centre is None:
        return whole
    x = int(round(centre * src_w - crop_w / 2))
    x = _even(min(max(0, x), src_w - crop_w))
    return Crop(x=x, y=0, w=crop_w, h=_even(src_h), fill="crop")


def subject_centre(analysis: Analysis, start: float, end: float, keep: float) -> float | None:
    """Horizontal centre (share of the width) a crop keeping ``keep`` of the width should
    sit on over ``start``..``end``, or None when no crop holds the subject: the faces'
    median centre, moved to keep what is shown beside them (the product region) in the
    crop too; the centre of the movement when nobody is seen. When the seller and the
    product do not fit in one 9:16 crop, None: the whole picture shows both."""
    a = analysis
    i = a.index(start)
    j = max(i + 1, min(a.seconds, int(math.ceil(end - a.start - 1e-6))))
    fx = a.face_x[i:j]
    seen = ~np.isnan(fx)
    # Long recordings are analysed on keyframes, faces checked every few seconds only.
    checks = (j - i) if a.mode == "full" else max(1.0, (j - i) / KEYFRAME_FACE_EVERY)
    if seen.sum() >= max(1, MIN_FACE_SHARE * checks):
        left = float(np.nanpercentile(a.face_left[i:j], 10))
        right = float(np.nanpercentile(a.face_right[i:j], 90))
        shown = a.product_left[i:j] if len(a.product_left) >= j else np.zeros(0)
        if (~np.isnan(shown)).sum() >= max(1, MIN_PRODUCT_SHARE * checks):
            left = min(left, float(np.nanpercentile(shown, 20)))
            right = max(right, float(np.nanpercentile(a.product_right[i:j], 80)))
        if right - left > keep * 0.95:
            return None  # several people, one walking about, seller and product apart
        centre = float(np.median(fx[seen]))
        # Shift just enough to keep the whole span of faces inside the crop.
        centre = min(max(centre, right - keep / 2), left + keep / 2)
        return centre
    moving = a.local_motion[i:j] > 0.003
    if moving.sum() >= max(1, 0.5 * (j - i)):
        spread = float(np.median(a.action_spread[i:j][moving]))
        if spread <= keep:
            return float(np.median(a.action_x[i:j][moving]))
    return None


def _longest_shot(a: Analysis, start: float, end: float) -> tuple[float, float]:
    cuts = [float(t) for t in a.shot_changes if start < t < end]
    edges = [start, *cuts, end]
    parts = list(zip(edges[:-1], edges[1:], strict=True))
    return max(parts, key=lambda p: p[1] - p[0])


def reframe_segments(analysis: Analysis, segments: tuple[Segment, ...] | list[Segment],
                     src_w: int, src_h: int) -> tuple[Segment, ...]:
    """Give each segment its crop; a segment that runs across a shot change is split
    there (both pieces at least ``MIN_PART`` s) so each shot gets its own position, and
    pieces with the same crop are joined again."""
    out: list[Segment] = []
    for seg in segments:
        cuts = [float(t) for t in analysis.shot_changes if seg.start + MIN_PART <= t
                <= seg.end - MIN_PART]
        edges = [seg.start, *cuts, seg.end]
        pieces: list[Segment] = []
        for s, e in zip(edges[:-1], edges[1:], strict=True):
            piece = replace(seg, start=round(s, 3), end=round(e, 3))
            crop = crop_for_segment(analysis, piece, src_w, src_h)
            if pieces and pieces[-1].crop == crop:
                pieces[-1] = replace(pieces[-1], end=piece.end)
            else:
                pieces.append(replace(piece, crop=crop))
        out.extend(pieces)
    return tuple(out)


def reframe_by_windows(path: str, segments: tuple[Segment, ...] | list[Segment],
                       src_w: int, src_h: int, windows: Sequence[Analysis] = ()
                       ) -> tuple[Segment, ...]:
    """Reframe segments of a recording that has no (or only a keyframe) analysis: each
    segment is cropped from a full-rate analysis of its own stretch, one of ``windows``
    when it covers the segment, else analysed here (a few seconds of decoding each, so a
    two-hour session costs no more than a short one)."""
    if src_w / max(1, src_h) <= TARGET_ASPECT * 1.02:
        return tuple(replace(s, crop=None) for s in segments)
    out: list[Segment] = []
    for seg in segments:
        window = next((w for w in windows
                       if w.start <= seg.start and seg.end <= w.start + w.seconds), None)
        if window is None:
            window = analyse(path, window=(seg.start, max(1.0, seg.end - seg.start)),
                             mode="full")
        out.extend(reframe_segments(window, [seg], src_w, src_h))
    return tuple(out)


PUNCH_IN = 1.2  # a punch-in shows the crop's middle 1/1.2: a visible change of framing


def punch_in(segments: Sequence[Segment], shot_changes: Sequence[float], src_w: int,
             src_h: int) -> tuple[Segment, ...]:
    """Where two segments in a row are cuts of the same shot (no shot change between
    them, the same framing), the join would jump: every second such segment is framed
    tighter instead (a punch-in, as an editor cuts a one-camera talk), on the same centre
    and a little towards the top, where the face is. A letterboxed (blur) segment shows
    the whole picture on purpose, so it is not cropped tighter: it crossfades in over a
    few frames instead (``join="fade"``). Across a shot change the join stays a cut."""
    out: list[Segment] = []
    prev: Segment | None = None
    tight = False
    for seg in segments:
        same = (prev is not None and prev.crop == seg.crop
                and not any(min(prev.end, seg.start) <= t <= max(prev.end, seg.start)
                            for t in shot_changes))
        crop = seg.crop or centre_crop(src_w, src_h)
        tight = same and not tight and crop.fill != "blur"
        if tight:
            w, h = _even(crop.w / PUNCH_IN), _even(crop.h / PUNCH_IN)
            x, y = crop.x + (crop.w - w) // 2, crop.y + int((crop.h - h) * 0.35)
            out.append(replace(seg, crop=Crop(x=_even(x), y=_even(y), w=w, h=h), join="cut"))
        else:
            out.append(replace(seg, join="fade" if same and crop.fill == "blur" else "cut"))
        prev = seg
    return tuple(out)
