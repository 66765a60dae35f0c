"""RQ job entry points (enqueued by dotted name from ``store.queues``).

Thin by design: load the row, call the pipeline, record the outcome on the row, and let
every exception propagate so RQ records the failure too. Permanent input errors fail
fast (the job's remaining retries are cancelled); anything else is retried with back-off
by RQ, and the row says so. A render writes to its own revision's paths and swaps the
teaser's ``video_path``/``poster_path`` only after the output is verified, so a failed
regeneration never takes away a working teaser.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rq import get_current_job
from sqlalchemy import select

from domain.captions import parse_captions
from domain.edits import asked_length
from domain.errors import DomainError
from domain.lifecycle import FootageStatus, TeaserSource, TeaserStatus
from domain.offers import offer_from, strongest
from domain.wording import offer_text
from store import lifecycle, telemetry, webhooks
from store.db import Database
from store.media import MediaStore
from store.models import (
    Footage,
    LiveSession,
    Plan,
    Product,
    PromotionToolRow,
    RegenerationBatch,
    RegenerationItem,
    Seller,
    Teaser,
    utcnow,
)
from store.settings import current
from worker import analysis, failures
from worker.errors import InputError
from worker.limits import check_limits
from worker.pipeline import (
    OnScreen,
    TeaserInput,
    changed_edit_list,
    make_teaser,
    regenerate_teaser,
)
from worker.probe import media_info
from worker.progress import Progress, teaser_row_writer
from worker.regeneration import previous_render

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    """What a job needs from the outside world: the database and the media store."""

    db: Any  # store.db.Database
    media: Any  # store.media.MediaStore


_context: JobContext | None = None
_context_pid: int | None = None


def configure(db: Any, media: Any) -> None:
    """Use this database and media store in this process (tests, embedded workers)."""
    global _context, _context_pid
    _context, _context_pid = JobContext(db, media), os.getpid()


def warm_statements(db: Any) -> None:
    """Compile, here, the reads every render job makes, against ids that match nothing:
    SQLAlchemy keeps compiled statements on the engine, so the work horses a worker forks
    start with them compiled instead of each compiling them again for its one job (0.03 s
    of CPU a job). Writes nothing."""
    nothing = "0" * 32
    with db.session() as session:
        for model in (Teaser, Footage, LiveSession, Plan, Seller, RegenerationBatch):
            session.get(model, nothing)
        session.get(Teaser, nothing, with_for_update=True)
        for keyed in (Product, PromotionToolRow):
            session.get(keyed, (nothing, nothing))
        _batch_changes(session, nothing, 0)
        webhooks.teaser_ended(session, Teaser(id=nothing, seller_id=nothing, revision=0),
                              utcnow())
        session.expunge_all()
        session.rollback()


def reset() -> None:
    """Forget the configured context (the next job builds it from the settings again)."""
    global _context, _context_pid
    _context, _context_pid = None, None


def context() -> JobContext:
    """The process's context, built from its settings on first use. A forked work
    horse gets its own engine: pooled connections must not cross a fork."""
    global _context, _context_pid
    if _context is not None and _context_pid != os.getpid():
        # Inherited from the parent worker: drop (without closing) its pooled
        # connections, which the parent still owns, and keep the configuration.
        _context.db.engine.dispose(close=False)
        _context_pid = os.getpid()
    if _context is None:
        settings = current()
        configure(Database(settings.database_url), MediaStore(settings.media_root))
    assert _context is not None
    return _context


def _current_job() -> Any | None:
    return get_current_job()


def _will_retry(job: Any | None) -> bool:
    return job is not None and bool(job.retries_left)


def _now() -> Any:
    return utcnow()


def render_teaser(teaser_id: str, revision: int) -> dict[str, Any]:
    """Render revision ``revision`` of teaser ``teaser_id`` and mark it ready (or failed
    with a reason). A job for a revision that has been superseded does nothing. A
    regeneration that changes the teaser (its batch's ``changes``) does only the work the
    change needs on top of the last verified render and its edit list."""

    ctx, job = context(), _current_job()
    with ctx.db.session() as session:
        teaser = session.get(Teaser, teaser_id)
        if teaser is None:
            return {"skipped": "teaser no longer exists"}
        if teaser.revision != revision:
            return {"skipped": f"superseded by revision {teaser.revision}"}
        video_rel, poster_rel = ctx.media.teaser_paths(teaser_id, revision)
        if teaser.status == TeaserStatus.READY and teaser.video_path == video_rel:
            return {"skipped": "already rendered"}
        in_batch, changes = _batch_changes(session, teaser_id, revision)
        if changes is None and teaser.video_path:
            # A seller's edit of the music or the poster alone takes the same least work.
            changes = edited_params(teaser.report, teaser.params)
        again = in_batch or bool(teaser.video_path)  # a teaser made again: counted
        # The verified render a regeneration with changes starts from (video, poster, the
        # edit list it was made from).
        kept = (None if changes is None or not teaser.video_path or not teaser.poster_path
                else (ctx.media.absolute(teaser.video_path),
                      ctx.media.absolute(teaser.poster_path),
                      ctx.media.absolute(ctx.media.edit_list_of(teaser.video_path))))
        lifecycle.start(teaser, _now(), job.id if job is not None else None)

    started = time.monotonic()
    # A regeneration mostly ends in well under a second: its row goes from running to
    # ready with no progress written in between (each write is a database commit).
    progress = QuietProgress(teaser_row_writer(ctx.db, teaser_id, revision), job,
                             quiet_s=QUIET_S if kept else 0.0)
    video, poster = ctx.media.absolute(video_rel), ctx.media.absolute(poster_rel)
    ctx.media.remove_partials_of(video_rel)  # a killed earlier run of this revision's
    edit_list = ctx.media.absolute(ctx.media.edit_list_of(video_rel))
    try:
        with ctx.db.session() as session:
            row = session.get(Teaser, teaser_id)
            params = {**(row.params or {}), **(changes or {})}
            inputs = _render_inputs(session, row, ctx.media, params)
        previous = previous_render(*kept, inputs.recording) if kept else None
        if previous is not None:
            edit = changed_edit_list(previous[0], inputs, list(changes or {}))
            report = regenerate_teaser(*previous, edit, video, poster, edit_list_path=edit_list,
                                       on_progress=progress)
        else:
            report = make_teaser(inputs, video, poster, edit_list_path=edit_list,
                                 on_progress=progress)
    except InputError as exc:
        if job is not None:
            job.retries_left = 0  # a bad recording stays bad: no retry
        failures.record("render", exc, job, final=True, teaser_id=teaser_id, revision=revision)
        _fail_teaser(teaser_id, revision, failures.render_failure(exc, final=True), final=True)
        raise
    except Exception as exc:
        final = not _will_retry(job)
        failures.record("render", exc, job, final=final, teaser_id=teaser_id, revision=revision)
        _fail_teaser(teaser_id, revision, failures.render_failure(exc, final=final),
                     final=final)
        raise
    progress("done", 1.0)
    if report.work == "render":  # a regeneration's lighter work would skew the figure
        telemetry.render_seconds.labels(telemetry.size_label(report.width, report.height)
                                        ).observe(time.monotonic() - started)
    if again:
        telemetry.regenerations.labels(report.work).inc()
    return _finish_teaser(teaser_id, revision, video_rel, poster_rel,
                          {**report.to_json(), MADE_WITH: params},
                          params=params if changes else None)


# The render parameters a version was made from, kept in its report: a later edit that
# changes only what a regeneration can redo (``PARAM_CHANGES``) takes the least work.
MADE_WITH = "params"
QUIET_S = 1.0


def edited_params(report: dict[str, Any] | None,
                  params: dict[str, Any] | None) -> dict[str, Any] | None:
    """What an edit changed since the served version (``report``, made from the
    parameters kept in it) when that is only music or the poster's second; None when
    anything else changed, nothing did, or the version does not say what it was made
    from (rendered before they were kept): then the teaser is made again in full."""
    before = (report or {}).get(MADE_WITH)
    if not isinstance(before, dict):
        return None
    now = params or {}
    changed = {k for k in before.keys() | now.keys() if before.get(k) != now.get(k)}
    if not changed or changed - set(PARAM_CHANGES):
        return None
    return {k: now.get(k) for k in changed}


class QuietProgress(Progress):
    """``Progress`` that writes nothing (row or job meta) for its first ``quiet_s``: a
    regeneration done in less goes from running to ready with no write in between (the
    end is written with the teaser's row); a longer one reports from then on."""

    def __init__(self, *args: Any, quiet_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._quiet_until = self.clock() + quiet_s

    def __call__(self, stage: str, fraction: float) -> None:
        if self.clock() < self._quiet_until:
            self.stage = stage
            self.progress = max(self.progress, min(1.0, max(0.0, float(fraction))))
            return
        super().__call__(stage, fraction)


# What a batch's changes set among a teaser's render parameters (``template_version``
# sets none: every render draws the current template).
PARAM_CHANGES = ("music", "poster_at")


def _batch_changes(session: Any, teaser_id: str,
                   revision: int) -> tuple[bool, dict[str, Any] | None]:
    """Whether a regeneration batch queued this revision, and the render parameters it
    changes (``{}`` for a change of template alone; None when it has no changes)."""
    found = session.execute(
        select(RegenerationBatch.changes)
        .join(RegenerationItem, RegenerationItem.batch_id == RegenerationBatch.id)
        .where(RegenerationItem.teaser_id == teaser_id, RegenerationItem.revision == revision)
    ).first()
    if found is None or not found[0]:
        return found is not None, None
    return True, {k: v for k, v in found[0].items() if k in PARAM_CHANGES}


def _render_inputs(session: Any, teaser: Any, media: Any,
                   params: dict[str, Any] | None = None) -> TeaserInput:
    """Resolve the recording, timeline and parameters of a teaser (raises InputError);
    ``params``: its render parameters as a regeneration changes them."""
    params = dict(teaser.params or {}) if params is None else params
    timeline_rows: list[dict[str, Any]] | None = None
    footage_id = teaser.footage_id
    live = None
    if teaser.source_kind == TeaserSource.SESSION:
        live = session.get(LiveSession, teaser.session_id) if teaser.session_id else None
        if live is None:
            raise InputError("The LIVE session this teaser was cut from no longer exists; "
                             "pick another past session.",
                             indonesian="Sesi LIVE sumber teaser ini sudah tidak ada; pilih "
                                        "sesi lain yang sudah lewat.")
        footage_id = live.footage_id
        timeline_rows = list(live.timeline or [])
        if footage_id is None:
            raise InputError(f"The LIVE session {live.title!r} has no recording; upload its "
                             "recording and link it to the session first.",
                             indonesian=f"Sesi LIVE {live.title!r} belum punya rekaman; unggah "
                                        "rekamannya dan tautkan ke sesi itu dulu.")
    footage = session.get(Footage, footage_id) if footage_id else None
    if footage is None:
        raise InputError("The recording for this teaser no longer exists; upload it again.",
                         indonesian="Rekaman untuk teaser ini sudah tidak ada; unggah lagi.")
    if footage.status == FootageStatus.REJECTED:
        raise InputError(footage.reason or "The recording was rejected; upload another one.",
                         indonesian=footage.reason_id if footage.reason else
                         "Rekamannya ditolak; unggah rekaman lain.")
    recording = media.absolute(footage.path)
    if not recording.is_file():
        raise InputError("The recording file is missing from storage; upload it again.",
                         indonesian="Berkas rekamannya hilang dari penyimpanan; unggah lagi.")
    if footage.analysis_path:
        # Saved by the ingest job: the picture vetoes moments and places the crop.
        analysis = media.absolute(footage.analysis_path)
    elif teaser.source_kind == TeaserSource.FOOTAGE:
        # Not saved yet: the footage pipeline analyses the whole upload and saves it here.
        analysis = recording.with_name(recording.name + ".analysis.npz")
    else:
        # A session's recording without one: the pipeline looks only at what it picks.
        analysis = None
    return TeaserInput(
        recording=recording, timeline_rows=timeline_rows, analysis_path=analysis,
        probe=footage.probe or None,  # read by the ingest: not probed again
        sticker_text=params.get("sticker_text"),
        target_seconds=asked_length(params),
        music=str(params.get("music") or "auto"), music_key=footage.id,
        # Reasons and notes in the language the sticker is worded in (the API records it;
        # rows written before it did were worded in English).
        lang="id" if str(params.get("lang") or "en").lower().startswith("id") else "en",
        # A plan's two teasers come from the same session: the one posted an hour before
        # shows other moments than the one posted the day before.
        variant=1 if (getattr(teaser, "slot", None) or params.get("slot")) == "hour_before"
        else 0,
        # The seller's own moments (PUT /v1/teasers/{id}/edit), kept exactly.
        cuts=tuple((float(a), float(b)) for a, b in params["cuts"]) if params.get("cuts")
        else None,
        on_screen=replace(_on_screen(session, teaser, live, footage,
                                     str(params.get("lang") or "id")),
                          poster_at=params.get("poster_at")),
    )


def _on_screen(session: Any, teaser: Any, live: Any, footage: Any, lang: str) -> Any:
    """What the teaser says on screen besides the LIVE time: the linked plan's title, its
    first featured product's name and its strongest LIVE-only offer (read now: products
    and promotion tools stay editable on a plan), and the recording's captions."""

    text = (getattr(live, "captions", None) if live is not None else None) or footage.captions
    captions: tuple[Any, ...] = ()
    if text:
        try:
            captions = parse_captions(text)
        except DomainError:
            captions = ()  # checked when it was sent; a later rule change must not fail it
    plan = session.get(Plan, teaser.plan_id) if teaser.plan_id else None
    if plan is None:
        return OnScreen(lang=lang, captions=captions)
    product = featured = None
    for product_id in plan.product_ids:
        row = session.get(Product, (plan.seller_id, product_id))
        if row is not None and row.name.strip():
            product, featured = row.name.strip(), product_id
            break
    seller = session.get(Seller, plan.seller_id)
    currency = seller.currency if seller is not None else "IDR"
    tools = [session.get(PromotionToolRow, (plan.seller_id, tool_id))
             for tool_id in dict.fromkeys([*plan.chosen_tool_ids, *plan.bound_tool_ids])]
    offer = strongest((offer_from(t.kind, t.terms, currency) for t in tools if t is not None),
                      plan.start_at)
    return OnScreen(title=plan.title, product=product, product_id=featured,
                    offer=offer_text(offer, lang, plan.time_zone) if offer else None,
                    lang=lang, captions=captions)


def _fail_teaser(teaser_id: str, revision: int, reason: failures.SellerWords, *,
                 final: bool) -> None:
    """Record a failed attempt, with ``reason`` in both languages: ``failed`` when final,
    back to ``queued`` when RQ retries. The last verified video stays where it was."""

    deliveries: list[str] = []
    with context().db.session() as session:
        teaser = session.get(Teaser, teaser_id)
        if teaser is None or teaser.revision != revision:
            return
        if final:
            deliveries = lifecycle.fail(session, teaser, reason.english, _now(),
                                        indonesian=reason.indonesian)
        else:
            lifecycle.retry_later(teaser, reason.english, reason.indonesian)
    _send(deliveries)


def _finish_teaser(teaser_id: str, revision: int, video_rel: str, poster_rel: str,
                   report: dict[str, Any], *,
                   params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Swap in the verified render and mark the teaser ready; remove the replaced files.
    ``params``: the render parameters a regeneration changed."""

    ctx = context()
    ours = ctx.media.render_files(video_rel, poster_rel)
    old: list[str | None] = []
    with ctx.db.session() as session:
        teaser = session.get(Teaser, teaser_id, with_for_update=True)
        if teaser is None or teaser.revision != revision:
            # Superseded while rendering: this output will never be served.
            for path in ours:
                ctx.media.remove(path)
            return {"skipped": "superseded while rendering"}
        old = ctx.media.render_files(teaser.video_path, teaser.poster_path)
        report = {**report, "output": video_rel, "poster": poster_rel, "revision": revision}
        report.pop("edit_list", None)
        # A regeneration that kept the picture keeps the template it was drawn with.
        drawn = (current().template_version if report.get("work", "render") == "render"
                 else teaser.template_version)
        deliveries = lifecycle.finish(session, teaser, video=video_rel, poster=poster_rel,
                                      report=report, template_version=drawn, at=_now(),
                                      params=params, work=report.get("work"))
    _send(deliveries)
    for path in old:
        if path and path not in ours:
            ctx.media.remove(path)
    log.info("teaser %s r%s ready (%.1f s)", teaser_id, revision, report.get("duration_s", 0))
    return {"teaser_id": teaser_id, "revision": revision, "video": video_rel,
            "duration_s": report.get("duration_s")}


def ingest_footage(footage_id: str) -> dict[str, Any]:
    """Probe and validate an upload, analyse its picture and sound (saved beside it), and
    mark it ``ready`` — or ``rejected`` with a reason the seller can act on."""

    ctx, job = context(), _current_job()
    with ctx.db.session() as session:
        footage = session.get(Footage, footage_id)
        if footage is None:
            return {"skipped": "footage no longer exists"}
        if footage.status != FootageStatus.UPLOADED:
            return {"skipped": f"already {footage.status.value}"}
        footage.attempts += 1
        if job is not None:
            footage.job_id = job.id
        rel = footage.path
    started = time.monotonic()
    path = ctx.media.absolute(rel)
    try:

        # size, duration, picture size and rate from the headers, before any decoding
        info = media_info(path, check_limits(path))
        analysis_rel, quality = _analyse(path, ctx.media, job)
    except InputError as exc:
        if job is not None:
            job.retries_left = 0
        failures.record("ingest", exc, job, final=True, footage_id=footage_id)
        _set_footage(footage_id, FootageStatus.REJECTED, reason=failures.detail(exc),
                     reason_id=exc.indonesian[:failures.MAX_ERROR_CHARS] if exc.indonesian
                     else None)
        raise
    except Exception as exc:
        failures.record("ingest", exc, job, final=not _will_retry(job), footage_id=footage_id)
        if not _will_retry(job):
            _set_footage(footage_id, FootageStatus.REJECTED,
                         reason=f"The upload could not be processed "
                                f"({failures.detail(exc)}); upload it again.",
                         reason_id=f"Unggahan tidak bisa diproses ({failures.detail(exc)}); "
                                   "unggah ulang.")
        raise
    telemetry.ingest_seconds.labels(telemetry.size_label(info.width, info.height)).observe(
        time.monotonic() - started)
    _set_footage(footage_id, FootageStatus.READY, probe=info.to_json(),
                 analysis_path=analysis_rel, recording_quality=quality)
    return {"footage_id": footage_id, "status": "ready", "duration": info.duration}


def _analyse(path: Path, media: Any, job: Any | None) -> tuple[str, dict[str, float]]:
    """Analyse the upload's picture and sound once, saved beside it where the pipeline
    looks for it; returns that relative path and the recording-quality figures."""


    target = analysis.analysis_path_for(path)
    progress = Progress(None, job)
    result = analysis.analyse(path, on_progress=lambda f: progress("analyse", f))
    result.save(target)
    quality = dataclasses.asdict(result.recording_quality())
    return str(target.relative_to(media.root)), quality


def _set_footage(footage_id: str, status: Any, **values: Any) -> None:
    with context().db.session() as session:
        footage = session.get(Footage, footage_id)
        if footage is None:
            return
        deliveries = lifecycle.footage_ended(session, footage, status, _now(), **values)
    _send(deliveries)


def _send(delivery_ids: list[str]) -> None:
    """Queue webhook deliveries recorded with a committed change (on the job's Redis)."""

    job = _current_job()
    webhooks.enqueue(job.connection if job is not None else None, delivery_ids)
