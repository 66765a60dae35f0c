"""``/v1/teasers``: ask for a teaser (from a past session or uploaded footage, optionally
linked to a plan, which gives it the LIVE time sticker), follow its progress, download
the video (Range requests) and the poster."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

from flask import Blueprint, request, send_file, url_for
from flask.typing import ResponseReturnValue
from pydantic import Field, model_validator
from spectree import Response as Resp
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth import caller, owned_or_404, scope
from api.convert import iso, live_plan, timeline_end_s
from api.deps import db, jobs, media, now, template_version
from api.downloads import signed_url
from api.eta import eta_seconds
from api.music import check_music
from api.openapi import Answer, Model, example, spec
from api.problems import Problem, accepted_language, not_found
from domain.lifecycle import FootageStatus, TeaserSource, TeaserStatus
from domain.plans import PlanStatus, plan_status
from domain.schedule import ensure_teaser_capacity, recommended_posts, sticker_text
from domain.teasers import recording_shortfall
from domain.wording import parse_language
from store import lifecycle
from store.models import Footage, LiveSession, Plan, Teaser
from store.repos import owned

bp = Blueprint("teasers", __name__, url_prefix="/teasers")
log = logging.getLogger(__name__)


class TeaserIn(Model):
    """What to cut from: exactly one of ``session_id`` / ``footage_id``. ``plan_id``
    links the teaser to a plan (it then carries the LIVE time sticker)."""

    model_config = example(
        session_id="9d1c0b8a7f6e4d3c2b1a0f9e8d7c6b5a", plan_id="5e4d3c2b1a0f4e9d8c7b6a5f4e3d2c1b",
        slot="day_before", target_seconds=40, music="auto")

    session_id: str | None = None
    footage_id: str | None = None
    plan_id: str | None = None
    slot: Literal["day_before", "hour_before"] | None = None
    target_seconds: float = Field(40.0, ge=5, le=60)
    music: str = Field("auto", pattern=r"^[a-z0-9_-]{1,40}$")
    lang: str | None = Field(None, description="'id' (default: the seller's) or 'en'")

    @model_validator(mode="after")
    def _one_source(self) -> TeaserIn:
        if (self.session_id is None) == (self.footage_id is None):
            raise ValueError("give exactly one of session_id or footage_id")
        if self.slot is not None and self.plan_id is None:
            raise ValueError("slot needs a plan_id")
        return self


class Segment(Model):
    """A chosen moment and why it was chosen."""

    start: float
    end: float
    score: float
    reason: str


class TeaserOut(Model):
    """A teaser: status, stage and progress while rendering; segments, size and links
    once ready; ``error`` (what went wrong and what to do) when failed, in Indonesian when
    the request's Accept-Language puts it first."""

    id: str
    status: str
    stage: str | None
    progress: float
    eta_s: float | None
    source: dict[str, str | None]
    plan_id: str | None
    slot: str | None
    sticker_text: str | None
    revision: int
    template_version: str
    error: str | None
    duration_s: float | None
    width: int | None
    height: int | None
    short_source: bool | None
    notes: list[str]
    segments: list[Segment]
    posting: dict[str, Any] | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    links: dict[str, str]


def teaser_out(row: Teaser, at: datetime) -> TeaserOut:
    """JSON of a teaser row."""
    report = row.report or {}
    links = {"self": url_for("v1.teasers.get_teaser", teaser_id=row.id)}
    if row.video_path:
        links["video"] = url_for("v1.teasers.get_video", teaser_id=row.id)
        links["download"] = signed_url(row.id, "video", row.video_path)
    if row.poster_path:
        links["poster"] = url_for("v1.teasers.get_poster", teaser_id=row.id)
        links["poster_download"] = signed_url(row.id, "poster", row.poster_path)
    posting = None
    if row.caption is not None:
        posting = {"caption": row.caption, "preferences": row.preferences,
                   "post_at": iso(row.post_at)}
    return TeaserOut(
        id=row.id, status=str(row.status), stage=row.stage, progress=row.progress,
        eta_s=eta_seconds(row, at),
        source={"kind": row.source_kind, "session_id": row.session_id,
                "footage_id": row.footage_id},
        plan_id=row.plan_id, slot=row.slot, sticker_text=row.params.get("sticker_text"),
        revision=row.revision, template_version=row.template_version, error=_error_of(row),
        duration_s=report.get("duration_s"), width=report.get("width"),
        height=report.get("height"), short_source=report.get("short_source"),
        notes=list(report.get("notes") or []),
        segments=[Segment(start=s["start"], end=s["end"], score=s["score"],
                          reason=s["reason"]) for s in report.get("segments") or []],
        posting=posting, created_at=iso(row.created_at) or "",
        started_at=iso(row.started_at), finished_at=iso(row.finished_at), links=links,
    )


