"""``/v1/sessions``: past LIVE sessions (metadata, per-minute timeline, recording) and
the teaser source picker, sorted by GMV or interaction rate, highest first.

Whose word the figures are: a session posted with a platform/ops key (for the shop named
by ``seller_id``) carries the platform's figures, account type and violations; a seller
may post its own session with its own export, which it can cut teasers from, but it is
marked ``reported_by: seller`` and ranks nobody in the hub. Final figures (``PUT
.../figures``) come from the platform only."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, NamedTuple

from flask import Blueprint, request, url_for
from pydantic import Field, field_validator
from spectree import Response as Resp
from sqlalchemy import case, nulls_last, select

from api.auth import caller, owned_or_404
from api.convert import (
    MetricsOut,
    float_rate,
    iso,
    metrics_out,
    timeline_end,
    timeline_end_s,
    totals_json,
    totals_of,
)
from api.deps import db
from api.openapi import Answer, Model, example, spec
from api.problems import Problem, not_found, platform_fact
from domain.accounts import AccountType, Reporter
from domain.captions import MAX_CAPTIONS_CHARS, parse_captions
from domain.categories import parse_category
from domain.lifecycle import FootageStatus
from domain.metrics import (
    SessionTotals,
    conversion_rate,
    impossible,
    interaction_rate,
    session_metrics,
    totals_from_rows,
    with_session_counts,
)
from domain.money import Money
from domain.teasers import recording_shortfall
from domain.timeline import InvalidTimeline, rows_from_objects
from domain.timezones import resolve_zone, to_utc
from store.models import Footage, LiveSession, Plan, Seller
from store.repos import footage_ready, owned

bp = Blueprint("sessions", __name__, url_prefix="/sessions")
MAX_ROWS = 24 * 60 * 4  # a day of one-minute buckets at 4x resolution; a session is shorter
EXAMPLE_TIMELINE = [  # two minutes of the platform's per-minute export
    {"t": 60 * m, "views": 120, "viewers": 95, "room_impressions": 400, "room_enters": 60,
     "product_impressions": 200, "product_clicks": 20 + 30 * m, "gmv": 150_000 + 450_000 * m,
     "orders": 2 + 4 * m, "customers": 2 + 4 * m, "comments": 3, "likes": 10, "shares": 1,
     "new_followers": 1, "pinned_product": "SKU-SERUM" if m else ""} for m in range(2)]


class ProductSaleIn(Model):
    """A product's sales in the session (``gmv`` in integer minor units)."""

    product_id: str = Field(min_length=1, max_length=64)
    gmv: int = Field(0, ge=0)
    units: int = Field(0, ge=0)


