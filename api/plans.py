"""``/v1/plans``: LIVE plans, their readiness and tips, and automatic teasers.

Event details (title, description, start, duration) are locked after creation; only
featured products and promotion tools change (``PATCH``). To reschedule: delete the
plan and create a new one (the 409 says exactly that).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from flask import Blueprint, request, url_for
from pydantic import Field, field_validator
from spectree import Response as Resp
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import caller, owned_or_404
from api.convert import iso, live_plan, past_session
from api.deps import db, media, now
from api.openapi import Answer, Model, example, spec
from api.teaser_lifecycle import relink
from api.teasers import create_teaser_row, enqueue_render
from domain.lifecycle import TeaserSource, TeaserStatus
from domain.plans import (
    GAP_MESSAGES,
    TIP_MESSAGES,
    PromotionTool,
    PromotionToolKind,
    ShopProduct,
    active_plans,
    change_event_details,
    completed_plans,
    create_plan,
    plan_status,
    readiness,
    replace_products,
    replace_promotion_tools,
)
from domain.schedule import recommended_posts
from domain.teasers import automatic_teasers
from domain.wording import parse_language
from store.models import Footage, LiveSession, Plan, Product, PromotionToolRow, Seller, Teaser

bp = Blueprint("plans", __name__, url_prefix="/plans")
# Post times and their wording depend only on (start, zone, language): plan reads are
# the hot path (200 requests/s goal), so remember them.
cached_posts = lru_cache(maxsize=4096)(recommended_posts)


class PlanIn(Model):
    """A new plan; ``auto_teasers`` queues the day-before and hour-before teasers from
    the seller's best past session with a recording."""

    model_config = example(
        title="Weekend glow sale", description="Skincare bundle night",
        start="2024-11-23T19:00:00+07:00", time_zone="Asia/Jakarta", duration_minutes=90,
        product_ids=["SKU-SERUM", "SKU-TONER"], promotion_tool_ids=["VOUCHER-10"],
        auto_teasers=True)

    title: str = Field(min_length=1, max_length=255)
    description: str = Field("", max_length=5000)
    start: datetime
    time_zone: str | None = Field(None, description="IANA zone; default: the seller's")
    duration_minutes: int = Field(gt=0, le=24 * 60)
    product_ids: list[str] = Field(max_length=1000)
    promotion_tool_ids: list[str] = Field(default_factory=list, max_length=100)
    auto_teasers: bool = False
    lang: str | None = None

    @field_validator("start")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("include a time zone, e.g. 2024-11-23T19:00:00+07:00")
        return value


class PlanPatch(Model):
    """Only products and promotion tools are editable; sending event details that
    differ from the plan's is refused with how to reschedule."""

    model_config = example(
        product_ids=["SKU-SERUM", "SKU-TONER", "SKU-MASK"], promotion_tool_ids=["VOUCHER-10"])

    product_ids: list[str] | None = Field(None, max_length=1000)
    promotion_tool_ids: list[str] | None = Field(None, max_length=100)
    title: str | None = None
    description: str | None = None
    start: datetime | None = None
    duration_minutes: int | None = None


class PostOut(Model):
    """When to post a teaser and what its sticker says; ``passed``: that time is gone."""

    slot: str
    post_at: str
    sticker_text: str
    schedule_text: str
    passed: bool = False


def posts_out(start: datetime, tz: str, lang: str, at: datetime) -> list[PostOut]:
    """The recommended posts of a LIVE at ``start``, each flagged when already past."""
    return [PostOut(slot=p.slot.value, post_at=iso(p.post_at) or "",
                    sticker_text=p.sticker_text, schedule_text=p.schedule_text,
                    passed=p.post_at <= at)
            for p in cached_posts(start, tz, lang)]


