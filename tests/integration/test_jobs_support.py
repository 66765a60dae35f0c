"""Fixtures shared by the queue tests (no tests here): a redis-server of our own, a
migrated database, a media store, the job gateway, and rows to work on."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pytest

from cuplik.embedded_redis import EmbeddedRedis
from store.db import Database
from store.media import MediaStore
from store.queues import QUEUES, JobGateway
from tests.postgres import private_schema


class Stores(Protocol):
    """What the add_* helpers write to: a ``Stack``, or a service's own database and
    media store."""

    db: Database
    media: MediaStore


@dataclass
class Stack:
    """Everything a job needs, wired the way ``cuplik worker`` wires it."""

    redis: EmbeddedRedis
    gateway: JobGateway
    db: Any
    media: Any
    root: Path

    def worker(self) -> Any:
        """An in-process worker on both queues, in priority order (burst mode by caller)."""
        from rq import SimpleWorker
        from rq.serializers import JSONSerializer

        return SimpleWorker([self.gateway.queue(name) for name in QUEUES],
                            connection=self.gateway.connection, serializer=JSONSerializer)

    def drain(self) -> None:
        """Run queued jobs until none are left (retries due now included)."""
        self.worker().work(burst=True, with_scheduler=True)

    def teaser(self, teaser_id: str) -> Any:
        from store.models import Teaser

        with self.db.session() as session:
            return session.get(Teaser, teaser_id)

    def footage(self, footage_id: str) -> Any:
        from store.models import Footage

        with self.db.session() as session:
            return session.get(Footage, footage_id)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def stack(request: pytest.FixtureRequest, redis_server: EmbeddedRedis,
          tmp_path: Path) -> Iterator[Stack]:
    """A fresh database (SQLite file, or a private PostgreSQL schema), media root and
    an emptied Redis, with the job context pointing at them."""
    from worker import jobs

    with contextlib.ExitStack() as cleanup:
        schema = None
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'cuplik.db'}"
        else:
            url, schema = cleanup.enter_context(private_schema("q"))
        db = Database(url, schema=schema)
        cleanup.callback(db.dispose)
        db.upgrade()
        media = MediaStore(tmp_path / "media")
        if not redis_server.process or redis_server.process.poll() is not None:
            redis_server.start()
        gateway = JobGateway(redis_server.url)
        gateway.connection.flushdb()  # our own server: nobody else's data in it
        jobs.configure(db, media)
        yield Stack(redis_server, gateway, db, media, tmp_path)
        jobs.reset()
        gateway.connection.close()


def add_seller(stack: Stores, name: str | None = None) -> str:
    from store.models import Seller

    with stack.db.session() as session:
        seller = Seller(name=name or f"shop-{uuid.uuid4().hex[:8]}")
        session.add(seller)
        session.flush()
        return seller.id


def add_footage(stack: Stores, seller_id: str, source: Path | None, *,
                status: str = "uploaded") -> str:
    """A footage row whose file is a copy of ``source`` under a uuid name (or missing)."""
    from domain.lifecycle import FootageStatus
    from store.models import Footage

    rel = stack.media.new_upload_path()
    target = stack.media.absolute(rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:
        target.write_bytes(source.read_bytes())
    with stack.db.session() as session:
        row = Footage(seller_id=seller_id, path=rel, status=FootageStatus(status),
                      original_filename="clip.mp4",
                      size_bytes=target.stat().st_size if source else 0)
        session.add(row)
        session.flush()
        return row.id


def add_session(stack: Stores, seller_id: str, footage_id: str | None,
                rows: list[dict[str, Any]] | None = None) -> str:
    from store.models import LiveSession

    with stack.db.session() as session:
        live = LiveSession(seller_id=seller_id, title="Flash sale Sabtu",
                           started_at=datetime(2026, 11, 20, 12, tzinfo=UTC),
                           ended_at=datetime(2026, 11, 20, 13, tzinfo=UTC),
                           timeline=rows or [], footage_id=footage_id)
        session.add(live)
        session.flush()
        return live.id


def add_teaser(stack: Stores, seller_id: str, *, session_id: str | None = None,
               footage_id: str | None = None, revision: int = 1,
               target_seconds: float = 6.0, age: timedelta = timedelta(0),
               status: str = "queued", attempts: int = 0) -> str:
    """A teaser row as the API writes it (``age`` back-dates it for the reconciler)."""
    from domain.lifecycle import TeaserSource, TeaserStatus
    from store.models import Teaser, utcnow

    when = utcnow() - age
    with stack.db.session() as session:
        teaser = Teaser(seller_id=seller_id, status=TeaserStatus(status),
                        source_kind=TeaserSource.SESSION if session_id else TeaserSource.FOOTAGE,
                        session_id=session_id, footage_id=footage_id, revision=revision,
                        attempts=attempts,
                        params={"target_seconds": target_seconds, "music": "auto",
                                "lang": "id", "tz": "Asia/Jakarta", "sticker_text": None,
                                "plan_start": None},
                        created_at=when, updated_at=when)
        session.add(teaser)
        session.flush()
        return teaser.id


def backdate(stack: Stores, model: Any, row_id: str, age: timedelta) -> None:
    """Make a row look untouched for ``age`` (updated_at is set on every write)."""
    from sqlalchemy import update

    from store.models import utcnow

    with stack.db.session() as session:
        session.execute(update(model).where(model.id == row_id)
                        .values(updated_at=utcnow() - age))
