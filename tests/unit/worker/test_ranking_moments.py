"""The ranking rules of issue 11 part 2: lags estimated from the session itself, the
opening on the product moment that drew the sales (never before it), several moments in
an order that tells one story, and the distractors it must not fall for."""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import pytest

from tests.unit.worker.test_ranking import check_rules, covers, session, steady
from worker.lags import DEFAULT_LAGS
from worker.ranking import rank_session

N = 3600


class Pitch(TypedDict):
    """A pitch's two columns, for ``session(..., **cols)``."""
    product_clicks: np.ndarray
    orders: np.ndarray


def pitched(pin_at: int, lag: int, *, pitch: int = 20, n: int = N, orders_per_s: float = 1.0,
            pins: dict[int, str] | None = None, clicks: np.ndarray | None = None,
            orders: np.ndarray | None = None) -> Pitch:
    """Columns of a session where a product pinned at ``pin_at`` is pitched for ``pitch`` s:
    clicks rise at once, orders land ``lag`` s later."""
    clicks = steady(n, 20) if clicks is None else clicks
    orders = steady(n, 300, start=7) if orders is None else orders
    clicks[pin_at:pin_at + pitch] = 1
    orders[pin_at + lag:pin_at + lag + pitch] = orders_per_s
    return {"product_clicks": clicks, "orders": orders}


def test_the_orders_lag_is_estimated_from_the_session_and_reported() -> None:
    cols = pitched(1200, 65)
    pitched(2400, 65, clicks=cols["product_clicks"], orders=cols["orders"], orders_per_s=0.5)
    sel = rank_session(session(N, viewers=200, comments=steady(N, 9), **cols), N)
    check_rules(sel, N)
    assert sel.lags["orders"] == pytest.approx(65, abs=3)
    assert sel.lags["gmv"] == sel.lags["orders"] if "gmv" in sel.lags else True
    assert 1199 <= sel.segments[0].start <= 1203


def test_without_a_clear_signal_the_default_lag_is_used_and_said() -> None:
    tl = session(60, bucket=60, viewers=150, comments=9, orders=1, product_clicks=3)
    sel = rank_session(tl, 3600)
    assert sel.lags["orders"] == DEFAULT_LAGS["orders"]
    assert sel.lags["comments"] == DEFAULT_LAGS["comments"]


def test_orders_soon_after_the_pin_open_on_the_pin_never_before_it() -> None:
    # The case: orders follow the pin by 5 s; a fixed 30 s lag opened 25 s early.
    cols = pitched(1500, 5, pins=None)
    tl = session(N, viewers=300, comments=steady(N, 9),
                 pins={i: "SKU-FLASH" for i in range(1500, 1800)}, **cols)
    sel = rank_session(tl, N)
    check_rules(sel, N)
    assert 1499 <= sel.segments[0].start <= 1503
    assert sel.opening_reason.startswith("opens as product SKU-FLASH is pinned")


def test_orders_without_clicks_or_pins_still_find_their_moment() -> None:
    orders = steady(N, 300, start=7)
    orders[1830:1850] = 1
    sel = rank_session(session(N, viewers=200, orders=orders, comments=steady(N, 7)), N)
    assert 1795 <= sel.segments[0].start <= 1803  # default lag 30: the moment behind them


def test_the_opening_holds_the_whole_pitch_while_it_stays_lively() -> None:
    cols = pitched(1200, 10, pitch=26)
    tl = session(N, viewers=200, comments=steady(N, 9), pins={1200: "SKU-1"}, **cols)
    sel = rank_session(tl, N)
    first = sel.segments[0]
    assert first.start <= 1201 and first.end >= 1200 + 0.9 * 26


def test_a_late_order_rush_is_its_own_moment_after_the_opening() -> None:
    cols = pitched(1200, 70, pitch=15)
    tl = session(N, viewers=200, comments=steady(N, 9),
                 pins={i: "SKU-1" for i in range(1200, 1500)}, **cols)
    sel = rank_session(tl, N)
    check_rules(sel, N)
    assert 1199 <= sel.segments[0].start <= 1201
    assert covers(sel, 1275)  # where the orders poured in
    assert len(sel.segments) >= 2


