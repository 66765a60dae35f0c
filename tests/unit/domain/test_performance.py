from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from domain.accounts import AccountType
from domain.errors import CurrencyMismatch, PeriodInvalid
from domain.lifecycle import TeaserSource
from domain.metrics import SessionTotals
from domain.money import Money
from domain.performance import (
    PeriodPreset,
    PostedTeaser,
    SessionRecord,
    ViewSnapshot,
    custom_period,
    last_7_days,
    next_views_update,
    overview_by_currency,
    performance_overview,
    previous_period,
    teaser_figures,
    teaser_performance,
)

NOW = datetime(2024, 11, 30, 12, 0, tzinfo=UTC)


def _session(
    sid: str, days_ago: float, gmv: int, account: AccountType = AccountType.OFFICIAL
) -> SessionRecord:
    totals = SessionTotals(gmv=gmv, orders=1, views=100, product_impressions=1000)
    return SessionRecord(sid, account, NOW - timedelta(days=days_ago), totals, "IDR")


SESSIONS = [
    _session("this-week", 1, 3_000),
    _session("edge-in", 7, 1_000),  # exactly 7 days ago: inside [now - 7 d, now)
    _session("edge-out", 7 + 1 / 1440, 500),  # 7 days and 1 minute ago: previous period
    _session("affiliate", 2, 99_999, AccountType.AFFILIATE),
    _session("old", 20, 7_000),
]


def test_last_7_days_is_the_default_period() -> None:
    overview = performance_overview(SESSIONS, now=NOW, currency="IDR")
    assert overview.period == last_7_days(NOW)
    assert overview.period.preset is PeriodPreset.LAST_7_DAYS
    assert overview.sessions == 2
    assert overview.current.gmv == Money(4_000, "IDR")


def test_affiliate_session_gmv_is_excluded() -> None:
    overview = performance_overview(SESSIONS, now=NOW, currency="IDR")
    assert overview.current.orders == 2  # the affiliate session is not counted at all


def test_seven_day_preset_compares_with_the_previous_seven_days() -> None:
    overview = performance_overview(SESSIONS, now=NOW, currency="IDR")
    assert overview.previous is not None and overview.previous.gmv == Money(500, "IDR")
    assert overview.changes is not None
    assert overview.changes["gmv"] == Fraction(4_000 - 500, 500)
    assert overview.changes["orders"] == Fraction(1)
    assert overview.changes["enter_room_rate"] is None  # no data either side


@pytest.mark.parametrize(("compare", "offered"), [(None, False), (False, False)])
def test_custom_range_has_no_comparison(compare: bool | None, offered: bool) -> None:
    period = custom_period(NOW - timedelta(days=30), NOW)
    overview = performance_overview(
        SESSIONS, now=NOW, currency="IDR", period=period, compare=compare
    )
    assert (overview.previous is not None) is offered and overview.changes is None
    assert overview.current.gmv == Money(11_500, "IDR")


def test_comparison_is_refused_for_a_custom_range() -> None:
    period = custom_period(NOW - timedelta(days=7), NOW)
    with pytest.raises(PeriodInvalid, match="only for the last 7 days"):
        performance_overview(SESSIONS, now=NOW, currency="IDR", period=period, compare=True)
    with pytest.raises(PeriodInvalid):
        previous_period(period)


def test_seven_day_preset_can_skip_comparison() -> None:
    assert performance_overview(SESSIONS, now=NOW, currency="IDR", compare=False).previous is None


def test_custom_period_must_start_before_it_ends() -> None:
    with pytest.raises(PeriodInvalid):
        custom_period(NOW, NOW)


def test_empty_period_is_no_data_not_an_error() -> None:
    overview = performance_overview([], now=NOW, currency="IDR")
    assert overview.current.gmv == Money(0, "IDR") and overview.current.gpm is None
    assert overview.changes is not None and overview.changes["gmv"] is None


def test_overview_refuses_sessions_in_another_currency() -> None:
    other = SessionRecord(
        "usd", AccountType.OFFICIAL, NOW - timedelta(days=1), SessionTotals(), "USD"
    )
    with pytest.raises(CurrencyMismatch):
        performance_overview([other], now=NOW, currency="IDR")


