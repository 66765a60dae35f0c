"""Ops regenerations a script cannot get wrong by accident: an empty selection is
refused, a dry run counts without changing anything, a batch can be cancelled."""

from __future__ import annotations

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store import lifecycle
from store.db import Database
from store.models import Teaser, utcnow
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


def test_a_music_change_names_the_beds_when_the_bed_is_unknown(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
    gateway: FakeGateway,
) -> None:
    _finished_teasers(client, db, alice, 2)
    gateway.renders.clear()
    response = client.post("/v1/ops/regenerations", headers=ops,
                           json={"template_version": "old", "changes": {"music": "jazzy"}})
    assert response.status_code == 422
    body = response.get_json()
    beds = [b["name"] for b in client.get("/v1/music", headers=ops).get_json()["items"]]
    assert "jazzy" in body["detail"] and all(bed in body["detail"] for bed in beds)
    assert body["field"] == "music"
    assert gateway.renders == []


def test_a_template_this_service_does_not_draw_is_refused(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
) -> None:
    _finished_teasers(client, db, alice, 1)
    response = client.post("/v1/ops/regenerations", headers=ops, json={
        "template_version": "old", "changes": {"template_version": "1999.1"}})
    assert response.status_code == 422 and "1999.1" in response.get_json()["detail"]


def test_the_same_changes_are_the_same_batch_and_other_changes_another(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
    gateway: FakeGateway,
) -> None:
    ids = _finished_teasers(client, db, alice, 2)
    chill = {"teaser_ids": ids, "changes": {"music": "chill"}}
    first = client.post("/v1/ops/regenerations", headers=ops, json=chill)
    assert first.status_code == 202
    assert first.get_json()["changes"] == {"music": "chill"}
    again = client.post("/v1/ops/regenerations", headers=ops, json=chill)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["newly_queued"] == 0
    _rendered(db, ids)
    other = client.post("/v1/ops/regenerations", headers=ops,
                        json={"teaser_ids": ids, "changes": {"music": "upbeat"}})
    assert other.status_code == 202 and other.get_json()["id"] != first.get_json()["id"]
    _rendered(db, ids)
    plain = client.post("/v1/ops/regenerations", headers=ops, json={"teaser_ids": ids})
    assert plain.get_json()["id"] not in (first.get_json()["id"], other.get_json()["id"])
    assert plain.get_json()["changes"] is None


def _rendered(db: Database, ids: list[str], work: str = "render") -> None:
    """What the worker does when each teaser's new result is verified."""
    with db.session() as s:
        for teaser_id in ids:
            row = s.get(Teaser, teaser_id)
            assert row is not None
            lifecycle.finish(s, row, video=f"teasers/{teaser_id}/r{row.revision}.mp4",
                             poster=f"teasers/{teaser_id}/r{row.revision}.jpg", report={},
                             template_version="old", at=utcnow(), work=work)


def test_each_item_of_a_batch_says_where_it_stands_and_the_work_it_took(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
) -> None:
    ids = _finished_teasers(client, db, alice, 3)  # ids[0] failed before, the others ready
    batch = client.post("/v1/ops/regenerations", headers=ops, json={
        "teaser_ids": ids, "changes": {"music": "chill"}}).get_json()
    _rendered(db, [ids[1]], "remux")
    _rendered(db, [ids[0]], "render")
    body = client.get(batch["links"]["self"], headers=ops).get_json()
    assert body["counts"]["done"] == 2 and body["counts"]["queued"] == 1
    assert body["work"] == {"remux": 1, "render": 1}
    page = client.get(f"{batch['links']['self']}/items?limit=2", headers=ops).get_json()
    rest = client.get(f"{batch['links']['self']}/items?after={page['next']}",
                      headers=ops).get_json()
    assert rest["next"] is None
    items = {i["teaser_id"]: i for i in page["items"] + rest["items"]}
    assert {t: (i["outcome"], i["work"]) for t, i in items.items()} == {
        ids[0]: ("done", "render"), ids[1]: ("done", "remux"), ids[2]: ("queued", None)}
    assert client.get("/v1/ops/regenerations/nope/items", headers=ops).status_code == 404


def test_a_cancelled_change_leaves_each_queued_teaser_as_it_was(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
) -> None:
    ids = _finished_teasers(client, db, alice, 2)
    batch = client.post("/v1/ops/regenerations", headers=ops, json={
        "teaser_ids": ids, "changes": {"music": "chill"}}).get_json()
    cancelled = client.post(f"/v1/ops/regenerations/{batch['id']}/cancel",
                            headers=ops).get_json()
    assert cancelled["newly_cancelled"] == 2 and cancelled["changes"] == {"music": "chill"}
    with db.session() as s:
        kept = s.get(Teaser, ids[1])
        assert kept is not None and kept.status is TeaserStatus.READY
        assert kept.params["music"] != "chill"  # only a verified result takes the change
        assert kept.video_path == f"teasers/{ids[1]}/r1.mp4"
