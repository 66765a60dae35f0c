"""``/v1/hub/sessions``: the Inspiration Hub — other sellers' high-quality LIVE sessions
(quality bar, T-2, privacy and sorting are the domain's rules) and a session's detail
with its 3 key highlights, products and clips."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any, Literal

from flask import Blueprint, request
from flask.typing import ResponseReturnValue
from pydantic import Field
from spectree import Response as Resp
from sqlalchemy import select

from api.auth import caller
from api.convert import MoneyOut, iso, money_out, pct, totals_of
from api.deps import db, now
from api.openapi import Model, spec
from api.problems import not_found
from domain.categories import CATEGORIES, parse_category
from domain.errors import DomainError
from domain.highlights import SessionFacts
from domain.hub import (
    DATA_DELAY,
    Clip,
    CreatorPrivacy,
    HubEntry,
    HubQuery,
    HubSession,
    HubSort,
    ProductSales,
    hub_list,
    session_detail,
)
from domain.metrics import conversion_rate, interaction_rate
from domain.money import Money
from domain.performance import custom_period
from domain.recording import RecordingQuality
from store.models import Footage, LiveSession, Seller

bp = Blueprint("hub", __name__, url_prefix="/hub")


class HubListQuery(Model):
    """Sort (highest first), level-1 category, username search, start-time range."""

    sort: Literal["gmv", "viewers", "conversion_rate", "interaction_rate"] = "gmv"
    category: str | None = None
    q: str | None = Field(None, max_length=120)
    from_: datetime | None = Field(None, alias="from")
    to: datetime | None = None
    limit: int = Field(50, ge=1, le=200)


class CategoryOut(Model):
    """A level-1 category: ``code`` is what sessions store and filters take (a name in
    either language works too, any case); ``product_details`` is what check 10 asks."""

    code: str
    name_id: str
    name_en: str
    product_details: Literal["every_kind", "at_least_two"]


class CategoryList(Model):
    """The known level-1 categories."""

    items: list[CategoryOut]


class ProductOut(Model):
    """A best-selling product of a session."""

    product_id: str
    gmv: MoneyOut
    units: int


class HubEntryOut(Model):
    """A listed session; ``estimated`` marks GMV and orders of a session still live."""

    id: str
    username: str
    category: str
    started_at: str
    ended_at: str | None
    live: bool
    estimated: bool
    views: int
    viewers: int
    gmv: MoneyOut
    orders: int
    conversion_rate_pct: str | None
    interaction_rate_pct: str | None
    top_products: list[ProductOut]


class HubListOut(Model):
    """The hub's LIVE list (data is two days old; live sessions are estimates)."""

    items: list[HubEntryOut]


class HubDetailOut(Model):
    """A session's 3 key highlights, every check's outcome, products and clips."""

    session: HubEntryOut
    key_highlights: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    potential_products: list[ProductOut]
    clips: list[dict[str, Any]]
    data_only: bool


def _hub_session(row: LiveSession) -> HubSession:
    totals = totals_of(row)
    products = tuple(ProductSales(str(p.get("product_id")), Money(int(p.get("gmv", 0)),
                                  row.currency), int(p.get("units", 0)))
                     for p in row.products if p.get("product_id"))
    return HubSession(
        session_id=row.id, creator_id=row.seller_id,
        username=str(row.extra.get("username") or ""), l1_category=row.category or "",
        started_at=row.started_at, ended_at=row.ended_at, views=totals.views,
        viewers=totals.viewers, gmv=Money(totals.gmv, row.currency), orders=totals.orders,
        conversion_rate=conversion_rate(totals), interaction_rate=interaction_rate(totals),
        violations=row.violations, products=products,
    )


def _product(p: ProductSales) -> ProductOut:
    gmv = money_out(p.gmv)
    assert gmv is not None
    return ProductOut(product_id=p.product_id, gmv=gmv, units=p.units)


def _entry(e: HubEntry) -> HubEntryOut:
    s = e.session
    gmv = money_out(s.gmv)
    assert gmv is not None
    return HubEntryOut(
        id=s.session_id, username=s.username, category=s.l1_category,
        started_at=iso(s.started_at) or "", ended_at=iso(s.ended_at), live=e.live,
        estimated=e.estimated, views=s.views, viewers=s.viewers, gmv=gmv, orders=s.orders,
        conversion_rate_pct=pct(s.conversion_rate), interaction_rate_pct=pct(s.interaction_rate),
        top_products=[_product(p) for p in e.top_products],
    )


def _privacy() -> tuple[dict[str, CreatorPrivacy], CreatorPrivacy | None]:
    with db().session() as s:
        rows = s.scalars(select(Seller).where(Seller.show_in_hub.is_(False))).all()
        me = s.get(Seller, caller().seller_id)
    privacy = {r.id: CreatorPrivacy(r.id, False, r.privacy_changed_at) for r in rows}
    viewer = CreatorPrivacy(me.id, me.show_in_hub, me.privacy_changed_at) if me else None
    return privacy, viewer


