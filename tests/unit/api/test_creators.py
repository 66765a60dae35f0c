"""Affiliate creators carry the facts the rule needs (at least 18 years old and more than
5,000 followers, seed 002): the platform reports them, the creator reads them, and an
affiliate creator's sessions are in the hub only while the creator meets the rule."""

from __future__ import annotations

from flask.testing import FlaskClient

from store.db import Database
from tests.unit.api.conftest import NOW, make_key, seller_id
from tests.unit.api.helpers import platform, session_body

ENDED = {"started_at": "2024-11-15T19:00:00+07:00", "ended_at": "2024-11-15T20:30:00+07:00"}
EIGHTEEN_TODAY = NOW.date().replace(year=NOW.year - 18).isoformat()  # born 2006-11-20


def _hub_ids(client: FlaskClient, headers: dict[str, str]) -> list[str]:
    response = client.get("/v1/hub/sessions", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [i["id"] for i in response.get_json()["items"]]


def test_an_affiliate_creators_sessions_are_listed_only_at_18_with_over_5000_followers(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
    ops: dict[str, str],
) -> None:
    carol = make_key(db, "carol")  # an affiliate creator
    affiliate = platform(client).post("/v1/sessions", headers=carol, json=session_body(
        account_type="affiliate", username="carol.creates", **ENDED)).get_json()
    merchant = platform(client).post("/v1/sessions", headers=alice,
                                     json=session_body(**ENDED)).get_json()
    assert _hub_ids(client, bob) == [merchant["id"]]  # carol's age and followers: unknown
    url = f"/v1/ops/creators/{seller_id(client, carol)}"
    for birth, followers, listed, why in (
            (EIGHTEEN_TODAY, 5_000, False, "more than 5,000 followers (now 5,000)"),
            ("2006-11-21", 250_000, False, "at least 18 years old"),
            (EIGHTEEN_TODAY, 5_001, True, None)):
        answer = client.put(url, json={"birth_date": birth, "followers": followers},
                            headers=ops)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        assert body["affiliate_eligible"] is listed and body["followers"] == followers
        assert (why or "") in (body["reason"] or "") and (why is None) == (body["reason"] is None)
        assert (affiliate["id"] in _hub_ids(client, bob)) is listed, (birth, followers)
        detail = client.get(f"/v1/hub/sessions/{affiliate['id']}", headers=bob)
        assert detail.status_code == (200 if listed else 404)
    assert _hub_ids(client, bob).count(merchant["id"]) == 1  # merchants: no minimum
    me = client.get("/v1/me", headers=carol).get_json()["creator"]
    assert (me["birth_date"], me["followers"], me["age"]) == (EIGHTEEN_TODAY, 5_001, 18)
    assert client.get("/v1/me", headers=alice).get_json()["creator"] is None


def test_a_creators_age_and_followers_are_written_by_the_platform_only(
    client: FlaskClient, db: Database, ops: dict[str, str],
) -> None:
    carol = make_key(db, "carol")
    url = f"/v1/ops/creators/{seller_id(client, carol)}"
    own = client.put(url, json={"birth_date": "1990-01-01", "followers": 10**6}, headers=carol)
    assert own.status_code == 403
    assert client.get("/v1/me", headers=carol).get_json()["creator"] is None
    future = client.put(url, json={"birth_date": "2030-01-01", "followers": 10}, headers=ops)
    assert future.status_code == 422 and future.get_json()["field"] == "birth_date"
    missing = client.put("/v1/ops/creators/nobody", json={"birth_date": "1990-01-01",
                                                          "followers": 10}, headers=ops)
    assert missing.status_code == 404
