"""LIVE plans over HTTP: validation, locked event details, readiness, automatic teasers."""

from __future__ import annotations

from flask.testing import FlaskClient

from store.db import Database
from tests.unit.api.conftest import Clock, FakeGateway, ready_footage
from tests.unit.api.helpers import catalogue, plan_body, session_body


def test_plan_created_with_readiness_gaps_and_post_times(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    catalogue(client, alice)
    response = client.post("/v1/plans", json=plan_body(), headers=alice)
    assert response.status_code == 201, response.get_json()
    plan = response.get_json()
    assert plan["status"] == "upcoming" and plan["ready"] is False
    assert [m["code"] for m in plan["missing"]] == ["add_promotion_tool", "add_teasers"]
    assert [t["code"] for t in plan["tips"]] == ["start_on_time"]
    day, hour = plan["recommended_posts"]
    assert day["sticker_text"] == "LIVE Besok 19.00 WIB"
    assert hour["sticker_text"] == "LIVE 1 jam lagi"
    assert day["post_at"] == "2024-11-22T12:00:00+00:00"


def test_bound_promotion_tool_joins_the_plan_by_itself(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    catalogue(client, alice)
    plan = client.post("/v1/plans", json=plan_body(product_ids=["p1", "p2"]),
                       headers=alice).get_json()
    assert plan["promotion_tool_ids"] == ["v1"]
    assert [m["code"] for m in plan["missing"]] == ["add_teasers"]


def test_plan_with_inactive_product_names_it(client: FlaskClient, alice: dict[str, str]) -> None:
    catalogue(client, alice)
    response = client.post("/v1/plans", json=plan_body(product_ids=["p1", "old"]), headers=alice)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "old" in response.get_json()["detail"]


def test_plan_over_150_products_is_refused(client: FlaskClient, alice: dict[str, str]) -> None:
    ids = [f"x{i}" for i in range(151)]
    client.put("/v1/catalogue", headers=alice, json={"products": [{"id": i} for i in ids]})
    response = client.post("/v1/plans", json=plan_body(product_ids=ids), headers=alice)
    assert response.status_code == 422 and "at most 150" in response.get_json()["detail"]


def test_start_cannot_change_after_creation(client: FlaskClient, alice: dict[str, str]) -> None:
    catalogue(client, alice)
    plan = client.post("/v1/plans", json=plan_body(), headers=alice).get_json()
    response = client.patch(f"/v1/plans/{plan['id']}", headers=alice,
                            json={"start": "2024-11-24T19:00:00+07:00"})
    assert response.status_code == 409
    assert "delete this plan and create a new one" in response.get_json()["detail"]


def test_products_and_tools_stay_editable(client: FlaskClient, alice: dict[str, str]) -> None:
    catalogue(client, alice)
    plan = client.post("/v1/plans", json=plan_body(), headers=alice).get_json()
    patched = client.patch(f"/v1/plans/{plan['id']}", headers=alice,
                           json={"product_ids": ["p1", "p2", "p3"], "promotion_tool_ids": ["d1"]})
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert body["product_ids"] == ["p1", "p2", "p3"]
    assert body["promotion_tool_ids"] == ["d1", "v1"]


def test_active_and_completed_lists(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str], clock: Clock
) -> None:
    catalogue(client, alice)
    first = client.post("/v1/plans", json=plan_body(), headers=alice).get_json()
    later = client.post("/v1/plans", json=plan_body(start="2024-11-25T19:00:00+07:00"),
                        headers=alice).get_json()
    active = client.get("/v1/plans?status=active", headers=alice).get_json()["items"]
    assert [p["id"] for p in active] == [later["id"], first["id"]]
    assert client.get("/v1/plans", headers=bob).get_json()["items"] == []
    assert client.get(f"/v1/plans/{first['id']}", headers=bob).status_code == 404
    from datetime import timedelta

    clock.at = clock.at + timedelta(days=4)
    completed = client.get("/v1/plans?status=completed", headers=alice).get_json()["items"]
    assert [p["id"] for p in completed] == [first["id"]]


def test_auto_teasers_without_a_usable_session_still_create_the_plan(
    client: FlaskClient, alice: dict[str, str], gateway: FakeGateway
) -> None:
    catalogue(client, alice)
    response = client.post("/v1/plans", json=plan_body(auto_teasers=True), headers=alice)
    assert response.status_code == 201
    assert "No past LIVE session" in response.get_json()["auto_teasers"]["message"]
    assert gateway.renders == []


def test_auto_teasers_queue_day_and_hour_before_from_best_session(
    client: FlaskClient, db: Database, alice: dict[str, str], gateway: FakeGateway
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    client.post("/v1/sessions", json=session_body(title="small"), headers=alice)
    best = client.post("/v1/sessions", json=session_body(footage_id=footage_id),
                       headers=alice).get_json()
    plan = client.post("/v1/plans", json=plan_body(auto_teasers=True), headers=alice).get_json()
    assert len(plan["teasers"]) == 2 and len(gateway.renders) == 2
    teasers = [client.get(f"/v1/teasers/{t}", headers=alice).get_json() for t in plan["teasers"]]
    assert {t["slot"]: t["sticker_text"] for t in teasers} == {
        "day_before": "LIVE Besok 19.00 WIB", "hour_before": "LIVE 1 jam lagi"}
    assert all(t["source"]["session_id"] == best["id"] for t in teasers)
    # queued, not ready yet: readiness does not count them
    assert [m["code"] for m in plan["missing"]] == ["add_promotion_tool", "add_teasers"]


def test_fifth_teaser_for_a_plan_is_refused(
    client: FlaskClient, db: Database, alice: dict[str, str]
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = client.post("/v1/plans", json=plan_body(), headers=alice).get_json()
    body = {"footage_id": footage_id, "plan_id": plan["id"]}
    for _ in range(4):
        assert client.post("/v1/teasers", json=body, headers=alice).status_code == 202
    response = client.post("/v1/teasers", json=body, headers=alice)
    assert response.status_code == 409 and "at most 4" in response.get_json()["detail"]