def test_overview_by_currency_keeps_every_currency_apart_the_shops_first() -> None:
    def sold(sid: str, days_ago: float, gmv: int, currency: str) -> SessionRecord:
        return SessionRecord(sid, AccountType.OFFICIAL, NOW - timedelta(days=days_ago),
                             SessionTotals(gmv=gmv, orders=1, views=100), currency)

    records = [sold("idr", 1, 3_000, "IDR"), sold("usd", 2, 250, "USD"),
               sold("myr-before", 9, 700, "MYR"), sold("thb-old", 30, 10, "THB")]
    idr, myr, usd = overview_by_currency(records, now=NOW, currency="IDR")
    assert (idr.currency, idr.sessions, idr.current.gmv) == ("IDR", 1, Money(3_000, "IDR"))
    assert (usd.currency, usd.sessions, usd.current.gmv) == ("USD", 1, Money(250, "USD"))
    # only in the week compared with: still listed, so the drop to zero shows
    assert myr.sessions == 0 and myr.previous is not None
    assert myr.previous.gmv == Money(700, "MYR")
    only_shop = overview_by_currency([], now=NOW, currency="IDR")
    assert [o.currency for o in only_shop] == ["IDR"]
    custom = overview_by_currency(records, now=NOW, currency="IDR",
                                  period=custom_period(NOW - timedelta(days=3), NOW))
    assert [o.currency for o in custom] == ["IDR", "USD"]


def _teaser(
    tid: str, source: TeaserSource, posted_ago: timedelta, *snaps: tuple[timedelta, int]
) -> PostedTeaser:
    posted = NOW - posted_ago
    snapshots = tuple(
        ViewSnapshot(posted + after, views, views // 10, views // 100) for after, views in snaps
    )
    return PostedTeaser(tid, source, posted, snapshots)


@pytest.mark.parametrize(
    ("age", "views"),
    [
        (timedelta(hours=47, minutes=59), None),
        (timedelta(hours=48), 1_000),
        (timedelta(days=3), 3_000),
    ],
)
def test_teaser_views_exist_only_from_48_hours_after_posting(
    age: timedelta, views: int | None
) -> None:
    teaser = _teaser(
        "t",
        TeaserSource.FOOTAGE,
        age,
        (timedelta(hours=47), 10),
        (timedelta(hours=48), 1_000),
        (timedelta(days=3), 3_000),
    )
    figures = teaser_figures(teaser, NOW)
    assert (figures.views if figures else None) == views


def test_teaser_views_stop_updating_after_7_days() -> None:
    teaser = _teaser(
        "t",
        TeaserSource.FOOTAGE,
        timedelta(days=9),
        (timedelta(days=7), 5_000),
        (timedelta(days=8), 9_000),
    )
    figures = teaser_figures(teaser, NOW)
    assert figures is not None and figures.views == 5_000


@pytest.mark.parametrize(
    ("age", "due_in"),
    [
        (timedelta(hours=1), timedelta(hours=47)),
        (timedelta(hours=48), timedelta(hours=1)),
        (timedelta(hours=50, minutes=20), timedelta(minutes=40)),
        (timedelta(days=7), None),
    ],
)
def test_views_update_hourly_from_48_hours_to_7_days(
    age: timedelta, due_in: timedelta | None
) -> None:
    due = next_views_update(NOW - age, NOW)
    assert (due - NOW if due else None) == due_in


def test_teaser_performance_counts_sources_apart() -> None:
    teasers = [
        _teaser("a", TeaserSource.SESSION, timedelta(days=3), (timedelta(hours=48), 1_000)),
        _teaser("b", TeaserSource.SESSION, timedelta(hours=5)),
        _teaser("c", TeaserSource.FOOTAGE, timedelta(days=4), (timedelta(hours=49), 500)),
        _teaser("old", TeaserSource.FOOTAGE, timedelta(days=8), (timedelta(hours=49), 777)),
    ]
    perf = teaser_performance(teasers, NOW)
    assert (perf.posted_from_sessions, perf.posted_from_uploads) == (2, 1)
    assert (perf.views, perf.new_viewers, perf.new_followers) == (1_500, 150, 15)
    assert perf.awaiting_views == 1


def test_teaser_performance_without_view_data_is_no_data() -> None:
    perf = teaser_performance([_teaser("b", TeaserSource.FOOTAGE, timedelta(hours=5))], NOW)
    assert perf.views is None and perf.posted_from_uploads == 1
