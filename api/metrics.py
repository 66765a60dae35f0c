"""``/v1/metrics/overview``, ``/v1/metrics/teasers`` and ``/v1/actions``: the seller's
performance overview, teaser performance and recommended actions, all computed by the
domain rules from the stored rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask import Blueprint, request
from pydantic import Field
from spectree import Response as Resp
from sqlalchemy import select
from sqlalchemy.orm import load_only

from api.auth import caller
from api.campaigns import campaign_actions
from api.convert import MetricsOut, iso, live_plan, metrics_out, pct, session_record
from api.deps import db, now
from api.missions import mission_actions
from api.openapi import Answer, Model, spec
from api.problems import Problem
from domain.actions import PlanTeaser, recommended_actions
from domain.lifecycle import TeaserSource
from domain.performance import (
    PRESET_LENGTH,
    Overview,
    PostedTeaser,
    ViewSnapshot,
    custom_period,
    last_7_days,
    overview_by_currency,
    teaser_performance,
)
from store.models import LiveSession, Plan, Teaser, TeaserMetric

bp = Blueprint("metrics", __name__)


class OverviewQuery(Model):
    """``last_7_days`` (default, compared with the 7 days before) or ``custom`` with
    ``from`` and ``to`` (no comparison)."""

    period: Literal["last_7_days", "custom"] = "last_7_days"
    from_: datetime | None = Field(None, alias="from")
    to: datetime | None = None


class CurrencyFiguresOut(Model):
    """The period's figures of the sessions sold in one currency."""

    currency: str
    sessions: int
    current: MetricsOut
    previous: MetricsOut | None
    changes_pct: dict[str, str | None] | None


class OverviewOut(Model):
    """Figures of the period; ``previous`` and ``changes_pct`` only for last 7 days.
    The top-level figures are those in the shop's currency; ``by_currency`` has them
    for every currency the period's sessions were sold in, the shop's first (amounts in
    different currencies are never added up)."""

    period: dict[str, str]
    sessions: int
    current: MetricsOut
    previous: MetricsOut | None
    changes_pct: dict[str, str | None] | None
    by_currency: list[CurrencyFiguresOut]


def _figures_out(o: Overview) -> CurrencyFiguresOut:
    return CurrencyFiguresOut(
        currency=o.currency, sessions=o.sessions, current=metrics_out(o.current),
        previous=metrics_out(o.previous) if o.previous else None,
        changes_pct=None if o.changes is None else {k: pct(v) for k, v in o.changes.items()},
    )


class TeaserPerformanceOut(Model):
    """Teasers posted in the last 7 days and their figures (``null``: no data yet —
    views arrive from 48 h after posting)."""

    posted_from_sessions: int
    posted_from_uploads: int
    views: int | None
    new_viewers: int | None
    new_followers: int | None
    awaiting_views: int


class ActionOut(Model):
    """One recommended action."""

    kind: str
    message: str
    ref_id: str


class ActionList(Model):
    """The current list; an item disappears once done."""

    items: list[ActionOut]


