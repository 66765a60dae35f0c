"""Platform campaigns and missions: ops publish the feed, sellers see the recommended
actions, register / join, and the actions are gone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from store.db import Database
from tests.unit.api.conftest import NOW, Clock, make_key

CAMPAIGN = {"id": "c-1212", "title": "12.12 Birthday LIVE",
            "opens_at": (NOW - timedelta(days=1)).isoformat(),
            "closes_at": (NOW + timedelta(days=3)).isoformat()}
CLOSED = {"id": "c-1111", "title": "11.11 LIVE",
          "opens_at": (NOW - timedelta(days=10)).isoformat(),
          "closes_at": (NOW - timedelta(days=1)).isoformat()}
MISSION = {"id": "m-first-live", "title": "Go LIVE 3 times this week",
           "available_from": (NOW - timedelta(hours=1)).isoformat()}


def _publish(client: FlaskClient, ops: dict[str, str], campaigns: list[dict[str, Any]],
             missions: list[dict[str, Any]]) -> None:
    response = client.put("/v1/ops/campaigns", headers=ops, json={"items": campaigns})
    assert response.status_code == 200, response.get_json()
    assert [c["id"] for c in response.get_json()["items"]] == [c["id"] for c in campaigns]
    response = client.put("/v1/ops/missions", headers=ops, json={"items": missions})
    assert response.status_code == 200, response.get_json()
    assert [m["id"] for m in response.get_json()["items"]] == [m["id"] for m in missions]


def _actions(client: FlaskClient, headers: dict[str, str]) -> list[tuple[str, str]]:
    response = client.get("/v1/actions", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [(a["kind"], a["ref_id"]) for a in response.get_json()["items"]]


def test_published_campaign_and_mission_are_actions_until_done(
    client: FlaskClient, ops: dict[str, str], alice: dict[str, str], bob: dict[str, str]
) -> None:
    assert _actions(client, alice) == []
    _publish(client, ops, [CAMPAIGN], [MISSION])
    assert _actions(client, alice) == [("register_campaign", "c-1212"),
                                       ("join_mission", "m-first-live")]
    listed = client.get("/v1/campaigns", headers=alice).get_json()["items"]
    assert [(c["id"], c["open"], c["registered"]) for c in listed] == [("c-1212", True, False)]
    missions = client.get("/v1/missions", headers=alice).get_json()["items"]
    assert [(m["id"], m["available"], m["joined"]) for m in missions] == [
        ("m-first-live", True, False)]

    registered = client.post(listed[0]["links"]["registration"], headers=alice)
    assert registered.status_code == 201, registered.get_json()
    assert registered.get_json()["campaign_id"] == "c-1212"
    joined = client.post("/v1/missions/m-first-live/join", headers=alice)
    assert joined.status_code == 201, joined.get_json()

    assert _actions(client, alice) == []
    assert client.get("/v1/campaigns", headers=alice).get_json()["items"][0]["registered"]
    assert client.get("/v1/missions", headers=alice).get_json()["items"][0]["joined"]
    # Doing it again changes nothing.
    assert client.post("/v1/campaigns/c-1212/registration", headers=alice).status_code == 200
    assert client.post("/v1/missions/m-first-live/join", headers=alice).status_code == 200
    # Another seller still has both to do.
    assert _actions(client, bob) == [("register_campaign", "c-1212"),
                                     ("join_mission", "m-first-live")]


def test_closed_campaign_is_refused_and_not_an_action(
    client: FlaskClient, ops: dict[str, str], alice: dict[str, str]
) -> None:
    _publish(client, ops, [CLOSED, CAMPAIGN], [])
    assert _actions(client, alice) == [("register_campaign", "c-1212")]
    assert [c["id"] for c in client.get("/v1/campaigns", headers=alice).get_json()["items"]] \
        == ["c-1212"]
    response = client.post("/v1/campaigns/c-1111/registration", headers=alice)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "campaign_not_open"
    assert "'11.11 LIVE' closed for registration at 2024-11-19T05:00:00+00:00" in body["detail"]


def test_campaign_not_yet_open_and_mission_ended(
    client: FlaskClient, ops: dict[str, str], alice: dict[str, str], clock: Clock
) -> None:
    later = {**CAMPAIGN, "opens_at": (NOW + timedelta(days=1)).isoformat()}
    ended = {**MISSION, "available_until": (NOW + timedelta(hours=1)).isoformat()}
    _publish(client, ops, [later], [ended])
    assert _actions(client, alice) == [("join_mission", "m-first-live")]
    response = client.post("/v1/campaigns/c-1212/registration", headers=alice)
    assert response.status_code == 409 and "opens for registration at" in \
        response.get_json()["detail"]
    clock.at = NOW + timedelta(days=1)
    assert _actions(client, alice) == [("register_campaign", "c-1212")]
    response = client.post("/v1/missions/m-first-live/join", headers=alice)
    assert response.status_code == 409
    assert response.get_json()["code"] == "mission_not_available"
    assert "ended at" in response.get_json()["detail"]


def test_unknown_ids_are_404(client: FlaskClient, alice: dict[str, str]) -> None:
    assert client.post("/v1/campaigns/nope/registration", headers=alice).status_code == 404
    assert client.post("/v1/missions/nope/join", headers=alice).status_code == 404


def test_seller_keys_cannot_publish_the_feed(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    for path in ("/v1/ops/campaigns", "/v1/ops/missions"):
        response = client.put(path, headers=alice, json={"items": []})
        assert response.status_code == 403 and response.get_json()["code"] == "ops_only"


def test_feed_replaces_the_list_and_keeps_registrations(
    client: FlaskClient, db: Database, ops: dict[str, str], alice: dict[str, str]
) -> None:
    _publish(client, ops, [CAMPAIGN], [MISSION])
    assert client.post("/v1/campaigns/c-1212/registration", headers=alice).status_code == 201
    renamed = {**CAMPAIGN, "title": "12.12 Mega LIVE"}
    other = {**CAMPAIGN, "id": "c-payday", "title": "Payday LIVE"}
    _publish(client, ops, [renamed, other], [])
    listed = client.get("/v1/campaigns", headers=alice).get_json()["items"]
    assert [(c["id"], c["title"], c["registered"]) for c in listed] == [
        ("c-1212", "12.12 Mega LIVE", True), ("c-payday", "Payday LIVE", False)]
    assert _actions(client, alice) == [("register_campaign", "c-payday")]
    assert client.get("/v1/missions", headers=alice).get_json()["items"] == []
    response = client.post("/v1/missions/m-first-live/join", headers=alice)
    assert response.status_code == 409 and "no longer offered" in response.get_json()["detail"]
    carol = make_key(db, "carol")
    assert _actions(client, carol) == [("register_campaign", "c-1212"),
                                       ("register_campaign", "c-payday")]


def test_feed_is_validated(client: FlaskClient, ops: dict[str, str]) -> None:
    naive = {**CAMPAIGN, "opens_at": "2024-11-19T00:00:00"}
    backwards = {**CAMPAIGN, "closes_at": CAMPAIGN["opens_at"]}
    for items in ([naive], [backwards], [CAMPAIGN, CAMPAIGN]):
        response = client.put("/v1/ops/campaigns", headers=ops, json={"items": items})
        assert response.status_code == 422, response.get_json()


def test_openapi_lists_the_routes(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/v1/ops/campaigns", "/v1/ops/missions", "/v1/campaigns", "/v1/missions",
                 "/v1/campaigns/{campaign_id}/registration", "/v1/missions/{mission_id}/join"):
        assert path in paths, sorted(paths)