def test_two_products_in_turn_are_never_shown_as_ping_pong() -> None:
    clicks, orders = steady(N, 20), steady(N, 300, start=7)
    for at, strength in ((600, 1.0), (1200, 0.6), (1800, 0.8), (2400, 0.6)):
        pitched(at, 20, clicks=clicks, orders=orders, orders_per_s=strength)
    pins = {}
    for at, product in ((600, "A"), (1200, "B"), (1800, "A"), (2400, "B")):
        pins.update({i: product for i in range(at, at + 400)})
    tl = session(N, viewers=200, comments=steady(N, 9), product_clicks=clicks, orders=orders,
                 pins=pins)
    sel = rank_session(tl, N)
    check_rules(sel, N)
    shown: list[str] = []
    for s in sel.segments:
        p = tl.pins[int((s.start + s.end) / 2)]
        if p and (not shown or shown[-1] != p):
            shown.append(p)
    assert len(shown) == len(set(shown)), shown


def test_a_single_bulk_order_is_not_a_moment() -> None:
    cols = pitched(1200, 20)
    gmv = cols["orders"] * 100_000.0
    cols["orders"][3000] += 1
    gmv[3000] += 150 * 100_000.0  # one reseller, 150 items
    tl = session(N, viewers=200, comments=steady(N, 9), gmv=gmv,
                 pins={i: "SKU-1" for i in range(1200, 1500)}, **cols)
    sel = rank_session(tl, N)
    check_rules(sel, N)
    assert not any(s.start < 3001 and s.end > 2900 for s in sel.segments)


def test_a_few_orders_by_chance_do_not_make_a_product_moment() -> None:
    orders = np.zeros(N)
    orders[[500, 503, 2200]] = 1  # a quiet room: two orders close together is luck
    tl = session(N, viewers=100, orders=orders, comments=steady(N, 9),
                 pins={i: "SKU-2" for i in range(1500, 1700)})
    sel = rank_session(tl, N)
    assert 1499 <= sel.segments[0].start <= 1501


def test_a_coarse_bucket_pin_opens_when_the_product_comes_to_the_camera() -> None:
    clicks = np.full(60, 5.0)
    clicks[20] = 60
    orders = np.full(60, 1.0)
    orders[21] = 12
    tl = session(60, bucket=60, viewers=300, product_clicks=clicks, orders=orders,
                 pins={20: "SKU-SERUM", 21: "SKU-SERUM"})
    motion = np.full(N, 0.01)
    motion[1234:1238] = 0.08  # the seller holds the serum up to the camera
    sel = rank_session(tl, N, motion=motion)
    check_rules(sel, N)
    assert 1233 <= sel.segments[0].start <= 1234
    plain = rank_session(tl, N)
    assert 1199 <= plain.segments[0].start <= 1200  # without the picture: the bucket's start


def test_clicks_rising_with_nothing_pinned_rank_behind_a_pin() -> None:
    rng = np.random.default_rng(4)
    clicks = rng.poisson(0.3, N).astype(float)
    clicks[2000:2010] += 2  # a burst of taps on the bag while nothing is pinned
    clicks[900:910] += 1  # the pinned product, tapped less
    tl = session(N, viewers=200, product_clicks=clicks, comments=steady(N, 9),
                 pins={i: "SKU-7" for i in range(900, 1200)})
    sel = rank_session(tl, N)
    assert 899 <= sel.segments[0].start <= 901
    assert sel.opening_reason.startswith("opens as product SKU-7 is pinned")


def test_the_opening_shows_a_long_pitch_whole_leaving_room_for_one_more_moment() -> None:
    # A 33 s pitch: the teaser used to stop the opening at 28 s to fit two more moments.
    cols = pitched(1200, 10, pitch=33)
    tl = session(N, viewers=200, comments=steady(N, 9),
                 pins={i: "SKU-1" for i in range(1200, 1500)}, **cols)
    sel = rank_session(tl, N)
    check_rules(sel, N)
    first = sel.segments[0]
    assert 1199 <= first.start <= 1201 and first.end >= 1200 + 32
    assert len(sel.segments) >= 2


def test_a_click_rise_opens_where_the_taps_began_to_the_second() -> None:
    # No pins: the product moment is where the taps start; a noisy rise used to be
    # found seconds late (a second of few taps stopped the walk back).
    rng = np.random.default_rng(1)
    rate = np.full(N, 0.3)
    rate[1000:1030] = 2.0
    clicks = rng.poisson(rate).astype(float)
    orders = steady(N, 300, start=7)
    orders[1020:1050] = 0.5
    tl = session(N, viewers=200, product_clicks=clicks, orders=orders, comments=steady(N, 9))
    sel = rank_session(tl, N)
    check_rules(sel, N)
    assert 999 <= sel.segments[0].start <= 1002


