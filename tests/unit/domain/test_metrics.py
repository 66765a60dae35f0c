from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import pytest

from domain.metrics import (
    SessionTotals,
    as_percent,
    click_to_order_rate,
    conversion_rate,
    enter_room_rate,
    gpm,
    interaction_rate,
    ratio,
    session_metrics,
    totals_from_rows,
    with_session_counts,
)
from domain.money import Money
from domain.timeline import InvalidTimeline, rows_from_objects

TIMELINE: list[dict[str, float]] = [
    {"t": 0, "views": 40, "viewers": 30, "room_impressions": 60, "room_enters": 9,
     "gmv": 50_000_000, "orders": 3, "product_impressions": 5_000, "product_clicks": 40,
     "customers": 2,
     "comments": 5, "likes": 20, "shares": 1, "new_followers": 2, "extra_column": 7},
    {"t": 60, "views": 60.0, "viewers": 40, "room_impressions": 40, "room_enters": 6,
     "gmv": 100_000_000, "orders": 2, "product_impressions": 7_000, "product_clicks": 10,
     "customers": 3,
     "comments": 5, "likes": 10},
]  # fmt: skip


def totals_of(rows: Sequence[Mapping[str, object]]) -> SessionTotals:
    return totals_from_rows(rows_from_objects(rows))


def test_timeline_buckets_sum_into_session_totals() -> None:
    totals = totals_of(TIMELINE)
    assert totals.views == 100 and totals.viewers == 70
    assert (totals.room_impressions, totals.room_enters) == (100, 15)
    assert totals.gmv == 150_000_000 and totals.orders == 5
    assert totals.product_impressions == 12_000 and totals.product_clicks == 50
    assert totals.interactions == 43 and totals.interacting_viewers is None


def test_platform_interacting_viewers_are_summed_when_present() -> None:
    rows = [{"t": 0, "interacting_viewers": 4}, {"t": 60}]
    assert totals_of(rows).interacting_viewers == 4
    assert totals_of([{"t": 0, "views": 3}]).interacting_viewers is None


@pytest.mark.parametrize("value", [-1, 1.5, "1.5", True, float("nan"), float("inf"), "lots"])
def test_timeline_refuses_bad_counters(value: object) -> None:
    with pytest.raises(InvalidTimeline, match="timeline line 1: 'views' is"):
        totals_of([{"t": 0, "views": value}])


@pytest.mark.parametrize("header", ["gmv", "GMV", "Gmv", " GMV ", "GMV (Rp)"])
def test_gmv_is_summed_whatever_the_export_calls_it(header: str) -> None:
    # before: a 'GMV' header was accepted, then summed as 0
    assert totals_of([{"t": 0, header: 15_000}, {"t": 60, header: "5000"}]).gmv == 20_000


def test_numbers_as_text_are_summed_exactly() -> None:
    # before: "15000" passed the row check, then failed the totals with a second rule set
    rows = [{"t": 0, "gmv": "15000", "orders": "2"},
            {"t": 60, "gmv": "900719925474099300", "orders": 1}]
    totals = totals_of(rows)
    assert totals.gmv == 900_719_925_474_114_300 and totals.orders == 3


def test_gmv_counts_gross_at_payment_stage_refunds_not_subtracted() -> None:
    totals = totals_of([{"t": 0, "gmv": 100_000, "refunds": 40_000, "cancellations": 10_000}])
    assert session_metrics(totals, "IDR").gmv == Money(100_000, "IDR")


def test_enter_room_rate_15_of_100_is_15_percent() -> None:
    rate = enter_room_rate(SessionTotals(room_impressions=100, room_enters=15))
    assert rate == Fraction(15, 100)
    assert as_percent(rate) == Decimal("15.00")


def test_gpm_worked_example() -> None:
    # Rp 1.500.000 GMV over 12.000 product impressions: 1.500.000 / 12.000 x 1000 = Rp 125.000
    assert gpm(Money.of("1500000", "IDR"), 12_000) == Money.of("125000", "IDR")
    metrics = session_metrics(totals_of(TIMELINE), "IDR")
    assert metrics.gpm == Money.of("125000", "IDR")


def test_gpm_rounds_half_to_even_in_minor_units() -> None:
    assert gpm(Money(1, "IDR"), 3) == Money(333, "IDR")  # 333.33...
    assert gpm(Money(1, "IDR"), 2000) == Money(0, "IDR")  # 0.5 -> 0 (even)
    assert gpm(Money(3, "IDR"), 2000) == Money(2, "IDR")  # 1.5 -> 2 (even)


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        (SessionTotals(viewers=200, customers=10), Fraction(1, 20)),
        (SessionTotals(viewers=0, customers=0), None),
    ],
)
def test_conversion_is_customers_over_viewers(
    totals: SessionTotals, expected: Fraction | None
) -> None:
    assert conversion_rate(totals) == expected


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        (
            SessionTotals(viewers=100, views=500, comments=400, interacting_viewers=25),
            Fraction(1, 4),
        ),
        (
            SessionTotals(views=200, comments=10, likes=20, shares=5, new_followers=5),
            Fraction(1, 5),
        ),
        (SessionTotals(views=10, likes=50), Fraction(1)),  # capped at 100 %
        (SessionTotals(views=0, likes=5), None),
        (SessionTotals(viewers=0, interacting_viewers=0), None),
    ],
)
def test_interaction_rate_uses_platform_count_else_capped_fallback(
    totals: SessionTotals, expected: Fraction | None
) -> None:
    assert interaction_rate(totals) == expected


def test_click_to_order_is_orders_over_product_clicks() -> None:
    assert click_to_order_rate(SessionTotals(orders=5, product_clicks=50)) == Fraction(1, 10)


def test_every_zero_denominator_is_no_data() -> None:
    metrics = session_metrics(SessionTotals(orders=3, gmv=500, comments=4), "IDR")
    assert metrics.gmv == Money(500, "IDR") and metrics.orders == 3
    assert metrics.gpm is None
    assert metrics.enter_room_rate is None and metrics.conversion_rate is None
    assert metrics.interaction_rate is None and metrics.click_to_order_rate is None
    assert ratio(1, 0) is None and as_percent(None) is None


def test_platform_session_counts_replace_bucket_sums() -> None:
    totals = with_session_counts(totals_of(TIMELINE), viewers=50, interacting_viewers=10)
    assert totals.viewers == 50 and interaction_rate(totals) == Fraction(1, 5)
    assert conversion_rate(totals) == Fraction(5, 50)
