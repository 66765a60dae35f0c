"""One progress contract: ``{"stage": str, "progress": 0..1}`` on the RQ job (``job.meta``)
and on the row a seller polls, written by one throttled helper.

ffmpeg reports progress many times a second; each report would be a Redis write and a
database UPDATE. The helper writes when the stage changes, when the run completes, or
when at least ``min_interval`` seconds have passed and the figure moved by at least
``min_step`` — a seller polling every second sees it move, the database does not churn.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import update

from store.models import Teaser, utcnow

log = logging.getLogger(__name__)

RowWriter = Callable[[str, float], None]


class Progress:
    """Callable ``(stage, fraction)`` for ``worker.pipeline.make_teaser(on_progress=...)``.

    ``write_row`` persists the figure (e.g. an UPDATE of the teaser row); ``job`` is the
    current RQ job or None outside a worker. Progress never goes backwards within a run,
    so a seller never sees 60 % followed by 40 %.
    """

    def __init__(self, write_row: RowWriter | None, job: Any | None = None, *,
                 min_interval: float = 0.5, min_step: float = 0.01,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.write_row = write_row
        self.job = job
        self.min_interval = min_interval
        self.min_step = min_step
        self.clock = clock
        self.stage: str | None = None
        self.progress = 0.0
        self.writes = 0
        self._written: tuple[str | None, float] = (None, -1.0)
        self._last_write = float("-inf")

    def __call__(self, stage: str, fraction: float) -> None:
        """Record a report; persist it if the throttle allows."""
        fraction = max(self.progress, min(1.0, max(0.0, float(fraction))))
        self.stage, self.progress = stage, fraction
        last_stage, last_fraction = self._written
        now = self.clock()
        due = (stage != last_stage or fraction >= 1.0
               or (now - self._last_write >= self.min_interval
                   and fraction - last_fraction >= self.min_step))
        if due:
            self._write(now)

    def flush(self) -> None:
        """Persist the latest report even if the throttle would wait."""
        if self.stage is not None and self._written != (self.stage, self.progress):
            self._write(self.clock())

    def _write(self, now: float) -> None:
        assert self.stage is not None
        stage, fraction = self.stage, round(self.progress, 4)
        self._written, self._last_write = (self.stage, self.progress), now
        self.writes += 1
        if self.job is not None:
            self.job.meta.update({"stage": stage, "progress": fraction})
            try:
                self.job.save_meta()
            except Exception:  # progress is advisory: a Redis blip must not fail a render
                log.warning("could not save progress of job %s", self.job.id, exc_info=True)
        if self.write_row is not None:
            self.write_row(stage, fraction)


def teaser_row_writer(db: Any, teaser_id: str, revision: int) -> RowWriter:
    """A ``RowWriter`` updating ``teasers.stage/progress`` of ``teaser_id`` — only while the
    row is still at ``revision``, so a superseded render cannot overwrite a newer one."""
    def write(stage: str, fraction: float) -> None:
        with db.session() as session:
            session.execute(
                update(Teaser)
                .where(Teaser.id == teaser_id, Teaser.revision == revision)
                .values(stage=stage, progress=fraction, updated_at=utcnow()))

    return write