def test_the_orders_a_click_rise_led_are_credited_to_it() -> None:
    # No pins. The rise in orders 40 s after the first click rise is that rise's doing;
    # with the lag taken 5 s off (estimates are), it used to be a moment of its own that
    # cut the click rise's credit to 5 s, so the teaser opened on a bigger click rise
    # that sold nothing.
    clicks, orders = steady(N, 20), steady(N, 300, start=7)
    clicks[800:820] = 1
    clicks[2400:2430] = 2
    orders[840:860] = 1
    tl = session(N, viewers=200, product_clicks=clicks, orders=orders, comments=steady(N, 9))
    sel = rank_session(tl, N, lags={"orders": 35})
    check_rules(sel, N)
    assert 799 <= sel.segments[0].start <= 801


def test_clicks_rising_long_after_a_pin_open_on_the_pin() -> None:
    # A few taps 4 minutes into a pin are the pinned product's, not a moment of its own.
    rng = np.random.default_rng(3)
    clicks = rng.poisson(0.3, N).astype(float)
    clicks[1400:1410] += 3
    tl = session(N, viewers=200, product_clicks=clicks, comments=steady(N, 9),
                 pins={i: "SKU-3" for i in range(1160, 1700)})
    sel = rank_session(tl, N)
    assert 1159 <= sel.segments[0].start <= 1161
    assert sel.opening_reason.startswith("opens as product SKU-3 is pinned")


def test_the_lag_is_found_in_a_quiet_room_where_orders_come_one_by_one() -> None:
    # Three pitches, each drawing a handful of orders 50 s later, one order at a time:
    # lined up second by second (5 s), the session could not tell its lag.
    rng = np.random.default_rng(0)
    click_rate, order_rate = np.full(N, 0.3), np.full(N, 0.01)
    for at in (600, 1500, 2600):
        click_rate[at:at + 25] += 1.0
        order_rate[at + 50:at + 75] += 0.12
    cols: Pitch = {"product_clicks": rng.poisson(click_rate).astype(float),
                   "orders": rng.poisson(order_rate).astype(float)}
    sel = rank_session(session(N, viewers=200, comments=steady(N, 9), **cols), N)
    assert sel.lags["orders"] == pytest.approx(50, abs=5)
    assert any("about" in n and "measured" in n for n in sel.notes)


def test_without_pins_or_clicks_the_picture_says_when_the_product_came_on_screen() -> None:
    # Orders pour in 45 s after the seller holds the product up; the timeline has neither
    # pins nor clicks, so the default 30 s lag used to open 15 s after the product came.
    orders = steady(N, 300, start=7)
    orders[1850:1870] = 1
    motion = np.full(N, 0.01)
    motion[1805:1809] = 0.08  # the product brought to the camera
    motion[700:703] = 0.08  # the seller waving hello: nothing sold after it
    tl = session(N, viewers=200, orders=orders, comments=steady(N, 7))
    sel = rank_session(tl, N, motion=motion)
    check_rules(sel, N)
    assert 1804 <= sel.segments[0].start <= 1806
    assert sel.opening_reason.startswith("opens as a product is held up to the camera")
    assert rank_session(tl, N, motion=motion, lang="id").opening_reason.startswith(
        "dibuka saat produk ditunjukkan ke kamera")


def test_a_pitch_in_a_quiet_room_is_shown_whole_though_its_taps_come_one_by_one() -> None:
    # Half a tap a second for a 30 s pitch: a few seconds without a tap used to end the
    # opening at 12 s (a threshold on the smoothed peak, which the noise lifts).
    rng = np.random.default_rng(5)
    rate = np.full(N, 0.05)
    rate[1200:1230] = 0.5
    clicks = rng.poisson(rate).astype(float)
    orders = steady(N, 300, start=7)
    orders[1210:1240] = 0.3
    tl = session(N, viewers=80, product_clicks=clicks, orders=orders, comments=steady(N, 9),
                 pins={i: "SKU-1" for i in range(1200, 1500)})
    sel = rank_session(tl, N)
    check_rules(sel, N)
    first = sel.segments[0]
    assert 1199 <= first.start <= 1201 and first.end >= 1229


def test_the_opening_ends_when_the_taps_fall_off_after_the_pitch() -> None:
    # The pitch is over when its taps have fallen away: the opening does not run on over
    # the stretch after it, leaving room for the session's other moments.
    rng = np.random.default_rng(6)
    rate = np.full(N, 0.2)
    rate[1200:1216] = 3.0
    clicks = rng.poisson(rate).astype(float)
    orders = steady(N, 300, start=7)
    orders[1205:1225] = 0.5
    tl = session(N, viewers=200, product_clicks=clicks, orders=orders, comments=steady(N, 9),
                 pins={i: "SKU-1" for i in range(1200, 1500)})
    sel = rank_session(tl, N)
    check_rules(sel, N)
    first = sel.segments[0]
    assert 1199 <= first.start <= 1201 and 1214 <= first.end <= 1222


