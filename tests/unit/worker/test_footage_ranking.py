"""Ranking footage without metrics, on synthetic analyses (no ffmpeg)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.worker.test_analysis_features import synthetic_analysis
from worker.errors import InputError
from worker.footage_ranking import rank_footage
from worker.ranking import Selection


def _check_shape(sel: Selection, duration: float) -> None:
    segs = sel.segments
    assert 1 <= len(segs) <= 4
    assert 35.0 <= sel.duration <= 45.0
    assert all(s.duration >= 6.0 for s in segs)
    assert all(0 <= s.start < s.end <= duration for s in segs)
    spans = sorted((s.start, s.end) for s in segs)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_opens_on_the_sharp_steady_close_up_and_avoids_bad_picture() -> None:
    n = 180
    sharp = np.full(n, 0.75)
    face, face_x, face_w = np.zeros(n), np.full(n, np.nan), np.full(n, np.nan)
    face[120:135], face_x[120:135], face_w[120:135] = 1.0, 0.5, 0.3  # a close-up
    speech = np.zeros(n)
    speech[40:100] = 0.9
    brightness = np.full(n, 0.5)
    brightness[0:30] = 0.03  # the first half minute is dark
    sharp[60:70] = 0.05  # ten blurred seconds
    a = synthetic_analysis(n, sharpness=sharp, face=face, face_x=face_x, face_w=face_w,
                           face_left=face_x - 0.15, face_right=face_x + 0.15, speech=speech,
                           brightness=brightness)
    sel = rank_footage(a, float(n))
    _check_shape(sel, n)
    first = sel.segments[0]
    assert first.start < 135 and first.end > 120
    assert "close-up" in first.reason and first.reason.startswith("opening")
    for s in sel.segments:
        assert s.start >= 30, "a dark second was chosen"
        assert not (s.start < 70 and s.end > 60), "a blurred stretch was chosen"
    assert any("speaking" in s.reason for s in sel.segments[1:])
    assert not sel.short_source


def test_cuts_snap_to_shot_changes_and_quiet_moments() -> None:
    n = 120
    a = synthetic_analysis(n, shot_changes=np.arange(7.0, n, 13.0),
                           quiet_times=np.arange(0.6, n, 2.0))
    sel = rank_footage(a, float(n))
    _check_shape(sel, n)
    marks = np.concatenate([a.shot_changes, a.quiet_times])
    snapped = [t for s in sel.segments for t in (s.start, s.end)
               if np.min(np.abs(marks - t)) < 1e-6]
    assert len(snapped) >= 6


def test_short_footage_gives_what_is_good_in_it_and_says_so() -> None:
    n = 20
    brightness = np.full(n, 0.5)
    brightness[16:] = 0.02  # the last seconds are black
    sel = rank_footage(synthetic_analysis(n, brightness=brightness), float(n))
    assert sel.short_source and len(sel.segments) == 1
    s = sel.segments[0]
    assert (s.start, s.end) == (0.0, 16.0)
    assert "16 s" in sel.notes[0] and "40 s" in sel.notes[0]


def test_footage_under_five_seconds_is_refused() -> None:
    with pytest.raises(InputError, match="at least 5 s"):
        rank_footage(synthetic_analysis(4), 4.0)


def test_footage_without_sound_is_ranked_on_the_picture_and_says_so() -> None:
    sel = rank_footage(synthetic_analysis(90, has_audio=False), 90.0)
    _check_shape(sel, 90)
    assert any("no sound" in note for note in sel.notes)
    assert all("speaking" not in s.reason for s in sel.segments)


@pytest.mark.parametrize("seconds", [50, 60, 75])
def test_footage_too_short_for_four_moments_still_gives_a_full_teaser(seconds: int) -> None:
    # Sharpness peaks every 17 s: the best 10 s moments lie too far apart for four.
    sharp = 0.5 + 0.3 * np.cos(2 * np.pi * np.arange(seconds) / 17.0)
    sel = rank_footage(synthetic_analysis(seconds, sharpness=sharp), float(seconds))
    _check_shape(sel, seconds)
    assert not sel.short_source
