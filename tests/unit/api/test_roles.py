"""Who may write which facts: the platform's (account type, sanctions, teaser
performance) come with an ops key; a seller key reads them and writes only what a seller
owns. (Session metrics are still written by seller keys: not done, see the report.)"""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Teaser
from tests.unit.api.conftest import NOW, ready_footage, seller_id
from tests.unit.api.helpers import platform


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
