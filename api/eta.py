"""``eta_s``: seconds until a teaser is ready, from measured render times.

A render's speed is measured on the last finished renders (wall seconds per second of
teaser, ``finished_at - started_at`` over the target length), remembered for a minute
per process. A running teaser's ETA follows its own progress once that says enough; a
queued one waits for the teasers queued before it (shared among the renders running now,
at least one), then takes a render of its size.
"""

from __future__ import annotations

import statistics
import threading
import time
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.deps import db
from domain.lifecycle import TeaserStatus
from store.models import Teaser

DEFAULT_S_PER_S = 0.25  # before anything was measured: a 40 s teaser in about 10 s
SAMPLE = 50
REMEMBER_S = 60.0
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
    rates = [(done - started).total_seconds() / float((params or {}).get("target_seconds") or 40)
             for started, done, params in rows if done > started]
    value = statistics.median(rates) if rates else DEFAULT_S_PER_S
    with _lock:
        current_app.extensions["eta_rate"] = (time.monotonic() + REMEMBER_S, value)
    return value


@dataclass(frozen=True)
class Queue:
    """What the queue looks like now: when each queued teaser was asked for, and how many
    renders are running."""

    queued_at: list[datetime]
    running: int
    rate: float


def _queue() -> Queue:
    """The queue, read once per request (a list of 50 teasers reads it once)."""
    cached: Queue | None = g.get("eta_queue")
    if cached is None:
        with db().session() as s:
            queued = sorted(s.scalars(select(Teaser.created_at).where(
                Teaser.status == TeaserStatus.QUEUED).limit(10_000)))
            running = s.scalar(select(func.count()).select_from(Teaser).where(
                Teaser.status == TeaserStatus.RUNNING)) or 0
            cached = Queue(queued, running, seconds_per_second(s))
        g.eta_queue = cached
    return cached


def eta_seconds(row: Teaser, at: datetime) -> float | None:
    """Seconds until ``row`` is ready (``None`` once it is ready or failed)."""
    if row.status in (TeaserStatus.READY, TeaserStatus.FAILED):
        return None
    q = _queue()
    render = q.rate * float((row.params or {}).get("target_seconds") or 40)
    if row.status is TeaserStatus.RUNNING and row.started_at is not None:
        elapsed = max(0.0, (at - row.started_at).total_seconds())
        if row.progress > 0.05:
            return round(max(0.0, elapsed / row.progress * (1 - row.progress)), 1)
        return round(max(1.0, render - elapsed), 1)
    ahead = bisect_left(q.queued_at, row.created_at)
    return round(render * (1 + ahead / max(1, q.running)), 1)