class PlanOut(Model):
    """A plan with its readiness (what is missing) and tips (never blocking)."""

    id: str
    title: str
    description: str
    start: str
    time_zone: str
    duration_minutes: int
    status: str
    product_ids: list[str]
    promotion_tool_ids: list[str]
    teasers: list[str]
    teaser_states: dict[str, str]
    ready: bool
    missing: list[dict[str, str]]
    tips: list[dict[str, str]]
    recommended_posts: list[PostOut]
    auto_teasers: dict[str, Any] | None
    created_at: str
    links: dict[str, str]


class PlanList(Model):
    """Plans, newest first."""

    status: str
    items: list[PlanOut]


class PlanQuery(Model):
    """Active (upcoming or live) or completed plans."""

    status: Literal["active", "completed"] = "active"


def _catalogue(s: Session, seller_id: str) -> tuple[dict[str, ShopProduct],
                                                    dict[str, PromotionTool]]:
    products = {p.id: ShopProduct(p.id, seller_id, p.active) for p in
                s.scalars(select(Product).where(Product.seller_id == seller_id))}
    tools = {t.id: PromotionTool(t.id, PromotionToolKind(t.kind), frozenset(t.product_ids))
             for t in s.scalars(select(PromotionToolRow)
                                .where(PromotionToolRow.seller_id == seller_id))}
    return products, tools


def plan_out(row: Plan, teasers: list[tuple[str, TeaserStatus]], at: datetime,
             lang: str) -> PlanOut:
    """JSON of a plan row with readiness computed by the domain: a teaser counts once it is
    ready (one still rendering, or failed, is not there yet)."""
    plan = live_plan(row)
    ready_count = sum(1 for _, status in teasers if status is TeaserStatus.READY)
    check = readiness(plan, ready_count)
    posts = posts_out(plan.start, plan.time_zone, lang, at)
    auto = None
    if row.auto_teasers:
        failed = [t for t, status in teasers if status is TeaserStatus.FAILED]
        auto = {"requested": True, "message": row.auto_teaser_note, "failed": failed}
        if failed:
            auto["message"] = (f"{len(failed)} automatic teaser(s) failed to render; open "
                               "each for the reason, then delete it and ask for a teaser "
                               "from another session or from uploaded footage.")
    return PlanOut(
        id=row.id, title=row.title, description=row.description, start=iso(row.start_at) or "",
        time_zone=row.time_zone, duration_minutes=row.duration_s // 60,
        status=plan_status(plan, at).value, product_ids=list(plan.product_ids),
        promotion_tool_ids=list(plan.promotion_tool_ids),
        teasers=[t for t, status in teasers if status is not TeaserStatus.FAILED],
        teaser_states={t: str(status) for t, status in teasers}, ready=check.ready,
        missing=[{"code": g.value, "message": GAP_MESSAGES[g]} for g in check.missing],
        tips=[{"code": t.value, "message": TIP_MESSAGES[t]} for t in check.tips],
        recommended_posts=posts, auto_teasers=auto, created_at=iso(row.created_at) or "",
        links={"self": url_for("v1.plans.get_plan", plan_id=row.id)},
    )


def _teasers(s: Session, plan_ids: list[str]) -> dict[str, list[tuple[str, TeaserStatus]]]:
    """Each plan's teasers (id, status), oldest first."""
    out: dict[str, list[tuple[str, TeaserStatus]]] = {p: [] for p in plan_ids}
    if plan_ids:
        for plan_id, teaser_id, status in s.execute(
                select(Teaser.plan_id, Teaser.id, Teaser.status)
                .where(Teaser.plan_id.in_(plan_ids))
                .order_by(Teaser.created_at, Teaser.id)):
            if plan_id is not None:
                out[plan_id].append((teaser_id, status))
    return out


