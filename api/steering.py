"""``/v1/teasers/{id}/edit``: steer a teaser. ``GET`` gives its edit list as a seller edits
it (the moments it shows, the other moments the ranking offers, music, sticker
language and the rules); ``PUT`` renders it again from the edited one: a moment swapped
for a candidate, a cut point moved, other music, the sticker in the other language.

The edited cuts keep the rules every teaser keeps (``domain.edits``); a refusal is a 422
naming the field and the rule. Like a new poster frame, the re-render is a new revision:
the current video and poster are served until the new ones are verified.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, request
from pydantic import Field, model_validator
from spectree import Response as Resp
from sqlalchemy.orm import Session

from api.auth import owned_or_404
from api.convert import iso
from api.deps import db, now
from api.music import check_music
from api.openapi import Answer, Model, example, spec
from api.problems import Problem
from api.teasers import Segment, TeaserOut, enqueue_render, plan_sticker, teaser_out
from domain.edits import MAX_SEGMENTS, MIN_SEGMENT_S, asked_length, length_bounds
from domain.edits import check_cuts as check_edit
from domain.lifecycle import TeaserStatus
from store import lifecycle
from store.models import Footage, LiveSession, Plan, Teaser

bp = Blueprint("steering", __name__, url_prefix="/teasers")


# A teaser's states as a seller reads them in a refusal.
_STATUS_ID = {"queued": "dalam antrean", "rendering": "sedang dibuat", "failed": "gagal"}


class Cut(Model):
    """One moment of the recording, in source seconds."""

    start: float = Field(description="seconds from the recording's start")
    end: float = Field(description="seconds from the recording's start")


class EditRules(Model):
    """What an edit must keep (the ranking keeps the same)."""

    min_segment_s: float
    max_segments: int
    min_total_s: float
    max_total_s: float
    recording_s: float


class EditOut(Model):
    """A teaser's edit list: ``segments`` are the moments of the version being served,
    ``candidates`` the other moments of the recording the ranking offers (best first),
    ``music`` and ``lang`` (the sticker's language) as last asked for."""

    teaser_id: str
    revision: int
    status: str
    segments: list[Segment]
    candidates: list[Segment]
    music: str
    lang: str
    rules: EditRules


class EditIn(Model):
    """The edited edit list; what is left out stays as it is. ``segments`` in play order
    (the first is the opening, which should show the product)."""

    model_config = example(
        segments=[{"start": 252.0, "end": 266.0}, {"start": 1210.5, "end": 1223.0},
                  {"start": 2404.0, "end": 2417.0}], music="none", lang="id")

    segments: list[Cut] | None = Field(None, max_length=20)
    music: str | None = Field(None, pattern=r"^[a-z0-9_-]{1,40}$")
    lang: Literal["id", "en"] | None = Field(None, description="the sticker's language")

    @model_validator(mode="after")
    def _something(self) -> EditIn:
        if self.segments is None and self.music is None and self.lang is None:
            raise ValueError("give segments, music or lang to change")
        return self


def _recording_s(s: Session, row: Teaser) -> float:
    """How long the teaser's recording lasts (its probe, from the ingest)."""
    footage_id = row.footage_id
    if row.source_kind == "session" and row.session_id:
        live = s.get(LiveSession, row.session_id)
        footage_id = live.footage_id if live is not None else footage_id
    footage = s.get(Footage, footage_id) if footage_id else None
    duration = (footage.probe or {}).get("duration") if footage is not None else None
    if duration is None:
        raise Problem(409, "Conflict", "The teaser's recording is gone or not checked yet; "
                      "it cannot be edited. Make a new teaser.", code="no_recording",
                      indonesian="Rekaman teaser ini sudah tidak ada atau belum selesai "
                                 "diperiksa, jadi teaser ini tidak bisa disunting. Buat teaser "
                                 "baru.")
    return float(duration)


def _segments(items: list[dict[str, Any]] | None) -> list[Segment]:
    return [Segment(start=m["start"], end=m["end"], score=m["score"], reason=m["reason"])
            for m in items or []]


def _editable(row: Teaser) -> dict[str, Any]:
    """The served version's report; refuses a teaser that has none yet, or is posted."""
    if not row.video_path or not row.report:
        raise Problem(409, "Conflict", f"The teaser is {row.status}; edit it once its first "
                      "version is ready.", code="teaser_not_ready",
                      indonesian=f"Teaser ini masih {_STATUS_ID.get(str(row.status), row.status)}"
                                 "; sunting setelah versi pertamanya siap.")
    if row.post_at is not None and row.post_at <= now():
        raise Problem(409, "Conflict", f"This teaser was posted at {iso(row.post_at)}; a "
                      "posted video stays as it is. Make a new teaser to post another cut.",
                      code="teaser_posted",
                      indonesian=f"Teaser ini sudah diposting pada {iso(row.post_at)}; video "
                                 "yang sudah diposting tidak diubah lagi. Buat teaser baru "
                                 "untuk memposting potongan lain.")
    return dict(row.report)


@bp.get("/<teaser_id>/edit")
@spec.validate(resp=Resp(HTTP_200=EditOut), tags=["teasers"])
def get_edit(teaser_id: str) -> Answer:
    """The teaser's edit list: its moments with their reasons, the other moments the
    ranking offers to swap in, music, sticker language, and the rules an edit keeps."""
    with db().session() as s:
        row = owned_or_404(s, Teaser, teaser_id, "teaser")
        report = _editable(row)
        recording = _recording_s(s, row)
        lo, hi = length_bounds(recording, asked_length(row.params))
        return EditOut(
            teaser_id=row.id, revision=row.revision, status=str(row.status),
            segments=_segments(report.get("segments")),
            candidates=_segments(report.get("candidates")),
            music=str(row.params.get("music") or "auto"),
            lang=str(row.params.get("lang") or "id"),
            rules=EditRules(min_segment_s=MIN_SEGMENT_S, max_segments=MAX_SEGMENTS,
                            min_total_s=lo, max_total_s=hi, recording_s=recording))


@bp.put("/<teaser_id>/edit")
@spec.validate(json=EditIn, resp=Resp(HTTP_202=TeaserOut, HTTP_200=TeaserOut),
               tags=["teasers"])
def put_edit(teaser_id: str) -> Answer:
    """Render the teaser again from its edited edit list: ``segments`` (a moment swapped
    for a candidate, a cut point moved), ``music``, ``lang`` (the sticker's language).
    The cuts are checked as every render's are (each moment at least 6 s, 1 to 4 of them,
    none overlapping, inside the recording, 35 to 45 s in all): a 422 names the field
    (``segments.1.end``) and the ``rule``. 202 while it renders (the current version is
    served until the new one is verified), 200 when nothing changed."""
    body: EditIn = request.context.json  # type: ignore[attr-defined]
    at = now()
    with db().session() as s:
        row = owned_or_404(s, Teaser, teaser_id, "teaser")
        report = _editable(row)
        params = dict(row.params)
        served = [[m["start"], m["end"]] for m in report.get("segments") or []]
        if body.segments is not None:
            cuts = [[c.start, c.end] for c in body.segments]
            check_edit([(a, b) for a, b in cuts], _recording_s(s, row),
                       asked_length(params))
            if cuts != (params.get("cuts") or served):
                params["cuts"] = cuts
        # Without cuts of the seller's, the ranking chooses again: the same moments, as
        # it is deterministic (the served ones may be split around dead air).
        if body.music is not None:
            check_music(body.music)
            params["music"] = body.music
        if body.lang is not None and body.lang != params.get("lang"):
            params["lang"] = body.lang
            plan = s.get(Plan, row.plan_id) if row.plan_id else None
            params["sticker_text"] = plan_sticker(plan, row.slot, body.lang) if plan else None
        if params == row.params and row.status is TeaserStatus.READY:
            return teaser_out(row, at), 200
        row.params = params
        lifecycle.new_revision(row, at)
    enqueue_render(row)
    return teaser_out(row, at), 202
