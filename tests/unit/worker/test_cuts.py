"""Cuts nobody hears, on made-up pause lists: cut points moved into pauses between
phrases (and the ones that could not be, named), dead air taken out of a segment, a
punch-in where two cuts of one shot would jump."""

from __future__ import annotations

import numpy as np

from domain.edits import check_cuts
from worker import cuts, reframe
from worker.editlist import Crop, Segment

# Phrases 0.5-3.0, 3.8-7.2 (a word gap at 5.0-5.15), 8.0-11.0, then 4 s of silence, 15.0-19.0
PAUSES = np.array([[0.0, 0.5], [3.0, 3.8], [5.0, 5.15], [7.2, 8.0], [11.0, 15.0], [19.0, 20.0]])


def test_cuts_move_into_the_nearest_pause_keeping_the_words() -> None:
    # an 8 s teaser of a long recording (the rules let it lose a second or two)
    bounds, missed = cuts.at_pauses([(3.5, 11.5)], PAUSES, duration=200.0, target=8.0)
    (s, e), = bounds
    assert s == 3.8 - cuts.LEAD_IN  # just before the phrase starts
    assert e == 11.0 + cuts.TAIL  # just after its last word
    assert missed == []
    # a start inside a phrase goes back to the pause before it, not into the word gap
    (s, _), = cuts.at_pauses([(4.4, 11.5)], PAUSES, duration=200.0, target=8.0)[0]
    assert s == 3.8 - cuts.LEAD_IN


def test_a_cut_with_no_pause_within_reach_stays_and_is_named() -> None:
    bounds, missed = cuts.at_pauses([(1.0, 9.5)], PAUSES, duration=20.0)
    assert bounds == [(0.5 - cuts.LEAD_IN, 9.5)] and missed == [9.5]
    # ... unless nothing was heard there (no analysis of that stretch)
    _, missed = cuts.at_pauses([(1.0, 9.5)], PAUSES, 20.0, heard=[(0.0, 5.0)])
    assert missed == []


def test_cuts_never_move_into_the_next_segment() -> None:
    bounds, _ = cuts.at_pauses([(0.6, 3.7), (3.75, 7.0)], PAUSES, duration=20.0)
    assert bounds[0][1] <= bounds[1][0]


# Phrases 0.5-9.0, then 4 s of silence, 13.0-21.0, in a long recording
LONG_PHRASES = np.array([[0.0, 0.5], [9.0, 13.0], [21.0, 22.0]])


def test_dead_air_with_nothing_shown_is_taken_out_of_a_segment() -> None:
    still = np.ones(200, dtype=bool)
    (pieces,) = cuts.without_dead_air([(1.0, 21.0)], LONG_PHRASES, still, target=18.0)
    keep = cuts.DEAD_AIR_KEEP
    assert pieces == [(1.0, 9.0 + keep), (13.0 - keep, 21.0)]
    # something moves in the picture meanwhile (a product shown): it stays
    moving = still.copy()
    moving[10] = False
    assert cuts.without_dead_air([(1.0, 21.0)], LONG_PHRASES, moving, target=18.0) == [
        [(1.0, 21.0)]]
    # pauses up to 1.5 s are breathing, not dead air
    assert cuts.without_dead_air([(3.5, 11.5)], PAUSES, still, target=8.0) == [[(3.5, 11.5)]]


def test_dead_air_stays_where_taking_it_out_would_break_an_edit_rule() -> None:
    still = np.ones(200, dtype=bool)
    # pieces of 3.3 s and 4.3 s: shorter than a moment may be
    assert cuts.without_dead_air([(8.0, 19.0)], PAUSES, still, target=8.0) == [[(8.0, 19.0)]]
    # a 36 s teaser that would end up under 35 s
    assert cuts.without_dead_air([(1.0, 21.0), (40.0, 56.0)], LONG_PHRASES, still) == [
        [(1.0, 21.0)], [(40.0, 56.0)]]
    # four moments already: a fifth piece is one too many
    four = [(1.0, 21.0), (30.0, 37.0), (50.0, 57.0), (70.0, 77.0)]
    assert cuts.without_dead_air(four, LONG_PHRASES, still, target=38.0)[0] == [(1.0, 21.0)]


def test_a_cut_stays_where_moving_it_would_break_an_edit_rule() -> None:
    # a 20 s recording: too short for 35 s anyway, its cuts move into pauses like any
    # other's, and what they give passes the rules
    bounds, missed = cuts.at_pauses([(0.0, 20.0)], PAUSES, duration=20.0)
    check_cuts(bounds, 20.0)
    # a 40 s teaser of a 200 s recording: no cut takes it under 35 s
    around = np.array([[99.0, 102.5], [131.5, 134.0]])  # both cuts would move inwards
    (s, e), = cuts.at_pauses([(100.0, 135.0)], around, duration=200.0)[0]
    assert e - s >= 35.0
    # a 6 s moment does not get shorter
    (s, e), = cuts.at_pauses([(3.5, 9.5)], PAUSES, duration=200.0, target=6.0)[0]
    assert e - s >= 6.0


def test_two_cuts_of_one_shot_alternate_wide_and_punched_in() -> None:
    crop = Crop(438, 0, 404, 720)
    segs = [Segment(10, 20, 1, "a", crop), Segment(40, 50, 1, "b", crop),
            Segment(60, 70, 1, "c", crop), Segment(90, 100, 1, "d", Crop(0, 0, 1280, 720,
                                                                            fill="blur"))]
    out = reframe.punch_in(segs, shot_changes=[], src_w=1280, src_h=720)
    assert out[0].crop == crop and out[2].crop == crop
    tight = out[1].crop
    assert tight is not None and tight.w == 336 and tight.h == 600
    assert abs((tight.x + tight.w / 2) - (crop.x + crop.w / 2)) <= 2  # same centre
    assert out[3].crop == segs[3].crop  # letterboxed: left as it is
    # a shot change between them: a new picture, no punch-in needed
    assert reframe.punch_in(segs[:2], [30.0], 1280, 720)[1].crop == crop


def test_a_portrait_source_is_punched_in_from_its_full_frame() -> None:
    segs = [Segment(0, 8, 1, "a"), Segment(20, 28, 1, "b")]
    out = reframe.punch_in(segs, [], 1080, 1920)
    assert out[0].crop is None and out[1].crop == Crop(90, 112, 900, 1600)


def test_a_cut_deep_in_a_long_pause_stays_there_and_is_not_flagged() -> None:
    bounds, missed = cuts.at_pauses([(12.0, 19.5)], PAUSES, duration=200.0, target=8.0)
    assert bounds == [(12.0, 19.25)] and missed == []
