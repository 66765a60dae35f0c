"""A seller's teasers over their life: list them (filtered, paged), delete one, and link
one to another plan (rescheduling is delete the plan, create the new one, re-link): the
teaser is rendered again with the new plan's sticker, or none when unlinked."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import Blueprint, request
from pydantic import Field, model_validator
from spectree import Response as Resp
from sqlalchemy import select

from api.auth import owned_or_404, scope
from api.convert import iso
from api.deps import db, media, now
from api.openapi import Answer, Model, example, spec
from api.paging import Page, PageQuery, page_of
from api.problems import Problem, not_found
from api.teasers import (
    TeaserOut,
    check_plan_takes,
    enqueue_render,
    plan_locked,
    plan_sticker,
    teaser_out,
)
from domain.lifecycle import TeaserStatus
from store import lifecycle
from store.models import Plan, Teaser
from store.repos import owned

bp = Blueprint("teaser_lifecycle", __name__, url_prefix="/teasers")


class TeaserQuery(PageQuery):
    """Filters (all optional, every given one must match) and the page."""

    status: Literal["queued", "running", "ready", "failed"] | None = None
    plan_id: str | None = Field(None, description="teasers linked to this plan")
    unlinked: bool | None = Field(None, description="true: only teasers linked to no plan")
    source: Literal["session", "footage"] | None = None
    session_id: str | None = None
    footage_id: str | None = None


class TeaserList(Page[TeaserOut]):
    """One page of teasers, newest first; ``links.next`` while there are more."""


@bp.get("")
@spec.validate(query=TeaserQuery, resp=Resp(HTTP_200=TeaserList), tags=["teasers"])
def list_teasers() -> Answer:
    """The caller's teasers, newest first, filtered by status, plan, source; paged."""
    q: TeaserQuery = request.context.query  # type: ignore[attr-defined]
    query = select(Teaser)
    seller = scope()
    if seller is not None:
        query = query.where(Teaser.seller_id == seller)
    if q.status is not None:
        query = query.where(Teaser.status == TeaserStatus(q.status))
    if q.plan_id is not None:
        query = query.where(Teaser.plan_id == q.plan_id)
    if q.unlinked is not None:
        query = query.where(Teaser.plan_id.is_(None) if q.unlinked
                            else Teaser.plan_id.is_not(None))
    if q.source is not None:
        query = query.where(Teaser.source_kind == q.source)
    if q.session_id is not None:
        query = query.where(Teaser.session_id == q.session_id)
    if q.footage_id is not None:
        query = query.where(Teaser.footage_id == q.footage_id)
    at = now()
    with db().session() as s:
        return TeaserList(**page_of(s, query, (Teaser.created_at.desc(), Teaser.id.desc()),
                                    q, "v1.teaser_lifecycle.list_teasers",
                                    lambda row: teaser_out(row, at)))


@bp.delete("/<teaser_id>")
@spec.validate(resp=Resp(HTTP_204=None), tags=["teasers"])
def delete_teaser(teaser_id: str) -> Answer:
    """Delete a teaser with its video, poster and figures. A render still queued or
    running for it does nothing once it starts or finishes."""
    with db().session() as s:
        row = owned_or_404(s, Teaser, teaser_id, "teaser")
        files = media().render_files(row.video_path, row.poster_path)
        s.delete(row)
    for relative in files:
        media().remove(relative)
    return "", 204


class TeaserPlanIn(Model):
    """The plan to link the teaser to (``null``: no plan, no sticker), and optionally the
    post it is worded for."""

    model_config = example(plan_id="5e4d3c2b1a0f4e9d8c7b6a5f4e3d2c1b", slot="hour_before")

    plan_id: str | None
    slot: Literal["day_before", "hour_before"] | None = None

    @model_validator(mode="after")
    def _slot_needs_plan(self) -> TeaserPlanIn:
        if self.slot is not None and self.plan_id is None:
            raise ValueError("slot needs a plan_id")
        return self


def relink(row: Teaser, plan: Plan | None, slot: str | None, at: datetime) -> list[str]:
    """Link ``row`` to ``plan`` (or to none) and queue a re-render with the matching
    sticker; the old render (with the old sticker) is no longer served and its post time
    is cleared. Returns the media files to remove once committed."""
    lang = str(row.params.get("lang") or "id")
    stale = media().render_files(row.video_path, row.poster_path)
    row.plan_id, row.slot = (plan.id if plan else None), (slot if plan else None)
    row.params = {**row.params, "sticker_text": plan_sticker(plan, slot, lang) if plan else None,
                  "plan_start": iso(plan.start_at) if plan else None,
                  "tz": plan.time_zone if plan else row.params.get("tz")}
    row.video_path = row.poster_path = None
    row.report, row.post_at = None, None
    lifecycle.new_revision(row, at)
    return stale


def ensure_not_posted(row: Teaser, at: datetime) -> None:
    """Refuse changing the plan of a teaser already posted (its sticker is out there)."""
    if row.post_at is not None and row.post_at <= at:
        raise Problem(409, "Conflict", f"This teaser was posted at {iso(row.post_at)} with "
                      "its sticker; a posted teaser keeps its plan. Make a new teaser for "
                      "the new plan.", code="teaser_posted")


@bp.put("/<teaser_id>/plan")
@spec.validate(json=TeaserPlanIn, resp=Resp(HTTP_202=TeaserOut, HTTP_200=TeaserOut),
               tags=["teasers"])
def put_plan(teaser_id: str) -> Answer:
    """Re-link a teaser to another plan (after rescheduling: the old plan was deleted and a
    new one made) or unlink it (``plan_id: null``). It is rendered again with the new
    plan's sticker (none when unlinked); 202 while that runs, 200 when nothing changed."""
    body: TeaserPlanIn = request.context.json  # type: ignore[attr-defined]
    at = now()
    with db().session() as s:
        if body.plan_id is not None:
            plan_locked(s, body.plan_id)
        row = owned_or_404(s, Teaser, teaser_id, "teaser")
        if row.plan_id == body.plan_id and row.slot == body.slot:
            return teaser_out(row, at), 200
        ensure_not_posted(row, at)
        plan = None
        if body.plan_id is not None:
            plan = owned(s, Plan, body.plan_id, row.seller_id)
            if plan is None:
                raise not_found("plan", body.plan_id)
            check_plan_takes(s, plan, body.slot, teaser_id=row.id)
        stale = relink(row, plan, body.slot, at)
    for relative in stale:
        media().remove(relative)
    enqueue_render(row)
    return teaser_out(row, at), 202
