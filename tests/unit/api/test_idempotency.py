"""Idempotency-Key on POST: replay within 24 h, 409 for another body, a freed key after a
refusal. (Concurrent retries on both databases: tests/integration/test_races.py.)"""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from store.db import Database
from store.models import Teaser
from tests.unit.api.conftest import Clock, FakeGateway, ready_footage
from tests.unit.api.helpers import catalogue, plan_body


def test_same_key_and_body_replays_the_first_answer(
    client: FlaskClient, db: Database, alice: dict[str, str], gateway: FakeGateway,
) -> None:
    footage_id = ready_footage(client, db, alice)
    headers = {**alice, "Idempotency-Key": "k-1"}
    first = client.post("/v1/teasers", json={"footage_id": footage_id}, headers=headers)
    again = client.post("/v1/teasers", json={"footage_id": footage_id}, headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    with db.session() as s:
        assert s.query(Teaser).count() == 1
    assert len(gateway.renders) == 1


def test_same_key_with_another_body_is_409(
    client: FlaskClient, db: Database, alice: dict[str, str],
) -> None:
    catalogue(client, alice)
    headers = {**alice, "Idempotency-Key": "plan-42"}
    assert client.post("/v1/plans", json=plan_body(), headers=headers).status_code == 201
    other = client.post("/v1/plans", json=plan_body(title="Another"), headers=headers)
    assert other.status_code == 409
    assert other.get_json()["code"] == "idempotency_key_reused"
    assert other.get_json()["field"] == "Idempotency-Key"


def test_keys_are_per_seller_and_expire_after_24_hours(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
    clock: Clock,
) -> None:
    catalogue(client, alice)
    catalogue(client, bob)
    a = client.post("/v1/plans", json=plan_body(), headers={**alice, "Idempotency-Key": "x"})
    b = client.post("/v1/plans", json=plan_body(), headers={**bob, "Idempotency-Key": "x"})
    assert a.status_code == b.status_code == 201 and a.get_json()["id"] != b.get_json()["id"]
    clock.at += timedelta(hours=24, minutes=1)
    c = client.post("/v1/plans", json=plan_body(start="2024-11-25T19:00:00+07:00"),
                    headers={**alice, "Idempotency-Key": "x"})
    assert c.status_code == 201 and c.get_json()["id"] != a.get_json()["id"]


def test_a_refused_request_frees_its_key(client: FlaskClient, alice: dict[str, str]) -> None:
    headers = {**alice, "Idempotency-Key": "retry-me"}
    refused = client.post("/v1/plans", json=plan_body(product_ids=["nope"]), headers=headers)
    assert refused.status_code == 422
    catalogue(client, alice)
    fixed = client.post("/v1/plans", json=plan_body(), headers=headers)
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed.headers


def test_every_creating_post_takes_a_key(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
) -> None:
    from tests.unit.api.helpers import session_body

    upload = {**alice, "Content-Type": "video/mp4", "X-Filename": "a.mp4", "Idempotency-Key": "f"}
    f1 = client.post("/v1/footage", data=b"x" * 500, headers=upload)
    f2 = client.post("/v1/footage", data=b"x" * 500, headers=upload)
    assert f1.status_code == 202 and f2.get_json()["id"] == f1.get_json()["id"]
    s_headers = {**alice, "Idempotency-Key": "s"}
    s1 = client.post("/v1/sessions", json=session_body(), headers=s_headers)
    s2 = client.post("/v1/sessions", json=session_body(), headers=s_headers)
    assert s1.status_code == 201 and s2.get_json()["id"] == s1.get_json()["id"]
    bad = client.post("/v1/plans", json=plan_body(), headers={**alice, "Idempotency-Key": " "})
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid_idempotency_key"
