"""The states a teaser and an upload go through, and where a teaser's footage comes from.

Domain facts, one enum each: the database stores these values, the API shows them, the
worker and the reconciler move a row between them (the moves themselves are written once,
in ``store/lifecycle.py``).

A teaser is ``queued`` → ``running`` → ``ready``, or ``failed`` with a reason the seller
can act on; a failed attempt RQ will retry goes back to ``queued``. A new revision (an edit,
a relink, an ops regeneration) starts again at ``queued`` while the last ready video stays
served. An upload is ``uploaded`` until its ingest says ``ready`` or ``rejected``.
"""

from __future__ import annotations

from enum import StrEnum


class TeaserStatus(StrEnum):
    """Lifecycle of a teaser."""

    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


FINAL_TEASER_STATES = frozenset({TeaserStatus.READY, TeaserStatus.FAILED})


class FootageStatus(StrEnum):
    """Lifecycle of an upload."""

    UPLOADED = "uploaded"
    READY = "ready"
    REJECTED = "rejected"


class TeaserSource(StrEnum):
    """Where a teaser's footage comes from: a past LIVE session's recording or an upload."""

    SESSION = "session"
    FOOTAGE = "footage"
