"""Performance overview (last 7 days or a custom range) and teaser performance.

The overview counts the seller's official-account LIVE sessions only: affiliate
creators' sessions are left out (their GMV never counts as the seller's GMV LIVE).
Comparison with the previous period is offered only for the last-7-days preset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from domain.accounts import AccountType
from domain.errors import CurrencyMismatch, PeriodInvalid
from domain.lifecycle import TeaserSource
from domain.metrics import SessionMetrics, SessionTotals, session_metrics
from domain.money import Money
from domain.timezones import to_utc

PRESET_LENGTH = timedelta(days=7)
VIEWS_FROM = timedelta(hours=48)
VIEWS_UNTIL = timedelta(days=7)
VIEWS_EVERY = timedelta(hours=1)


class PeriodPreset(StrEnum):
    """How the period was chosen."""

    LAST_7_DAYS = "last_7_days"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """A half-open UTC interval ``[start, end)``."""

    start: datetime
    end: datetime
    preset: PeriodPreset

    def contains(self, at: datetime) -> bool:
        """Whether ``at`` lies in ``[start, end)``."""
        return self.start <= to_utc(at) < self.end


def last_7_days(now: datetime) -> Period:
    """The default period: the 7 x 24 h before ``now``."""
    end = to_utc(now, "current time")
    return Period(end - PRESET_LENGTH, end, PeriodPreset.LAST_7_DAYS)


def custom_period(start: datetime, end: datetime) -> Period:
    """A seller-chosen range; ``start`` must come before ``end``."""
    begin, finish = to_utc(start, "period start"), to_utc(end, "period end")
    if begin >= finish:
        raise PeriodInvalid("The period must start before it ends; pick a 'from' date "
                            "before the 'to' date.", field="from",
                            indonesian="Periode harus dimulai sebelum berakhir; pilih tanggal "
                                       "'Dari' yang lebih awal dari tanggal 'Sampai'.")
    return Period(begin, finish, PeriodPreset.CUSTOM)


def previous_period(period: Period) -> Period:
    """The period of the same length right before ``period``; only for the 7-day preset."""
    if period.preset is not PeriodPreset.LAST_7_DAYS:
        raise PeriodInvalid(
            "Comparison with the previous period is available only for the last 7 days; "
            "choose 'last 7 days' to compare.", field="period",
            indonesian="Perbandingan dengan periode sebelumnya hanya tersedia untuk 7 hari "
                       "terakhir; pilih '7 hari terakhir' untuk membandingkan.")
    length = period.end - period.start
    return Period(period.start - length, period.start, period.preset)


@dataclass(frozen=True)
class SessionRecord:
    """A LIVE session with its summed counters; a session belongs to the period in
    which it started."""

    session_id: str
    account_type: AccountType
    started_at: datetime
    totals: SessionTotals
    currency: str


@dataclass(frozen=True)
class Overview:
    """Figures of a period, and of the previous one with relative changes when compared.
    ``changes`` maps metric name to (current - previous) / previous, ``None`` = no data."""

    period: Period
    sessions: int
    current: SessionMetrics
    previous: SessionMetrics | None
    changes: dict[str, Fraction | None] | None

    @property
    def currency(self) -> str:
        """The currency of every amount in these figures."""
        return self.current.gmv.currency


def _figures(
    sessions: Iterable[SessionRecord], period: Period, currency: str
) -> tuple[int, SessionMetrics]:
    chosen = [
        s
        for s in sessions
        if s.account_type is AccountType.OFFICIAL and period.contains(s.started_at)
    ]
    for s in chosen:
        if s.currency != currency:
            raise CurrencyMismatch(
                f"Session {s.session_id} is in {s.currency}, the overview in {currency}.",
                indonesian=f"Sesi {s.session_id} memakai {s.currency}, sedangkan ringkasan "
                           f"memakai {currency}.")
    totals = SessionTotals(interacting_viewers=0) if chosen else SessionTotals()
    for s in chosen:
        totals = totals + s.totals
    return len(chosen), session_metrics(totals, currency)


def _number(value: Money | Fraction | int | None) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, Money):
        return Fraction(value.amount)
    return Fraction(value)


def relative_change(
    current: Money | Fraction | int | None, previous: Money | Fraction | int | None
) -> Fraction | None:
    """(current - previous) / previous, or ``None`` when either is no data or previous is 0."""
    now, before = _number(current), _number(previous)
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before


METRIC_NAMES = (
    "gmv",
    "orders",
    "views",
    "gpm",
    "enter_room_rate",
    "conversion_rate",
    "interaction_rate",
    "click_to_order_rate",
)


def performance_overview(
    sessions: Iterable[SessionRecord],
    *,
    now: datetime,
    currency: str,
    period: Period | None = None,
    compare: bool | None = None,
) -> Overview:
    """The overview for ``period`` (default: last 7 days before ``now``). ``compare``
    defaults to on for the 7-day preset and off for a custom range; asking for it with
    a custom range raises ``PeriodInvalid``."""
    chosen = period or last_7_days(now)
    wanted = chosen.preset is PeriodPreset.LAST_7_DAYS if compare is None else compare
    records = list(sessions)
    count, current = _figures(records, chosen, currency)
    if not wanted:
        return Overview(chosen, count, current, None, None)
    _, previous = _figures(records, previous_period(chosen), currency)
    changes = {
        name: relative_change(getattr(current, name), getattr(previous, name))
        for name in METRIC_NAMES
    }
    return Overview(chosen, count, current, previous, changes)


def overview_by_currency(
    sessions: Iterable[SessionRecord],
    *,
    now: datetime,
    currency: str,
    period: Period | None = None,
) -> tuple[Overview, ...]:
    """One overview per currency the seller's sessions of the period (or of the period
    compared with) were sold in, ``currency`` (the shop's) first and always there, then
    the others by code: amounts in different currencies are never added up."""
    chosen = period or last_7_days(now)
    spans = [chosen] + ([previous_period(chosen)] if chosen.preset is PeriodPreset.LAST_7_DAYS
                        else [])
    records = [s for s in sessions if s.account_type is AccountType.OFFICIAL]
    seen = {s.currency for s in records if any(p.contains(s.started_at) for p in spans)}
    others = sorted(seen - {currency})
    return tuple(
        performance_overview([s for s in records if s.currency == code], now=now,
                             currency=code, period=chosen)
        for code in [currency, *others]
    )


@dataclass(frozen=True)
class ViewSnapshot:
    """An hourly teaser statistics update from the platform."""

    at: datetime
    views: int
    new_viewers: int
    new_followers: int


@dataclass(frozen=True)
class PostedTeaser:
    """A posted teaser and the statistics updates received for it."""

    teaser_id: str
    source: TeaserSource
    posted_at: datetime
    snapshots: tuple[ViewSnapshot, ...] = ()


def teaser_figures(teaser: PostedTeaser, now: datetime) -> ViewSnapshot | None:
    """The latest update that counts: view figures exist only from 48 h to 7 days after
    posting (and not after ``now``); ``None`` (no data yet) before 48 h."""
    posted = to_utc(teaser.posted_at, "post time")
    at = to_utc(now, "current time")
    valid = [
        s
        for s in teaser.snapshots
        if posted + VIEWS_FROM <= to_utc(s.at) <= min(posted + VIEWS_UNTIL, at)
    ]
    return max(valid, key=lambda s: s.at, default=None)


def next_views_update(posted_at: datetime, now: datetime) -> datetime | None:
    """When the next hourly view update is due: 48 h after posting at the earliest, then
    every hour, ``None`` once 7 days have passed."""
    first = to_utc(posted_at, "post time") + VIEWS_FROM
    last = first - VIEWS_FROM + VIEWS_UNTIL
    at = to_utc(now, "current time")
    if at < first:
        return first
    hours = (at - first) // VIEWS_EVERY + 1
    due = first + hours * VIEWS_EVERY
    return due if due <= last else None


@dataclass(frozen=True)
class TeaserPerformance:
    """Teasers posted in the last 7 days: counts per source and summed view figures
    (``None`` when no teaser has view data yet); ``awaiting_views`` have none yet."""

    posted_from_sessions: int
    posted_from_uploads: int
    views: int | None
    new_viewers: int | None
    new_followers: int | None
    awaiting_views: int


def teaser_performance(teasers: Iterable[PostedTeaser], now: datetime) -> TeaserPerformance:
    """Teaser performance over the 7 days before ``now``."""
    window = last_7_days(now)
    recent = [t for t in teasers if window.start <= to_utc(t.posted_at) <= window.end]
    figures = [f for f in (teaser_figures(t, now) for t in recent) if f is not None]
    has_data = bool(figures)
    return TeaserPerformance(
        posted_from_sessions=sum(t.source is TeaserSource.SESSION for t in recent),
        posted_from_uploads=sum(t.source is TeaserSource.FOOTAGE for t in recent),
        views=sum(f.views for f in figures) if has_data else None,
        new_viewers=sum(f.new_viewers for f in figures) if has_data else None,
        new_followers=sum(f.new_followers for f in figures) if has_data else None,
        awaiting_views=len(recent) - len(figures),
    )
