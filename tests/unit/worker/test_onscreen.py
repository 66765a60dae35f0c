"""Faces moved into the teaser's frame (the card keeps clear of them) and the poster's
moment (the sharpest second of the opening moment, with a face)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.worker.test_analysis_features import synthetic_analysis
from worker.analysis import Analysis
from worker.editlist import Crop, Segment
from worker.onscreen import FACE_MARGIN, faces_on_screen


def _with_face(n: int, seconds: range) -> Analysis:
    left, right, top, bottom = (np.full(n, np.nan) for _ in range(4))
    for k in seconds:
        left[k], right[k], top[k], bottom[k] = 0.5, 0.6, 0.1, 0.4
    return synthetic_analysis(n, face_left=left, face_right=right, face_top=top,
                              face_bottom=bottom, face=np.where(np.isnan(left), 0.0, 1.0))


def test_faces_follow_each_segment_through_its_crop_into_output_time() -> None:
    a = _with_face(20, range(10, 14))
    segments = [Segment(0.0, 4.0, 1, "a"), Segment(10.0, 14.0, 1, "b", Crop(576, 0, 405, 720))]
    faces = faces_on_screen([a], segments, 1280, 720, 720, 1280, 30)
    assert len(faces) == 1  # nobody in the first segment
    f = faces[0]
    assert (f.start, f.end) == (4.0, 8.0)  # the second segment's place in the teaser
    # source x 0.5..0.6 of 1280 = 640..768, inside the crop from 576, 405 wide
    assert f.x0 == pytest.approx((640 - 576) / 405 - FACE_MARGIN, abs=1e-3)
    assert f.x1 == pytest.approx((768 - 576) / 405 + FACE_MARGIN, abs=1e-3)
    assert f.y0 == pytest.approx(0.1 - FACE_MARGIN) and f.y1 == pytest.approx(0.4 + FACE_MARGIN)


def test_an_analysis_without_vertical_face_positions_adds_no_box() -> None:
    a = synthetic_analysis(10, face=np.ones(10), face_left=np.full(10, 0.4),
                           face_right=np.full(10, 0.6))
    assert faces_on_screen([a], [Segment(0.0, 5.0, 1, "a")], 1280, 720, 720, 1280, 30) == ()
