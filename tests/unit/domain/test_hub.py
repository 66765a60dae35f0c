from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from domain.accounts import AccountType, Creator, Reporter
from domain.errors import CurrencyMismatch, HubAccessDenied
from domain.highlights import Highlight
from domain.hub import (
    LIVE_BOUND,
    Clip,
    CreatorPrivacy,
    HubQuery,
    HubSession,
    HubSort,
    ProductSales,
    hub_list,
    is_listed,
    is_live,
    meets_quality_bar,
    other_currencies,
    privacy_removal_overdue,
    session_detail,
    top_products,
)
from domain.money import Money
from domain.performance import custom_period
from domain.session_facts import SessionFacts

NOW = datetime(2024, 11, 30, 12, 0, tzinfo=UTC)


def _s(
    sid: str,
    *,
    gmv: int = 1_000,
    viewers: int = 500,
    conv: Fraction | None = Fraction(1, 10),
    inter: Fraction | None = Fraction(1, 5),
    views: int = 1_000,
    violations: int = 0,
    ended_ago: timedelta | None = timedelta(days=3),
    category: str = "Fashion",
    user: str = "tokoku",
    creator: str | None = None,
) -> HubSession:
    ended = NOW - ended_ago if ended_ago is not None else None
    started = (ended or NOW) - timedelta(hours=2)
    products = (
        ProductSales("a", Money(100, "IDR"), 1),
        ProductSales("b", Money(300, "IDR"), 2),
        ProductSales("c", Money(300, "IDR"), 5),
        ProductSales("d", Money(50, "IDR"), 9),
    )
    return HubSession(sid, creator or sid, user, category, started, ended, views, viewers,
                      Money(gmv, "IDR"), 10, conv, inter, violations, products)  # fmt: skip


@pytest.mark.parametrize(
    ("views", "violations", "ok"), [(300, 0, True), (299, 0, False), (5_000, 1, False)]
)
def test_quality_bar_is_300_views_and_no_violation(views: int, violations: int, ok: bool) -> None:
    assert meets_quality_bar(_s("x", views=views, violations=violations)) is ok


def test_an_affiliate_creators_session_is_listed_at_18_with_over_5000_followers() -> None:
    affiliate = replace(_s("a"), account_type=AccountType.AFFILIATE)
    eighteen_today = NOW.date().replace(year=NOW.year - 18)
    assert not is_listed(affiliate, NOW, {})  # nothing reported: not listed
    for creator, listed in ((Creator(eighteen_today, 5_001), True),
                            (Creator(eighteen_today, 5_000), False),
                            (Creator(eighteen_today + timedelta(days=1), 1_000_000), False)):
        assert is_listed(replace(affiliate, creator=creator), NOW, {}) is listed, creator
    assert is_listed(_s("merchant"), NOW, {})  # merchants: no follower minimum


def test_a_session_whose_figures_the_seller_reported_is_not_listed() -> None:
    platform = _s("p")
    boast = replace(_s("s", gmv=10**12), reported_by=Reporter.SELLER)
    assert is_listed(platform, NOW, {}) and not is_listed(boast, NOW, {})
    assert [e.session.session_id for e in hub_list([boast, platform], HubQuery(),
                                                   now=NOW, privacy={})] == ["p"]


@pytest.mark.parametrize(
    ("ended_ago", "listed"),
    [(timedelta(days=2), True), (timedelta(days=2) - timedelta(minutes=1), False),
     (timedelta(days=1), False), (timedelta(days=30), True)],
)  # fmt: skip
def test_t2_ended_session_appears_two_days_after_it_ended_to_the_minute(
    ended_ago: timedelta, listed: bool
) -> None:
    assert is_listed(_s("x", ended_ago=ended_ago), NOW, {}) is listed


def test_live_session_appears_with_estimates_marked() -> None:
    [entry] = hub_list([_s("live", ended_ago=None)], HubQuery(), now=NOW, privacy={})
    assert entry.live and entry.estimated
    [ended] = hub_list([_s("done")], HubQuery(), now=NOW, privacy={})
    assert not ended.live and not ended.estimated


def _running(since_start: timedelta, plan_end_after: timedelta | None = None) -> HubSession:
    started = NOW - since_start
    plan_end = started + plan_end_after if plan_end_after is not None else None
    return replace(_s("r", ended_ago=None), started_at=started, plan_end=plan_end)


@pytest.mark.parametrize(
    ("since_start", "plan_end_after", "live"),
    [(timedelta(hours=11, minutes=59), None, True), (timedelta(hours=12), None, False),
     (timedelta(hours=1), timedelta(minutes=30), False),
     (timedelta(minutes=29), timedelta(minutes=30), True),
     (timedelta(hours=13), timedelta(hours=14), True)],
)  # fmt: skip
def test_a_session_without_an_end_is_live_until_its_plans_end_or_12_hours(
    since_start: timedelta, plan_end_after: timedelta | None, live: bool
) -> None:
    assert is_live(_running(since_start, plan_end_after), NOW) is live


