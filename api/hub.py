"""``/v1/hub/sessions``: the Inspiration Hub — other sellers' high-quality LIVE sessions
(quality bar, T-2, privacy and sorting are the domain's rules) and a session's detail
with its 3 key highlights, products and clips."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any, Literal

from flask import Blueprint, request
from pydantic import Field
from spectree import Response as Resp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth import caller
from api.convert import MoneyOut, creator_of, iso, money_out, pct, totals_of
from api.deps import db, now
from api.openapi import Answer, Model, spec
from api.problems import Problem, not_found
from domain.accounts import AccountType, Reporter
from domain.categories import CATEGORIES, find_category, parse_category
from domain.errors import DomainError
from domain.highlights import TEASER_WINDOW
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
    other_currencies,
    session_detail,
)
from domain.metrics import conversion_rate, interaction_rate
from domain.money import Money, parse_currency
from domain.performance import custom_period
from domain.plans import PromotionToolKind
from domain.recording import RecordingQuality
from domain.session_facts import SessionFacts, pinned_share
from domain.timeline import InvalidTimeline, rows_from_objects
from store.models import Footage, LiveSession, Plan, Product, PromotionToolRow, Seller, Teaser

bp = Blueprint("hub", __name__, url_prefix="/hub")


class HubListQuery(Model):
    """Sort (highest first), level-1 category, username search, start-time range."""

    sort: Literal["gmv", "viewers", "conversion_rate", "interaction_rate"] = "gmv"
    category: str | None = None
    q: str | None = Field(None, max_length=120)
    from_: datetime | None = Field(None, alias="from")
    to: datetime | None = None
    currency: str | None = Field(None, description="ISO 4217; default: the caller's")
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
    """The hub's LIVE list in one currency (data is two days old; live sessions are
    estimates); ``other_currencies`` have sessions too: ask with ``currency=``."""

    currency: str
    other_currencies: list[str]
    items: list[HubEntryOut]


class HubDetailOut(Model):
    """A session's 3 key highlights, every check's outcome, products and clips."""

    session: HubEntryOut
    key_highlights: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    potential_products: list[ProductOut]
    clips: list[dict[str, Any]]
    data_only: bool


def _plan_ends(s: Session, rows: Sequence[LiveSession]) -> dict[str, datetime]:
    """The scheduled end of each plan these sessions were broadcast for."""
    ids = {r.plan_id for r in rows if r.plan_id}
    if not ids:
        return {}
    plans = s.scalars(select(Plan).where(Plan.id.in_(ids))).all()
    return {p.id: p.start_at + timedelta(seconds=p.duration_s) for p in plans}


def _hub_session(row: LiveSession, owner: Seller | None,
                 plan_end: datetime | None = None) -> HubSession:
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
        violations=row.violations, products=products, plan_end=plan_end,
        reported_by=Reporter(row.reported_by), account_type=AccountType(row.account_type),
        creator=creator_of(owner),
    )


def _owners(s: Session, rows: Sequence[LiveSession]) -> dict[str, Seller]:
    """The sellers (creators) these sessions belong to."""
    ids = {r.seller_id for r in rows}
    return {o.id: o for o in s.scalars(select(Seller).where(Seller.id.in_(ids)))} if ids else {}


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
def list_hub() -> Answer:
    """High-quality sessions (300+ views, no violation) two days after they end, or live
    now with estimated GMV."""
    q: HubListQuery = request.context.query  # type: ignore[attr-defined]
    at = now()
    privacy, viewer = _privacy()
    if (q.from_ is None) != (q.to is None):
        raise Problem(422, "Invalid request", "A range of start times needs both 'from' and "
                      "'to' (ISO 8601 with a time zone); leave both out for every date.",
                      code="period_invalid", field="to" if q.from_ is not None else "from",
                      indonesian="Rentang waktu mulai butuh 'from' dan 'to' sekaligus (ISO "
                                 "8601 dengan zona waktu); hapus keduanya untuk semua tanggal.")
    period = custom_period(q.from_, q.to) if q.from_ and q.to else None
    category = parse_category(q.category) if q.category else None
    currency = parse_currency(q.currency or caller().currency)
    with db().session() as s:
        query = select(LiveSession).where(
            LiveSession.reported_by == Reporter.PLATFORM.value,
            LiveSession.views >= 300, LiveSession.violations == 0,
            (LiveSession.ended_at.is_(None)) | (LiveSession.ended_at <= at - DATA_DELAY))
        if category is not None:
            query = query.where(LiveSession.category == category.code)
        rows = s.scalars(query).all()
        ends = _plan_ends(s, rows)
        owners = _owners(s, rows)
        sessions = [_hub_session(r, owners.get(r.seller_id), ends.get(r.plan_id or ""))
                    for r in rows]
    wanted = HubQuery(HubSort(q.sort), category.code if category else None, q.q, period,
                      currency)
    entries = hub_list(sessions, wanted, now=at, privacy=privacy, viewer=viewer)
    return HubListOut(currency=currency, items=[_entry(e) for e in entries[: q.limit]],
                      other_currencies=other_currencies(sessions, wanted, now=at,
                                                        privacy=privacy))


@bp.get("/categories")
@spec.validate(resp=Resp(HTTP_200=CategoryList), tags=["hub"])
def list_categories() -> Answer:
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


def _tool_kinds(rows: list[PromotionToolRow]) -> tuple[PromotionToolKind, ...]:
    return tuple(PromotionToolKind(t.kind) for t in rows)


def _promotion_facts(s: Session, row: LiveSession) -> tuple[
        tuple[PromotionToolKind, ...] | None, tuple[PromotionToolKind, ...] | None]:
    """The tools on the session's plan (``None``: no plan) and the shop's catalogue
    tools bound to a product the session sold (``None``: no catalogue here)."""
    tools = {t.id: t for t in s.scalars(select(PromotionToolRow).where(
        PromotionToolRow.seller_id == row.seller_id))}
    plan = s.get(Plan, row.plan_id) if row.plan_id else None
    on_plan = None
    if plan is not None and plan.seller_id == row.seller_id:
        ids = dict.fromkeys([*plan.chosen_tool_ids, *plan.bound_tool_ids])
        on_plan = _tool_kinds([tools[i] for i in ids if i in tools])
    has_catalogue = bool(tools) or s.scalar(select(Product.id).where(
        Product.seller_id == row.seller_id).limit(1)) is not None
    sold = {str(p.get("product_id")) for p in row.products}
    bound = _tool_kinds([t for t in tools.values() if sold & set(t.product_ids)])
    return on_plan, bound if has_catalogue else None


def _teasers_posted(s: Session, row: LiveSession, at: datetime) -> tuple[datetime, ...]:
    """When the shop's teasers that could advertise this session were posted (not those
    linked to another plan: they advertised another LIVE), as this service recorded."""
    posted = func.coalesce(Teaser.posted_at, Teaser.post_at)
    start = row.started_at
    times = s.scalars(select(posted).where(
        Teaser.seller_id == row.seller_id, posted.is_not(None), posted <= at,
        posted >= start - TEASER_WINDOW, posted < start,
        Teaser.plan_id.is_(None) | (Teaser.plan_id == row.plan_id))).all()
    return tuple(times)


def _session_facts(s: Session, row: LiveSession, owner: Seller | None,
                   at: datetime) -> SessionFacts:
    """Every fact the service holds about a session, for its highlight checks."""
    events = [e for e in row.events if isinstance(e, dict)]

    def count(kind: str) -> int:
        return sum(1 for e in events if e.get("type") == kind)

    on_plan, bound = _promotion_facts(s, row)
    known_tools = None if on_plan is None and bound is None else (*(on_plan or ()),
                                                                  *(bound or ()))
    footage = s.get(Footage, row.footage_id) if row.footage_id else None
    return SessionFacts(
        started_at=row.started_at, ended_at=row.ended_at,
        recording=_recording_quality(footage),
        time_zone=row.time_zone or (owner.time_zone if owner else None),
        transcript=row.transcript, violations=row.violations,
        host_reply_events=count("reply") + count("poll") if events else None,
        live_board_uses=count("live_board") if events else None,
        giveaway_uses=count("giveaway") if events else None,
        category=find_category(row.category),
        plan_promotion_tools=on_plan, catalogue_promotion_tools=bound,
        urgency_promotions=None if known_tools is None
        else known_tools.count(PromotionToolKind.FLASH_SALE),
        pinned_share=_pinned_share(row.timeline),
        teaser_posted_at=_teasers_posted(s, row, at),
    )


def _pinned_share(rows: list[dict[str, Any]]) -> float | None:
    if not rows:
        return None
    try:
        return pinned_share(rows_from_objects(rows))
    except InvalidTimeline:
        return None  # rows stored before the timeline rules: unknown rather than wrong


@bp.get("/sessions/<session_id>")
@spec.validate(resp=Resp(HTTP_200=HubDetailOut), tags=["hub"])
def get_hub_session(session_id: str) -> Answer:
    """A listed session's key highlights (each check says which facts decided it),
    products and clips."""
    at = now()
    privacy, viewer = _privacy()
    with db().session() as s:
        row = s.get(LiveSession, session_id)
        if row is None:
            raise not_found("hub session", session_id)
        owner = s.get(Seller, row.seller_id)
        facts = _session_facts(s, row, owner, at)
        hub = _hub_session(row, owner, _plan_ends(s, [row]).get(row.plan_id or ""))
        clips = clips_from_timeline(row)
    detail = session_detail(hub, facts, clips, now=at, privacy=privacy, viewer=viewer)
    if detail is None:
        raise not_found("hub session", session_id)

    def check(r: Any) -> dict[str, Any]:
        return {"number": r.number, "highlight": r.highlight.value,
                "outcome": r.outcome.value, "evidence": r.evidence,
                "decided_by": [f.value for f in r.decided_by]}

    return HubDetailOut(
        session=_entry(detail.entry), key_highlights=[check(r) for r in detail.key_highlights],
        checks=[check(r) for r in detail.highlights],
        potential_products=[_product(p) for p in detail.potential_products],
        clips=[{"start_s": c.start.total_seconds(), "end_s": c.end.total_seconds(),
                "reason": c.reason} for c in detail.clips],
        data_only=detail.data_only,
    )
