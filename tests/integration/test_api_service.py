"""The API on PostgreSQL (fresh schema) with the real RQ gateway on a private
redis-server: uploads and teasers land in the right queue under deterministic ids, and
a 1,000-teaser regeneration is enqueued within 2 s and queues nothing when resubmitted."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert

from api import create_app
from api.auth import create_key
from cuplik.embedded_redis import EmbeddedRedis
from domain.lifecycle import FootageStatus, TeaserStatus
from store.db import Database
from store.models import Footage, Seller, Teaser
from store.queues import JobGateway
from tests.postgres import private_schema


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with EmbeddedRedis(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture
def app(tmp_path: Path, redis_url: str) -> Iterator[Flask]:
    with private_schema() as (url, schema):
        app = create_app(config={"DATABASE_URL": url, "DATABASE_SCHEMA": schema,
                                 "REDIS_URL": redis_url, "MEDIA_ROOT": str(tmp_path / "media"),
                                 "TESTING": True})
        yield app
        gateway = app.extensions.get("jobs")
        if gateway is not None:
            gateway.connection.flushdb()  # our private server only
            gateway.connection.close()
        app.extensions["db"].dispose()


def _key(app: Flask, name: str, ops: bool = False) -> dict[str, str]:
    with app.extensions["db"].session() as s:
        return {"Authorization": f"Bearer {create_key(s, name, ops=ops)}"}


def _queued_ids(app: Flask, queue: str) -> list[str]:
    from api.deps import jobs

    with app.app_context():
        gateway = jobs()
        assert isinstance(gateway, JobGateway)  # the real one, over RQ
        return list(gateway.queue(queue).job_ids)


def test_healthz_sees_postgres_and_redis(app: Flask) -> None:
    body = app.test_client().get("/healthz").get_json()
    assert body == {"status": "ok", "database": True, "redis": True}


def test_upload_and_teaser_are_queued_under_deterministic_ids(app: Flask) -> None:
    client: FlaskClient = app.test_client()
    alice = _key(app, "alice")
    footage = client.post("/v1/footage", data=b"\x00" * 2048,
                          headers={**alice, "Content-Type": "video/mp4"}).get_json()
    assert f"ingest-{footage['id']}" in _queued_ids(app, "interactive")
    with app.extensions["db"].session() as s:
        row = s.get(Footage, footage["id"])
        assert row is not None
        row.status = FootageStatus.READY
    teaser = client.post("/v1/teasers", json={"footage_id": footage["id"]}, headers=alice)
    assert teaser.status_code == 202
    teaser_id = teaser.get_json()["id"]
    assert f"render-{teaser_id}-r1" in _queued_ids(app, "interactive")


def _ready_teasers(app: Flask, n: int) -> None:
    db: Database = app.extensions["db"]
    with db.session() as s:
        seller = Seller(name="bulk")
        s.add(seller)
        s.flush()
        rows: list[dict[str, Any]] = [
            {"id": uuid.uuid4().hex, "seller_id": seller.id, "status": TeaserStatus.READY,
             "source_kind": "footage", "params": {}, "template_version": "2025.1",
             "revision": 1, "video_path": "teasers/x/r1.mp4"} for _ in range(n)]
        s.execute(insert(Teaser), rows)


def test_thousand_teaser_regeneration_is_fast_and_idempotent(app: Flask) -> None:
    client = app.test_client()
    ops = _key(app, "ops", ops=True)
    _ready_teasers(app, 1000)
    # How fast (goal <= 2 s) is bench/service.py's to measure, not a timed test's: under a
    # loaded machine a wall-clock bound here fails with nothing wrong.
    started = time.perf_counter()
    response = client.post("/v1/ops/regenerations", headers=ops,
                           json={"template_version": "2025.1"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["total"] == 1000 and body["newly_queued"] == 1000
    assert len(_queued_ids(app, "batch")) == 1000
    again = client.post("/v1/ops/regenerations", headers=ops, json={"template_version": "2025.1"})
    assert again.status_code == 200 and again.get_json()["newly_queued"] == 0
    assert len(_queued_ids(app, "batch")) == 1000
    print(f"\n1,000-teaser regeneration on PostgreSQL + Redis: {elapsed:.2f} s")
