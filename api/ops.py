"""``/v1/ops/regenerations``: re-render a selection of teasers (new music, new sticker
design, failed renders) on the low-priority ``batch`` queue.

The same selection (normalised, for the same template version, with the same
``changes``) finds the same batch, so submitting it twice queues nothing new. Each
selected teaser gets a new revision; its old files stay served until the new one is
verified (the job swaps the paths). ``changes`` (a music bed, a poster second, the
current template) are applied to each teaser's edit list, and the worker does the least
work that gives the same result as a full render: a new bed only re-mixes the sound
under the same picture (``remux``), a new poster second only cuts the poster again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from typing import Any, Literal

from flask import Blueprint, request, url_for
from pydantic import Field, field_validator, model_validator
from spectree import Response as Resp
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import require_ops
from api.convert import iso
from api.deps import db, jobs, now, template_version
from api.music import check_music
from api.openapi import Answer, Model, example, spec
from api.problems import Problem, not_found
from domain.accounts import AccountType, ensure_linkable
from domain.lifecycle import TeaserStatus
from store import lifecycle, queue_watch
from store.models import Plan, RegenerationBatch, RegenerationItem, Seller, Teaser
from store.queues import QUEUES

bp = Blueprint("ops", __name__, url_prefix="/ops")
CRITERIA = ("template_version", "seller_id", "plan_start_from", "plan_start_to", "teaser_ids")
# Only finished teasers are regenerated: one queued or running already renders.
FINAL = (TeaserStatus.READY, TeaserStatus.FAILED)


class Selection(Model):
    """Which teasers to regenerate; every given criterion must match."""

    model_config = example(template_version="1", status=["ready", "failed"])

    template_version: str | None = Field(None, description="teasers made with this version")
    seller_id: str | None = None
    plan_start_from: datetime | None = None
    plan_start_to: datetime | None = None
    status: list[Literal["ready", "failed"]] = Field(
        default_factory=lambda: ["ready", "failed"], min_length=1)  # type: ignore[arg-type]
    teaser_ids: list[str] | None = Field(None, min_length=1, max_length=10_000)

    @model_validator(mode="after")
    def _narrowed(self) -> Selection:
        # An empty body must not mean "every teaser of every seller".
        given = [name for name in CRITERIA if getattr(self, name) is not None]
        if not given and "status" not in self.model_fields_set:
            raise ValueError("give at least one criterion (template_version, seller_id, "
                             "plan_start_from, plan_start_to, status, teaser_ids); an empty "
                             "selection would regenerate every seller's teasers")
        return self

    @field_validator("plan_start_from", "plan_start_to")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("include a time zone, e.g. 2024-11-23T00:00:00+07:00")
        return value

    def normalised(self) -> dict[str, Any]:
        """The selection in one canonical form (UTC times, sorted statuses)."""
        def utc(value: datetime | None) -> str | None:
            return None if value is None else value.astimezone(UTC).isoformat()

        out: dict[str, Any] = {
            "template_version": self.template_version,
            "seller_id": self.seller_id,
            "plan_start_from": utc(self.plan_start_from),
            "plan_start_to": utc(self.plan_start_to),
            "status": sorted(set(self.status)),
        }
        if self.teaser_ids:  # only when given, so earlier batches keep their keys
            out["teaser_ids"] = sorted(set(self.teaser_ids))
        return out


class Changes(Model):
    """What to change in each selected teaser's edit list. The worker then does the least
    work that gives the same result as a full render: a new music bed re-mixes the sound
    under the same picture (``remux``), a new poster second cuts the poster again
    (``poster``), a teaser drawn with an older template is rendered again (``render``)."""

    music: str | None = Field(None, description="a music bed (GET /v1/music), auto or none")
    poster_at: float | None = Field(None, ge=0, le=60,
                                    description="the teaser's second the poster shows")
    template_version: str | None = Field(
        None, description="draw the teasers with this template: the one this service renders")

    def given(self) -> dict[str, Any]:
        """The changes asked for, in one canonical form."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class RegenerationIn(Selection):
    """A selection, and what to change in each selected teaser (nothing: render again)."""

    model_config = example(template_version="1", status=["ready"], changes={"music": "chill"})

    changes: Changes | None = None