def test_a_session_past_its_bound_is_ended_and_its_estimates_stay_marked() -> None:
    three_days = _running(timedelta(days=3))  # no end time, no plan
    [entry] = hub_list([three_days], HubQuery(), now=NOW, privacy={})
    assert not entry.live and entry.estimated  # ended, its figures still the live estimates
    bound = three_days.started_at + LIVE_BOUND
    assert not is_listed(three_days, bound + timedelta(days=2, minutes=-1), {})  # T-2
    assert is_listed(three_days, bound + timedelta(days=2), {})
    final = replace(three_days, ended_at=three_days.started_at + timedelta(hours=3))
    [recorded] = hub_list([final], HubQuery(), now=NOW, privacy={})
    assert not recorded.live and not recorded.estimated  # the figures replaced them


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (HubSort.GMV, ["b", "a", "c"]),
        (HubSort.VIEWERS, ["c", "a", "b"]),
        (HubSort.CONVERSION_RATE, ["a", "b", "c"]),
        (HubSort.INTERACTION_RATE, ["b", "c", "a"]),
    ],
)
def test_hub_sorts_highest_first_no_data_last(sort: HubSort, expected: list[str]) -> None:
    sessions = [
        _s("a", gmv=500, viewers=700, conv=Fraction(3, 10), inter=None),
        _s("b", gmv=900, viewers=400, conv=Fraction(2, 10), inter=Fraction(1, 2)),
        _s("c", gmv=100, viewers=900, conv=None, inter=Fraction(1, 4)),
    ]
    assert [
        e.session.session_id for e in hub_list(sessions, HubQuery(sort=sort), now=NOW, privacy={})
    ] == expected


def test_hub_filters_by_l1_category_username_and_period() -> None:
    sessions = [_s("a", category="Beauty", user="glowshop"), _s("b", user="Hijab.Store"),
                _s("c", ended_ago=timedelta(days=20))]  # fmt: skip

    def by(query: HubQuery) -> list[str]:
        return [e.session.session_id for e in hub_list(sessions, query, now=NOW, privacy={})]

    assert by(HubQuery(l1_category="beauty")) == ["a"]
    assert by(HubQuery(username="@hijab")) == ["b"]
    assert by(HubQuery(period=custom_period(NOW - timedelta(days=7), NOW))) == ["a", "b"]


def test_hub_lists_one_currency_and_names_the_others() -> None:
    sessions = [_s("a"), replace(_s("u"), gmv=Money(5, "USD")),
                replace(_s("m", violations=1), gmv=Money(5, "MYR"))]  # MYR one unlisted
    idr = HubQuery(currency="IDR")
    assert [e.session.session_id for e in hub_list(sessions, idr, now=NOW, privacy={})] == ["a"]
    assert other_currencies(sessions, idr, now=NOW, privacy={}) == ["USD"]
    assert other_currencies(sessions, HubQuery(currency="USD"), now=NOW, privacy={}) == ["IDR"]


def test_hub_refuses_sorting_gmv_across_currencies() -> None:
    usd = replace(_s("u"), gmv=Money(5, "USD"))
    with pytest.raises(CurrencyMismatch):
        hub_list([_s("a"), usd], HubQuery(), now=NOW, privacy={})


def test_top_products_by_gmv_then_units() -> None:
    assert [p.product_id for p in top_products(_s("a").products)] == ["c", "b", "a"]


def test_privacy_off_removes_the_creators_sessions() -> None:
    off = {"a": CreatorPrivacy("a", show_live=False, changed_at=NOW - timedelta(minutes=1))}
    assert (
        hub_list([_s("a"), _s("b")], HubQuery(), now=NOW, privacy=off)[0].session.session_id == "b"
    )
    assert len(hub_list([_s("a"), _s("b")], HubQuery(), now=NOW, privacy=off)) == 1


@pytest.mark.parametrize(
    ("since_off", "overdue"),
    [(timedelta(hours=23, minutes=59), False), (timedelta(hours=24), True), (timedelta(0), False)],
)
def test_privacy_removal_within_24_hours(since_off: timedelta, overdue: bool) -> None:
    privacy = CreatorPrivacy("a", show_live=False, changed_at=NOW - since_off)
    assert privacy_removal_overdue(privacy, NOW) is overdue
    assert not privacy_removal_overdue(
        CreatorPrivacy("a", show_live=True, changed_at=NOW - since_off), NOW
    )


def test_creator_with_privacy_off_cannot_list_live_sessions_and_is_told_why() -> None:
    viewer = CreatorPrivacy("me", show_live=False, changed_at=NOW)
    with pytest.raises(HubAccessDenied, match="short videos stay available"):
        hub_list([_s("a")], HubQuery(), now=NOW, privacy={}, viewer=viewer)
    assert hub_list([_s("a")], HubQuery(), now=NOW, privacy={}, viewer=CreatorPrivacy("me"))


def test_session_detail_has_key_highlights_products_and_clips() -> None:
    facts = SessionFacts(live_board_uses=1, giveaway_uses=2, violations=0)
    clip = Clip(timedelta(minutes=10), timedelta(minutes=11), "orders x4 over the average")
    detail = session_detail(_s("a"), facts, [clip], now=NOW, privacy={})
    assert detail is not None and not detail.data_only
    assert [k.highlight for k in detail.key_highlights] == [
        Highlight.LIVE_BOARD, Highlight.LIVE_GIVEAWAY, Highlight.NO_VIOLATIONS,
    ]  # fmt: skip
    assert len(detail.highlights) == 29 and len(detail.potential_products) == 3


def test_session_without_clips_shows_data_only_and_unlisted_has_no_detail() -> None:
    detail = session_detail(_s("a"), SessionFacts(), [], now=NOW, privacy={})
    assert detail is not None and detail.data_only
    assert session_detail(_s("a", views=10), SessionFacts(), [], now=NOW, privacy={}) is None