class SessionIn(Model):
    """A past LIVE session. ``timeline`` rows are the platform's per-bucket export: ``t``
    (seconds from the recording's start) plus counters (``gmv`` in integer minor units
    of ``currency``). ``footage_id`` attaches an uploaded recording."""

    model_config = example(
        title="Tuesday LIVE", category="beauty", started_at="2024-11-19T19:00:00+07:00",
        ended_at="2024-11-19T20:30:00+07:00", currency="IDR", time_zone="Asia/Jakarta",
        timeline=EXAMPLE_TIMELINE,
        products=[{"product_id": "SKU-SERUM", "gmv": 150_000, "units": 2}])

    title: str = Field(min_length=1, max_length=255)
    seller_id: str | None = Field(None, max_length=32, description=(
        "platform/ops keys: the shop the session belongs to (default: the key's own)"))
    account_type: Literal["official", "affiliate", "marketing"] = Field(
        "official", description="the broadcasting account's type: platform keys only")
    category: str | None = Field(None, max_length=64, description=(
        "level-1 product category: a code or name from GET /v1/hub/categories, any case; "
        "stored as its code"))
    username: str | None = Field(None, max_length=120)
    started_at: datetime
    ended_at: datetime | None = None
    currency: str = Field("IDR", pattern=r"^[A-Z]{3}$")
    timeline: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_ROWS)
    footage_id: str | None = None
    plan_id: str | None = Field(None, max_length=32,
                                description="the caller's LIVE plan this session was broadcast for")
    time_zone: str | None = Field(None, max_length=64, description=(
        "IANA zone the session took place in; default: the plan's, else the seller's now"))
    viewers: int | None = Field(None, ge=0, description="session-level distinct viewers")
    customers: int | None = Field(None, ge=0)
    interacting_viewers: int | None = Field(None, ge=0)
    violations: int = Field(0, ge=0, description="policy violations: platform keys only")
    products: list[ProductSaleIn] = Field(default_factory=list, max_length=500,
                                          description="best-selling products")
    transcript: str | None = Field(None, max_length=500_000)
    captions: str | None = Field(None, max_length=MAX_CAPTIONS_CHARS, description=(
        "the recording's timed transcript, WebVTT or SRT: the teaser shows it as captions"))
    events: list[dict[str, Any]] = Field(default_factory=list, max_length=10000)

    @field_validator("started_at", "ended_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("include a time zone, e.g. 2024-11-23T19:00:00+07:00")
        return value


class SessionOut(Model):
    """A session with its metrics (rates ``null`` = no data); ``reported_by`` says whose
    figures they are (only the platform's are listed in the hub)."""

    id: str
    title: str
    reported_by: Literal["platform", "seller"]
    account_type: str
    category: str | None
    started_at: str
    ended_at: str | None
    time_zone: str | None
    plan_id: str | None
    footage_id: str | None
    recording_ready: bool
    violations: int
    metrics: MetricsOut
    timeline_rows: int
    warnings: list[str]
    links: dict[str, str]


class SessionList(Model):
    """Sessions, best first by the chosen sort."""

    sort: str
    items: list[SessionOut]


class ListQuery(Model):
    """Source-picker ordering: GMV or interaction rate, highest first."""

    sort: Literal["gmv", "interaction"] = "gmv"
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


def session_out(row: LiveSession, ready: bool) -> SessionOut:
    """JSON of a session row."""
    # A session's figures never change after it is recorded: they are computed once, at
    # creation, and stored, so the source picker's reads do no arithmetic.
    stored = row.extra.get("metrics")
    if stored is not None:
        metrics = MetricsOut.model_validate(stored)
    else:
        metrics = metrics_out(session_metrics(totals_of(row), row.currency))
    return SessionOut(
        id=row.id, title=row.title, reported_by=Reporter(row.reported_by).value,
        account_type=row.account_type, category=row.category,
        started_at=iso(row.started_at) or "", ended_at=iso(row.ended_at),
        time_zone=row.time_zone, plan_id=row.plan_id, footage_id=row.footage_id,
        recording_ready=ready, violations=row.violations,
        metrics=metrics, timeline_rows=int(row.extra.get("timeline_rows", 0)),
        warnings=list(row.extra.get("warnings") or []),
        links={"self": url_for("v1.sessions.get_session", session_id=row.id)},
    )


@bp.post("")
@spec.validate(json=SessionIn, resp=Resp(HTTP_201=SessionOut), tags=["sessions"])
def create_session() -> Answer:
    """Record a past session; its totals and rates are computed from the timeline."""
    body: SessionIn = request.context.json  # type: ignore[attr-defined]
    who = caller()
    reporter = who.actor.reporter
    if reporter is Reporter.SELLER:
        if "seller_id" in body.model_fields_set:
            raise platform_fact("Only a platform/ops key records a session for a shop; "
                                "leave seller_id out to record your own.", "seller_id")
        for name in ("account_type", "violations"):
            if name in body.model_fields_set:
                raise platform_fact(
                    "A session's account type and policy violations come from the "
                    "platform; leave them out (a session you record is your shop's "
                    "official account's).", name)
    figures = _checked_figures(body, "session")
    if body.captions is not None:
        parse_captions(body.captions)  # refused now, naming the line, while the seller is here
    Money(figures.totals.gmv, body.currency)  # refuses a malformed currency
    category = parse_category(body.category).code if body.category else None
    if body.ended_at is not None and body.ended_at <= body.started_at:
        raise Problem(422, "Invalid request", "ended_at must come after started_at.",
                      code="invalid_request", field="ended_at",
                      indonesian="ended_at harus sesudah started_at.")
    with db().session() as s:
        shop = s.get(Seller, body.seller_id or who.seller_id)
        if shop is None:
            raise not_found("seller", body.seller_id or "")
        ready = False
        if body.footage_id is not None:
            footage = owned(s, Footage, body.footage_id, shop.id)
            if footage is None:
                raise not_found("footage", body.footage_id)
            ready = footage.status is FootageStatus.READY
            ensure_covers(footage, figures.end)
        plan = None
        if body.plan_id is not None:
            plan = owned(s, Plan, body.plan_id, shop.id)
            if plan is None:
                raise not_found("LIVE plan", body.plan_id)
        zone = body.time_zone or (plan.time_zone if plan else shop.time_zone)
        resolve_zone(zone)
        row = LiveSession(
            seller_id=shop.id, title=body.title.strip(), reported_by=reporter.value,
            account_type=AccountType(body.account_type).value, category=category,
            started_at=to_utc(body.started_at), currency=body.currency, time_zone=zone,
            plan_id=plan.id if plan else None,
            ended_at=to_utc(body.ended_at) if body.ended_at else None,
            footage_id=body.footage_id, violations=body.violations, events=body.events,
            transcript=body.transcript, captions=body.captions,
            extra={"username": body.username or shop.name},
        )
        _set_figures(row, body, figures)
        s.add(row)
        s.flush()
        out = session_out(row, ready)
    return out, 201, {"Location": out.links["self"]}


class _Figures(NamedTuple):
    """A timeline's totals, where it ends (s), its warnings and the columns it has."""

    totals: SessionTotals
    end: float
    warnings: list[str]
    known: frozenset[str]


# What ``_checked_figures`` asks to send again, in Indonesian.
_WHAT_ID = {"session": "sesinya", "figures": "angkanya"}


def _checked_figures(body: SessionIn | FiguresIn, what: str) -> _Figures:
    """The figures of the body's timeline and session counts. A row the teaser job
    would refuse, or impossible figures, are refused now, while the seller is here to
    fix them, not when a teaser fails later."""
    end = 0.0
    warnings: list[str] = []
    known: set[str] = set()
    summed = SessionTotals()
    if body.timeline:
        try:
            rows = rows_from_objects(body.timeline)
            summed = totals_from_rows(rows)
        except InvalidTimeline as exc:
            raise Problem(422, "Invalid request", f"{exc}. Fix it and send the {what} "
                          "again; nothing was saved.", code=exc.code, field="timeline",
                          indonesian=f"{exc.message_in('id')}. Perbaiki lalu kirim lagi "
                                     f"{_WHAT_ID.get(what, what)}; belum ada yang "
                                     "tersimpan.") from None
        end, warnings, known = timeline_end(rows), list(rows.warnings), set(rows.columns)
    known |= {name for name in ("viewers", "customers", "interacting_viewers")
              if getattr(body, name) is not None}
    totals = with_session_counts(summed, viewers=body.viewers,
                                 customers=body.customers,
                                 interacting_viewers=body.interacting_viewers)
    why = impossible(totals, frozenset(known))
    if why is not None:
        raise Problem(422, "Invalid request", f"The figures are impossible: {why} Nothing "
                      "was saved.", code="impossible_data", field="timeline",
                      indonesian="Angka-angkanya tidak mungkin: "
                                 f"{impossible(totals, frozenset(known), 'id')} Belum ada "
                                 "yang tersimpan.")
    return _Figures(totals, end, warnings, frozenset(known))


def _set_figures(row: LiveSession, body: SessionIn | FiguresIn, figures: _Figures) -> None:
    """Store the timeline, the totals, the sortable figures and the metrics shown."""
    totals = figures.totals
    row.timeline = body.timeline
    row.totals = totals_json(totals)
    row.gmv_minor, row.views, row.viewers = totals.gmv, totals.views, totals.viewers
    row.interaction_rate = float_rate(interaction_rate(totals))
    row.conversion_rate = float_rate(conversion_rate(totals))
    if body.products is not None:
        row.products = [p.model_dump() for p in body.products]
    metrics = metrics_out(session_metrics(totals, row.currency, figures.known)).model_dump()
    row.extra = {**(row.extra or {}), "timeline_rows": len(body.timeline),
                 "timeline_end_s": figures.end, "warnings": figures.warnings,
                 "columns": sorted(figures.known), "metrics": metrics}


class FiguresIn(Model):
    """A session's final figures, recorded once it has ended: its end and the platform's
    full export (they replace the estimates recorded while it was live)."""

    model_config = example(
        ended_at="2024-11-19T20:30:00+07:00", viewers=950, customers=40,
        timeline=EXAMPLE_TIMELINE,
        products=[{"product_id": "SKU-SERUM", "gmv": 400_000, "units": 8}])

    ended_at: datetime
    violations: int | None = Field(None, ge=0, description=(
        "policy violations; left as they were when absent"))
    timeline: list[dict[str, Any]] = Field(max_length=MAX_ROWS)
    viewers: int | None = Field(None, ge=0, description="session-level distinct viewers")
    customers: int | None = Field(None, ge=0)
    interacting_viewers: int | None = Field(None, ge=0)
    products: list[ProductSaleIn] | None = Field(None, max_length=500, description=(
        "best-selling products; left as they were when absent"))

    @field_validator("ended_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("include a time zone, e.g. 2024-11-23T21:00:00+07:00")
        return value


@bp.put("/<session_id>/figures")
@spec.validate(json=FiguresIn, resp=Resp(HTTP_200=SessionOut), tags=["sessions"])
def put_figures(session_id: str) -> Answer:
    """Record the platform's final figures of a session that has ended (a platform/ops
    key): its end time and full timeline replace what was recorded while it was live
    (the hub's estimates) or what the seller reported."""
    body: FiguresIn = request.context.json  # type: ignore[attr-defined]
    if caller().actor.reporter is not Reporter.PLATFORM:
        raise platform_fact("A session's final figures come from the platform's export, "
                            "written with a platform/ops key; a session you recorded "
                            "yourself keeps the timeline you sent with it.", "timeline")
    figures = _checked_figures(body, "figures")
    with db().session() as s:
        row = owned_or_404(s, LiveSession, session_id, "LIVE session")
        if to_utc(body.ended_at) <= row.started_at:
            raise Problem(422, "Invalid request", "ended_at must come after the session's "
                          f"start ({iso(row.started_at)}).", code="invalid_request",
                          field="ended_at",
                          indonesian="ended_at harus sesudah waktu mulai sesi "
                                     f"({iso(row.started_at)}).")
        footage = s.get(Footage, row.footage_id) if row.footage_id else None
        if footage is not None:
            ensure_covers(footage, figures.end)
        row.ended_at = to_utc(body.ended_at)
        row.reported_by = Reporter.PLATFORM.value
        if body.violations is not None:
            row.violations = body.violations
        _set_figures(row, body, figures)
        return session_out(row, footage is not None
                           and footage.status is FootageStatus.READY)


@bp.get("")
@spec.validate(query=ListQuery, resp=Resp(HTTP_200=SessionList), tags=["sessions"])
def list_sessions() -> Answer:
    """The caller's sessions by GMV (within each currency, the shop's first) or by
    interaction rate, highest first (the teaser source picker)."""
    q: ListQuery = request.context.query  # type: ignore[attr-defined]
    # GMV is compared within one currency: the shop's own first, then each other one
    own_first = case((LiveSession.currency == caller().currency, 0), else_=1)
    order = ([own_first, LiveSession.currency, LiveSession.gmv_minor.desc(),
              nulls_last(LiveSession.interaction_rate.desc())]
             if q.sort == "gmv" else
             [nulls_last(LiveSession.interaction_rate.desc()), LiveSession.gmv_minor.desc()])
    with db().session() as s:
        rows = s.scalars(select(LiveSession).where(LiveSession.seller_id == caller().seller_id)
                         .order_by(*order, LiveSession.started_at.desc(), LiveSession.id)
                         .limit(q.limit).offset(q.offset)).all()
        ready = footage_ready(s, [r.footage_id for r in rows if r.footage_id])
        items = [session_out(r, r.footage_id in ready) for r in rows]
    return SessionList(sort=q.sort, items=items)


@bp.get("/<session_id>")
@spec.validate(resp=Resp(HTTP_200=SessionOut), tags=["sessions"])
def get_session(session_id: str) -> Answer:
    """A session with its metrics."""
    with db().session() as s:
        row = owned_or_404(s, LiveSession, session_id, "LIVE session")
        ready = bool(row.footage_id) and bool(footage_ready(s, [row.footage_id or ""]))
        return session_out(row, ready)


class TimelineOut(Model):
    """A session's stored timeline rows (``t`` in seconds from the recording's start and
    the counters it was sent with), for charts of its signals over time."""

    id: str
    rows: list[dict[str, Any]]


@bp.get("/<session_id>/timeline")
@spec.validate(resp=Resp(HTTP_200=TimelineOut), tags=["sessions"])
def get_timeline(session_id: str) -> Answer:
    """The session's timeline rows, as stored."""
    with db().session() as s:
        row = owned_or_404(s, LiveSession, session_id, "LIVE session")
        return TimelineOut(id=row.id, rows=list(row.timeline or []))


def ensure_covers(footage: Footage, timeline_end: float) -> None:
    """Refuse a ready recording far shorter than the session's timeline (an upload still
    being checked is accepted; teasers and auto teasers check it again once it is ready)."""
    if footage.status is not FootageStatus.READY:
        return
    refusal = recording_shortfall((footage.probe or {}).get("duration"), timeline_end)
    if refusal is not None:
        raise Problem(422, "Invalid request", refusal, code="recording_too_short",
                      field="footage_id", indonesian=recording_shortfall(
                          (footage.probe or {}).get("duration"), timeline_end, "id"))


class RecordingIn(Model):
    """The uploaded footage (``POST /footage``) that is this session's recording."""

    model_config = example(footage_id="3f2a9c1e5b7d4e0f8a6b2c4d6e8f0a1b")

    footage_id: str = Field(min_length=1, max_length=64)


@bp.put("/<session_id>/recording")
@spec.validate(json=RecordingIn, resp=Resp(HTTP_200=SessionOut), tags=["sessions"])
def attach_recording(session_id: str) -> Answer:
    """Attach (or replace) the session's recording: the metrics export often comes
    before the video is uploaded. Teasers requested from then on are cut from it."""
    body: RecordingIn = request.context.json  # type: ignore[attr-defined]
    with db().session() as s:
        row = owned_or_404(s, LiveSession, session_id, "LIVE session")
        footage = owned(s, Footage, body.footage_id, row.seller_id)
        if footage is None:
            raise not_found("footage", body.footage_id)
        if footage.status is FootageStatus.REJECTED:
            raise Problem(422, "Invalid request", f"That upload was rejected: {footage.reason} "
                          "Upload the recording again and attach the new upload.",
                          code="recording_rejected", field="footage_id",
                          indonesian=f"Unggahan itu ditolak: {footage.reason} Unggah lagi "
                                     "rekamannya dan lampirkan unggahan yang baru.")
        ensure_covers(footage, timeline_end_s(row))
        row.footage_id = footage.id
        return session_out(row, footage.status is FootageStatus.READY)