@bp.get("/metrics/overview")
@spec.validate(query=OverviewQuery, resp=Resp(HTTP_200=OverviewOut), tags=["metrics"])
def overview() -> Answer:
    """The performance overview of the caller's official-account sessions."""
    q: OverviewQuery = request.context.query  # type: ignore[attr-defined]
    who = caller()
    at = now()
    period = None
    if q.period != "custom" and (q.from_ is not None or q.to is not None):
        raise Problem(422, "Invalid request", "'from' and 'to' choose a custom period: add "
                      "period=custom to use them, or leave them out for the last 7 days "
                      "(the only period compared with the one before).", code="period_invalid",
                      field="from",
                      indonesian="'from' dan 'to' memilih periode khusus: tambahkan "
                                 "period=custom untuk memakainya, atau hapus keduanya untuk "
                                 "7 hari terakhir (satu-satunya periode yang dibandingkan "
                                 "dengan periode sebelumnya).")
    if q.period == "custom":
        if q.from_ is None or q.to is None:
            raise Problem(422, "Invalid request", "A custom period needs both 'from' and 'to' "
                          "(ISO 8601 with a time zone).", code="period_invalid",
                          field="to" if q.from_ is not None else "from",
                          indonesian="Periode khusus butuh 'from' dan 'to' sekaligus (ISO "
                                     "8601 dengan zona waktu).")
        period = custom_period(q.from_, q.to)
        earliest = period.start
    else:
        earliest = at - 2 * PRESET_LENGTH
    with db().session() as s:
        rows = s.scalars(select(LiveSession).options(load_only(
            LiveSession.id, LiveSession.account_type, LiveSession.started_at,
            LiveSession.totals, LiveSession.currency)).where(
            LiveSession.seller_id == who.seller_id, LiveSession.started_at >= earliest)).all()
        records = [session_record(r) for r in rows]
    by_currency = [_figures_out(o) for o in overview_by_currency(
        records, now=at, currency=who.currency, period=period)]
    main = by_currency[0]
    chosen = period or last_7_days(at)
    return OverviewOut(
        period={"preset": chosen.preset.value, "from": iso(chosen.start) or "",
                "to": iso(chosen.end) or ""},
        sessions=main.sessions, current=main.current, previous=main.previous,
        changes_pct=main.changes_pct, by_currency=by_currency,
    )


@bp.get("/metrics/teasers")
@spec.validate(resp=Resp(HTTP_200=TeaserPerformanceOut), tags=["metrics"])
def teasers() -> Answer:
    """Teaser performance over the last 7 days."""
    at = now()
    with db().session() as s:
        rows = s.scalars(select(Teaser).where(
            Teaser.seller_id == caller().seller_id, Teaser.post_at.is_not(None),
            Teaser.post_at <= at, Teaser.post_at >= at - PRESET_LENGTH)).all()
        snapshots: dict[str, list[ViewSnapshot]] = {}
        if rows:
            for m in s.scalars(select(TeaserMetric).where(
                    TeaserMetric.teaser_id.in_([r.id for r in rows]))):
                snapshots.setdefault(m.teaser_id, []).append(
                    ViewSnapshot(m.hour, m.views, m.new_viewers, m.new_followers))
    posted = [PostedTeaser(
        r.id, TeaserSource(r.source_kind), r.post_at, tuple(snapshots.get(r.id, ())))
        for r in rows if r.post_at is not None]
    perf = teaser_performance(posted, at)
    return TeaserPerformanceOut(**perf.__dict__)


@bp.get("/actions")
@spec.validate(resp=Resp(HTTP_200=ActionList), tags=["metrics"])
def actions() -> Answer:
    """Recommended actions: post a teaser for the next plan, register for each open
    platform LIVE campaign and join each available mission not done yet (the feed ops
    publish, see /v1/campaigns), then the next plan's readiness gaps and its 1-day /
    1-hour posts."""
    who = caller()
    at = now()
    with db().session() as s:
        plans = s.scalars(select(Plan).where(Plan.seller_id == who.seller_id,
                                             Plan.start_at > at)).all()
        by_plan: dict[str, list[PlanTeaser]] = {}
        if plans:
            for t in s.scalars(select(Teaser).where(
                    Teaser.plan_id.in_([p.id for p in plans]))):
                by_plan.setdefault(t.plan_id or "", []).append(
                    PlanTeaser(t.id, t.post_at, str(t.status)))
        campaigns = campaign_actions(s, who.seller_id, at)
        missions = mission_actions(s, who.seller_id, at)
    items: list[Any] = recommended_actions(
        plans=[live_plan(p) for p in plans], teasers=by_plan, campaigns=campaigns,
        missions=missions, now=at, lang=who.lang)
    return ActionList(items=[ActionOut(kind=a.kind.value, message=a.message, ref_id=a.ref_id)
                             for a in items])