def _error_of(row: Teaser) -> str | None:
    """Why the teaser's render failed, in the request's language (English for a teaser
    that failed before the reasons were kept in Indonesian)."""
    return (row.error_id or row.error) if accepted_language() == "id" else row.error


def _recording(s: Session, body: TeaserIn) -> tuple[TeaserSource, str | None, str, str]:
    """(source kind, session id, footage id, owner seller id) after checking the source
    can be cut."""
    seller = scope()
    if body.session_id is not None:
        live = owned(s, LiveSession, body.session_id, seller)
        if live is None:
            raise not_found("LIVE session", body.session_id)
        if live.footage_id is None:
            raise Problem(409, "Conflict", "This LIVE session has no recording to cut from. "
                          "Upload the recording as footage and attach it to the session, or "
                          "make the teaser from uploaded footage.", code="no_recording",
                          field="session_id",
                          indonesian="Sesi LIVE ini belum punya rekaman untuk dipotong. "
                                     "Unggah rekamannya sebagai footage lalu tautkan ke sesi "
                                     "ini, atau buat teaser dari footage yang diunggah.")
        footage = s.get(Footage, live.footage_id)
        recording_s = (footage.probe or {}).get("duration") if footage else None
        short = footage and footage.status is FootageStatus.READY and recording_shortfall(
            recording_s, timeline_end_s(live))
        if short:
            raise Problem(409, "Conflict", short, code="recording_too_short",
                          field="session_id", indonesian=recording_shortfall(
                              recording_s, timeline_end_s(live), "id"))
        kind = TeaserSource.SESSION
    else:
        footage = owned(s, Footage, body.footage_id or "", seller)
        if footage is None:
            raise not_found("footage", body.footage_id or "")
        kind = TeaserSource.FOOTAGE
    assert footage is not None
    if footage.status is FootageStatus.REJECTED:
        raise Problem(409, "Conflict", f"The recording was rejected: {footage.reason}",
                      code="footage_rejected",
                      indonesian=f"Rekamannya ditolak: {footage.reason_id or footage.reason}")
    if footage.status is not FootageStatus.READY:
        raise Problem(409, "Conflict", "The recording is still being checked; try again in "
                      "a moment (GET its footage link shows when it is ready).",
                      code="footage_not_ready",
                      indonesian="Rekamannya masih diperiksa; coba lagi sebentar lagi (GET "
                                 "tautan footage-nya menunjukkan kapan siap).")
    return kind, body.session_id, footage.id, footage.seller_id


def create_teaser_row(
    s: Session, *, seller_id: str, kind: TeaserSource, session_id: str | None,
    footage_id: str | None, plan: Plan | None, slot: str | None, target_seconds: float,
    music: str, lang: str, sticker: str | None, tz: str,
) -> Teaser:
    """A queued teaser row with every render parameter (flushed, not committed)."""
    return lifecycle.new_teaser(
        s, seller_id=seller_id, source=kind, session_id=session_id, footage_id=footage_id,
        plan_id=plan.id if plan else None, slot=slot,
        params={"target_seconds": target_seconds, "music": music, "lang": lang,
                "tz": plan.time_zone if plan else tz, "sticker_text": sticker,
                "plan_start": iso(plan.start_at) if plan else None},
        template_version=template_version(),
    )


def enqueue_render(row: Teaser, queue: str = "interactive") -> None:
    """Queue the render of ``row``'s revision (its job id is on the row already). The row
    is committed before this runs, so a Redis outage only delays it (the reconciler)."""
    try:
        jobs().enqueue_render(row.id, row.revision, queue=queue)
    except Exception:
        log.warning("render of teaser %s not queued; the reconciler will", row.id,
                    exc_info=True)


def plan_locked(s: Session, plan_id: str) -> None:
    """Take the plan's row lock (PostgreSQL: the row; SQLite: the database's write lock)
    before anything is read, so two requests for one plan cannot both count its teasers
    and both add one past the cap. It must be the transaction's first statement."""
    query = update(Plan).where(Plan.id == plan_id)
    seller = scope()
    if seller is not None:
        query = query.where(Plan.seller_id == seller)
    s.execute(query.values(updated_at=now()), execution_options={"synchronize_session": False})


