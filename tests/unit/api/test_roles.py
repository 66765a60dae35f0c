"""Who may write which facts: the platform's (account type, sanctions, session figures,
teaser performance) come with a platform/ops key; a seller key reads them and writes only
what a seller owns. A seller may record its own session with its own export, to cut
teasers from: that session is the seller's report and ranks nobody in the hub."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Teaser
from tests.unit.api.conftest import NOW, ready_footage, seller_id
from tests.unit.api.helpers import platform, session_body, timeline


def test_teaser_figures_come_from_the_platform_and_never_from_the_future(
    client: FlaskClient, db: Database, alice: dict[str, str]
) -> None:
    footage_id = ready_footage(client, db, alice)
    teaser = client.post("/v1/teasers", json={"footage_id": footage_id},
                         headers=alice).get_json()
    with db.session() as s:
        row = s.get(Teaser, teaser["id"])
        assert row is not None
        row.status, row.post_at = TeaserStatus.READY, NOW - timedelta(days=3)
    url = f"/v1/teasers/{teaser['id']}/metrics"
    hour = {"views": 10_000, "new_viewers": 900, "new_followers": 40}
    past = {"hours": [{"at": (NOW - timedelta(hours=5)).isoformat(), **hour}]}
    own = client.post(url, json=past, headers=alice)
    assert own.status_code == 403 and own.get_json()["code"] == "platform_fact"
    assert platform(client).post(url, json=past, headers=alice).status_code == 200
    ahead = {"hours": [{"at": (NOW + timedelta(hours=5)).isoformat(), **hour}]}
    future = platform(client).post(url, json=ahead, headers=alice)
    assert future.status_code == 422 and future.get_json()["code"] == "metrics_in_future"


def test_account_type_and_sanctions_are_set_by_ops(
    client: FlaskClient, alice: dict[str, str], ops: dict[str, str]
) -> None:
    own = client.patch("/v1/me", json={"account_type": "official"}, headers=alice)
    assert own.status_code == 403 and own.get_json()["code"] == "platform_fact"
    cleared = client.patch("/v1/me", json={"has_unresolved_sanction": False}, headers=alice)
    assert cleared.status_code == 403 and cleared.get_json()["field"] == "has_unresolved_sanction"
    assert client.patch("/v1/me", json={"time_zone": "Asia/Makassar"},
                        headers=alice).status_code == 200  # the seller's own settings
    url = f"/v1/ops/sellers/{seller_id(client, alice)}/account"
    sanctioned = client.put(url, json={"account_type": "official",
                                       "has_unresolved_sanction": True}, headers=ops)
    assert sanctioned.status_code == 422 and "sanction" in sanctioned.get_json()["detail"]
    marketing = client.put(url, json={"account_type": "marketing"}, headers=ops)
    assert marketing.status_code == 422
    assert client.put(url, json={"account_type": "official"}, headers=ops).status_code == 200
    assert client.put(url, json={"account_type": "official"}, headers=alice).status_code == 403


ENDED = {"started_at": "2024-11-15T19:00:00+07:00", "ended_at": "2024-11-15T20:30:00+07:00"}


def _hub_ids(client: FlaskClient, headers: dict[str, str]) -> list[str]:
    response = client.get("/v1/hub/sessions", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [i["id"] for i in response.get_json()["items"]]


def test_a_session_a_seller_reports_itself_ranks_nobody_in_the_hub(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    boasted = session_body(title="Our best night", timeline=timeline(10, {4: 900_000_000}),
                           **ENDED)
    own = client.post("/v1/sessions", json=boasted, headers=alice)
    assert own.status_code == 201, own.get_json()
    assert own.get_json()["reported_by"] == "seller"
    exported = platform(client).post("/v1/sessions", json=session_body(**ENDED),
                                     headers=alice)
    assert exported.status_code == 201, exported.get_json()
    assert exported.get_json()["reported_by"] == "platform"
    assert _hub_ids(client, bob) == [exported.get_json()["id"]]  # the boast is not listed
    detail = client.get(f"/v1/hub/sessions/{own.get_json()['id']}", headers=bob)
    assert detail.status_code == 404
    # the seller still has both, and cuts teasers from its own report
    mine = client.get("/v1/sessions", headers=alice).get_json()["items"]
    assert [(m["title"], m["reported_by"]) for m in mine] == [
        ("Our best night", "seller"), ("Tuesday LIVE", "platform")]


def test_session_figures_account_type_and_violations_come_with_a_platform_key(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    for field, value in (("account_type", "official"), ("violations", 0),
                         ("seller_id", seller_id(client, bob))):
        refused = client.post("/v1/sessions", json=session_body(**{field: value}),
                              headers=alice)
        assert refused.status_code == 403, (field, refused.get_json())
        assert refused.get_json()["code"] == "platform_fact"
        assert refused.get_json()["field"] == field
    own = client.post("/v1/sessions", json=session_body(**ENDED), headers=alice).get_json()
    final = {"ended_at": ENDED["ended_at"],
             "timeline": timeline(10, {4: 900_000_000})}
    url = f"/v1/sessions/{own['id']}/figures"
    refused = client.put(url, json=final, headers=alice)
    assert refused.status_code == 403 and refused.get_json()["code"] == "platform_fact"
    assert client.get(f"/v1/sessions/{own['id']}", headers=alice).get_json()[
        "metrics"]["gmv"]["amount_minor"] == 590_000  # unchanged
    assert _hub_ids(client, bob) == []
    # the platform's final figures replace the seller's report: now it is listed
    taken = platform(client).put(url, json={**final, "violations": 0}, headers=alice)
    assert taken.status_code == 200, taken.get_json()
    assert taken.get_json()["reported_by"] == "platform"
    assert _hub_ids(client, bob) == [own["id"]]
    flagged = platform(client).put(url, json={**final, "violations": 2}, headers=alice)
    assert flagged.get_json()["violations"] == 2
    assert _hub_ids(client, bob) == []  # a violation keeps it out
