"""Every accepted request reaches a final state: the database is the source of truth,
Redis only carries work.

A teaser row that is ``queued`` or ``running`` must have a live RQ job behind it. When
Redis lost the job (restart without persistence, eviction, TTL), when its work horse
was killed (RQ marks the job failed but nothing updated the row), or when the worker
holding it died or it ran past its timeout, the reconciler re-queues the render — up
to ``max_attempts`` runs — or marks the teaser failed with a reason. Uploads still
``uploaded`` are handled the same way for their ingest job.

Run by every ``cuplik worker`` periodically and once by ``cuplik reconcile``.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from rq import Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from rq.utils import utcparse
from sqlalchemy import select

from domain.lifecycle import FootageStatus, TeaserStatus
from store import lifecycle, telemetry, webhooks
from store.models import Footage, RegenerationItem, Teaser, utcnow
from store.queues import (
    ACTIVE_STATUSES,
    BATCH,
    INGEST_POLICY,
    INTERACTIVE,
    RENDER_POLICY,
    JobGateway,
    ingest_job_id,
    render_job_id,
)
from worker.failures import SellerWords, interrupted

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4  # runs of one revision (RQ's own retries included) before we give up
GRACE = timedelta(seconds=30)  # the API writes the row, then enqueues: leave it that long
STUCK_MARGIN = timedelta(seconds=60)  # past the job timeout, a started job is stuck
# A worker running a job writes its heartbeat (RQ's ``last_heartbeat``) every
# HEARTBEAT_S (cuplik.workers sets RQ's job_monitoring_interval to it); three missed
# beats and it is dead. RQ's own worker key outlives a killed worker by the job
# monitoring interval + 60 s, which hid a dead worker's job for about two minutes.
HEARTBEAT_S = 5
DEAD_WORKER = "the worker running it"  # the one trouble that needs no grace period
DEAD_AFTER = timedelta(seconds=3 * HEARTBEAT_S)
_TAKEN_KEY = "cuplik:taken-not-started:"  # + job id: when a pass first saw it so


@dataclass
class ReconcileReport:
    """What one pass did (ids per outcome)."""

    requeued_teasers: list[str] = field(default_factory=list)
    failed_teasers: list[str] = field(default_factory=list)
    requeued_footage: list[str] = field(default_factory=list)
    rejected_footage: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def changed(self) -> int:
        return (len(self.requeued_teasers) + len(self.failed_teasers)
                + len(self.requeued_footage) + len(self.rejected_footage))

    def summary(self) -> str:
        return (f"checked {self.checked}: re-queued {len(self.requeued_teasers)} teasers and "
                f"{len(self.requeued_footage)} uploads, failed {len(self.failed_teasers)} "
                f"teasers, rejected {len(self.rejected_footage)} uploads")


class Reconciler:
    """One pass over the unfinished rows: ``run_once()``."""

    def __init__(self, db: Any, gateway: JobGateway, *, grace: timedelta = GRACE,
                 max_attempts: int = MAX_ATTEMPTS, stuck_margin: timedelta = STUCK_MARGIN,
                 now: Any = None) -> None:
        self.db = db
        self.gateway = gateway
        self.grace = grace
        self.max_attempts = max_attempts
        self.stuck_margin = stuck_margin
        self._now = now
        self._waiting: set[str] | None = None  # job ids on a queue, read once a pass

    def now(self) -> datetime:

        result: datetime = self._now() if self._now else utcnow()
        return result

    def run_once(self) -> ReconcileReport:
        """Check every unfinished teaser and upload older than the grace period."""
        report = ReconcileReport()
        self._waiting = None
        live_workers = self._live_workers()
        self._teasers(report, live_workers)
        self._footage(report, live_workers)
        for action, ids in (("requeued_teaser", report.requeued_teasers),
                            ("failed_teaser", report.failed_teasers),
                            ("requeued_footage", report.requeued_footage),
                            ("rejected_footage", report.rejected_footage)):
            if ids:
                telemetry.reconciler_actions.labels(action).inc(len(ids))
        if report.changed:
            log.warning("reconciler: %s", report.summary())
        return report

    def _live_workers(self) -> set[str]:
        """Names of the workers whose heartbeat is recent, by Redis' clock (the workers'
        own clocks may differ from ours)."""

        conn = self.gateway.connection
        prefix = Worker.redis_worker_namespace_prefix
        keys = list(Worker.all_keys(connection=conn))
        seconds, micros = conn.time()
        redis_now = datetime.fromtimestamp(seconds + micros / 1e6, tz=UTC)
        with conn.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hget(key, "last_heartbeat")
            beats = pipe.execute()
        live = set()
        for key, beat in zip(keys, beats, strict=True):
            if not beat:
                continue  # the key outlived its worker
            last = utcparse(beat.decode()).replace(tzinfo=UTC)
            if redis_now - last <= DEAD_AFTER:
                live.add(key.removeprefix(prefix))
        return live

    def _job_trouble(self, job_id: str, status: JobStatus | None, started_at: datetime | None,
                     timeout: int, live_workers: set[str]) -> str | None:
        """Why the job behind a row will not finish it, or None if it still may."""
        if status is None:
            return "its job was lost by the queue"
        if status == JobStatus.STARTED:
            worker = self.gateway.connection.hget(Job.key_for(job_id), "worker_name")
            name = worker.decode() if isinstance(worker, bytes) else str(worker or "")
            if name and name not in live_workers:
                return f"{DEAD_WORKER} ({name}) stopped"
            limit = timedelta(seconds=timeout) + self.stuck_margin
            if started_at is not None and self.now() - started_at > limit:
                return f"it ran longer than {int(limit.total_seconds())} s"
            return None
        if status == JobStatus.QUEUED:
            return self._taken_trouble(job_id, live_workers)
        if status in ACTIVE_STATUSES:
            return None
        # failed/stopped/canceled/finished while the row is unfinished: the run ended
        # without recording its outcome (e.g. the work horse was killed).
        return f"its run ended ({status}) without recording a result"

    def _taken_trouble(self, job_id: str, live_workers: set[str]) -> str | None:
        """Why a ``queued`` job will not run, or None. A worker takes a job off its queue
        before its work horse marks it started; killed in between (the fork of a
        loaded worker takes a while), it leaves the job off every queue, still
        ``queued``, and RQ's own clean-up would find it only at its next maintenance
        (every 10 minutes). An execution names the worker that took it; before the
        worker's first step nothing does, and the job is lost once it has been off its
        queue, not started, for three heartbeats."""
        conn = self.gateway.connection
        if self._waiting is None:  # the queues read once a pass
            self._waiting = self.gateway.waiting_ids()
        if job_id in self._waiting:
            conn.delete(_TAKEN_KEY + job_id)
            return None  # waiting its turn
        with contextlib.suppress(NoSuchJobError):
            takers = {e.worker_name for e in
                      Job.fetch(job_id, connection=conn, serializer=JSONSerializer)
                      .get_executions()}
            if takers & live_workers:
                return None  # its worker is starting it
            if takers:
                return f"{DEAD_WORKER} ({', '.join(sorted(takers))}) stopped"
        now = self.now().timestamp()
        conn.set(_TAKEN_KEY + job_id, now, nx=True, ex=3600)
        first = conn.get(_TAKEN_KEY + job_id)
        if first is not None and now - float(first) > DEAD_AFTER.total_seconds():
            return "a worker took it off the queue and stopped before starting it"
        return None

    def _teasers(self, report: ReconcileReport, live_workers: set[str]) -> None:


        cutoff = self.now() - self.grace
        with self.db.session() as session:
            # Running rows are looked at at once: their progress keeps updated_at fresh,
            # and a dead worker's job must not wait out a grace period.
            rows = session.execute(
                select(Teaser.id, Teaser.revision, Teaser.attempts, Teaser.started_at,
                       Teaser.updated_at)
                .where(Teaser.status.in_([TeaserStatus.QUEUED, TeaserStatus.RUNNING]),
                       (Teaser.updated_at < cutoff) | (Teaser.status == TeaserStatus.RUNNING)
                       )).all()
        report.checked += len(rows)
        if not rows:
            return
        ids = [render_job_id(r.id, r.revision) for r in rows]
        statuses = self.gateway.statuses(ids)
        with self.db.session() as session:
            regenerations = {(t, r) for t, r in session.execute(
                select(RegenerationItem.teaser_id, RegenerationItem.revision)
                .where(RegenerationItem.teaser_id.in_([r.id for r in rows])))}
        requeue: dict[str, list[tuple[str, int]]] = {INTERACTIVE: [], BATCH: []}
        failures: dict[str, tuple[int, SellerWords]] = {}
        for row, job_id in zip(rows, ids, strict=True):
            trouble = self._job_trouble(job_id, statuses[job_id], row.started_at,
                                        RENDER_POLICY.timeout, live_workers)
            if trouble is None or (not _aware(row.updated_at) < cutoff
                                   and not trouble.startswith(DEAD_WORKER)):
                continue
            if row.attempts >= self.max_attempts:
                failures[row.id] = (row.revision, interrupted(row.attempts, trouble))
                continue
            log.info("re-queueing teaser %s r%s: %s", row.id, row.revision, trouble)
            if statuses[job_id] in (JobStatus.STARTED, JobStatus.QUEUED):
                self._drop(job_id)  # stranded: free the id so the re-queue is not a no-op
            # An ops regeneration goes back on the batch queue; anything else (a first
            # render, a seller's edit, relink or poster) is a seller waiting.
            batch = (row.id, row.revision) in regenerations
            requeue[BATCH if batch else INTERACTIVE].append((row.id, row.revision))
        for queue, items in requeue.items():
            if items:
                self.gateway.enqueue_renders(items, queue=queue)
                report.requeued_teasers += [teaser_id for teaser_id, _ in items]
        if failures:
            self._fail_teasers(failures)
            report.failed_teasers += list(failures)

    def _fail_teasers(self, failures: dict[str, tuple[int, SellerWords]]) -> None:
        deliveries: list[str] = []
        with self.db.session() as session:
            for teaser_id, (revision, reason) in failures.items():
                teaser = session.get(Teaser, teaser_id)
                if teaser is None or teaser.revision != revision or teaser.status not in (
                        TeaserStatus.QUEUED, TeaserStatus.RUNNING):
                    continue  # it moved on since we looked
                deliveries += lifecycle.fail(session, teaser, reason.english, self.now(),
                                             indonesian=reason.indonesian)
        webhooks.enqueue(self.gateway.connection, deliveries)

    def _footage(self, report: ReconcileReport, live_workers: set[str]) -> None:


        cutoff = self.now() - self.grace
        with self.db.session() as session:
            rows = session.execute(
                select(Footage.id, Footage.updated_at, Footage.attempts)
                .where(Footage.status == FootageStatus.UPLOADED)).all()
        report.checked += len(rows)
        if not rows:
            return
        ids = [ingest_job_id(r.id) for r in rows]
        statuses = self.gateway.statuses(ids)
        rejected: dict[str, str] = {}
        for row, job_id in zip(rows, ids, strict=True):
            status = statuses[job_id]
            trouble = self._job_trouble(job_id, status, None if status != JobStatus.STARTED else
                                        self._job_started_at(job_id),
                                        INGEST_POLICY.timeout, live_workers)
            if trouble is None or (not _aware(row.updated_at) < cutoff
                                   and not trouble.startswith(DEAD_WORKER)):
                continue
            taken = status in (JobStatus.STARTED, JobStatus.QUEUED)  # by a lost worker
            lost = status is None or taken
            if lost and row.attempts >= self.max_attempts:
                # Started again and again and never finished (a worker killed each time,
                # e.g. for memory): this upload is what kills it.
                if taken:
                    self._drop(job_id)
                rejected[row.id] = (f"Processing this upload was interrupted {row.attempts} "
                                    "times; upload a shorter or smaller recording.")
            elif lost:
                # Lost or stranded while waiting/running: run it again.
                if taken:
                    self._drop(job_id)
                self.gateway.enqueue_ingest(row.id)
                report.requeued_footage.append(row.id)
            else:
                # The ingest ran and died without a verdict (e.g. killed for memory):
                # running it again would likely die again.
                rejected[row.id] = ("Processing this upload stopped unexpectedly; upload it "
                                    "again, or a shorter or smaller recording.")
        if rejected:
            deliveries: list[str] = []
            with self.db.session() as session:
                for footage_id, reason in rejected.items():
                    footage = session.get(Footage, footage_id)
                    if footage is not None and footage.status == FootageStatus.UPLOADED:
                        deliveries += lifecycle.footage_ended(
                            session, footage, FootageStatus.REJECTED, self.now(), reason=reason)
            webhooks.enqueue(self.gateway.connection, deliveries)
            report.rejected_footage += list(rejected)

    def _job_started_at(self, job_id: str) -> datetime | None:

        raw = self.gateway.connection.hget(Job.key_for(job_id), "started_at")
        if not raw:
            return None
        parsed: datetime = utcparse(raw.decode() if isinstance(raw, bytes) else str(raw))
        return parsed

    def _drop(self, job_id: str) -> None:

        self.gateway.connection.delete(_TAKEN_KEY + job_id)
        with contextlib.suppress(NoSuchJobError):  # it may have expired meanwhile
            Job.fetch(job_id, connection=self.gateway.connection,
                      serializer=JSONSerializer).delete()


def _aware(value: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands back naive datetimes)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