def _auto_teasers(s: Session, row: Plan, lang: str) -> list[Teaser]:
    """Queue-ready teaser rows for a plan created with automatic teasers."""
    sessions = list(s.scalars(select(LiveSession).where(
        LiveSession.seller_id == row.seller_id, LiveSession.footage_id.is_not(None),
        LiveSession.currency == _seller_currency(s, row.seller_id))))
    recordings = {f.id: f for f in s.scalars(select(Footage).where(
        Footage.id.in_([x.footage_id for x in sessions if x.footage_id])))}
    result = automatic_teasers(
        live_plan(row),
        [past_session(x, recordings.get(x.footage_id or "")) for x in sessions], now(), lang)
    row.auto_teaser_note = result.message
    by_id = {x.id: x for x in sessions}
    created = []
    for req in result.requests:
        source = by_id[req.source_session_id]
        created.append(create_teaser_row(
            s, seller_id=row.seller_id, kind=TeaserSource.SESSION, session_id=source.id,
            footage_id=source.footage_id, plan=row, slot=req.slot.value, target_seconds=40.0,
            music="auto", lang=lang, sticker=req.sticker_text, tz=row.time_zone))
    return created


def _seller_currency(s: Session, seller_id: str) -> str:
    seller = s.get(Seller, seller_id)
    return seller.currency if seller else "IDR"


@bp.post("")
@spec.validate(json=PlanIn, resp=Resp(HTTP_201=PlanOut), tags=["plans"])
def create_plan_route() -> Answer:
    """Create a plan (and, with ``auto_teasers``, queue its recommended teasers)."""
    body: PlanIn = request.context.json  # type: ignore[attr-defined]
    who = caller()
    lang = parse_language(body.lang or who.lang).value
    with db().session() as s:
        products, tools = _catalogue(s, who.seller_id)
        plan = create_plan(
            plan_id="pending", shop_id=who.seller_id, title=body.title,
            description=body.description, start=body.start,
            time_zone=body.time_zone or who.time_zone,
            duration=timedelta(minutes=body.duration_minutes), product_ids=body.product_ids,
            catalogue=products, promotion_tool_ids=body.promotion_tool_ids, shop_tools=tools,
            now=now(),
        )
        row = Plan(seller_id=who.seller_id, title=plan.title, description=plan.description,
                   start_at=plan.start, time_zone=plan.time_zone, lang=lang,
                   duration_s=int(plan.duration.total_seconds()),
                   product_ids=list(plan.product_ids),
                   chosen_tool_ids=list(plan.chosen_tool_ids),
                   bound_tool_ids=list(plan.bound_tool_ids), auto_teasers=body.auto_teasers,
                   created_at=now())
        s.add(row)
        s.flush()
        teasers = _auto_teasers(s, row, lang) if body.auto_teasers else []
        out = plan_out(row, [(t.id, t.status) for t in teasers], now(), lang)
    for teaser in teasers:
        enqueue_render(teaser)
    return out, 201, {"Location": out.links["self"]}


@bp.get("")
@spec.validate(query=PlanQuery, resp=Resp(HTTP_200=PlanList), tags=["plans"])
def list_plans() -> Answer:
    """Active (upcoming or live) or completed plans, newest first."""
    q: PlanQuery = request.context.query  # type: ignore[attr-defined]
    at = now()
    with db().session() as s:
        rows = {r.id: r for r in s.scalars(select(Plan).where(
            Plan.seller_id == caller().seller_id))}
        plans = [live_plan(r) for r in rows.values()]
        chosen = active_plans(plans, at) if q.status == "active" else completed_plans(plans, at)
        teasers = _teasers(s, [p.plan_id for p in chosen])
    lang = caller().lang
    items = [plan_out(rows[p.plan_id], teasers[p.plan_id], at, lang) for p in chosen]
    return PlanList(status=q.status, items=items)


@bp.get("/<plan_id>")
@spec.validate(resp=Resp(HTTP_200=PlanOut), tags=["plans"])
def get_plan(plan_id: str) -> Answer:
    """A plan with readiness, tips and when to post its teasers."""
    with db().session() as s:
        row = owned_or_404(s, Plan, plan_id, "plan")
        return plan_out(row, _teasers(s, [row.id])[row.id], now(), row.lang)


