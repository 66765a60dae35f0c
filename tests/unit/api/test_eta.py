"""``eta_s`` from measured render times: the renders that finished, the work ahead on
the teaser's queue (interactive before batch; each waiting render's own length), the
teaser's own length; ``started_at``/``finished_at`` on the teaser."""

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
    assert second["eta_s"] == 20.0  # one of 20 s queued ahead of it: 10 s more
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


def _measured(db: Database, footage_id: str, n: int = 3) -> list[str]:
    """``n`` finished renders of 40 s teasers, 20 s each: 0.5 s per second of teaser."""
    with db.session() as s:
        owner = s.get(Footage, footage_id)
        assert owner is not None
        rows = [Teaser(seller_id=owner.seller_id, source_kind="footage",
                       footage_id=footage_id, status=TeaserStatus.READY,
                       params={"target_seconds": 40}, template_version="old",
                       started_at=NOW - timedelta(minutes=10 + i),
                       finished_at=NOW - timedelta(minutes=10 + i, seconds=-20))
                for i in range(n)]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def test_a_queued_teaser_waits_for_the_work_ahead_on_its_queue_interactive_first(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str]
) -> None:
    footage_id = ready_footage(client, db, alice)
    old = _measured(db, footage_id, 6)[3:]  # three stay finished: the measured speed
    batch = client.post("/v1/ops/regenerations", json={"teaser_ids": old}, headers=ops)
    assert batch.status_code == 202, batch.get_json()  # three 40 s renders on batch
    first = client.post("/v1/teasers", json={"footage_id": footage_id, "target_seconds": 20},
                        headers=alice).get_json()
    assert first["eta_s"] == 10.0  # the batch waits behind a seller: nothing ahead
    second = client.post("/v1/teasers", json={"footage_id": footage_id,
                                               "target_seconds": 40}, headers=alice).get_json()
    assert second["eta_s"] == 30.0  # the 20 s teaser ahead (10 s), then its own 20 s
    regenerated = [client.get(f"/v1/teasers/{t}", headers=ops).get_json()["eta_s"]
                   for t in old]
    # all 30 s of seller work first, then the batch renders before it, then its own
    assert sorted(regenerated) == [50.0, 70.0, 90.0]
    with db.session() as s:  # the first seller teaser starts: half done after 6 s
        row = s.get(Teaser, first["id"])
        assert row is not None
        row.status, row.progress = TeaserStatus.RUNNING, 0.5
        row.started_at = NOW - timedelta(seconds=6)
    shown = client.get(f"/v1/teasers/{second['id']}", headers=alice).get_json()
    assert shown["eta_s"] == 26.0  # the running one's last 6 s, then its own 20 s
