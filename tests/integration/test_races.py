"""Races (issue 13.6) on SQLite and PostgreSQL: requests sent at the same moment from
threads against one app. Caps and uniqueness hold because the database enforces them
(the plan's row lock, the slot's unique index, the idempotency key's primary key, the
selection key's unique constraint), not because the requests happened to be slow."""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from api import create_app
from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import RegenerationBatch, Teaser
from tests.postgres import private_schema
from tests.unit.api.conftest import (
    NOW,
    Clock,
    FakeGateway,
    make_key,
    ready_footage,
    seller_id,
)
from tests.unit.api.helpers import catalogue, plan_body

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    config: dict[str, Any] = {"MEDIA_ROOT": str(tmp_path / "media"), "JOBS": FakeGateway(),
                              "NOW": Clock(NOW), "TESTING": True}
    with contextlib.ExitStack() as cleanup:
        if request.param == "sqlite":
            config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'races.db'}"
        else:
            url, schema = cleanup.enter_context(private_schema())
            config.update(DATABASE_URL=url, DATABASE_SCHEMA=schema)
        app = create_app(config=config)
        yield app
        app.extensions["db"].dispose()


def at_once(app: Flask, n: int, send: Callable[[Any], Any]) -> list[Any]:
    """Run ``send(client)`` from ``n`` threads released together."""
    barrier = threading.Barrier(n)

    def one(_: int) -> Any:
        client = app.test_client()
        barrier.wait()
        return send(client)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def _count(db: Database, *where: Any) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Teaser).where(*where)) or 0


def test_the_same_teaser_request_twice_at_once_with_a_key_makes_one_teaser(app: Flask) -> None:
    db: Database = app.extensions["db"]
    alice = make_key(db, "alice")
    footage_id = ready_footage(app.test_client(), db, alice)
    headers = {**alice, "Idempotency-Key": str(uuid.uuid4())}
    answers = at_once(app, 2, lambda c: c.post("/v1/teasers", json={"footage_id": footage_id},
                                                headers=headers))
    assert [r.status_code for r in answers] == [202, 202]
    assert len({r.get_json()["id"] for r in answers}) == 1
    assert _count(db) == 1
    assert len(app.extensions["jobs"].renders) == 1


def test_the_same_slot_asked_twice_at_once_makes_one_teaser(app: Flask) -> None:
    db: Database = app.extensions["db"]
    alice = make_key(db, "alice")
    client = app.test_client()
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = client.post("/v1/plans", json=plan_body(), headers=alice).get_json()
    body = {"footage_id": footage_id, "plan_id": plan["id"], "slot": "day_before"}
    answers = at_once(app, 2, lambda c: c.post("/v1/teasers", json=body, headers=alice))
    assert sorted(r.status_code for r in answers) == [202, 409]
    assert _count(db, Teaser.plan_id == plan["id"]) == 1


def test_ten_requests_at_once_for_one_plan_stop_at_its_cap_of_four(app: Flask) -> None:
    db: Database = app.extensions["db"]
    alice = make_key(db, "alice")
    client = app.test_client()
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = client.post("/v1/plans", json=plan_body(), headers=alice).get_json()
    body = {"footage_id": footage_id, "plan_id": plan["id"]}
    answers = at_once(app, 10, lambda c: c.post("/v1/teasers", json=body, headers=alice))
    codes = sorted(r.status_code for r in answers)
    assert codes == [202] * 4 + [409] * 6, [r.get_json() for r in answers]
    assert _count(db, Teaser.plan_id == plan["id"]) == 4


def test_five_identical_regeneration_submits_at_once_make_one_batch(app: Flask) -> None:
    db: Database = app.extensions["db"]
    alice, ops = make_key(db, "alice"), make_key(db, "ops", ops=True)
    client = app.test_client()
    footage_id = ready_footage(client, db, alice)
    ids = [client.post("/v1/teasers", json={"footage_id": footage_id}, headers=alice)
           .get_json()["id"] for _ in range(3)]
    with db.session() as s:
        for teaser_id in ids:
            row = s.get(Teaser, teaser_id)
            assert row is not None
            row.status = TeaserStatus.READY
    selection = {"status": ["ready"], "seller_id": seller_id(client, alice)}
    answers = at_once(app, 5, lambda c: c.post("/v1/ops/regenerations", json=selection,
                                                headers=ops))
    assert sorted(r.status_code for r in answers) == [200] * 4 + [202], [
        r.get_json() for r in answers]
    assert len({r.get_json()["id"] for r in answers}) == 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(RegenerationBatch)) == 1
        assert {s.get(Teaser, t).revision for t in ids} == {2}  # type: ignore[union-attr]