class BatchOut(Model):
    """A regeneration batch and how far it got; ``work`` counts the finished items by the
    work their result took (``remux``, ``poster``, ``render``, ``unchanged``)."""

    id: str
    selection: dict[str, Any]
    changes: dict[str, Any] | None = None
    template_version: str
    created_at: str
    cancelled_at: str | None = None
    total: int
    newly_queued: int | None = None
    newly_cancelled: int | None = None
    counts: dict[str, int]
    work: dict[str, int]
    failures: list[dict[str, str | None]]
    links: dict[str, str]


def selection_key(normalised: dict[str, Any], version: str,
                  changes: dict[str, Any] | None = None) -> str:
    """The unique key of a selection for a template version and its changes."""
    what: dict[str, Any] = {"selection": normalised, "to": version}
    if changes:  # only when given, so earlier batches keep their keys
        what["changes"] = changes
    text = json.dumps(what, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _matching(s: Session, sel: Selection) -> list[tuple[str, int]]:
    query = select(Teaser.id, Teaser.revision).where(
        Teaser.status.in_([TeaserStatus(x) for x in sel.status]))
    if sel.template_version is not None:
        query = query.where(Teaser.template_version == sel.template_version)
    if sel.seller_id is not None:
        query = query.where(Teaser.seller_id == sel.seller_id)
    if sel.teaser_ids:
        query = query.where(Teaser.id.in_(sel.teaser_ids))
    if sel.plan_start_from is not None or sel.plan_start_to is not None:
        query = query.join(Plan, Plan.id == Teaser.plan_id)
        if sel.plan_start_from is not None:
            query = query.where(Plan.start_at >= sel.plan_start_from)
        if sel.plan_start_to is not None:
            query = query.where(Plan.start_at < sel.plan_start_to)
    return [(t, r) for t, r in s.execute(query.order_by(Teaser.created_at, Teaser.id))]


def _items(batch_id: str) -> Any:
    """Each item of a batch: (its revision, its work, teaser id, the teaser's revision,
    status and error)."""
    return (select(RegenerationItem.revision, RegenerationItem.work, Teaser.id,
                   Teaser.revision, Teaser.status, Teaser.error)
            .join(Teaser, Teaser.id == RegenerationItem.teaser_id)
            .where(RegenerationItem.batch_id == batch_id))


def _outcome(item_revision: int, revision: int, status: TeaserStatus) -> str:
    """Where one item of a batch stands: queued, running, done, failed, or superseded (a
    later batch, an edit or a cancellation moved the teaser past it)."""
    if revision != item_revision:
        return "superseded"
    return {TeaserStatus.READY: "done", TeaserStatus.FAILED: "failed"}.get(status, str(status))


def batch_out(s: Session, batch: RegenerationBatch, newly: int | None = None,
              cancelled: int | None = None) -> BatchOut:
    """JSON of a batch with live counts from the teaser rows."""
    rows = s.execute(_items(batch.id)).all()
    counts = {"queued": 0, "running": 0, "done": 0, "failed": 0, "superseded": 0}
    work: dict[str, int] = {}
    failures: list[dict[str, str | None]] = []
    for item_rev, done, teaser_id, rev, status, error in rows:
        outcome = _outcome(item_rev, rev, status)
        counts[outcome] += 1
        if outcome == "done" and done:
            work[done] = work.get(done, 0) + 1
        elif outcome == "failed":
            failures.append({"teaser_id": teaser_id, "reason": error})
    return BatchOut(
        id=batch.id, selection=batch.selection, changes=batch.changes,
        template_version=batch.template_version,
        created_at=iso(batch.created_at) or "", cancelled_at=iso(batch.cancelled_at),
        total=len(rows), newly_queued=newly, newly_cancelled=cancelled,
        counts=counts, work=work, failures=failures[:100],
        links={"self": url_for("v1.ops.get_regeneration", batch_id=batch.id)},
    )


def _submit(sel: Selection, normalised: dict[str, Any], key: str, version: str,
            created_by: str, changes: dict[str, Any] | None
            ) -> tuple[str, list[tuple[str, int]], bool]:
    """Find or make the batch of a selection; (batch id, renders to queue, existed)."""
    def find(s: Session) -> RegenerationBatch | None:
        return s.scalar(select(RegenerationBatch).where(
            RegenerationBatch.selection_key == key))

    with db().session() as s:
        existing = find(s)
        matched: list[tuple[str, int]] = []
        if existing is None:
            matched = _matching(s, sel)
            # Nothing finished matches: perhaps because the same selection, submitted at
            # this moment, has just queued them all; then that is this batch.
            existing = find(s) if not matched else None
            if existing is None and not matched:
                raise Problem(422, "Nothing to regenerate", "No finished teaser matches "
                              "this selection; widen it (status, template version, seller, "
                              "plan dates).", code="empty_selection")
        if existing is not None:
            pending = [(t, r) for t, r in s.execute(
                select(Teaser.id, Teaser.revision)
                .join(RegenerationItem, RegenerationItem.teaser_id == Teaser.id)
                .where(RegenerationItem.batch_id == existing.id,
                       RegenerationItem.revision == Teaser.revision,
                       Teaser.status == TeaserStatus.QUEUED))]
            batch_id = existing.id
        else:
            batch = RegenerationBatch(selection=normalised, selection_key=key,
                                      template_version=version, changes=changes,
                                      created_by=created_by, created_at=now())
            s.add(batch)
            s.flush()
            batch_id = batch.id
            pending = [(t, r + 1) for t, r in matched]
            lifecycle.new_revisions(s, matched, now())
            s.execute(insert(RegenerationItem), [
                {"batch_id": batch_id, "teaser_id": t, "revision": r} for t, r in pending])
    return batch_id, pending, existing is not None


@bp.post("/regenerations")
@spec.validate(json=RegenerationIn, resp=Resp(HTTP_202=BatchOut, HTTP_200=BatchOut),
               tags=["ops"])
def create_regeneration() -> Answer:
    """Regenerate the selected teasers, with ``changes`` to their edit lists if given;
    202 with the batch (200 and nothing newly queued when the same selection and changes
    were submitted before)."""
    who = require_ops()
    sel: RegenerationIn = request.context.json  # type: ignore[attr-defined]
    version = template_version()
    changes = _checked(sel.changes, version)
    normalised = sel.normalised()
    key = selection_key(normalised, version, changes)
    try:
        batch_id, pending, existed = _submit(sel, normalised, key, version, who.seller_id,
                                             changes)
    except IntegrityError:
        # The same selection submitted at the same moment: the other request made the
        # batch (its selection_key is unique); this one finds it.
        batch_id, pending, existed = _submit(sel, normalised, key, version, who.seller_id,
                                             changes)
    newly = _enqueue(pending)
    with db().session() as s:
        batch_row = s.get(RegenerationBatch, batch_id)
        assert batch_row is not None
        body = batch_out(s, batch_row, newly)
    status = 200 if existed else 202
    return body, status, {"Location": body.links["self"]}


def _checked(changes: Changes | None, version: str) -> dict[str, Any] | None:
    """The changes asked for (None when none), refused when the worker could not make
    them: an unknown music bed, a template other than the one this service draws."""
    given = changes.given() if changes is not None else {}
    if "music" in given:
        check_music(given["music"])
    if given.get("template_version", version) != version:
        raise Problem(422, "Invalid request", f"This service draws template version "
                      f"{version}; a regeneration can bring teasers to it, not to "
                      f"{given['template_version']!r}.", code="unknown_template",
                      field="template_version")
    return given or None


def _enqueue(pending: list[tuple[str, int]]) -> int:
    if not pending:
        return 0
    try:
        return jobs().enqueue_renders(pending, queue="batch")
    except Exception:  # rows are committed; the reconciler queues them when Redis is back
        return 0


@bp.get("/regenerations/<batch_id>")
@spec.validate(resp=Resp(HTTP_200=BatchOut), tags=["ops"])
def get_regeneration(batch_id: str) -> Answer:
    """Counts queued / running / done / failed, and failures with reasons."""
    require_ops()
    with db().session() as s:
        batch = s.get(RegenerationBatch, batch_id)
        if batch is None:
            raise not_found("regeneration batch", batch_id)
        return batch_out(s, batch)


class ItemQuery(Model):
    """A page of a batch's items, in teaser id order."""

    limit: int = Field(100, ge=1, le=1000)
    after: str | None = Field(None, description="the last teaser id of the previous page")


class ItemOut(Model):
    """One teaser of a batch: where it stands (queued, running, done, failed,
    superseded), the work its result took, and why it failed."""

    teaser_id: str
    revision: int
    outcome: str
    work: str | None
    error: str | None


class ItemList(Model):
    """A page of a batch's items; ``next`` is the ``after`` of the next page."""

    items: list[ItemOut]
    next: str | None


@bp.get("/regenerations/<batch_id>/items")
@spec.validate(query=ItemQuery, resp=Resp(HTTP_200=ItemList), tags=["ops"])
def list_regeneration_items(batch_id: str) -> Answer:
    """Each teaser of a batch with its outcome and the work done, in pages."""
    require_ops()
    q: ItemQuery = request.context.query  # type: ignore[attr-defined]
    with db().session() as s:
        if s.get(RegenerationBatch, batch_id) is None:
            raise not_found("regeneration batch", batch_id)
        query = _items(batch_id).order_by(Teaser.id).limit(q.limit)
        if q.after is not None:
            query = query.where(Teaser.id > q.after)
        rows = s.execute(query).all()
    items = [ItemOut(teaser_id=t, revision=item_rev, outcome=_outcome(item_rev, rev, status),
                     work=done, error=error if status is TeaserStatus.FAILED else None)
             for item_rev, done, t, rev, status, error in rows]
    return ItemList(items=items, next=items[-1].teaser_id if len(items) == q.limit else None)


class QueueOut(Model):
    """One queue now: jobs waiting, running, due to retry, failed (by reason code)."""

    name: str
    waiting: int
    running: int
    scheduled: int = Field(description="retries waiting out their back-off")
    failed: int
    oldest_waiting_s: float | None = Field(description="age of the oldest waiting job")
    failed_by_reason: dict[str, int] = Field(
        description="the newest failed jobs (up to 1,000) by reason code: bad_input, "
                    "timeout, disk_full, memory_limit, ffmpeg_failed, render_failed, "
                    "internal, interrupted (the run was cut short: killed or its worker died)")


class WorkerOut(Model):
    """One registered worker and the job it is running."""

    name: str
    hostname: str | None
    pid: int | None
    state: str
    current_job: str | None
    queues: list[str]
    heartbeat_age_s: float | None
    successful_jobs: int
    failed_jobs: int


class Failure(Model):
    """A teaser whose latest render failed, and why."""

    teaser_id: str
    seller_id: str
    reason: str | None
    at: str | None


class QueueOverview(Model):
    """Teasers per status across sellers, what the queues and workers hold now (``null``
    while Redis does not answer) and the latest failed renders with their reasons."""

    teasers: dict[str, int]
    queues: list[QueueOut] | None
    workers: list[WorkerOut] | None
    failures: list[Failure]


RECENT_FAILURES = 20


@bp.get("/queues")
@spec.validate(resp=Resp(HTTP_200=QueueOverview), tags=["ops"])
def queue_overview() -> Answer:
    """Teasers per status, each queue's depth, oldest waiting job and failed jobs by
    reason, the workers with their current job (read from Redis now), and the latest
    failed renders with their reasons, newest first."""
    require_ops()
    with db().session() as s:
        rows = s.execute(select(Teaser.status, func.count()).group_by(Teaser.status)).all()
        failed = s.scalars(select(Teaser).where(Teaser.status == TeaserStatus.FAILED)
                           .order_by(Teaser.finished_at.desc(), Teaser.id)
                           .limit(RECENT_FAILURES)).all()
        failures = [Failure(teaser_id=t.id, seller_id=t.seller_id, reason=t.error,
                            at=iso(t.finished_at)) for t in failed]
    queues: list[QueueOut] | None = None
    workers: list[WorkerOut] | None = None
    try:
        connection = jobs().connection  # type: ignore[attr-defined]
        queues = [QueueOut(**dataclasses.asdict(q))
                  for q in queue_watch.queue_states(connection, QUEUES)]
        workers = [WorkerOut(**dataclasses.asdict(w))
                   for w in queue_watch.worker_states(connection)]
    except Exception:  # Redis down: the page still shows what the database knows
        queues = workers = None
    return QueueOverview(teasers={str(status): count for status, count in rows},
                         queues=queues, workers=workers, failures=failures)


class BatchQuery(Model):
    """How many of the latest batches."""

    limit: int = Field(20, ge=1, le=100)


class BatchList(Model):
    """The latest regeneration batches, newest first, with their progress counts."""

    items: list[BatchOut]


@bp.get("/regenerations")
@spec.validate(query=BatchQuery, resp=Resp(HTTP_200=BatchList), tags=["ops"])
def list_regenerations() -> Answer:
    """The latest regeneration batches, newest first, each with its counts and failures."""
    require_ops()
    q: BatchQuery = request.context.query  # type: ignore[attr-defined]
    with db().session() as s:
        batches = s.scalars(select(RegenerationBatch)
                            .order_by(RegenerationBatch.created_at.desc(), RegenerationBatch.id)
                            .limit(q.limit)).all()
        return BatchList(items=[batch_out(s, b) for b in batches])


class Preview(Model):
    """What a selection would regenerate, without doing it."""

    matched: int
    teaser_ids: list[str]


@bp.post("/regenerations/preview")
@spec.validate(json=Selection, resp=Resp(HTTP_200=Preview), tags=["ops"])
def preview_regeneration() -> Answer:
    """Dry run: how many finished teasers the selection matches (and the first 100 ids);
    nothing is queued or changed."""
    require_ops()
    sel: Selection = request.context.json  # type: ignore[attr-defined]
    with db().session() as s:
        matched = _matching(s, sel)
    return Preview(matched=len(matched), teaser_ids=[t for t, _ in matched[:100]])




@bp.post("/regenerations/<batch_id>/cancel")
@spec.validate(resp=Resp(HTTP_200=BatchOut), tags=["ops"])
def cancel_regeneration(batch_id: str) -> Answer:
    """Cancel what is still queued of a batch: those teasers keep their current video
    (their queued render does nothing when it comes up); renders already running finish."""
    require_ops()
    at = now()
    with db().session() as s:
        batch = s.get(RegenerationBatch, batch_id, with_for_update=True)
        if batch is None:
            raise not_found("regeneration batch", batch_id)
        waiting = s.scalars(
            select(Teaser).join(RegenerationItem, RegenerationItem.teaser_id == Teaser.id)
            .where(RegenerationItem.batch_id == batch.id,
                   RegenerationItem.revision == Teaser.revision,
                   Teaser.status == TeaserStatus.QUEUED)).all()
        for teaser in waiting:
            lifecycle.cancel_revision(teaser, at)
        batch.cancelled_at = batch.cancelled_at or at
        s.flush()
        return batch_out(s, batch, cancelled=len(waiting))


class AccountIn(Model):
    """A shop's account as the platform knows it."""

    model_config = example(account_type="official", has_unresolved_sanction=False)

    account_type: Literal["official", "affiliate", "marketing"]
    has_unresolved_sanction: bool = False


class AccountOut(Model):
    """The shop's account type as now linked."""

    seller_id: str
    account_type: str


@bp.put("/sellers/<seller_id>/account")
@spec.validate(json=AccountIn, resp=Resp(HTTP_200=AccountOut), tags=["ops"])
def put_account(seller_id: str) -> Answer:
    """Record the platform's account type for a shop; only an official account without
    an unresolved sanction links for LIVE selling (refused with the reason)."""
    require_ops()
    body: AccountIn = request.context.json  # type: ignore[attr-defined]
    ensure_linkable(AccountType(body.account_type), body.has_unresolved_sanction)
    with db().session() as s:
        row = s.get(Seller, seller_id)
        if row is None:
            raise not_found("seller", seller_id)
        row.account_type = body.account_type
        return AccountOut(seller_id=row.id, account_type=row.account_type)
