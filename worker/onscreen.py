"""Where things are in the teaser's frame: the faces the analysis found, moved through
each segment's crop into output coordinates (the LIVE card keeps clear of them). The
poster's moment is ``worker.poster``'s."""

from __future__ import annotations

import math
from collections.abc import Sequence

from worker.analysis import Analysis, covering
from worker.editlist import Crop, Face, Segment
from worker.graph import centre_crop, frame_duration

FACE_MARGIN = 0.04  # of the frame: hair and chin beyond the detector's box


def _to_output(crop: Crop, x: float, y: float, out_w: int, out_h: int) -> tuple[float, float]:
    """A source pixel as a fraction of the output frame under ``crop``."""
    if crop.fill != "blur":
        return (x - crop.x) / crop.w, (y - crop.y) / crop.h
    scale = min(out_w / crop.w, out_h / crop.h)
    ox, oy = (out_w - crop.w * scale) / 2, (out_h - crop.h * scale) / 2
    return (ox + (x - crop.x) * scale) / out_w, (oy + (y - crop.y) * scale) / out_h


def faces_on_screen(analyses: Sequence[Analysis], segments: Sequence[Segment], src_w: int,
                    src_h: int, out_w: int, out_h: int, fps: int) -> tuple[Face, ...]:
    """One box per segment holding every face seen in it, in output fractions and
    output seconds; segments without a face (or an analysis that kept no vertical
    positions) add none."""
    faces: list[Face] = []
    t = 0.0
    for seg in segments:
        d = frame_duration(seg.duration, fps)
        a = covering(analyses, seg.start, seg.end)
        if a is not None and a.face_top is not None and a.face_bottom is not None:
            i, j = a.index(seg.start), max(a.index(seg.start) + 1,
                                           min(a.seconds, math.ceil(seg.end - a.start - 1e-6)))
            spans = [(a.face_left[k], a.face_top[k], a.face_right[k], a.face_bottom[k])
                     for k in range(i, j) if not math.isnan(a.face_left[k])
                     and not math.isnan(a.face_top[k])]
            if spans:
                crop = seg.crop or centre_crop(src_w, src_h)
                x0, y0 = _to_output(crop, min(s[0] for s in spans) * src_w,
                                    min(s[1] for s in spans) * src_h, out_w, out_h)
                x1, y1 = _to_output(crop, max(s[2] for s in spans) * src_w,
                                    max(s[3] for s in spans) * src_h, out_w, out_h)
                m = FACE_MARGIN
                box = (max(0.0, x0 - m), max(0.0, y0 - m), min(1.0, x1 + m), min(1.0, y1 + m))
                if box[2] > box[0] and box[3] > box[1]:
                    faces.append(Face(round(t, 3), round(t + d, 3),
                                      *(round(v, 4) for v in box)))
        t += d
    return tuple(faces)
