"""``eta_s`` from measured render times: the renders that finished, the queue ahead,
the teaser's own length; ``started_at``/``finished_at`` on the teaser."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Footage, Teaser
from tests.unit.api.conftest import NOW, ready_footage


def test_eta_comes_from_measured_renders_and_the_queue_ahead(
    client: FlaskClient, db: Database, alice: dict[str, str]
) -> None:
    footage_id = ready_footage(client, db, alice)
    done = []
    with db.session() as s:  # three renders, each 20 s for 40 s of teaser: 0.5 s per second
        owner = s.get(Footage, footage_id)
        assert owner is not None
        for i in range(3):
            started = NOW - timedelta(minutes=10 + i)
            row = Teaser(seller_id=owner.seller_id, source_kind="footage",
                         footage_id=footage_id, status=TeaserStatus.READY,
                         params={"target_seconds": 40}, started_at=started,
                         finished_at=started + timedelta(seconds=20))
            s.add(row)
            s.flush()
            done.append(row.id)
    first = client.post("/v1/teasers", json={"footage_id": footage_id, "target_seconds": 20},
                        headers=alice).get_json()
    assert first["eta_s"] == 10.0  # nothing ahead: 0.5 s/s x 20 s
    second = client.post("/v1/teasers", json={"footage_id": footage_id,
                                               "target_seconds": 20}, headers=alice).get_json()
    assert second["eta_s"] == 20.0  # one queued ahead of it
    shown = client.get(f"/v1/teasers/{done[0]}", headers=alice).get_json()
    assert shown["eta_s"] is None
    assert shown["started_at"] and shown["finished_at"] > shown["started_at"]


def test_a_running_teaser_follows_its_own_progress(
    client: FlaskClient, db: Database, alice: dict[str, str]
) -> None:
    footage_id = ready_footage(client, db, alice)
    teaser = client.post("/v1/teasers", json={"footage_id": footage_id},
                         headers=alice).get_json()
    with db.session() as s:
        row = s.get(Teaser, teaser["id"])
        assert row is not None
        row.status, row.progress = TeaserStatus.RUNNING, 0.5
        row.started_at = NOW - timedelta(seconds=6)
    assert client.get(f"/v1/teasers/{teaser['id']}", headers=alice).get_json()["eta_s"] == 6.0
