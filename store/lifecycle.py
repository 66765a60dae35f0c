"""Every change of a teaser's or an upload's state, written once.

The API (create, edit, relink, regenerate, cancel), the render and ingest jobs (start,
retry or fail, finish) and the reconciler (give up) call these; none of them sets a status
by hand. Each function works on rows of an open session and returns the webhook deliveries
it recorded, which the caller queues once the session has committed
(``store.webhooks.enqueue``). The states themselves are the domain's
(``domain/lifecycle.py``); a render's job id is the queue module's (``store/queues.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from domain.lifecycle import FootageStatus, TeaserSource, TeaserStatus
from store import webhooks
from store.models import Footage, RegenerationItem, Teaser
from store.queues import render_job_id

# A revision waiting for its first attempt: what new_revision and new_revisions both write.
_FRESH: dict[str, Any] = {"status": TeaserStatus.QUEUED, "stage": None, "progress": 0.0,
                          "error": None, "error_id": None, "attempts": 0,
                          "started_at": None, "finished_at": None}

CANCELLED = "The regeneration was cancelled before this teaser was rendered again."
CANCELLED_ID = "Regenerasi dibatalkan sebelum teaser ini dibuat ulang."


def new_teaser(s: Session, *, seller_id: str, source: TeaserSource, **columns: Any) -> Teaser:
    """A queued first revision (flushed, so it has its id and its render's job id)."""
    row = Teaser(seller_id=seller_id, source_kind=source, status=TeaserStatus.QUEUED,
                 revision=1, **columns)
    s.add(row)
    s.flush()
    row.job_id = render_job_id(row.id, row.revision)
    return row


def new_revision(row: Teaser, at: datetime) -> None:
    """Render ``row`` again as its next revision: queued from the start; the last ready
    video stays served until the new one is verified, and the old revision's job, if it
    is still waiting, does nothing when it comes up."""
    row.revision += 1
    _queued(row, at)


def new_revisions(s: Session, current: Iterable[tuple[str, int]], at: datetime) -> None:
    """:func:`new_revision` for many teasers at once, given each one's current revision
    (an ops regeneration of thousands: one statement, no rows loaded)."""
    values = [{"tid": t, "was": r, "rev": r + 1, "jid": render_job_id(t, r + 1)}
              for t, r in current]
    if not values:
        return
    # A row whose revision moved on since it was read is left alone (its newer job stands).
    # Core, not ORM: one executemany over the table, no rows loaded.
    table = cast(Table, Teaser.__table__)
    t = table.c
    s.execute(update(table).where(t.id == bindparam("tid"),
                                  t.revision == bindparam("was")).values(
        revision=bindparam("rev"), job_id=bindparam("jid"), updated_at=at, **_FRESH), values)


def cancel_revision(row: Teaser, at: datetime) -> None:
    """Take back a queued revision: the row is back where it was before it (ready with its
    video, or failed when it never had one) under a new revision number, so the queued
    job does nothing."""
    row.revision += 1
    ready = row.video_path is not None
    row.status = TeaserStatus.READY if ready else TeaserStatus.FAILED
    row.stage, row.progress = None, 1.0 if ready else 0.0
    row.error, row.error_id = (None, None) if ready else (CANCELLED, CANCELLED_ID)
    row.job_id, row.updated_at = None, at


def start(row: Teaser, at: datetime, job_id: str | None) -> None:
    """A worker has taken the render of ``row``'s revision."""
    row.status, row.stage, row.progress = TeaserStatus.RUNNING, "starting", 0.0
    row.attempts += 1
    row.started_at, row.finished_at, row.error, row.error_id = at, None, None, None
    if job_id is not None:
        row.job_id = job_id


def handed_back(row: Teaser) -> None:
    """A stopping worker gave the running render back to the queue: waiting again, and
    the cut-short run does not count as an attempt."""
    if row.status is TeaserStatus.RUNNING:
        row.status, row.stage, row.progress = TeaserStatus.QUEUED, "waiting for a worker", 0.0
        row.attempts = max(0, row.attempts - 1)


def retry_later(row: Teaser, reason: str, indonesian: str | None = None) -> None:
    """An attempt failed and the queue will run it again (``indonesian``: the reason for a
    seller reading Indonesian)."""
    row.status, row.stage, row.progress = TeaserStatus.QUEUED, "waiting to retry", 0.0
    row.error, row.error_id = reason, indonesian


def fail(s: Session, row: Teaser, reason: str, at: datetime,
         indonesian: str | None = None) -> list[str]:
    """No more attempts: ``failed`` with the reason (``indonesian``: the same for a seller
    reading Indonesian), and the seller's webhook told. The last verified video (of an
    earlier revision) stays where it was."""
    row.status, row.stage, row.finished_at = TeaserStatus.FAILED, "failed", at
    row.error, row.error_id = reason, indonesian
    return webhooks.teaser_ended(s, row, at)


def finish(s: Session, row: Teaser, *, video: str, poster: str, report: dict[str, Any],
           template_version: str, at: datetime, params: dict[str, Any] | None = None,
           work: str | None = None) -> list[str]:
    """The verified render is in place: ``ready`` with its files and report. ``params``:
    the render parameters it was made with when a regeneration changed them (so later
    renders keep the change); ``work``: what a regeneration's result took, recorded on
    the batch's item for this revision."""
    row.video_path, row.poster_path, row.report = video, poster, report
    row.status, row.stage, row.progress = TeaserStatus.READY, "done", 1.0
    row.error, row.error_id, row.finished_at = None, None, at
    row.template_version = template_version  # what this verified render was made with
    if params is not None:
        row.params = params
    if work is not None:
        s.execute(update(RegenerationItem).where(
            RegenerationItem.teaser_id == row.id, RegenerationItem.revision == row.revision)
            .values(work=work), execution_options={"synchronize_session": False})
    return webhooks.teaser_ended(s, row, at)


def footage_ended(s: Session, row: Footage, status: FootageStatus, at: datetime,
                  **values: Any) -> list[str]:
    """An upload's ingest has its verdict (``ready`` with its probe and analysis, or
    ``rejected`` with a reason); the seller's webhook told."""
    row.status = status
    for key, value in values.items():
        setattr(row, key, value)
    return webhooks.record_event(s, row.seller_id, f"footage.{status}",
                                 webhooks.footage_data(row), at)


def _queued(row: Teaser, at: datetime) -> None:
    for column, value in _FRESH.items():
        setattr(row, column, value)
    row.job_id, row.updated_at = render_job_id(row.id, row.revision), at
