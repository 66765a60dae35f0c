"""Between store rows, domain values and JSON: one place so every route shows money,
rates and times the same way."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from pydantic import BaseModel

from domain.accounts import AccountType, Creator
from domain.lifecycle import FootageStatus
from domain.metrics import SessionMetrics, SessionTotals, as_percent, interaction_rate
from domain.money import Money
from domain.performance import SessionRecord
from domain.plans import LivePlan
from domain.teasers import PastSession, recording_shortfall
from domain.timeline import TimelineRows, rows_from_objects
from store.models import Footage, LiveSession, Plan, Seller


class MoneyOut(BaseModel):
    """Exact money: integer minor units, the currency, and the decimal amount as text."""

    amount_minor: int
    currency: str
    amount: str


class MetricsOut(BaseModel):
    """The metric table of a session or period; rates are percentages as exact text
    ("15.00"); ``null`` means no data (a zero denominator)."""

    gmv: MoneyOut
    orders: int
    views: int
    gpm: MoneyOut | None
    enter_room_rate_pct: str | None
    conversion_rate_pct: str | None
    interaction_rate_pct: str | None
    click_to_order_rate_pct: str | None


def money_out(value: Money | None) -> MoneyOut | None:
    """JSON form of money (None stays None)."""
    if value is None:
        return None
    return MoneyOut(amount_minor=value.amount, currency=value.currency,
                    amount=str(value.to_decimal()))


def pct(rate: Fraction | None) -> str | None:
    """A rate as an exact percentage string with 2 places, or None (no data)."""
    value = as_percent(rate)
    return None if value is None else str(value)


def metrics_out(m: SessionMetrics) -> MetricsOut:
    """JSON form of ``SessionMetrics``."""
    gmv = money_out(m.gmv)
    assert gmv is not None
    return MetricsOut(
        gmv=gmv, orders=m.orders, views=m.views, gpm=money_out(m.gpm),
        enter_room_rate_pct=pct(m.enter_room_rate), conversion_rate_pct=pct(m.conversion_rate),
        interaction_rate_pct=pct(m.interaction_rate),
        click_to_order_rate_pct=pct(m.click_to_order_rate),
    )


def totals_of(row: LiveSession) -> SessionTotals:
    """The stored totals of a session as ``SessionTotals``."""
    return SessionTotals(**row.totals)


def totals_json(totals: SessionTotals) -> dict[str, Any]:
    """``SessionTotals`` as the JSON stored on the session row."""
    return {name: getattr(totals, name) for name in SessionTotals.__dataclass_fields__}


def float_rate(rate: Fraction | None) -> float | None:
    """A rate as a float, for sorting in SQL only (never shown, never summed)."""
    return None if rate is None else float(rate)


def timeline_end_s(row: LiveSession) -> float:
    """Where the session's metric timeline ends, in seconds from the recording's start
    (0 without a timeline); stored at creation, read from the rows for older sessions."""
    stored = (row.extra or {}).get("timeline_end_s")
    if stored is not None:
        return float(stored)
    if not row.timeline:
        return 0.0
    return timeline_end(rows_from_objects(row.timeline))


def timeline_end(rows: TimelineRows) -> float:
    """The end of the last bucket of checked timeline rows."""
    return max((r.t + r.width for r in rows.rows), default=0.0)


def past_session(row: LiveSession, recording: Footage | None) -> PastSession:
    """A session as a teaser source candidate: usable when its recording is ready and
    covers its timeline; official when it is the shop's own account's session."""
    duration = (recording.probe or {}).get("duration") if recording is not None else None
    usable = (recording is not None and recording.status is FootageStatus.READY
              and recording_shortfall(duration, timeline_end_s(row)) is None)
    return PastSession(
        session_id=row.id,
        ended_at=row.ended_at or row.started_at,
        gmv=Money(row.gmv_minor, row.currency),
        interaction_rate=interaction_rate(totals_of(row)),
        has_usable_recording=usable,
        official=row.account_type == AccountType.OFFICIAL.value,
    )


def session_record(row: LiveSession) -> SessionRecord:
    """A session for the performance overview."""
    return SessionRecord(
        session_id=row.id, account_type=AccountType(row.account_type),
        started_at=row.started_at, totals=totals_of(row), currency=row.currency,
    )


def live_plan(row: Plan) -> LivePlan:
    """A stored plan as the domain's ``LivePlan``."""
    return LivePlan(
        plan_id=row.id, shop_id=row.seller_id, title=row.title, description=row.description,
        start=row.start_at, time_zone=row.time_zone, duration=timedelta(seconds=row.duration_s),
        product_ids=tuple(row.product_ids), chosen_tool_ids=tuple(row.chosen_tool_ids),
        bound_tool_ids=tuple(row.bound_tool_ids), created_at=row.created_at,
    )


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC (with offset), or None."""
    return None if value is None else value.isoformat()


def creator_of(row: Seller | None) -> Creator | None:
    """What the platform reported of the seller as a creator (``None``: nothing yet)."""
    if row is None or row.birth_date is None or row.followers is None:
        return None
    return Creator(row.birth_date, row.followers)
