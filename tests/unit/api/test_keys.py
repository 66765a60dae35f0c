"""API keys a team can manage: list, revoke (at once), rotate with a grace period; a 401
says which scheme to use; a key over its rate limit gets 429 with Retry-After."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from tests.unit.api.conftest import Clock


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_keys_are_listed_without_the_keys_themselves(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    created = client.post("/v1/keys", json={}, headers=alice)
    assert created.status_code == 201 and created.get_json()["key"].startswith("cpk_")
    listed = client.get("/v1/keys", headers=alice).get_json()["items"]
    assert len(listed) == 2 and all(k["key"] is None for k in listed)
    assert sum(k["current"] for k in listed) == 1
    assert created.get_json()["key"][:10] in {k["prefix"] for k in listed}
    assert len(client.get("/v1/keys", headers=bob).get_json()["items"]) == 1
    ops = client.post("/v1/keys", json={"ops": True}, headers=alice)
    assert ops.status_code == 403 and ops.get_json()["code"] == "ops_only"


def test_a_revoked_key_is_refused_on_the_next_request(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    second = client.post("/v1/keys", json={}, headers=alice).get_json()
    assert client.get("/v1/plans", headers=_bearer(second["key"])).status_code == 200
    assert client.delete(f"/v1/keys/{second['id']}", headers=bob).status_code == 404
    assert client.delete(f"/v1/keys/{second['id']}", headers=alice).status_code == 204
    refused = client.get("/v1/plans", headers=_bearer(second["key"]))
    assert refused.status_code == 401 and "revoked" in refused.get_json()["detail"]
    assert client.get("/v1/plans", headers=alice).status_code == 200


def test_rotation_gives_a_new_key_and_the_old_one_stops_after_its_grace(
    client: FlaskClient, alice: dict[str, str], clock: Clock
) -> None:
    old = client.post("/v1/keys", json={}, headers=alice).get_json()
    rotated = client.post(f"/v1/keys/{old['id']}/rotate", json={"grace_seconds": 600},
                          headers=alice)
    assert rotated.status_code == 201
    new_key = rotated.get_json()["key"]
    assert client.get("/v1/plans", headers=_bearer(old["key"])).status_code == 200
    clock.at += timedelta(seconds=601)
    assert client.get("/v1/plans", headers=_bearer(old["key"])).status_code == 401
    assert client.get("/v1/plans", headers=_bearer(new_key)).status_code == 200


def test_401_says_how_to_authenticate(client: FlaskClient) -> None:
    missing = client.get("/v1/plans")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="cuplik"'
    wrong = client.get("/v1/plans", headers=_bearer("cpk_nope"))
    assert wrong.headers["WWW-Authenticate"] == 'Bearer realm="cuplik", error="invalid_token"'


def test_a_key_over_its_limit_gets_429_with_retry_after(
    app: Flask, client: FlaskClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    app.config["RATE_LIMIT_PER_MINUTE"] = 5
    answers = [client.get("/v1/plans", headers=alice) for _ in range(6)]
    assert [r.status_code for r in answers] == [200] * 5 + [429]
    assert answers[3].headers["RateLimit-Remaining"] == "1"
    limited = answers[5]
    assert limited.get_json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.get("/v1/plans", headers=bob).status_code == 200  # per key
