"""The job queues, shared by the API (which enqueues) and the worker (whose reconciler
re-queues): RQ jobs named by dotted path, so the API process never imports the media stack
and no worker process imports Flask.

Every enqueue sets its timeout, TTLs and retry policy and uses a deterministic job id
(``render-<teaser_id>-r<revision>``, ``ingest-<footage_id>``):

* a job with that id that is still waiting or running is left alone (idempotent);
* one that already ended (finished, failed, stopped, canceled) is deleted first and a
  fresh job is enqueued — RQ would otherwise either refuse the id (``unique=True``) or
  silently overwrite the hash while the old id lingers in the failed registry.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from store.logs import current_request_id

INTERACTIVE = "interactive"
BATCH = "batch"
QUEUES = (INTERACTIVE, BATCH)  # the order workers take them in

RENDER_FUNC = "worker.jobs.render_teaser"
INGEST_FUNC = "worker.jobs.ingest_footage"

# A job that is waiting, running or due to run again: enqueueing its id again is a no-op.
ACTIVE_STATUSES = frozenset({JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED,
                             JobStatus.DEFERRED})


@dataclass(frozen=True)
class JobPolicy:
    """Timeouts and lifetimes (seconds) for one kind of job."""

    timeout: int  # hard limit on one run; the pipeline's own ffmpeg timeouts are shorter
    ttl: int  # how long it may wait in the queue before RQ discards it (reconciler re-queues)
    result_ttl: int  # how long a finished job is kept
    failure_ttl: int  # how long a failed job is kept for inspection
    retries: int
    intervals: tuple[int, ...]  # back-off between retries (needs a worker with the scheduler)

    def retry(self) -> Retry:
        return Retry(max=self.retries, interval=list(self.intervals))


RENDER_POLICY = JobPolicy(timeout=900, ttl=7 * 86400, result_ttl=86400,
                          failure_ttl=7 * 86400, retries=2, intervals=(5, 30))
INGEST_POLICY = JobPolicy(timeout=1800, ttl=7 * 86400, result_ttl=86400,
                          failure_ttl=7 * 86400, retries=2, intervals=(5, 30))


def render_job_id(teaser_id: str, revision: int) -> str:
    """The deterministic id of the render of one revision of one teaser."""
    return f"render-{teaser_id}-r{int(revision)}"


def ingest_job_id(footage_id: str) -> str:
    """The deterministic id of the ingest of one upload."""
    return f"ingest-{footage_id}"


def job_meta() -> dict[str, str]:
    """What a job carries from the request that queued it: its id, for the logs."""
    rid = current_request_id()
    return {"request_id": rid} if rid else {}


def connect(redis_url: str) -> Redis:
    """A Redis client for RQ (bytes responses, as RQ expects)."""
    return Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=10,
                          health_check_interval=30)


class JobGateway:
    """Enqueues renders and ingests on the ``interactive`` and ``batch`` queues."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.connection = connect(redis_url)
        self._queues = {name: Queue(name, connection=self.connection,
                                    serializer=JSONSerializer) for name in QUEUES}

    def queue(self, name: str) -> Queue:
        """One of our queues by name; anything else is a programming error."""
        try:
            return self._queues[name]
        except KeyError:
            raise ValueError(f"unknown queue {name!r}; use one of {', '.join(QUEUES)}") from None

    def enqueue_render(self, teaser_id: str, revision: int, *,
                       queue: str = INTERACTIVE) -> str:
        """Queue the render of ``teaser_id`` at ``revision``; returns the job id. A job
        already waiting or running under that id is left as it is."""
        job_id = render_job_id(teaser_id, revision)
        self._enqueue_one(self.queue(queue), RENDER_FUNC, [teaser_id, int(revision)],
                          job_id, RENDER_POLICY, f"render teaser {teaser_id} r{revision}")
        return job_id

    def enqueue_ingest(self, footage_id: str) -> str:
        """Queue the probe/validate/analyse of an upload; returns the job id."""
        job_id = ingest_job_id(footage_id)
        self._enqueue_one(self.queue(INTERACTIVE), INGEST_FUNC, [footage_id], job_id,
                          INGEST_POLICY, f"ingest footage {footage_id}")
        return job_id

    def enqueue_renders(self, items: Iterable[tuple[str, int]], *,
                        queue: str = BATCH) -> int:
        """Queue many renders in a few round trips; returns how many were newly queued
        (items whose job is already waiting or running count 0)."""
        q = self.queue(queue)
        wanted: dict[str, tuple[str, int]] = {}
        for teaser_id, revision in items:
            wanted.setdefault(render_job_id(teaser_id, revision), (teaser_id, int(revision)))
        if not wanted:
            return 0
        ids = list(wanted)
        statuses = self.statuses(ids)
        ended = [i for i in ids if statuses[i] is not None and statuses[i] not in ACTIVE_STATUSES]
        fresh = [i for i in ids if statuses[i] not in ACTIVE_STATUSES]
        with self.connection.pipeline() as pipe:
            for job in Job.fetch_many(ended, connection=self.connection,
                                      serializer=JSONSerializer):
                if job is not None:
                    job.delete(pipeline=pipe)
            pipe.execute()
        if not fresh:
            return 0
        policy = RENDER_POLICY
        q.enqueue_many([
            Queue.prepare_data(RENDER_FUNC, args=[wanted[i][0], wanted[i][1]], job_id=i,
                               timeout=policy.timeout, ttl=policy.ttl,
                               result_ttl=policy.result_ttl, failure_ttl=policy.failure_ttl,
                               retry=policy.retry(), meta=job_meta(),
                               description=f"render teaser {wanted[i][0]} r{wanted[i][1]}")
            for i in fresh
        ])
        return len(fresh)

    def statuses(self, job_ids: list[str]) -> dict[str, JobStatus | None]:
        """RQ status of each job id (None when Redis holds no such job), one round trip."""
        with self.connection.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.hget(Job.key_for(job_id), "status")
            raw = pipe.execute()
        return {job_id: (JobStatus(value.decode()) if value else None)
                for job_id, value in zip(job_ids, raw, strict=True)}

    def waiting_ids(self) -> set[str]:
        """Ids of the jobs waiting on any queue (one round trip, however long they are)."""
        with self.connection.pipeline(transaction=False) as pipe:
            for q in self._queues.values():
                pipe.lrange(q.key, 0, -1)
            return {i.decode() for ids in pipe.execute() for i in ids}

    def ping(self) -> bool:
        """Whether Redis answers (for ``/healthz``); never raises."""
        try:
            return bool(self.connection.ping())
        except Exception:  # any failure to reach Redis means "not reachable"
            return False

    def queue_counts(self) -> dict[str, int]:
        """Jobs waiting in each queue (for ops and health pages)."""
        return {name: q.count for name, q in self._queues.items()}

    def _enqueue_one(self, q: Queue, func: str, args: list[object], job_id: str,
                     policy: JobPolicy, description: str) -> None:
        status = self.statuses([job_id])[job_id]
        if status in ACTIVE_STATUSES:
            return
        if status is not None:
            # Ended job under the same id: remove it (and its registry entries) on purpose.
            with contextlib.suppress(NoSuchJobError):  # it may expire between the two calls
                Job.fetch(job_id, connection=self.connection, serializer=JSONSerializer).delete()
        # unique=True: if another process enqueued the same id since our check, RQ
        # refuses atomically instead of overwriting a live job; that job is ours too.
        with contextlib.suppress(DuplicateJobError):
            q.enqueue_call(func, args=args, job_id=job_id, timeout=policy.timeout,
                           ttl=policy.ttl, result_ttl=policy.result_ttl,
                           failure_ttl=policy.failure_ttl, retry=policy.retry(),
                           description=description, unique=True, meta=job_meta())
