"""Inspiration Hub: curated high-quality LIVE sessions of other sellers and creators.

- Quality bar: at least 300 views and no policy violation.
- The platform's figures only: a session whose figures a seller reported itself (its
  own export, sent with its own key) ranks nobody in the hub.
- An affiliate creator's session is listed only while the creator is at least 18 and
  has more than 5,000 followers, as the platform reports them (not reported: not
  listed); merchants need no follower minimum.
- T-2: an ended session appears two days after it ended, to the minute. A session that
  is live now appears with its GMV and orders marked as estimates.
- Live is bounded: a session with no recorded end is live until its plan's end, or 12 h
  after its start without a plan (``LIVE_BOUND``); after that it is ended there (and
  listed two days later), its figures still marked as estimates until the final figures
  are recorded with its end.
- Privacy: a creator who turns off "show my LIVE metrics and recordings" is gone from
  the list at once here (the platform promises within 24 h; ``privacy_removal_overdue``
  flags copies still around after that), and cannot browse the LIVE list while it is
  off. Short videos stay browsable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from domain.accounts import AccountType, Creator, Reporter, affiliate_refusal
from domain.categories import same_category
from domain.errors import CurrencyMismatch, HubAccessDenied
from domain.highlights import CheckResult, evaluate_highlights, key_highlights
from domain.money import Money
from domain.performance import Period
from domain.session_facts import SessionFacts
from domain.timezones import to_utc

QUALITY_MIN_VIEWS = 300
DATA_DELAY = timedelta(days=2)
LIVE_BOUND = timedelta(hours=12)
PRIVACY_REMOVAL_WITHIN = timedelta(hours=24)
TOP_PRODUCTS = 3

PRIVACY_OFF_MESSAGE = (
    "Your setting 'Show my LIVE metrics and recordings' is off, so the Inspiration Hub's "
    "LIVE list is not available to you. Turn it on in Privacy settings to browse LIVE "
    "sessions; short videos stay available in the Video tab."
)
PRIVACY_OFF_MESSAGE_ID = (
    "Setelan 'Tampilkan metrik dan rekaman LIVE saya' Anda sedang nonaktif, jadi daftar LIVE "
    "di Hub Inspirasi tidak tersedia untuk Anda. Aktifkan di setelan Privasi untuk melihat "
    "sesi LIVE; video pendek tetap tersedia di tab Video."
)


class HubSort(StrEnum):
    """Orderings of the LIVE list, each highest first."""

    GMV = "gmv"
    VIEWERS = "viewers"
    CONVERSION_RATE = "conversion_rate"
    INTERACTION_RATE = "interaction_rate"


@dataclass(frozen=True)
class ProductSales:
    """A product's sales in one session."""

    product_id: str
    gmv: Money
    units: int


@dataclass(frozen=True)
class HubSession:
    """A session as the hub knows it. ``ended_at`` is ``None`` until its final figures
    are recorded; ``plan_end`` is the scheduled end of the plan it was broadcast for;
    ``reported_by`` says whose figures they are; ``account_type`` is the broadcasting
    account's, and ``creator`` what the platform reports of that creator."""

    session_id: str
    creator_id: str
    username: str
    l1_category: str
    started_at: datetime
    ended_at: datetime | None
    views: int
    viewers: int
    gmv: Money
    orders: int
    conversion_rate: Fraction | None
    interaction_rate: Fraction | None
    violations: int
    products: tuple[ProductSales, ...] = ()
    plan_end: datetime | None = None
    reported_by: Reporter = Reporter.PLATFORM
    account_type: AccountType = AccountType.OFFICIAL
    creator: Creator | None = None


@dataclass(frozen=True)
class CreatorPrivacy:
    """A creator's "show my LIVE metrics and recordings" switch (on by default)."""

    creator_id: str
    show_live: bool = True
    changed_at: datetime | None = None


