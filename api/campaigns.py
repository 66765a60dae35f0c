"""Platform LIVE campaigns.

Ops publish the platform's current feed (``PUT /v1/ops/campaigns``): campaigns are
upserted by id, and campaigns the feed no longer carries are unlisted (sellers'
registrations are kept). Sellers see what is open now and register, and the recommended
actions (``/v1/actions``) list what they have not done yet.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, request, url_for
from pydantic import Field, model_validator
from spectree import Response as Resp
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth import caller, require_ops
from api.convert import iso
from api.deps import db, now
from api.feeds import FEED_LIMIT, aware, sign_up_once, unique_ids, utc
from api.openapi import Answer, Model, example, spec
from api.problems import Problem
from domain.actions import Campaign
from store.models import CampaignRegistration, PlatformCampaign

bp = Blueprint("campaigns", __name__)


class CampaignIn(Model):
    """A campaign of the platform's feed; registration is open in ``[opens_at, closes_at)``."""

    id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=255)
    opens_at: datetime
    closes_at: datetime

    @model_validator(mode="after")
    def _window(self) -> CampaignIn:
        aware(self.opens_at, "opens_at")
        aware(self.closes_at, "closes_at")
        if self.closes_at <= self.opens_at:
            raise ValueError(f"campaign {self.id!r}: closes_at must be after opens_at")
        return self


class CampaignFeed(Model):
    """The platform's current campaigns (the whole list: others are unlisted)."""

    model_config = example(
        items=[{"id": "c-1212", "title": "12.12 Birthday LIVE",
                "opens_at": "2024-11-25T00:00:00+07:00",
                "closes_at": "2024-12-10T00:00:00+07:00"}])

    items: list[CampaignIn] = Field(max_length=FEED_LIMIT)

    @model_validator(mode="after")
    def _ids(self) -> CampaignFeed:
        unique_ids(self.items)
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


class CampaignList(Model):
    """Campaigns, soonest closing first."""

    items: list[CampaignOut]


class RegistrationOut(Model):
    """The caller's registration for a campaign."""

    campaign_id: str
    registered_at: str


def _is_open(row: PlatformCampaign, at: datetime) -> bool:
    return row.listed and row.opens_at <= at < row.closes_at


def _campaign_out(row: PlatformCampaign, at: datetime, registered: bool | None) -> CampaignOut:
    return CampaignOut(
        id=row.id, title=row.title, opens_at=iso(row.opens_at) or "",
        closes_at=iso(row.closes_at) or "", open=_is_open(row, at), registered=registered,
        links={"registration": url_for("v1.campaigns.register_campaign", campaign_id=row.id)})


def _open_campaigns(s: Session, at: datetime) -> list[PlatformCampaign]:
    return list(s.scalars(select(PlatformCampaign).where(
        PlatformCampaign.listed.is_(True), PlatformCampaign.opens_at <= at,
        PlatformCampaign.closes_at > at).order_by(PlatformCampaign.closes_at,
                                                  PlatformCampaign.id)))


def _registered_ids(s: Session, seller_id: str) -> set[str]:
    return set(s.scalars(select(CampaignRegistration.campaign_id).where(
        CampaignRegistration.seller_id == seller_id)))


def campaign_actions(s: Session, seller_id: str, at: datetime) -> list[Campaign]:
    """The open campaigns as the domain's values, with whether ``seller_id`` registered
    (for ``domain.actions.recommended_actions``)."""
    registered = _registered_ids(s, seller_id)
    return [Campaign(c.id, c.title, c.opens_at, c.closes_at, c.id in registered)
            for c in _open_campaigns(s, at)]


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
            row.opens_at, row.closes_at = utc(c.opens_at), utc(c.closes_at)
            row.listed, row.updated_at = True, at
            s.add(row)
        s.execute(update(PlatformCampaign).where(
            PlatformCampaign.listed.is_(True), PlatformCampaign.id.not_in(ids))
            .values(listed=False, updated_at=at))
        s.flush()
        rows = s.scalars(select(PlatformCampaign).where(PlatformCampaign.listed.is_(True))
                         .order_by(PlatformCampaign.closes_at, PlatformCampaign.id)).all()
        return CampaignList(items=[_campaign_out(r, at, None) for r in rows])


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
    at, status = sign_up_once(PlatformCampaign, campaign_id, "campaign",
                              lambda sid: CampaignRegistration(seller_id=sid,
                                                               campaign_id=campaign_id),
                              _is_open, _not_open)
    return RegistrationOut(campaign_id=campaign_id, registered_at=iso(at) or ""), status


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
