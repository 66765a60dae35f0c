"""Platform LIVE campaigns and Missions & Rewards missions.

Ops publish the platform's current feed (``PUT /v1/ops/campaigns``, ``PUT
/v1/ops/missions``): items are upserted by id, and items the feed no longer carries are
unlisted (sellers' registrations and joins are kept). Sellers see what is open or
available now, register / join, and the recommended actions (``/v1/actions``) list what
they have not done yet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, request, url_for
from pydantic import Field, model_validator
from spectree import Response as Resp
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import caller, require_ops
from api.convert import iso
from api.deps import db, now
from api.openapi import Answer, Model, spec
from api.problems import Problem, not_found
from domain.actions import Campaign, Mission
from store.models import (
    CampaignRegistration,
    MissionJoin,
    PlatformCampaign,
    PlatformMission,
)

bp = Blueprint("campaigns", __name__)
FEED_LIMIT = 1000


def _aware(value: datetime | None, name: str) -> None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"{name}: include a time zone, e.g. 2024-11-23T00:00:00+07:00")


class CampaignIn(Model):
    """A campaign of the platform's feed; registration is open in ``[opens_at, closes_at)``."""

    id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=255)
    opens_at: datetime
    closes_at: datetime

    @model_validator(mode="after")
    def _window(self) -> CampaignIn:
        _aware(self.opens_at, "opens_at")
        _aware(self.closes_at, "closes_at")
        if self.closes_at <= self.opens_at:
            raise ValueError(f"campaign {self.id!r}: closes_at must be after opens_at")
        return self


class MissionIn(Model):
    """A mission of the platform's feed; available from ``available_from`` until
    ``available_until`` (exclusive; omit for no end)."""

    id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=255)
    available_from: datetime
    available_until: datetime | None = None

    @model_validator(mode="after")
    def _window(self) -> MissionIn:
        _aware(self.available_from, "available_from")
        _aware(self.available_until, "available_until")
        if self.available_until is not None and self.available_until <= self.available_from:
            raise ValueError(f"mission {self.id!r}: available_until must be after "
                             "available_from")
        return self


def _unique_ids(items: list[CampaignIn] | list[MissionIn]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"id {item.id!r} appears twice in the feed")
        seen.add(item.id)


class CampaignFeed(Model):
    """The platform's current campaigns (the whole list: others are unlisted)."""

    items: list[CampaignIn] = Field(max_length=FEED_LIMIT)

    @model_validator(mode="after")
    def _ids(self) -> CampaignFeed:
        _unique_ids(self.items)
        return self


class MissionFeed(Model):
    """The platform's current missions (the whole list: others are unlisted)."""

    items: list[MissionIn] = Field(max_length=FEED_LIMIT)

    @model_validator(mode="after")
    def _ids(self) -> MissionFeed:
        _unique_ids(self.items)
        return self


class CampaignOut(Model):
    """A campaign; ``registered`` says whether the caller registered (``null`` in ops
    feed answers)."""

    id: str
    title: str
    opens_at: str
    closes_at: str
    open: bool
    registered: bool | None = None
    links: dict[str, str]


class MissionOut(Model):
    """A mission; ``joined`` says whether the caller joined (``null`` in ops feed
    answers)."""

    id: str
    title: str
    available_from: str
    available_until: str | None
    available: bool
    joined: bool | None = None
    links: dict[str, str]


class CampaignList(Model):
    """Campaigns, soonest closing first."""

    items: list[CampaignOut]


class MissionList(Model):
    """Missions, soonest ending first (no end last)."""

    items: list[MissionOut]


class RegistrationOut(Model):
    """The caller's registration for a campaign."""

    campaign_id: str
    registered_at: str


class JoinOut(Model):
    """The caller's join of a mission."""

    mission_id: str
    joined_at: str


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _is_open(row: PlatformCampaign, at: datetime) -> bool:
    return row.listed and row.opens_at <= at < row.closes_at


def _is_available(row: PlatformMission, at: datetime) -> bool:
    return row.listed and row.available_from <= at and (
        row.available_until is None or at < row.available_until)


def _campaign_out(row: PlatformCampaign, at: datetime, registered: bool | None) -> CampaignOut:
    return CampaignOut(
        id=row.id, title=row.title, opens_at=iso(row.opens_at) or "",
        closes_at=iso(row.closes_at) or "", open=_is_open(row, at), registered=registered,
        links={"registration": url_for("v1.campaigns.register_campaign", campaign_id=row.id)})