@bp.patch("/<plan_id>")
@spec.validate(json=PlanPatch, resp=Resp(HTTP_200=PlanOut), tags=["plans"])
def patch_plan(plan_id: str) -> Answer:
    """Change featured products and/or promotion tools (nothing else)."""
    body: PlanPatch = request.context.json  # type: ignore[attr-defined]
    with db().session() as s:
        row = owned_or_404(s, Plan, plan_id, "plan")
        plan = change_event_details(
            live_plan(row), title=body.title, description=body.description, start=body.start,
            duration=None if body.duration_minutes is None
            else timedelta(minutes=body.duration_minutes))
        products, tools = _catalogue(s, row.seller_id)
        if body.product_ids is not None:
            plan = replace_products(plan, body.product_ids, products, tools)
        if body.promotion_tool_ids is not None:
            plan = replace_promotion_tools(plan, body.promotion_tool_ids, tools)
        row.product_ids = list(plan.product_ids)
        row.chosen_tool_ids = list(plan.chosen_tool_ids)
        row.bound_tool_ids = list(plan.bound_tool_ids)
        return plan_out(row, _teasers(s, [row.id])[row.id], now(), row.lang)


class DeleteQuery(Model):
    """What happens to the plan's teasers: ``unlink`` (default: they stay, without the
    plan's sticker, rendered again, ready to be linked to a new plan) or ``delete``."""

    teasers: Literal["unlink", "delete"] = "unlink"


class PlanDeleted(Model):
    """What deleting the plan did, to the plan and to each of its teasers."""

    id: str
    deleted: bool
    teasers: dict[str, Any]


@bp.delete("/<plan_id>")
@spec.validate(query=DeleteQuery, resp=Resp(HTTP_200=PlanDeleted), tags=["plans"])
def delete_plan(plan_id: str) -> Answer:
    """Delete a plan (the only way to reschedule: delete, create the new one, re-link the
    teasers with ``PUT /v1/teasers/{id}/plan``). Its teasers advertise a LIVE that no
    longer exists, so with ``teasers=unlink`` (default) each not yet posted is rendered
    again without the sticker and its post time cleared (posted ones keep their video);
    with ``teasers=delete`` they are deleted with their files. The answer lists them."""
    q: DeleteQuery = request.context.query  # type: ignore[attr-defined]
    at = now()
    stale: list[str | None] = []
    requeued: list[Teaser] = []
    with db().session() as s:
        row = owned_or_404(s, Plan, plan_id, "plan")
        teasers = list(s.scalars(select(Teaser).where(Teaser.plan_id == row.id)
                                 .order_by(Teaser.created_at, Teaser.id)))
        ids = [t.id for t in teasers]
        posted = [t.id for t in teasers if t.post_at is not None and t.post_at <= at]
        for teaser in teasers:
            if q.teasers == "delete":
                stale += media().render_files(teaser.video_path, teaser.poster_path)
                s.delete(teaser)
            elif teaser.id in posted:
                teaser.plan_id = None
            else:
                stale += relink(teaser, None, None, at)
                requeued.append(teaser)
        s.delete(row)
    for relative in stale:
        media().remove(relative)
    for teaser in requeued:
        enqueue_render(teaser)
    if q.teasers == "delete":
        message = f"{len(ids)} teaser(s) deleted with their files."
    else:
        message = (f"{len(requeued)} teaser(s) unlinked and rendered again without the LIVE "
                   "sticker, post times cleared; link them to the new plan with PUT "
                   "/v1/teasers/{id}/plan.")
        if posted:
            message += f" {len(posted)} already posted teaser(s) were unlinked as they are."
    return PlanDeleted(id=plan_id, deleted=True, teasers={
        "action": "deleted" if q.teasers == "delete" else "unlinked", "ids": ids,
        "rerendered": [t.id for t in requeued], "posted": posted, "message": message})