@dataclass(frozen=True)
class HubEntry:
    """A listed session: ``estimated`` marks GMV and orders that are not the final
    figures (a session live now, or one past its live bound whose end was not recorded)."""

    session: HubSession
    live: bool
    estimated: bool
    top_products: tuple[ProductSales, ...]


@dataclass(frozen=True)
class HubQuery:
    """Sort, level-1 category filter, username search, period (on the start time) and
    the currency (market) listed: GMV is compared within one currency only."""

    sort: HubSort = HubSort.GMV
    l1_category: str | None = None
    username: str | None = None
    period: Period | None = None
    currency: str | None = None


def meets_quality_bar(session: HubSession) -> bool:
    """At least 300 views and no policy violation."""
    return session.views >= QUALITY_MIN_VIEWS and session.violations == 0


def creator_qualifies(session: HubSession, now: datetime) -> bool:
    """A merchant's session always; an affiliate creator's only while the creator meets
    the age and follower rule on ``now``'s date (UTC)."""
    if session.account_type is not AccountType.AFFILIATE:
        return True
    return affiliate_refusal(session.creator, to_utc(now).date()) is None


def live_until(session: HubSession) -> datetime:
    """When a session with no recorded end stops being live: its plan's end (when that
    comes after its start), else ``LIVE_BOUND`` after its start."""
    start = to_utc(session.started_at)
    if session.plan_end is not None and to_utc(session.plan_end) > start:
        return to_utc(session.plan_end)
    return start + LIVE_BOUND


def ended_at(session: HubSession) -> datetime:
    """The recorded end, or where live stopped for a session with none."""
    return to_utc(session.ended_at) if session.ended_at is not None else live_until(session)


def is_live(session: HubSession, now: datetime) -> bool:
    """Started, no end recorded, and before its plan's end (or the 12 h bound)."""
    at = to_utc(now)
    return session.ended_at is None and to_utc(session.started_at) <= at < live_until(session)


def visible_from(session: HubSession, now: datetime) -> datetime:
    """When the session may appear: its start while live, else two days after its end."""
    if is_live(session, now):
        return to_utc(session.started_at)
    return ended_at(session) + DATA_DELAY


def creator_shown(privacy: CreatorPrivacy | None) -> bool:
    """Shown by default; hidden while the creator's switch is off."""
    return privacy is None or privacy.show_live


def privacy_removal_overdue(privacy: CreatorPrivacy, now: datetime) -> bool:
    """True once 24 h have passed since the switch was turned off: any copy of the
    creator's sessions (cache, clip index) still in the hub then breaks the promise."""
    if privacy.show_live or privacy.changed_at is None:
        return False
    return to_utc(now) >= to_utc(privacy.changed_at) + PRIVACY_REMOVAL_WITHIN


def ensure_can_browse_live_list(viewer: CreatorPrivacy | None) -> None:
    """Raise ``HubAccessDenied`` (saying why and how to fix it) for a creator whose own
    switch is off; short videos are not affected."""
    if not creator_shown(viewer):
        raise HubAccessDenied(PRIVACY_OFF_MESSAGE, field="show_in_hub",
                              indonesian=PRIVACY_OFF_MESSAGE_ID)


def is_listed(session: HubSession, now: datetime, privacy: Mapping[str, CreatorPrivacy]) -> bool:
    """The platform's figures, quality bar met, an eligible creator, T-2 passed (or live
    now), and the creator's switch on."""
    return (
        session.reported_by is Reporter.PLATFORM
        and meets_quality_bar(session)
        and creator_qualifies(session, now)
        and to_utc(now) >= visible_from(session, now)
        and creator_shown(privacy.get(session.creator_id))
    )


def top_products(
    products: Iterable[ProductSales], count: int = TOP_PRODUCTS
) -> tuple[ProductSales, ...]:
    """Best-selling products: highest GMV, then units, then product id."""
    ranked = sorted(products, key=lambda p: (-p.gmv.amount, -p.units, p.product_id))
    return tuple(ranked[:count])