def _mission_out(row: PlatformMission, at: datetime, joined: bool | None) -> MissionOut:
    return MissionOut(
        id=row.id, title=row.title, available_from=iso(row.available_from) or "",
        available_until=iso(row.available_until), available=_is_available(row, at),
        joined=joined, links={"join": url_for("v1.campaigns.join_mission", mission_id=row.id)})


def _open_campaigns(s: Session, at: datetime) -> list[PlatformCampaign]:
    return list(s.scalars(select(PlatformCampaign).where(
        PlatformCampaign.listed.is_(True), PlatformCampaign.opens_at <= at,
        PlatformCampaign.closes_at > at).order_by(PlatformCampaign.closes_at,
                                                  PlatformCampaign.id)))


def _available_missions(s: Session, at: datetime) -> list[PlatformMission]:
    rows = s.scalars(select(PlatformMission).where(
        PlatformMission.listed.is_(True), PlatformMission.available_from <= at,
        or_(PlatformMission.available_until.is_(None), PlatformMission.available_until > at)))
    return sorted(rows, key=lambda m: (m.available_until is None, m.available_until or at, m.id))


def _registered_ids(s: Session, seller_id: str) -> set[str]:
    return set(s.scalars(select(CampaignRegistration.campaign_id).where(
        CampaignRegistration.seller_id == seller_id)))


def _joined_ids(s: Session, seller_id: str) -> set[str]:
    return set(s.scalars(select(MissionJoin.mission_id).where(
        MissionJoin.seller_id == seller_id)))


def action_inputs(s: Session, seller_id: str,
                  at: datetime) -> tuple[list[Campaign], list[Mission]]:
    """The open campaigns and available missions as the domain's values, with what
    ``seller_id`` already did (for ``domain.actions.recommended_actions``)."""
    registered, joined = _registered_ids(s, seller_id), _joined_ids(s, seller_id)
    campaigns = [Campaign(c.id, c.title, c.opens_at, c.closes_at, c.id in registered)
                 for c in _open_campaigns(s, at)]
    missions = [Mission(m.id, m.title, True, m.id in joined) for m in _available_missions(s, at)]
    return campaigns, missions


# --- ops: the platform's feed -------------------------------------------------------


@bp.put("/ops/campaigns")
@spec.validate(json=CampaignFeed, resp=Resp(HTTP_200=CampaignList), tags=["ops"])
def put_campaigns() -> Answer:
    """Publish the platform's current campaigns: upsert by id; campaigns not in the list
    are unlisted (registrations kept). Answers the listed campaigns as stored."""
    require_ops()
    body: CampaignFeed = request.context.json  # type: ignore[attr-defined]
    at = now()
    ids = [c.id for c in body.items]
    with db().session() as s:
        for c in body.items:
            row = s.get(PlatformCampaign, c.id) or PlatformCampaign(id=c.id)
            row.title = c.title
            row.opens_at, row.closes_at = _utc(c.opens_at), _utc(c.closes_at)
            row.listed, row.updated_at = True, at
            s.add(row)
        s.execute(update(PlatformCampaign).where(
            PlatformCampaign.listed.is_(True), PlatformCampaign.id.not_in(ids))
            .values(listed=False, updated_at=at))
        s.flush()
        rows = s.scalars(select(PlatformCampaign).where(PlatformCampaign.listed.is_(True))
                         .order_by(PlatformCampaign.closes_at, PlatformCampaign.id)).all()
        return CampaignList(items=[_campaign_out(r, at, None) for r in rows])


@bp.put("/ops/missions")
@spec.validate(json=MissionFeed, resp=Resp(HTTP_200=MissionList), tags=["ops"])
def put_missions() -> Answer:
    """Publish the platform's current missions: upsert by id; missions not in the list
    are unlisted (joins kept). Answers the listed missions as stored."""
    require_ops()
    body: MissionFeed = request.context.json  # type: ignore[attr-defined]
    at = now()
    ids = [m.id for m in body.items]
    with db().session() as s:
        for m in body.items:
            row = s.get(PlatformMission, m.id) or PlatformMission(id=m.id)
            row.title, row.available_from = m.title, _utc(m.available_from)
            row.available_until = None if m.available_until is None else _utc(m.available_until)
            row.listed, row.updated_at = True, at
            s.add(row)
        s.execute(update(PlatformMission).where(
            PlatformMission.listed.is_(True), PlatformMission.id.not_in(ids))
            .values(listed=False, updated_at=at))
        s.flush()
        rows = s.scalars(select(PlatformMission).where(PlatformMission.listed.is_(True))).all()
        rows = sorted(rows, key=lambda r: (r.available_until is None,
                                           r.available_until or at, r.id))
        return MissionList(items=[_mission_out(r, at, None) for r in rows])