def plan_sticker(plan: Plan, slot: str | None, lang: str) -> str | None:
    """The sticker of a teaser linked to ``plan``: the LIVE time, or worded for when it is
    seen ("Besok 19.00 WIB", "1 jam lagi") for a day-before / hour-before teaser."""
    if slot is None:
        return sticker_text(live_plan(plan), lang)
    posts = recommended_posts(plan.start_at, plan.time_zone, lang)
    return next(p.sticker_text for p in posts if p.slot.value == slot)


def check_plan_takes(s: Session, plan: Plan, slot: str | None, *,
                     teaser_id: str | None = None) -> None:
    """Refuse linking a teaser to ``plan`` when the plan is live or completed, already has
    the cap of teasers, or already has a teaser for ``slot``. Call with the plan locked."""
    status = plan_status(live_plan(plan), now())
    if status is not PlanStatus.UPCOMING:
        state = "is live now" if status is PlanStatus.LIVE else "has ended"
        keadaan = "sedang LIVE" if status is PlanStatus.LIVE else "sudah berakhir"
        raise Problem(409, "Conflict", f"The plan '{plan.title}' {state}: a teaser is posted "
                      "before a LIVE starts, so it cannot take new teasers. Link the teaser "
                      "to an upcoming plan.", code="plan_not_upcoming", field="plan_id",
                      indonesian=f"Rencana '{plan.title}' {keadaan}: teaser diposting sebelum "
                                 "LIVE dimulai, jadi rencana ini tidak bisa menerima teaser "
                                 "baru. Tautkan teaser ke rencana yang akan datang.")
    others = select(Teaser).where(Teaser.plan_id == plan.id)
    if teaser_id is not None:
        others = others.where(Teaser.id != teaser_id)
    linked = list(s.scalars(others))
    ensure_teaser_capacity(sum(1 for t in linked if t.status is not TeaserStatus.FAILED))
    taken = next((t for t in linked if slot is not None and t.slot == slot), None)
    if taken is not None:
        when = "1 hari" if slot == "day_before" else "1 jam"
        raise Problem(409, "Conflict", f"The plan already has its {(slot or '').replace('_', '-')} "
                      f"teaser ({taken.id}, {taken.status}). Delete it (DELETE "
                      f"/v1/teasers/{taken.id}) to make another, or ask for one without a "
                      "slot.", code="slot_taken", field="slot", teaser_id=taken.id,
                      indonesian=f"Rencana ini sudah punya teaser {when} sebelum LIVE "
                                 f"({taken.id}, {taken.status}). Hapus teaser itu (DELETE "
                                 f"/v1/teasers/{taken.id}) untuk membuat yang lain, atau minta "
                                 "teaser tanpa slot.")


@bp.post("")
@spec.validate(json=TeaserIn, resp=Resp(HTTP_202=TeaserOut), tags=["teasers"])
def create_teaser() -> Answer:
    """Queue a teaser; 202 with its status and ``Location`` to poll."""
    body: TeaserIn = request.context.json  # type: ignore[attr-defined]
    check_music(body.music)
    who = caller()
    lang = parse_language(body.lang or who.lang).value
    with db().session() as s:
        if body.plan_id is not None:
            plan_locked(s, body.plan_id)
        kind, session_id, footage_id, owner = _recording(s, body)
        plan = None
        sticker = None
        if body.plan_id is not None:
            plan = owned(s, Plan, body.plan_id, owner)
            if plan is None:
                raise not_found("plan", body.plan_id)
            check_plan_takes(s, plan, body.slot)
            sticker = plan_sticker(plan, body.slot, lang)
        row = create_teaser_row(
            s, seller_id=owner, kind=kind,
            session_id=session_id, footage_id=footage_id, plan=plan, slot=body.slot,
            target_seconds=body.target_seconds, music=body.music, lang=lang,
            sticker=sticker, tz=who.time_zone,
        )
    enqueue_render(row)
    location = url_for("v1.teasers.get_teaser", teaser_id=row.id)
    return teaser_out(row, now()), 202, {"Location": location}


