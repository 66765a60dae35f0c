"""The poster's moment: inside the opening (product) moment, the second that shows the
seller's face *and* the product (else one of them), the sharpest and best lit of those;
then, within that second, the sharpest frame, read from the recording itself at the
teaser's frame rate (the analysis keeps a few frames a second, averaged: a focus pull or
a shaken hand inside one second is only seen frame by frame).

The seller can pick another frame (``PUT /v1/teasers/{id}/poster``): that second is used
as it is and nothing here runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from worker import features, product
from worker.analysis import Analysis, covering
from worker.editlist import Segment
from worker.frames import VideoFrame, read_media
from worker.graph import frame_duration

SHARP_TIE = 0.95  # frames at least this share of the sharpest count as as sharp
MAX_LOOKS = 4  # seconds looked at frame by frame for the product (each ~0.1 s of decoding)


def ranked_seconds(a: Analysis, start: float, end: float) -> list[int]:
    """The indices (into ``a``'s seconds) within ``start``..``end``, best poster first:
    face and product on screen, then either, then neither; among equals the sharpest
    well-exposed one (the earliest on a tie)."""
    i = a.index(start)
    j = max(i + 1, min(a.seconds, math.ceil(end - a.start - 1e-6)))
    if i >= a.seconds:
        return []
    exposure = a.exposure()
    shown = (~np.isnan(np.asarray(a.product_left, dtype=float))
             if len(a.product_left) == a.seconds else np.zeros(a.seconds, dtype=bool))

    def key(k: int) -> tuple[int, float, int]:
        seen = int(a.face[k] > 0) + int(bool(shown[k]))
        return -seen, -float(a.sharpness[k]) * float(exposure[k]), k

    return sorted(range(i, min(j, a.seconds)), key=key)


def sharpest_frame(path: str, start: float, end: float, fps: int
                   ) -> tuple[float, np.ndarray] | None:
    """The source second and the (gray, ``product.MATCH_WIDTH`` wide) picture of the
    sharpest frame from ``start`` to ``end``, decoded at ``fps``: of a run of frames about
    as sharp (within ``SHARP_TIE``), the middle one, so a seek a frame off still lands in
    focus; None when nothing could be decoded there."""
    frames: list[tuple[float, float, np.ndarray]] = []
    for item in read_media(path, width=product.MATCH_WIDTH, fps=float(fps),
                           window=(start, max(1.0 / fps, end - start)), audio=False):
        if isinstance(item, VideoFrame) and item.t < end - 1e-6:
            frames.append((item.t, features.sharpness(item.gray), item.gray))
    if not frames:
        return None
    values = [v for _, v, _ in frames]
    top = int(np.argmax(values))
    tie = values[top] * SHARP_TIE
    lo = hi = top
    while lo > 0 and values[lo - 1] >= tie:
        lo -= 1
    while hi + 1 < len(frames) and values[hi + 1] >= tie:
        hi += 1
    t, _, gray = frames[(lo + hi) // 2]
    return t, gray


def poster_time(analyses: Sequence[Analysis], segments: Sequence[Segment], fps: int,
                path: str | None = None, product_image: np.ndarray | None = None) -> float:
    """The output second the poster is taken at: the sharpest frame (of ``path``, the
    recording) of the opening moment's best second (``ranked_seconds``); with the
    pinned product's catalogue picture, of the best of the first few seconds whose
    sharpest frame shows it (the analysis's product region also counts what moves
    beside the seller, which may be something else). Without ``path`` the middle of the
    best second; the middle of the opening moment, or 1 s, when nothing is known."""
    if not segments:
        return 0.0
    first = segments[0]
    d = frame_duration(first.duration, fps)
    fallback = round(min(1.0, d / 2), 3)
    a = covering(analyses, first.start, first.end)
    ranked = ranked_seconds(a, first.start, first.end) if a is not None else []
    if a is None or not ranked:
        return fallback
    spans = [(max(first.start, a.start + k), min(first.end, a.start + k + 1)) for k in ranked]
    at = (spans[0][0] + spans[0][1]) / 2
    if path is not None:
        looked: list[float] = []
        for lo, hi in spans[:MAX_LOOKS]:
            found = sharpest_frame(path, lo, hi, fps) if hi > lo else None
            if found is None:
                continue
            looked.append(found[0])
            if product_image is None or product.locate(product_image, found[1]) is not None:
                at = found[0]
                break
        else:
            at = looked[0] if looked else at
    out = min(max(0.0, at - first.start), max(0.0, d - 1.0 / fps))
    return round(round(out * fps) / fps, 3)