# --- sellers --------------------------------------------------------------------------


@bp.get("/campaigns")
@spec.validate(resp=Resp(HTTP_200=CampaignList), tags=["campaigns"])
def list_campaigns() -> Answer:
    """Platform LIVE campaigns open for registration now, and whether you registered."""
    at = now()
    with db().session() as s:
        registered = _registered_ids(s, caller().seller_id)
        rows = _open_campaigns(s, at)
        return CampaignList(items=[_campaign_out(r, at, r.id in registered) for r in rows])


@bp.post("/campaigns/<campaign_id>/registration")
@spec.validate(resp=Resp(HTTP_201=RegistrationOut, HTTP_200=RegistrationOut),
               tags=["campaigns"])
def register_campaign(campaign_id: str) -> Answer:
    """Register for an open campaign: 201 (200 when you already registered); 409 when
    the campaign is not open for registration."""
    at, status = _sign_up_once(PlatformCampaign, campaign_id, "campaign",
                               lambda sid: CampaignRegistration(seller_id=sid,
                                                                campaign_id=campaign_id),
                               _is_open, _not_open)
    return RegistrationOut(campaign_id=campaign_id, registered_at=iso(at) or ""), status


def _sign_up_once(platform: type[Any], item_id: str, kind: str,
                  record: Callable[[str], Any], is_open: Callable[[Any, datetime], bool],
                  refusal: Callable[[Any, datetime], Problem]) -> tuple[datetime, int]:
    """Record the caller's registration (or join) of a platform item once: its time and
    201 when new, the first time and 200 when repeated; 404 for an unknown item, 409
    (``refusal``) when it is not open now."""
    seller_id, at = caller().seller_id, now()
    with db().session() as s:
        row = s.get(platform, item_id)
        if row is None:
            raise not_found(kind, item_id)
        done = s.get(type(record(seller_id)), (seller_id, item_id))
        if done is not None:
            return done.created_at, 200
        if not is_open(row, at):
            raise refusal(row, at)
    try:
        with db().session() as s:
            entry = record(seller_id)
            entry.created_at = at
            s.add(entry)
    except IntegrityError:  # a concurrent request signed up first
        return at, 200
    return at, 201


def _not_open(row: PlatformCampaign, at: datetime) -> Problem:
    if not row.listed:
        why = "is no longer offered by the platform"
    elif at < row.opens_at:
        why = f"opens for registration at {iso(row.opens_at)}; register then"
    else:
        why = f"closed for registration at {iso(row.closes_at)}"
    return Problem(409, "Conflict", f"The LIVE campaign '{row.title}' {why}. See GET "
                   "/v1/campaigns for the campaigns open now.", code="campaign_not_open",
                   opens_at=iso(row.opens_at), closes_at=iso(row.closes_at))


@bp.get("/missions")
@spec.validate(resp=Resp(HTTP_200=MissionList), tags=["campaigns"])
def list_missions() -> Answer:
    """Missions & Rewards missions available now, and whether you joined."""
    at = now()
    with db().session() as s:
        joined = _joined_ids(s, caller().seller_id)
        rows = _available_missions(s, at)
        return MissionList(items=[_mission_out(r, at, r.id in joined) for r in rows])


@bp.post("/missions/<mission_id>/join")
@spec.validate(resp=Resp(HTTP_201=JoinOut, HTTP_200=JoinOut), tags=["campaigns"])
def join_mission(mission_id: str) -> Answer:
    """Join an available mission: 201 (200 when you already joined); 409 when the
    mission is not available."""
    at, status = _sign_up_once(PlatformMission, mission_id, "mission",
                               lambda sid: MissionJoin(seller_id=sid, mission_id=mission_id),
                               _is_available, _not_available)
    return JoinOut(mission_id=mission_id, joined_at=iso(at) or ""), status


def _not_available(row: PlatformMission, at: datetime) -> Problem:
    if not row.listed:
        why = "is no longer offered by the platform"
    elif at < row.available_from:
        why = f"is available from {iso(row.available_from)}; join then"
    else:
        why = f"ended at {iso(row.available_until)}"
    return Problem(409, "Conflict", f"The mission '{row.title}' {why}. See GET /v1/missions "
                   "for the missions available now.", code="mission_not_available",
                   available_from=iso(row.available_from),
                   available_until=iso(row.available_until))