@bp.get("/sessions")
@spec.validate(query=HubListQuery, resp=Resp(HTTP_200=HubListOut), tags=["hub"])
def list_hub() -> ResponseReturnValue:
    """High-quality sessions (300+ views, no violation) two days after they end, or live
    now with estimated GMV."""
    q: HubListQuery = request.context.query  # type: ignore[attr-defined]
    at = now()
    privacy, viewer = _privacy()
    period = custom_period(q.from_, q.to) if q.from_ and q.to else None
    category = parse_category(q.category) if q.category else None
    with db().session() as s:
        query = select(LiveSession).where(
            LiveSession.views >= 300, LiveSession.violations == 0,
            (LiveSession.ended_at.is_(None)) | (LiveSession.ended_at <= at - DATA_DELAY))
        if category is not None:
            query = query.where(LiveSession.category == category.code)
        rows = s.scalars(query).all()
        sessions = [_hub_session(r) for r in rows if r.currency == caller().currency]
    entries = hub_list(sessions, HubQuery(HubSort(q.sort), category.code if category else None, q.q,
                                period), now=at,
                       privacy=privacy, viewer=viewer)
    return HubListOut(items=[_entry(e) for e in entries[: q.limit]])


@bp.get("/categories")
@spec.validate(resp=Resp(HTTP_200=CategoryList), tags=["hub"])
def list_categories() -> ResponseReturnValue:
    """The level-1 categories the hub filters by, in Indonesian and English."""
    return CategoryList(items=[CategoryOut(
        code=c.code, name_id=c.name_id, name_en=c.name_en,
        product_details="every_kind" if c.every_detail else "at_least_two")
        for c in CATEGORIES])


def clips_from_timeline(row: LiveSession) -> list[Clip]:
    """Moments where orders and GMV both rose above the session's per-bucket average
    (consecutive buckets merged), the three with the most GMV."""
    buckets = [b for b in row.timeline if isinstance(b.get("t"), int | float)]
    if len(buckets) < 2:
        return []
    mean_gmv = Fraction(sum(int(b.get("gmv", 0)) for b in buckets), len(buckets))
    mean_orders = Fraction(sum(int(b.get("orders", 0)) for b in buckets), len(buckets))
    width = float(buckets[1]["t"]) - float(buckets[0]["t"]) or 60.0
    runs: list[tuple[float, float, int]] = []
    for b in buckets:
        if int(b.get("gmv", 0)) > mean_gmv and int(b.get("orders", 0)) > mean_orders:
            start, gmv = float(b["t"]), int(b.get("gmv", 0))
            if runs and abs(runs[-1][1] - start) < 1e-6:
                runs[-1] = (runs[-1][0], start + width, runs[-1][2] + gmv)
            else:
                runs.append((start, start + width, gmv))
    best = sorted(runs, key=lambda r: -r[2])[:3]
    return [Clip(timedelta(seconds=a), timedelta(seconds=b), "orders and GMV above the "
                 "session's average") for a, b, _ in sorted(best)]


def _recording_quality(footage: Footage | None) -> RecordingQuality | None:
    """The recording's quality figures saved at ingest, if any (else the recording
    checks stay unknown)."""
    if footage is None or not footage.recording_quality:
        return None
    try:
        return RecordingQuality(**footage.recording_quality)
    except (TypeError, DomainError):
        return None  # figures from an older analysis: unknown rather than wrong


@bp.get("/sessions/<session_id>")
@spec.validate(resp=Resp(HTTP_200=HubDetailOut), tags=["hub"])
def get_hub_session(session_id: str) -> ResponseReturnValue:
    """A listed session's key highlights, products and clips."""
    at = now()
    privacy, viewer = _privacy()
    with db().session() as s:
        row = s.get(LiveSession, session_id)
        if row is None:
            raise not_found("hub session", session_id)
        owner = s.get(Seller, row.seller_id)
        events = [e for e in row.events if isinstance(e, dict)]

        def count(kind: str) -> int:
            return sum(1 for e in events if e.get("type") == kind)

        footage = s.get(Footage, row.footage_id) if row.footage_id else None
        facts = SessionFacts(
            started_at=row.started_at, ended_at=row.ended_at,
            recording=_recording_quality(footage),
            time_zone=owner.time_zone if owner else None,
            transcript=row.transcript, violations=row.violations,
            host_reply_events=count("reply") + count("poll") if events else None,
            live_board_uses=count("live_board") if events else None,
            giveaway_uses=count("giveaway") if events else None,
        )
        hub = _hub_session(row)
        clips = clips_from_timeline(row)
    detail = session_detail(hub, facts, clips, now=at, privacy=privacy, viewer=viewer)
    if detail is None:
        raise not_found("hub session", session_id)

    def check(r: Any) -> dict[str, Any]:
        return {"number": r.number, "highlight": r.highlight.value,
                "outcome": r.outcome.value, "evidence": r.evidence}

    return HubDetailOut(
        session=_entry(detail.entry), key_highlights=[check(r) for r in detail.key_highlights],
        checks=[check(r) for r in detail.highlights],
        potential_products=[_product(p) for p in detail.potential_products],
        clips=[{"start_s": c.start.total_seconds(), "end_s": c.end.total_seconds(),
                "reason": c.reason} for c in detail.clips],
        data_only=detail.data_only,
    )
