"""What the queues hold right now, read from Redis for operators (``GET /v1/ops/queues``
and ``GET /metrics``): per queue the jobs waiting, running, due to retry and failed (by
reason code), the age of the oldest waiting job; the workers, what each is doing and
when it last beat. Read only: nothing here changes a queue."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from redis import Redis
from rq import Queue, Worker
from rq.job import Job
from rq.utils import utcparse

# Read at most this many failed jobs per queue for the reasons (newest first): failed jobs
# are kept for days, and the page must answer in milliseconds.
FAILED_SAMPLE = 1000
# A failed job with no reason recorded ended without the job code seeing it: its work
# horse was killed (memory, a timeout enforced from outside) or its worker died.
INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class QueueState:
    """One queue: counts of its jobs and how long the oldest waiting one has waited."""

    name: str
    waiting: int
    running: int
    scheduled: int  # retries waiting for their back-off
    failed: int
    oldest_waiting_s: float | None
    failed_by_reason: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkerState:
    """One registered worker: where it runs, what it does, how fresh its heartbeat is."""

    name: str
    hostname: str | None
    pid: int | None
    state: str
    current_job: str | None
    queues: list[str]
    heartbeat_age_s: float | None
    successful_jobs: int
    failed_jobs: int


def redis_now(connection: Redis) -> datetime:
    """Redis' clock (the workers' and ours may differ from it)."""
    seconds, micros = connection.time()
    return datetime.fromtimestamp(seconds + micros / 1e6, tz=UTC)


def _age(now: datetime, stamp: Any) -> float | None:
    if not stamp:
        return None
    when = utcparse(stamp.decode() if isinstance(stamp, bytes) else str(stamp))
    return max(0.0, (now - when.replace(tzinfo=UTC)).total_seconds())


def _reason(meta: bytes | None) -> str:
    if not meta:
        return INTERRUPTED
    try:
        reason = json.loads(meta).get("reason")
    except (ValueError, AttributeError):
        return INTERRUPTED
    return str(reason) if reason else INTERRUPTED


def queue_states(connection: Redis, names: Sequence[str], *,
                 with_reasons: bool = True) -> list[QueueState]:
    """The state of each named queue, in the order given."""
    now = redis_now(connection)
    states = []
    for name in names:
        queue = Queue(name, connection=connection)
        oldest_id: Any = connection.lindex(queue.key, 0)
        oldest = (connection.hget(Job.key_for(oldest_id.decode()), "enqueued_at")
                  if oldest_id else None)
        failed = queue.failed_job_registry
        reasons: Counter[str] = Counter()
        if with_reasons:
            ids = failed.get_job_ids(0, FAILED_SAMPLE - 1, desc=True, cleanup=False)
            with connection.pipeline(transaction=False) as pipe:
                for job_id in ids:
                    pipe.hget(Job.key_for(job_id), "meta")
                reasons.update(_reason(meta) for meta in pipe.execute())
        states.append(QueueState(
            name=name, waiting=queue.count,
            running=queue.started_job_registry.get_job_count(cleanup=False),
            scheduled=queue.scheduled_job_registry.get_job_count(cleanup=False),
            failed=failed.get_job_count(cleanup=False),
            oldest_waiting_s=_age(now, oldest), failed_by_reason=dict(reasons)))
    return states


def worker_states(connection: Redis) -> list[WorkerState]:
    """Every worker registered in this Redis, by name."""
    now = redis_now(connection)
    out = []
    for worker in Worker.all(connection=connection):
        beat = worker.last_heartbeat
        out.append(WorkerState(
            name=worker.name, hostname=worker.hostname, pid=worker.pid,
            state=str(getattr(worker.get_state(), "value", worker.get_state())),
            current_job=worker.get_current_job_id(),
            queues=worker.queue_names(),
            heartbeat_age_s=None if beat is None else
            max(0.0, (now - beat.replace(tzinfo=UTC)).total_seconds()),
            successful_jobs=worker.successful_job_count, failed_jobs=worker.failed_job_count))
    return sorted(out, key=lambda w: w.name)
