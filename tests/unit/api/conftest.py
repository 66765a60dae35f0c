"""API unit tests: a real app on SQLite in a temporary directory, a FakeGateway that
records what would be queued, and a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from api.auth import create_key
from domain.lifecycle import FootageStatus
from store.db import Database
from store.models import Footage
from store.queues import ingest_job_id, render_job_id

NOW = datetime(2024, 11, 20, 5, 0, tzinfo=UTC)  # Wednesday 12:00 WIB


@dataclass
class FakeGateway:
    """Records enqueues instead of talking to Redis; ``up`` is what ping answers."""

    renders: list[tuple[str, int, str]] = field(default_factory=list)
    ingests: list[str] = field(default_factory=list)
    up: bool = True

    def enqueue_render(self, teaser_id: str, revision: int, *, queue: str = "interactive") -> str:
        self.renders.append((teaser_id, revision, queue))
        return render_job_id(teaser_id, revision)

    def enqueue_renders(self, items: list[tuple[str, int]], *, queue: str = "batch") -> int:
        fresh = [(t, r) for t, r in items if (t, r, queue) not in self.renders]
        self.renders.extend((t, r, queue) for t, r in fresh)
        return len(fresh)

    def enqueue_ingest(self, footage_id: str) -> str:
        self.ingests.append(footage_id)
        return ingest_job_id(footage_id)

    def ping(self) -> bool:
        return self.up

    def queue_counts(self) -> dict[str, int]:
        if not self.up:
            raise ConnectionError("Redis does not answer")
        return {"interactive": sum(q == "interactive" for _, _, q in self.renders),
                "batch": sum(q == "batch" for _, _, q in self.renders)}


class Clock:
    """A settable clock."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def app(tmp_path: Path, gateway: FakeGateway, clock: Clock) -> Iterator[Flask]:
    app = create_app(config={
        "DATABASE_URL": f"sqlite:///{tmp_path / 'api.db'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "MAX_UPLOAD_BYTES": 4 * 1024 * 1024,
        "JOBS": gateway,
        "NOW": clock,
        "TESTING": True,
    })
    yield app
    app.extensions["db"].dispose()


@pytest.fixture
def db(app: Flask) -> Database:
    return app.extensions["db"]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def make_key(db: Database, seller: str, *, ops: bool = False) -> dict[str, str]:
    """Authorization headers for a new key of ``seller``."""
    with db.session() as s:
        key = create_key(s, seller, ops=ops)
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def alice(db: Database) -> dict[str, str]:
    return make_key(db, "alice")


@pytest.fixture
def bob(db: Database) -> dict[str, str]:
    return make_key(db, "bob")


@pytest.fixture
def ops(db: Database) -> dict[str, str]:
    return make_key(db, "ops-team", ops=True)


def seller_id(client: FlaskClient, headers: dict[str, str]) -> str:
    """The seller id behind ``headers`` (from GET /v1/me)."""
    return str(client.get("/v1/me", headers=headers).get_json()["seller_id"])


def ready_footage(client: FlaskClient, db: Database, headers: dict[str, str],
                  **probe: Any) -> str:
    """Upload a few bytes and mark them ingested (what the ingest job does)."""
    response = client.post("/v1/footage", data=b"\x00" * 1000, headers={
        **headers, "Content-Type": "video/mp4", "X-Filename": "live.mp4"})
    assert response.status_code == 202, response.get_json()
    footage_id = response.get_json()["id"]
    with db.session() as s:
        row = s.get(Footage, footage_id)
        assert row is not None
        row.status = FootageStatus.READY
        row.probe = {"duration": 3600.0, "width": 1280, "height": 720, "has_audio": True,
                     **probe}
    return str(footage_id)
