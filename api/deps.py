"""What routes reach through ``current_app.extensions``: the database, media store, job
gateway, clock and settings. Nothing here connects at import time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from flask import current_app

from store.db import Database
from store.media import MediaStore
from store.queues import JobGateway


class Jobs(Protocol):
    """The job gateway's interface (store/queues.py implements it over RQ)."""

    def enqueue_render(self, teaser_id: str, revision: int, *, queue: str = ...) -> str: ...
    def enqueue_renders(self, items: list[tuple[str, int]], *, queue: str = ...) -> int: ...
    def enqueue_ingest(self, footage_id: str) -> str: ...
    def ping(self) -> bool: ...
    def queue_counts(self) -> dict[str, int]: ...


def db() -> Database:
    """The app's Database."""
    return current_app.extensions["db"]


def media() -> MediaStore:
    """The app's MediaStore."""
    return current_app.extensions["media"]


def jobs() -> Jobs:
    """The job gateway (created on first use, so the app starts without Redis)."""
    ext: dict[str, Any] = current_app.extensions
    if ext.get("jobs") is None:
        url = current_app.config.get("REDIS_URL")
        if not url:
            raise RuntimeError("REDIS_URL is not configured; `cuplik serve` sets it")
        ext["jobs"] = JobGateway(url)
    return ext["jobs"]


def now() -> datetime:
    """The current time (aware UTC); tests replace the clock through config NOW."""
    clock: Callable[[], datetime] = current_app.extensions["clock"]
    return clock()


def template_version() -> str:
    """The template version new renders are made with."""
    return str(current_app.config["TEMPLATE_VERSION"])