def _sort_key(sort: HubSort, session: HubSession) -> tuple[bool, Fraction]:
    value: Fraction | None = {
        HubSort.GMV: Fraction(session.gmv.amount),
        HubSort.VIEWERS: Fraction(session.viewers),
        HubSort.CONVERSION_RATE: session.conversion_rate,
        HubSort.INTERACTION_RATE: session.interaction_rate,
    }[sort]
    return value is None, -(value or Fraction(0))


def _matches(session: HubSession, query: HubQuery) -> bool:
    if query.l1_category and not same_category(session.l1_category, query.l1_category):
        return False
    if query.username:
        needle = query.username.strip().lstrip("@").casefold()
        if needle not in session.username.casefold():
            return False
    if query.currency is not None and session.gmv.currency != query.currency:
        return False
    return query.period is None or query.period.contains(session.started_at)


def other_currencies(
    sessions: Iterable[HubSession],
    query: HubQuery,
    *,
    now: datetime,
    privacy: Mapping[str, CreatorPrivacy],
) -> list[str]:
    """The currencies, other than the query's, of sessions the query would list in them:
    what a one-currency list leaves out, so it can say so."""
    anywhere = replace(query, currency=None)
    found = {s.gmv.currency for s in sessions
             if is_listed(s, now, privacy) and _matches(s, anywhere)}
    return sorted(found - {query.currency} if query.currency else found)


def hub_list(
    sessions: Iterable[HubSession],
    query: HubQuery,
    *,
    now: datetime,
    privacy: Mapping[str, CreatorPrivacy],
    viewer: CreatorPrivacy | None = None,
) -> list[HubEntry]:
    """The LIVE list for ``viewer`` (a creator, or ``None`` for a seller): listed sessions
    matching the query, sorted highest first (no data last, then session id). Raises
    ``HubAccessDenied`` when the viewer's own switch is off."""
    ensure_can_browse_live_list(viewer)
    chosen = [s for s in sessions if is_listed(s, now, privacy) and _matches(s, query)]
    currencies = {s.gmv.currency for s in chosen}
    if query.sort is HubSort.GMV and len(currencies) > 1:
        # comparing amounts of different currencies would be meaningless
        raise CurrencyMismatch("The hub sorts one market at a time; filter to one currency.",
                               indonesian="Hub mengurutkan satu pasar sekaligus; saring ke "
                                          "satu mata uang.")
    chosen.sort(key=lambda s: (*_sort_key(query.sort, s), s.session_id))
    return [_entry(s, now) for s in chosen]


def _entry(session: HubSession, now: datetime) -> HubEntry:
    estimated = session.ended_at is None  # no final figures recorded yet
    return HubEntry(session, is_live(session, now), estimated, top_products(session.products))


@dataclass(frozen=True)
class Clip:
    """A moment where orders and GMV rose, offsets from the session start."""

    start: timedelta
    end: timedelta
    reason: str


@dataclass(frozen=True)
class SessionDetail:
    """A session's detail page: its 3 key highlights, potential products, clips;
    ``data_only`` when it has no clips."""

    entry: HubEntry
    highlights: tuple[CheckResult, ...]
    key_highlights: tuple[CheckResult, ...]
    potential_products: tuple[ProductSales, ...]
    clips: tuple[Clip, ...]

    @property
    def data_only(self) -> bool:
        """A session without clips shows data only."""
        return not self.clips


def session_detail(
    session: HubSession,
    facts: SessionFacts,
    clips: Iterable[Clip],
    *,
    now: datetime,
    privacy: Mapping[str, CreatorPrivacy],
    viewer: CreatorPrivacy | None = None,
) -> SessionDetail | None:
    """The detail of a listed session (``None`` when the hub may not show it)."""
    ensure_can_browse_live_list(viewer)
    if not is_listed(session, now, privacy):
        return None
    results = evaluate_highlights(facts)
    return SessionDetail(
        entry=_entry(session, now),
        highlights=results,
        key_highlights=key_highlights(results),
        potential_products=top_products(session.products),
        clips=tuple(clips),
    )
