"""``eta_s``: seconds until a teaser is ready, from measured render times.

A render's speed is measured on the last finished renders (wall seconds per second of
teaser, ``finished_at - started_at`` over the target length), remembered for a minute
per process. A running teaser's ETA follows its own progress once that says enough. A
queued one waits for the work ahead of it on its queue, in the order workers take it:
every seller-facing (``interactive``) render queued before it, and for an ops
regeneration (``batch``, the revision a regeneration item names) every interactive
render waiting plus the batch renders queued before it; each counts its own length at
the measured speed, plus what the running renders still need, shared among the renders
running now (at least one). Then it takes a render of its own size.
"""

from __future__ import annotations

import statistics
import threading
import time
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from typing import Any

from flask import current_app, g
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from api.deps import db
from domain.edits import asked_length
from domain.lifecycle import TeaserStatus
from store.models import RegenerationItem, Teaser

DEFAULT_S_PER_S = 0.25  # before anything was measured: a 40 s teaser in about 10 s
SAMPLE = 50
REMEMBER_S = 60.0
QUEUE_READ_LIMIT = 10_000
_lock = threading.Lock()


def seconds_per_second(s: Session) -> float:
    """Median wall seconds per second of teaser over the last finished renders
    (remembered for a minute by each app)."""
    measured: tuple[float, float] | None = current_app.extensions.get("eta_rate")
    if measured is not None and measured[0] > time.monotonic():
        return measured[1]
    rows = s.execute(select(Teaser.started_at, Teaser.finished_at, Teaser.params)
                     .where(Teaser.status == TeaserStatus.READY,
                            Teaser.started_at.is_not(None), Teaser.finished_at.is_not(None))
                     .order_by(Teaser.finished_at.desc()).limit(SAMPLE)).all()
    rates = [(done - started).total_seconds() / asked_length(params)
             for started, done, params in rows if done > started]
    value = statistics.median(rates) if rates else DEFAULT_S_PER_S
    with _lock:
        current_app.extensions["eta_rate"] = (time.monotonic() + REMEMBER_S, value)
    return value


@dataclass(frozen=True)
class Line:
    """One queue's waiting renders in the order workers take them (queued at, id) and the
    render seconds of all of them before each position (``work[i]``: before the i-th)."""

    keys: list[tuple[datetime, str]]
    work: list[float]

    def ahead_of(self, key: tuple[datetime, str]) -> float:
        """Render seconds queued before ``key`` on this line."""
        return self.work[bisect_left(self.keys, key)]

    @property
    def total(self) -> float:
        """Render seconds waiting on this line."""
        return self.work[-1]


def _line(waiting: list[tuple[datetime, str, float]]) -> Line:
    waiting.sort()
    return Line([(at, ident) for at, ident, _ in waiting],
                [0.0, *accumulate(seconds for _, _, seconds in waiting)])


@dataclass(frozen=True)
class Queue:
    """What the queues look like now: the waiting renders of each, which teasers wait on
    ``batch``, what the running renders still need, how many run, and the speed."""

    interactive: Line
    batch: Line
    batch_ids: frozenset[str]
    busy_s: float
    running: int
    rate: float


def _running_left(row: Any, render_s: float, at: datetime) -> float:
    """Seconds a running render still needs: from its progress once that says enough,
    else a render of its size less the time it has run."""
    elapsed = max(0.0, (at - row.started_at).total_seconds()) if row.started_at else 0.0
    progress = float(row.progress)
    if progress > 0.05:
        return max(0.0, elapsed / progress * (1 - progress))
    return max(1.0, render_s - elapsed)


def _queue(at: datetime) -> Queue:
    """The queues, read once per request (a list of 50 teasers reads them once)."""
    cached: Queue | None = g.get("eta_queue")
    if cached is not None:
        return cached
    on_batch = exists().where(RegenerationItem.teaser_id == Teaser.id,
                              RegenerationItem.revision == Teaser.revision)
    with db().session() as s:
        rate = seconds_per_second(s)
        queued = s.execute(select(Teaser.id, Teaser.updated_at, Teaser.params,
                                  on_batch.label("on_batch"))
                           .where(Teaser.status == TeaserStatus.QUEUED)
                           .limit(QUEUE_READ_LIMIT)).all()
        running = s.execute(select(Teaser.started_at, Teaser.progress, Teaser.params)
                            .where(Teaser.status == TeaserStatus.RUNNING)).all()
    lines: dict[bool, list[tuple[datetime, str, float]]] = {False: [], True: []}
    for ident, queued_at, params, batch in queued:
        lines[bool(batch)].append((queued_at, ident, rate * asked_length(params)))
    cached = Queue(
        interactive=_line(lines[False]), batch=_line(lines[True]),
        batch_ids=frozenset(ident for _, ident, _ in lines[True]),
        busy_s=sum(_running_left(r, rate * asked_length(r.params), at) for r in running),
        running=len(running), rate=rate)
    g.eta_queue = cached
    return cached


def eta_seconds(row: Teaser, at: datetime) -> float | None:
    """Seconds until ``row`` is ready (``None`` once it is ready or failed)."""
    if row.status in (TeaserStatus.READY, TeaserStatus.FAILED):
        return None
    q = _queue(at)
    render = q.rate * asked_length(row.params)
    if row.status is TeaserStatus.RUNNING:
        return round(_running_left(row, render, at), 1)
    key = (row.updated_at, row.id)
    if row.id in q.batch_ids:
        ahead = q.interactive.total + q.batch.ahead_of(key)
    else:
        ahead = q.interactive.ahead_of(key)
    return round(render + (ahead + q.busy_s) / max(1, q.running), 1)