@bp.get("/<teaser_id>")
@spec.validate(resp=Resp(HTTP_200=TeaserOut), tags=["teasers"])
def get_teaser(teaser_id: str) -> Answer:
    """Status, stage, progress, ETA, chosen segments with reasons, and links."""
    with db().session() as s:
        return teaser_out(owned_or_404(s, Teaser, teaser_id, "teaser"), now())


def _file(teaser_id: str, attr: str, mimetype: str) -> ResponseReturnValue:
    with db().session() as s:
        row = owned_or_404(s, Teaser, teaser_id, "teaser")
    return serve_file(row, attr, mimetype)


def serve_file(row: Teaser, attr: str, mimetype: str, max_age: int = 3600) -> ResponseReturnValue:
    """The teaser's video or poster (Range requests, 416 with ``Content-Range: */len``),
    cached only by the caller's own browser (``private``: it is one seller's media)."""
    relative = getattr(row, attr)
    if not relative:
        failed = row.status is TeaserStatus.FAILED
        detail = (f"The teaser failed: {row.error}" if failed else
                  f"The teaser is {row.status}; download it once its status is ready.")
        raise Problem(409, "Conflict", detail, code="teaser_not_ready",
                      indonesian=f"Teaser ini gagal dibuat: {row.error_id or row.error}"
                      if failed else f"Teaser ini belum siap (statusnya {row.status}); unduh "
                                     "setelah statusnya ready.")
    path = media().absolute(relative)
    if not path.is_file():
        raise Problem(410, "Gone", "The teaser's file is missing from the media store; ask "
                      "ops to regenerate it.", code="file_missing",
                      indonesian="Berkas teaser ini hilang dari penyimpanan media; minta tim "
                                 "ops membuatnya ulang.")
    response = send_file(path, mimetype=mimetype, conditional=True, max_age=max_age,
                         download_name=f"teaser-{row.id}{path.suffix}")
    response.cache_control.public = False
    response.cache_control.private = True
    return response


# Not wrapped by spec.validate: it would read a streamed file body into memory. Still in
# the OpenAPI document (SpecTree "normal" mode lists undecorated routes).
@bp.get("/<teaser_id>/video")
def get_video(teaser_id: str) -> ResponseReturnValue:
    """The MP4 (``video/mp4``); supports Range requests (206) for players and resumes."""
    return _file(teaser_id, "video_path", "video/mp4")


@bp.get("/<teaser_id>/poster")
def get_poster(teaser_id: str) -> ResponseReturnValue:
    """The poster JPEG."""
    return _file(teaser_id, "poster_path", "image/jpeg")


class PosterIn(Model):
    """The teaser second (from its start) the poster is to show."""

    model_config = example(at_s=2.5)

    at_s: float = Field(ge=0.0, le=600.0)


@bp.put("/<teaser_id>/poster")
@spec.validate(json=PosterIn, resp=Resp(HTTP_202=TeaserOut, HTTP_200=TeaserOut),
               tags=["teasers"])
def put_poster(teaser_id: str) -> Answer:
    """Pick another frame for the poster: the teaser is rendered again with its poster
    (the LIVE card on it) taken at ``at_s``; the current video and poster are served until
    the new ones are verified. 202 while that runs, 200 when it already shows that frame."""
    body: PosterIn = request.context.json  # type: ignore[attr-defined]
    at = now()
    with db().session() as s:
        row = owned_or_404(s, Teaser, teaser_id, "teaser")
        report = row.report or {}
        duration = report.get("duration_s")
        if row.status is not TeaserStatus.READY or duration is None:
            raise Problem(409, "Conflict", f"The teaser is {row.status}; pick its poster "
                          "once it is ready.", code="teaser_not_ready",
                          indonesian=f"Teaser berstatus {row.status}; pilih posternya setelah "
                                     "siap.")
        if body.at_s >= float(duration):
            raise Problem(422, "Invalid request", f"at_s {body.at_s:g} is past the teaser's "
                          f"end; pick a second from 0 to {float(duration):.2f}.",
                          code="poster_outside_teaser", field="at_s",
                          indonesian=f"at_s {body.at_s:g} melewati akhir teaser; pilih detik "
                                     f"dari 0 sampai {float(duration):.2f}.")
        if row.params.get("poster_at") == body.at_s:
            return teaser_out(row, at), 200
        row.params = {**row.params, "poster_at": body.at_s}
        lifecycle.new_revision(row, at)
    enqueue_render(row)
    return teaser_out(row, at), 202
