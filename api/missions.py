"""Missions & Rewards missions.

Ops publish the platform's current feed (``PUT /v1/ops/missions``): missions are upserted
by id, and missions the feed no longer carries are unlisted (sellers' joins are kept).
Sellers see what is available now and join, and the recommended actions
(``/v1/actions``) list what they have not done yet.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, request, url_for
from pydantic import Field, model_validator
from spectree import Response as Resp
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from api.auth import caller, require_ops
from api.convert import iso
from api.deps import db, now
from api.feeds import FEED_LIMIT, aware, sign_up_once, unique_ids, utc
from api.openapi import Answer, Model, example, spec
from api.problems import Problem
from domain.actions import Mission
from store.models import MissionJoin, PlatformMission

bp = Blueprint("missions", __name__)


class MissionIn(Model):
    """A mission of the platform's feed; available from ``available_from`` until
    ``available_until`` (exclusive; omit for no end)."""

    id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=255)
    available_from: datetime
    available_until: datetime | None = None

    @model_validator(mode="after")
    def _window(self) -> MissionIn:
        aware(self.available_from, "available_from")
        aware(self.available_until, "available_until")
        if self.available_until is not None and self.available_until <= self.available_from:
            raise ValueError(f"mission {self.id!r}: available_until must be after "
                             "available_from")
        return self


class MissionFeed(Model):
    """The platform's current missions (the whole list: others are unlisted)."""

    model_config = example(
        items=[{"id": "m-first-live", "title": "Go LIVE 3 times this week",
                "available_from": "2024-11-18T00:00:00+07:00",
                "available_until": "2024-11-25T00:00:00+07:00"}])

    items: list[MissionIn] = Field(max_length=FEED_LIMIT)

    @model_validator(mode="after")
    def _ids(self) -> MissionFeed:
        unique_ids(self.items)
        return self


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


class MissionList(Model):
    """Missions, soonest ending first (no end last)."""

    items: list[MissionOut]


class JoinOut(Model):
    """The caller's join of a mission."""

    mission_id: str
    joined_at: str


def _is_available(row: PlatformMission, at: datetime) -> bool:
    return row.listed and row.available_from <= at and (
        row.available_until is None or at < row.available_until)


def _mission_out(row: PlatformMission, at: datetime, joined: bool | None) -> MissionOut:
    return MissionOut(
        id=row.id, title=row.title, available_from=iso(row.available_from) or "",
        available_until=iso(row.available_until), available=_is_available(row, at),
        joined=joined, links={"join": url_for("v1.missions.join_mission", mission_id=row.id)})


def _available_missions(s: Session, at: datetime) -> list[PlatformMission]:
    rows = s.scalars(select(PlatformMission).where(
        PlatformMission.listed.is_(True), PlatformMission.available_from <= at,
        or_(PlatformMission.available_until.is_(None), PlatformMission.available_until > at)))
    return sorted(rows, key=lambda m: (m.available_until is None, m.available_until or at, m.id))


def _joined_ids(s: Session, seller_id: str) -> set[str]:
    return set(s.scalars(select(MissionJoin.mission_id).where(
        MissionJoin.seller_id == seller_id)))


def mission_actions(s: Session, seller_id: str, at: datetime) -> list[Mission]:
    """The available missions as the domain's values, with whether ``seller_id`` joined
    (for ``domain.actions.recommended_actions``)."""
    joined = _joined_ids(s, seller_id)
    return [Mission(m.id, m.title, True, m.id in joined) for m in _available_missions(s, at)]


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
            row.title, row.available_from = m.title, utc(m.available_from)
            row.available_until = None if m.available_until is None else utc(m.available_until)
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
    at, status = sign_up_once(PlatformMission, mission_id, "mission",
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
