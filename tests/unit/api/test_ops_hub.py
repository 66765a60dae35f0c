"""Ops regenerations (idempotent batches) and the Inspiration Hub."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Footage, Teaser
from tests.unit.api.conftest import Clock, FakeGateway, make_key, ready_footage
from tests.unit.api.helpers import platform, session_body, timeline


def _finished_teasers(client: FlaskClient, db: Database, headers: dict[str, str],
                      n: int) -> list[str]:
    footage_id = ready_footage(client, db, headers)
    ids = [client.post("/v1/teasers", json={"footage_id": footage_id},
                       headers=headers).get_json()["id"] for _ in range(n)]
    with db.session() as s:
        for i, teaser_id in enumerate(ids):
            row = s.get(Teaser, teaser_id)
            assert row is not None
            row.status = TeaserStatus.FAILED if i == 0 else TeaserStatus.READY
            row.error = "ffmpeg timed out" if i == 0 else None
            row.video_path = None if i == 0 else f"teasers/{teaser_id}/r1.mp4"
            row.template_version = "old"
    return ids


def test_regeneration_bumps_revisions_and_resubmitting_queues_nothing(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
    gateway: FakeGateway,
) -> None:
    ids = _finished_teasers(client, db, alice, 3)
    gateway.renders.clear()
    response = client.post("/v1/ops/regenerations", headers=ops,
                           json={"template_version": "old"})
    assert response.status_code == 202, response.get_json()
    batch = response.get_json()
    assert batch["total"] == 3 and batch["newly_queued"] == 3
    assert batch["counts"]["queued"] == 3
    assert sorted(gateway.renders) == sorted((t, 2, "batch") for t in ids)
    with db.session() as s:
        kept = s.get(Teaser, ids[1])
        assert kept is not None and kept.revision == 2
        assert kept.video_path == f"teasers/{ids[1]}/r1.mp4"  # old file stays until verified
        assert kept.job_id == f"render-{ids[1]}-r2"
    again = client.post("/v1/ops/regenerations", headers=ops, json={"template_version": "old"})
    assert again.status_code == 200
    assert again.get_json()["id"] == batch["id"] and again.get_json()["newly_queued"] == 0
    assert len(gateway.renders) == 3


def test_regeneration_counts_failures_with_reasons(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str]
) -> None:
    ids = _finished_teasers(client, db, alice, 2)
    batch = client.post("/v1/ops/regenerations", headers=ops,
                        json={"status": ["ready", "failed"]}).get_json()
    with db.session() as s:
        done, failed = s.get(Teaser, ids[1]), s.get(Teaser, ids[0])
        assert done is not None and failed is not None
        done.status = TeaserStatus.READY
        failed.status, failed.error = TeaserStatus.FAILED, "The recording is unreadable."
    body = client.get(batch["links"]["self"], headers=ops).get_json()
    assert body["counts"]["done"] == 1 and body["counts"]["failed"] == 1
    assert body["failures"] == [{"teaser_id": ids[0], "reason": "The recording is unreadable."}]


def test_empty_selection_says_so(client: FlaskClient, ops: dict[str, str]) -> None:
    response = client.post("/v1/ops/regenerations", headers=ops,
                           json={"template_version": "none"})
    assert response.status_code == 422 and "No finished teaser" in response.get_json()["detail"]


def _hub_session(client: FlaskClient, headers: dict[str, str], **changes: object) -> str:
    body = session_body(timeline=timeline(10, {4: 500_000}), username="glowshop",
                        products=[{"product_id": "p1", "gmv": 400_000, "units": 8},
                                  {"product_id": "p2", "gmv": 20_000, "units": 1}])
    body.update(changes)
    response = platform(client).post("/v1/sessions", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def test_hub_lists_quality_sessions_after_two_days(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
    clock: Clock,
) -> None:
    good = _hub_session(client, alice)
    _hub_session(client, alice, violations=1)
    _hub_session(client, alice, timeline=timeline(2))  # 200 views: under the bar
    assert client.get("/v1/hub/sessions", headers=bob).get_json()["items"] == []  # T-2
    clock.at = clock.at + timedelta(days=2)
    items = client.get("/v1/hub/sessions?category=Beauty&q=glow", headers=bob).get_json()["items"]
    assert [i["id"] for i in items] == [good]
    assert items[0]["top_products"][0]["product_id"] == "p1"
    detail = client.get(f"/v1/hub/sessions/{good}", headers=bob).get_json()
    assert len(detail["checks"]) == 29 and len(detail["key_highlights"]) <= 3
    assert all(h["outcome"] == "passed" for h in detail["key_highlights"])
    assert detail["clips"] and detail["data_only"] is False


def test_privacy_off_hides_sessions_and_blocks_browsing(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
    clock: Clock,
) -> None:
    good = _hub_session(client, alice)
    clock.at = clock.at + timedelta(days=2)
    client.put("/v1/me/privacy", json={"show_live_metrics_and_recordings": False}, headers=alice)
    assert client.get("/v1/hub/sessions", headers=bob).get_json()["items"] == []
    assert client.get(f"/v1/hub/sessions/{good}", headers=bob).status_code == 404
    blocked = client.get("/v1/hub/sessions", headers=alice)
    assert blocked.status_code == 403 and "Privacy" in blocked.get_json()["detail"]
    carol = make_key(db, "carol")
    assert client.get("/v1/hub/sessions", headers=carol).status_code == 200


def test_hub_detail_judges_the_recording_from_its_upload_analysis(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
    clock: Clock,
) -> None:
    footage_id = ready_footage(client, db, alice)
    with db.session() as s:
        row = s.get(Footage, footage_id)
        assert row is not None
        row.recording_quality = {"face_on_screen_share": 0.9, "sharpness": 0.8,
                                 "brightness": 0.5, "shake": 0.05, "loudness_lufs": -16.0,
                                 "silence_share": 0.05}
    with_recording = _hub_session(client, alice, footage_id=footage_id)
    without = _hub_session(client, alice)
    clock.at = clock.at + timedelta(days=2)

    def outcomes(session_id: str) -> dict[int, str]:
        detail = client.get(f"/v1/hub/sessions/{session_id}", headers=bob).get_json()
        return {c["number"]: c["outcome"] for c in detail["checks"]}

    judged, unknown = outcomes(with_recording), outcomes(without)
    for number in (2, 25, 26, 27):  # host visible, clear image, stable picture, clear audio
        assert judged[number] == "passed"
        assert unknown[number] == "unknown"


def test_ops_see_queue_depths_recent_failures_and_the_latest_batches(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
    gateway: FakeGateway,
) -> None:
    ids = _finished_teasers(client, db, alice, 3)
    batch = client.post("/v1/ops/regenerations", headers=ops,
                        json={"template_version": "old"}).get_json()
    overview = client.get("/v1/ops/queues", headers=ops).get_json()
    # the queues' own figures are read from a real Redis (tests/e2e/test_operator_view.py)
    assert overview["teasers"] == {"queued": 3}  # the batch re-queued all three
    latest = client.get("/v1/ops/regenerations", headers=ops).get_json()["items"]
    assert [b["id"] for b in latest] == [batch["id"]]
    assert latest[0]["counts"]["queued"] == 3 and latest[0]["total"] == 3
    with db.session() as s:
        row = s.get(Teaser, ids[0])
        assert row is not None
        row.status, row.error = TeaserStatus.FAILED, "ffmpeg timed out"
    overview = client.get("/v1/ops/queues", headers=ops).get_json()
    assert overview["queues"] is None  # no Redis here: what the database knows still shows
    assert [(f["teaser_id"], f["reason"]) for f in overview["failures"]] == [
        (ids[0], "ffmpeg timed out")]
    assert client.get("/v1/ops/regenerations", headers=alice).status_code == 403