def test_a_noisy_pitch_is_one_moment_and_opens_where_its_taps_began() -> None:
    # No pins: a 40 s pitch whose taps come unevenly. A second "rise" found mid-pitch was
    # a moment of its own that took the first half's orders, so the teaser opened 11 s in.
    rng = np.random.default_rng(6)
    rate = np.full(N, 0.3)
    rate[1000:1040] = 2.0
    clicks = rng.poisson(rate).astype(float)
    order_rate = np.full(N, 0.004)
    order_rate[1010:1050] = 0.4
    orders = rng.poisson(order_rate).astype(float)
    tl = session(N, viewers=200, product_clicks=clicks, orders=orders, comments=steady(N, 9))
    sel = rank_session(tl, N)
    check_rules(sel, N)
    assert 997 <= sel.segments[0].start <= 1003


def test_a_rise_late_in_a_coarse_bucket_opens_when_the_product_came_to_the_camera() -> None:
    # 15 s buckets, no pins: the taps began 4 s before a bucket ended, barely lifting it,
    # so the rise is found at the next bucket; the seller held the product up at 4:11.
    clicks = np.full(240, 5.0)
    clicks[16] += 4  # 4:00-4:15: the pitch's first 4 s
    clicks[17:19] += 30
    orders = np.full(240, 0.2)
    orders[18:20] = 6
    tl = session(240, bucket=15, viewers=300, product_clicks=clicks, orders=orders)
    motion = np.full(N, 0.01)
    motion[251:255] = 0.08
    sel = rank_session(tl, N, motion=motion)
    check_rules(sel, N)
    assert 250 <= sel.segments[0].start <= 252


def test_two_pitches_that_sold_alike_are_both_shown_the_likelier_first() -> None:
    # 20 orders after SKU-1's pitch, 18 after SKU-2's: counts that close cannot say which
    # product sold more, so the teaser shows both pitches rather than all of one.
    cols = pitched(900, 10, pitch=25)
    pitched(2400, 10, pitch=25, clicks=cols["product_clicks"], orders=cols["orders"],
            orders_per_s=0.9)
    pins = {i: "SKU-1" for i in range(900, 1200)} | {i: "SKU-2" for i in range(2400, 2700)}
    tl = session(N, viewers=200, comments=steady(N, 9), pins=pins, **cols)
    sel = rank_session(tl, N)
    check_rules(sel, N)
    assert 899 <= sel.segments[0].start <= 901
    assert any(2399 <= s.start <= 2401 and s.end - s.start >= 14 for s in sel.segments[1:])
    assert any("drew almost as many sales as the opening's" in n for n in sel.notes)
    assert any("hampir sebanyak momen pembuka" in n
               for n in rank_session(tl, N, lang="id").notes)


def test_a_pitch_that_clearly_sold_more_is_shown_alone_and_whole() -> None:
    cols = pitched(900, 10, pitch=30)
    pitched(2400, 10, pitch=30, clicks=cols["product_clicks"], orders=cols["orders"],
            orders_per_s=0.3)
    pins = {i: "SKU-1" for i in range(900, 1200)} | {i: "SKU-2" for i in range(2400, 2700)}
    tl = session(N, viewers=200, comments=steady(N, 9), pins=pins, **cols)
    sel = rank_session(tl, N)
    check_rules(sel, N)
    assert 899 <= sel.segments[0].start <= 901 and sel.segments[0].end >= 929
    assert not any("drew almost as many sales" in n for n in sel.notes)


def test_without_product_clicks_the_likes_say_how_long_the_pitch_lasts() -> None:
    # No product clicks: hearts tapped while the product is shown hold for its 30 s pitch;
    # the score the opening used to follow is spiky (a few orders, 40 s later) and ended it
    # 5 s early.
    rng = np.random.default_rng(2)
    like_rate = np.full(N, 0.5)
    like_rate[1200:1230] = 3.0
    orders = steady(N, 300, start=7)
    orders[[1241, 1248, 1262, 1270]] = 1
    tl = session(N, viewers=200, likes=rng.poisson(like_rate).astype(float), orders=orders,
                 comments=steady(N, 9), pins={i: "SKU-1" for i in range(1200, 1500)})
    sel = rank_session(tl, N)
    check_rules(sel, N)
    first = sel.segments[0]
    assert 1199 <= first.start <= 1201 and first.end >= 1229
