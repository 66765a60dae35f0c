"""Choosing a teaser's moments from a session's metric timeline: what a seller sees in
the cut (where it opens, what it covers, how long it is) and the reasons it gives."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from worker.errors import InputError
from worker.ranking import Selection, rank_session, score_seconds
from worker.timeline import Timeline, timeline_from_rows


def session(buckets: int, bucket: int = 1, pins: dict[int, str] | None = None,
            **cols: Any) -> Timeline:
    """A timeline of ``buckets`` rows ``bucket`` s wide; each column a scalar or array."""
    arrays = {k: np.broadcast_to(np.asarray(v, dtype=float), (buckets,)) for k, v in cols.items()}
    rows: list[dict[str, Any]] = []
    for i in range(buckets):
        row: dict[str, Any] = {"t": i * bucket, **{k: float(a[i]) for k, a in arrays.items()}}
        if pins is not None:
            row["pinned_product"] = pins.get(i, "")
        rows.append(row)
    return timeline_from_rows(rows)


def steady(n: int, every: int, start: int = 0) -> np.ndarray:
    """One event every ``every`` seconds: a steady background rate."""
    x = np.zeros(n)
    x[start::every] = 1
    return x


def check_rules(sel: Selection, duration: float, target: float = 40.0) -> None:
    """The rules every teaser cut keeps, whatever the session."""
    segs = sel.segments
    assert 1 <= len(segs) <= 4
    assert all(s.end - s.start >= 6 - 1e-9 for s in segs)
    assert all(0 <= s.start < s.end <= duration for s in segs)
    ordered = sorted(segs, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in zip(ordered, ordered[1:], strict=False))
    assert target - 5 - 1e-9 <= sel.duration <= target + 5 + 1e-9
    assert all(s.reason and s.crop is None for s in segs)


def covers(sel: Selection, t: float) -> bool:
    return any(s.start <= t < s.end for s in sel.segments)


N = 3600


def lagged_peak(orders_at: int = 1830) -> Timeline:
    orders = steady(N, 120)
    orders[orders_at:orders_at + 10] = 3  # 30 orders in 10 s, 30 s after the moment
    return session(N, viewers=200, orders=orders, comments=steady(N, 7))


def test_lagged_orders_point_back_to_the_moment_that_caused_them() -> None:
    sel = rank_session(lagged_peak(), N)
    check_rules(sel, N)
    assert covers(sel, 1805)
    first = sel.segments[0]
    assert first.start <= 1800 < first.end  # the order rise is the product moment it opens on
    # The figure says it counts orders after the stretch, and over how long.
    assert first.reason.startswith(f"orders in the {first.end - first.start + 30:.0f} s after: ")
    assert sel.lags["orders"] == 30  # no clicks or pins to measure against: the default
    assert "rise in orders" in sel.opening_reason


def test_lag_is_configurable() -> None:
    sel = rank_session(lagged_peak(), N, lags={"orders": 0})
    assert covers(sel, 1835)
    assert not covers(sel, 1800)


def test_reasons_carry_the_numbers_a_seller_can_check() -> None:
    tl = session(60, bucket=60, viewers=300,
                 orders=np.r_[[2.0] * 30, 10, [2.0] * 29], comments=np.r_[[9.0] * 20, 38,
                                                                         [9.0] * 39])
    sel = rank_session(tl, 3600, lags={"orders": 0, "comments": 0})
    reasons = " | ".join(s.reason for s in sel.segments)
    orders_avg = (2 * 59 + 10) / 60
    assert re.search(rf"orders here: \d+, {10 / orders_avg:.1f}× usual", reasons)
    comments_avg = (9 * 59 + 38) / 60
    assert f"comments 38/min vs {comments_avg:.1f}/min usual" in reasons
    assert covers(sel, 1805) and covers(sel, 1205)


def test_equal_peaks_resolve_the_same_way_every_time_earliest_first() -> None:
    clicks = steady(N, 30)
    for at in (600, 2400):
        clicks[at:at + 20] = 2
    tl = session(N, viewers=100, product_clicks=clicks, pins={600: "A", 2400: "B"})
    first, second = rank_session(tl, N), rank_session(tl, N)
    assert first == second
    assert first.segments[0].start == 600
    assert "product pinned: A" in first.segments[0].reason
    assert covers(first, 2405)


def test_flat_session_still_gives_a_full_teaser_and_says_it_is_steady() -> None:
    tl = session(60, bucket=60, viewers=150, comments=9, orders=1, likes=40)
    sel = rank_session(tl, 3600)
    check_rules(sel, 3600)
    assert sel.duration == 40
    assert all(s.reason.startswith("steady session: ") for s in sel.segments)
    assert "9.0/min" in sel.segments[0].reason
    assert any(n.startswith("steady session") for n in sel.notes)
    assert all(s.score == pytest.approx(1.0) for s in sel.segments)


def test_only_comments_known_ranks_by_comments_and_says_no_product_moment() -> None:
    comments = np.full(60, 9.0)
    comments[20] = 60
    tl = session(60, bucket=60, comments=comments)
    sel = rank_session(tl, 3600, lags={"comments": 0})
    check_rules(sel, 3600)
    assert 1200 <= sel.segments[0].start < sel.segments[0].end <= 1260
    assert "no product moment" in sel.opening_reason
    assert any("no product moment" in n for n in sel.notes)
    assert any("comments 60/min vs" in s.reason for s in sel.segments)


def test_only_gmv_known_ranks_by_lagged_gmv() -> None:
    gmv = np.full(N, 10.0)
    gmv[1530:1545] = 2000.0
    tl = session(N, gmv=gmv)
    sel = rank_session(tl, N)
    check_rules(sel, N)
    assert covers(sel, 1505)
    assert any(re.match(r"GMV in the \d+ s after: [\d.]+× usual", s.reason)
               for s in sel.segments)


def test_opens_on_the_pin_and_leaves_out_a_chat_burst_with_no_product_on_screen() -> None:
    comments = steady(N, 6)
    comments[1000:1040] = 3  # a big chat burst with no product in sight
    clicks = steady(N, 60)
    clicks[2500:2520] = 1
    tl = session(N, viewers=200, comments=comments, product_clicks=clicks,
                 pins={i: "SKU-RED" for i in range(2500, 2560)})
    sel = rank_session(tl, N, lags={"comments": 0})
    check_rules(sel, N)
    first = sel.segments[0]
    assert 2499 <= first.start <= 2500
    assert "product pinned: SKU-RED" in first.reason
    assert sel.opening_reason.startswith("opens as product SKU-RED is pinned")
    # A giveaway-like flood of comments while nothing is pinned is not a moment to show.
    assert not covers(sel, 1010)


def test_per_minute_pins_open_the_teaser_on_the_pinned_minute() -> None:
    clicks = np.full(90, 10.0)
    clicks[45] = 80
    orders = np.full(90, 2.0)
    orders[46] = 20
    tl = session(90, bucket=60, viewers=300, product_clicks=clicks, orders=orders,
                 pins={45: "SKU-SERUM"})
    sel = rank_session(tl, 5400)
    check_rules(sel, 5400)
    assert 45 * 60 - 1 <= sel.segments[0].start <= 46 * 60
    assert "SKU-SERUM" in sel.segments[0].reason


def test_short_source_is_used_whole_and_says_so() -> None:
    tl = session(20, comments=steady(20, 3), pins={0: "SKU-1"})
    sel = rank_session(tl, 20.0)
    assert sel.short_source
    assert [(s.start, s.end) for s in sel.segments] == [(0.0, 20.0)]
    assert sel.notes == ("the recording is only 20 s long, so the teaser is 20 s instead of "
                         "about 40 s",)


def test_a_source_just_inside_the_accepted_length_is_not_short() -> None:
    sel = rank_session(session(38, comments=steady(38, 3)), 38.0)
    assert not sel.short_source and sel.duration == 38 and sel.notes == ()


def test_cuts_snap_to_a_shot_change_within_two_seconds_and_not_beyond() -> None:
    tl = lagged_peak()
    plain = rank_session(tl, N)
    assert len(plain.segments) >= 2
    other = plain.segments[1]
    snapped = rank_session(tl, N, cut_candidates=[other.start - 1.5, other.end + 2.5])
    moved = snapped.segments[1]
    assert moved.start == other.start - 1.5  # within 2 s: moved onto the shot change
    assert moved.end == other.end  # 2.5 s away: left where it was
    check_rules(snapped, N)


def test_snapping_never_breaks_the_product_opening() -> None:
    tl = lagged_peak()
    plain = rank_session(tl, N)
    start = plain.segments[0].start
    sel = rank_session(tl, N, cut_candidates=[start - 1.8, start + 1.5])
    assert sel.segments[0].start == start  # both would move it off the product moment
    sel = rank_session(tl, N, cut_candidates=[start - 0.6])
    assert sel.segments[0].start == pytest.approx(start - 0.6)


def test_poor_picture_is_avoided_when_there_is_an_alternative() -> None:
    orders = steady(N, 120)
    orders[1830:1840] = 3
    orders[2630:2636] = 2  # a smaller rush: the alternative
    tl = session(N, viewers=200, orders=orders, comments=steady(N, 7))
    quality = np.ones(N)
    quality[1790:1830] = 0.1  # the best moment is too dark to show
    sel = rank_session(tl, N, quality=quality)
    check_rules(sel, N)
    assert not any(s.start < 1830 and s.end > 1790 for s in sel.segments)


def test_poor_picture_everywhere_still_gives_a_teaser() -> None:
    sel = rank_session(lagged_peak(), N, quality=np.zeros(N))
    check_rules(sel, N)
    assert covers(sel, 1805)


def random_sessions(seed: int, count: int = 12) -> Iterator[
        tuple[Timeline, int, np.ndarray, np.ndarray | None]]:
    """``count`` random sessions (1 min to 3 h, 1-60 s buckets, three pins): timeline,
    duration, cut candidates, and a random picture quality for every other one."""
    rng = np.random.default_rng(seed)
    for case in range(count):
        n = int(rng.integers(60, 3 * 3600))
        bucket = int(rng.choice([1, 5, 30, 60]))
        b = n // bucket
        tl = session(b, bucket=bucket, viewers=rng.integers(1, 500, b),
                     comments=rng.poisson(3, b), orders=rng.poisson(0.3, b),
                     product_clicks=rng.poisson(1, b),
                     pins={int(i): f"P{i}" for i in rng.integers(0, b, 3)})
        duration = b * bucket
        cuts = np.sort(rng.uniform(0, duration, duration // 4))
        quality = rng.uniform(0, 1, duration) if case % 2 else None
        yield tl, duration, cuts, quality


def test_random_sessions_keep_every_rule() -> None:
    for tl, duration, cuts, quality in random_sessions(7):
        sel = rank_session(tl, duration, cut_candidates=cuts, quality=quality)
        check_rules(sel, duration)


def test_other_targets_are_honoured() -> None:
    for target in (30.0, 60.0):
        sel = rank_session(lagged_peak(), N, target=target)
        check_rules(sel, N, target=target)


def test_timeline_longer_than_the_recording_is_refused() -> None:
    tl = session(121, bucket=60, orders=1)
    with pytest.raises(InputError, match="runs to 7260 s but the recording is 3600 s"):
        rank_session(tl, 3600)


def test_score_is_relative_to_the_session_and_to_viewers_present() -> None:
    comments = np.full(60, 10.0)
    viewers = np.full(60, 100.0)
    comments[30], viewers[30] = 40.0, 400.0  # four times the chat, four times the room
    comments[40] = 40.0  # four times the chat, same room: this one is the real burst
    tl = session(60, bucket=60, comments=comments, viewers=viewers)
    score = score_seconds(tl, 3600, lags={"comments": 0})
    assert score[40 * 60 + 5] > 2 * score[30 * 60 + 5]
    assert score[10 * 60] == pytest.approx(score[20 * 60])


def test_four_hour_session_of_one_second_buckets_ranks_in_well_under_100_ms() -> None:
    n = 4 * 3600
    rng = np.random.default_rng(3)
    tl = session(n, viewers=rng.integers(50, 800, n), comments=rng.poisson(0.2, n),
                 orders=rng.poisson(0.02, n), gmv=rng.poisson(0.02, n) * 150000.0,
                 likes=rng.poisson(1, n), product_clicks=rng.poisson(0.1, n),
                 pins={i: f"P{i // 600}" for i in range(0, n, 600)})
    cuts = np.arange(0, n, 7.3)
    best = min(_timed(lambda: rank_session(tl, n, cut_candidates=cuts)) for _ in range(3))
    assert best < 0.1


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def test_a_timeline_covering_part_of_the_recording_is_said() -> None:
    sel = rank_session(session(10, bucket=60, orders=1, comments=5), 7200)
    check_rules(sel, 7200)
    assert ("the timeline covers only 10:00 of the 2:00:00 recording; later moments could "
            "not be ranked") in sel.notes


def test_no_ranking_metrics_still_cuts_a_teaser_and_says_why() -> None:
    sel = rank_session(session(60, bucket=60, viewers=100), 3600)
    check_rules(sel, 3600)
    assert sel.notes[0].startswith("the timeline has none of GMV, orders, product clicks")
    assert "no product moment" in sel.opening_reason


def spans(sel: Selection) -> list[tuple[float, float]]:
    return [(s.start, s.end) for s in sel.segments]


def overlaps(a: Selection, b: Selection) -> bool:
    return any(x.start < y.end and y.start < x.end for x in a.segments for y in b.segments)


def two_peaks() -> Timeline:
    """Two pinned click peaks (A, B), a pin with no peak (C), a chat burst (no product)."""
    clicks = np.full(N, 0.1)
    clicks[600:620] = 2
    clicks[2400:2420] = 1.5
    comments = np.full(N, 0.2)
    comments[3000:3030] = 2
    return session(N, viewers=100, product_clicks=clicks, comments=comments,
                   pins={600: "A", 1500: "C", 2400: "B"})


def test_second_teaser_shows_other_moments_and_opens_on_another_product() -> None:
    first = rank_session(two_peaks(), N, lags={"comments": 0})
    second = rank_session(two_peaks(), N, lags={"comments": 0}, avoid=spans(first))
    check_rules(first, N)
    check_rules(second, N)
    assert covers(first, 605) and covers(first, 2405)
    assert not overlaps(first, second)
    assert second.opening_reason.startswith("opens as product C is pinned")
    assert "product pinned: C" in second.segments[0].reason
    assert covers(second, 3010)  # the chat burst the first teaser left out
    assert not any("other teaser" in n or "poor picture" in n for n in second.notes)


def test_without_avoid_the_cut_is_unchanged() -> None:
    assert rank_session(two_peaks(), N, avoid=()) == rank_session(two_peaks(), N)


def test_the_only_product_moment_is_reused_for_the_opening_and_said() -> None:
    comments = np.full(N, 0.2)
    comments[1200:1230] = 2
    tl = session(N, viewers=100, comments=comments, pins={1200: "A"})
    first = rank_session(tl, N, lags={"comments": 0})
    second = rank_session(tl, N, lags={"comments": 0}, avoid=spans(first))
    check_rules(second, N)
    assert first.segments[0].start == second.segments[0].start == 1200
    assert "product pinned: A" in second.segments[0].reason
    assert "the only product moment (at 20:00) is also in the other teaser" in second.notes
    assert not any("poor picture" in n for n in second.notes)
    assert not any(a.start < b.end and b.start < a.end  # only the opening is shown twice
                   for a in second.segments[1:] for b in first.segments)


def test_when_every_product_moment_is_used_the_second_opens_where_the_first_did_not() -> None:
    clicks = np.full(N, 0.1)
    clicks[600:620] = clicks[2400:2420] = 2
    tl = session(N, viewers=100, product_clicks=clicks, comments=0.2, pins={600: "A", 2400: "B"})
    first = rank_session(tl, N)
    second = rank_session(tl, N, avoid=spans(first))
    check_rules(second, N)
    assert first.segments[0].start == 600 and covers(first, 2405)
    assert second.segments[0].start == 2400
    assert ("every product moment is also in the other teaser; this one opens on the one "
            "at 40:00") in second.notes


def test_poor_picture_and_the_other_teaser_are_told_apart() -> None:
    comments = np.full(N, 0.2)
    comments[1200:1230] = 2
    tl = session(N, viewers=100, comments=comments, pins={1200: "A"})
    quality = np.ones(N)
    quality[1200:1215] = 0.1
    first = rank_session(tl, N, lags={"comments": 0}, quality=quality)
    second = rank_session(tl, N, lags={"comments": 0}, quality=quality, avoid=spans(first))
    check_rules(second, N)
    assert first.notes == ("the product moment at 20:00 has poor picture, but no product "
                           "moment has better",)
    assert second.notes == (*first.notes,
                            "the only product moment (at 20:00) is also in the other teaser")


def test_a_session_too_short_for_two_different_teasers_repeats_and_says_so() -> None:
    tl = session(60, comments=steady(60, 3), pins={0: "A", 30: "B"})
    first = rank_session(tl, 60)
    second = rank_session(tl, 60, avoid=spans(first))
    check_rules(second, 60)
    assert any("too short for a second teaser with other moments" in n for n in second.notes)
    short = rank_session(session(30, comments=steady(30, 3)), 30, avoid=[(0, 30)])
    assert any("repeats moments of the other teaser" in n for n in short.notes)


def test_random_second_teasers_keep_every_rule() -> None:
    for tl, duration, cuts, quality in random_sessions(11):
        first = rank_session(tl, duration, cut_candidates=cuts, quality=quality)
        second = rank_session(tl, duration, cut_candidates=cuts, quality=quality,
                              avoid=spans(first))
        check_rules(second, duration)
        if duration >= 2 * 45 and quality is None:
            assert spans(second) != spans(first)
