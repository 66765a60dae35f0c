"""Music beds: listed, and an unknown one refused before a teaser is queued."""

from __future__ import annotations

from flask.testing import FlaskClient

from store.db import Database
from tests.unit.api.conftest import FakeGateway, ready_footage


def test_music_lists_the_committed_beds(client: FlaskClient, alice: dict[str, str]) -> None:
    body = client.get("/v1/music", headers=alice).get_json()
    names = [b["name"] for b in body["items"]]
    assert {"upbeat", "chill", "warm"} <= set(names) and body["special"] == ["auto", "none"]
    assert all(b["mood"] and b["bpm"] for b in body["items"])


def test_an_unknown_music_bed_is_422_up_front(
    client: FlaskClient, db: Database, alice: dict[str, str], gateway: FakeGateway
) -> None:
    footage_id = ready_footage(client, db, alice)
    response = client.post("/v1/teasers", json={"footage_id": footage_id, "music": "jazz"},
                           headers=alice)
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == "unknown_music"
    assert body["field"] == "music" and "warm" in body["detail"]
    assert gateway.renders == []
    for good in ("warm", "none", "auto"):
        assert client.post("/v1/teasers", json={"footage_id": footage_id, "music": good},
                           headers=alice).status_code == 202
