"""Reframing to 9:16 on synthetic analyses (no ffmpeg)."""

from __future__ import annotations

import numpy as np

from tests.unit.worker.test_analysis_features import synthetic_analysis
from worker.editlist import Segment
from worker.reframe import crop_for_segment, reframe_segments


def _face_at(n: int, x: np.ndarray | float, w: float = 0.12) -> dict[str, np.ndarray]:
    xs = np.broadcast_to(np.asarray(x, dtype=float), (n,)).copy()
    return {"face": np.ones(n), "face_x": xs, "face_w": np.full(n, w),
            "face_left": xs - w / 2, "face_right": xs + w / 2}


def seg(start: float, end: float) -> Segment:
    return Segment(start=start, end=end, score=1.0, reason="test")


def test_crop_follows_the_face_with_a_9_16_window() -> None:
    a = synthetic_analysis(20, **_face_at(20, 0.75))
    crop = crop_for_segment(a, seg(2, 12), 1280, 720)
    assert crop is not None and crop.fill == "crop"
    assert (crop.w, crop.h) == (404, 720)  # 9:16 of the full height, even
    assert abs((crop.x + crop.w / 2) / 1280 - 0.75) < 0.02


def test_jittery_face_detections_give_one_steady_crop() -> None:
    rng = np.random.default_rng(3)
    a = synthetic_analysis(20, **_face_at(20, 0.4 + rng.normal(0, 0.02, 20)))
    crops = {crop_for_segment(a, seg(s, s + 8), 1280, 720) for s in (0, 1, 2)}
    xs = [c.x for c in crops if c]
    assert max(xs) - min(xs) <= 16  # a few pixels at most, never a jump


def test_crop_is_clamped_inside_the_picture() -> None:
    a = synthetic_analysis(10, **_face_at(10, 0.98))
    crop = crop_for_segment(a, seg(0, 10), 1280, 720)
    assert crop is not None and crop.x + crop.w <= 1280 and crop.x >= 0


def test_portrait_and_9_16_sources_pass_through_untouched() -> None:
    a = synthetic_analysis(10, **_face_at(10, 0.3))
    assert crop_for_segment(a, seg(0, 10), 405, 720) is None
    assert crop_for_segment(a, seg(0, 10), 720, 1280) is None
    assert crop_for_segment(a, seg(0, 10), 480, 720) is not None  # 2:3 still gets cropped


def test_scope_picture_gets_the_blurred_fill() -> None:
    a = synthetic_analysis(10, **_face_at(10, 0.5))
    crop = crop_for_segment(a, seg(0, 10), 640, 272)
    assert crop is not None and crop.fill == "blur"
    assert (crop.x, crop.y, crop.w, crop.h) == (0, 0, 640, 272)


def test_faces_spread_wider_than_the_crop_get_the_blurred_fill() -> None:
    n = 10
    a = synthetic_analysis(n, face=np.ones(n), face_x=np.full(n, 0.2), face_w=np.full(n, 0.1),
                           face_left=np.full(n, 0.15), face_right=np.full(n, 0.85))
    crop = crop_for_segment(a, seg(0, 10), 1280, 720)
    assert crop is not None and crop.fill == "blur"


def test_nobody_on_screen_follows_the_movement_or_shows_everything() -> None:
    n = 10
    on_left = synthetic_analysis(n, action_x=np.full(n, 0.2), action_spread=np.full(n, 0.15))
    crop = crop_for_segment(on_left, seg(0, 10), 1280, 720)
    assert crop is not None and crop.fill == "crop" and crop.x + crop.w / 2 < 0.35 * 1280
    everywhere = synthetic_analysis(n)  # movement all over the picture
    crop = crop_for_segment(everywhere, seg(0, 10), 1280, 720)
    assert crop is not None and crop.fill == "blur"


def test_a_new_position_only_at_a_shot_change() -> None:
    n = 20
    x = np.where(np.arange(n) < 10, 0.25, 0.75)
    a = synthetic_analysis(n, shot_changes=np.array([10.0]), **_face_at(n, x))
    parts = reframe_segments(a, [seg(4, 16)], 1280, 720)
    assert [(p.start, p.end) for p in parts] == [(4, 10), (10, 16)]
    first, second = parts[0].crop, parts[1].crop
    assert first is not None and second is not None and first.x < second.x
    # Without the shot change the same moment keeps one crop.
    same = reframe_segments(synthetic_analysis(n, **_face_at(n, 0.25)), [seg(4, 16)], 1280, 720)
    assert len(same) == 1 and same[0].crop is not None


def test_sparse_face_checks_of_a_long_session_still_frame_the_face() -> None:
    n = 40
    x = np.full(n, np.nan)
    x[::4] = 0.3  # keyframe analysis: a face check every ~4 s
    a = synthetic_analysis(n, mode="keyframes", face=np.where(np.isnan(x), 0.0, 1.0),
                           face_x=x, face_w=np.where(np.isnan(x), np.nan, 0.1),
                           face_left=x - 0.05, face_right=x + 0.05)
    crop = crop_for_segment(a, seg(8, 20), 1280, 720)
    assert crop is not None and crop.fill == "crop"
    assert abs((crop.x + crop.w / 2) / 1280 - 0.3) < 0.02


def test_the_crop_keeps_a_product_shown_beside_the_seller() -> None:
    n = 10
    # the face at 0.35, a product shown just right of it: one 9:16 crop holds both
    a = synthetic_analysis(n, **_face_at(n, 0.35), product_left=np.full(n, 0.43),
                           product_right=np.full(n, 0.56))
    crop = crop_for_segment(a, seg(0, n), 1280, 720)
    assert crop is not None and crop.fill == "crop"
    assert crop.x <= (0.35 - 0.06) * 1280 and crop.x + crop.w >= 0.56 * 1280 - 2
    # the product on the table far to the right: no crop holds both, the whole picture
    far = synthetic_analysis(n, **_face_at(n, 0.25), product_left=np.full(n, 0.75),
                             product_right=np.full(n, 0.9))
    crop = crop_for_segment(far, seg(0, n), 1280, 720)
    assert crop is not None and crop.fill == "blur"
    # seen in a moment only (a hand passing by): the face alone decides
    brief = np.full(n, np.nan)
    brief[3] = 0.75
    once = synthetic_analysis(n, **_face_at(n, 0.25), product_left=brief,
                              product_right=brief + 0.15)
    crop = crop_for_segment(once, seg(0, n), 1280, 720)
    assert crop is not None and crop.fill == "crop"
