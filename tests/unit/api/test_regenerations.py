"""Ops regenerations a script cannot get wrong by accident: an empty selection is
refused, a dry run counts without changing anything, a batch can be cancelled."""

from __future__ import annotations

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Teaser
from tests.unit.api.conftest import FakeGateway
from tests.unit.api.test_ops_hub import _finished_teasers


def test_an_empty_selection_is_refused_not_every_teaser_of_every_seller(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
    gateway: FakeGateway,
) -> None:
    _finished_teasers(client, db, alice, 2)
    gateway.renders.clear()
    for body in ({}, {"seller_id": None}):
        response = client.post("/v1/ops/regenerations", headers=ops, json=body)
        assert response.status_code == 422, body
        assert "at least one criterion" in response.get_json()["detail"]
    assert gateway.renders == []


def test_a_dry_run_counts_and_changes_nothing(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
    gateway: FakeGateway,
) -> None:
    ids = _finished_teasers(client, db, alice, 3)
    gateway.renders.clear()
    response = client.post("/v1/ops/regenerations/preview", headers=ops,
                           json={"template_version": "old"})
    assert response.status_code == 200
    assert response.get_json()["matched"] == 3
    assert sorted(response.get_json()["teaser_ids"]) == sorted(ids)
    with db.session() as s:
        assert {s.get(Teaser, t).revision for t in ids} == {1}  # type: ignore[union-attr]
    assert gateway.renders == []
    one = client.post("/v1/ops/regenerations/preview", headers=ops,
                      json={"teaser_ids": [ids[0]]}).get_json()
    assert one["matched"] == 1


def test_cancelling_a_batch_keeps_each_queued_teasers_video(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
) -> None:
    ids = _finished_teasers(client, db, alice, 2)  # ids[0] failed before, ids[1] ready
    batch = client.post("/v1/ops/regenerations", headers=ops,
                        json={"template_version": "old"}).get_json()
    response = client.post(f"/v1/ops/regenerations/{batch['id']}/cancel", headers=ops)
    assert response.status_code == 200
    body = response.get_json()
    assert body["newly_cancelled"] == 2 and body["cancelled_at"]
    with db.session() as s:
        kept, never = s.get(Teaser, ids[1]), s.get(Teaser, ids[0])
        assert kept is not None and never is not None
        assert kept.status is TeaserStatus.READY and kept.revision == 3  # r2's job is stale
        assert kept.video_path == f"teasers/{ids[1]}/r1.mp4"
        assert never.status is TeaserStatus.FAILED and "cancelled" in (never.error or "")
    assert client.post(f"/v1/ops/regenerations/{batch['id']}/cancel",
                       headers=alice).status_code == 403
