"""Footage uploads and teasers over HTTP: what a seller sees, and what gets queued."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Footage, Teaser
from tests.unit.api.conftest import FakeGateway, ready_footage


def _upload(client: FlaskClient, headers: dict[str, str], data: bytes, name: str = "../x.mp4"):
    return client.post("/v1/footage", data=data, headers={
        **headers, "Content-Type": "video/mp4", "X-Filename": name})


def test_upload_is_stored_under_a_uuid_name_and_ingest_queued(
    client: FlaskClient, alice: dict[str, str], db: Database, gateway: FakeGateway,
    tmp_path: Path,
) -> None:
    response = _upload(client, alice, b"abc" * 1000, name="../../etc/passwd")
    assert response.status_code == 202
    body = response.get_json()
    assert response.headers["Location"].endswith(body["id"])
    assert body["status"] == "uploaded" and body["size_bytes"] == 3000
    assert body["original_filename"] == "../../etc/passwd"  # metadata only
    assert gateway.ingests == [body["id"]]
    with db.session() as s:
        row = s.get(Footage, body["id"])
        assert row is not None and row.job_id == f"ingest-{body['id']}"
        stored = tmp_path / "media" / row.path
    assert stored.read_bytes() == b"abc" * 1000
    assert "passwd" not in row.path


def test_multipart_upload_works_too(client: FlaskClient, alice: dict[str, str]) -> None:
    import io

    response = client.post("/v1/footage", headers=alice, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"x" * 5000), "live.mov")})
    assert response.status_code == 202
    assert response.get_json()["original_filename"] == "live.mov"


def test_upload_over_the_limit_is_413_with_the_limit(
    client: FlaskClient, alice: dict[str, str], tmp_path: Path
) -> None:
    response = _upload(client, alice, b"x" * (4 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert "4,194,304 bytes" in response.get_json()["detail"]
    assert not list((tmp_path / "media").rglob("*.bin"))


def test_another_sellers_footage_is_404(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    footage_id = _upload(client, alice, b"x" * 100).get_json()["id"]
    assert client.get(f"/v1/footage/{footage_id}", headers=bob).status_code == 404
    assert client.get(f"/v1/footage/{footage_id}", headers=alice).status_code == 200


def test_teaser_from_ready_footage_is_queued_with_location(
    client: FlaskClient, db: Database, alice: dict[str, str], gateway: FakeGateway
) -> None:
    footage_id = ready_footage(client, db, alice)
    response = client.post("/v1/teasers", json={"footage_id": footage_id}, headers=alice)
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == f"/v1/teasers/{body['id']}"
    assert body["status"] == "queued" and body["sticker_text"] is None
    assert body["eta_s"] is not None and body["revision"] == 1
    assert gateway.renders == [(body["id"], 1, "interactive")]
    with db.session() as s:
        row = s.get(Teaser, body["id"])
        assert row is not None
        assert row.params["target_seconds"] == 40.0 and row.job_id == f"render-{row.id}-r1"


def test_teaser_from_footage_still_being_checked_is_refused(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    footage_id = _upload(client, alice, b"x" * 100).get_json()["id"]
    response = client.post("/v1/teasers", json={"footage_id": footage_id}, headers=alice)
    assert response.status_code == 409
    assert "still being checked" in response.get_json()["detail"]


def test_teaser_needs_exactly_one_source(client: FlaskClient, alice: dict[str, str]) -> None:
    response = client.post("/v1/teasers", json={}, headers=alice)
    assert response.status_code == 422
    assert "exactly one of session_id or footage_id" in response.get_json()["detail"]


def test_ready_teaser_shows_segments_and_serves_video_with_ranges(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
    tmp_path: Path,
) -> None:
    footage_id = ready_footage(client, db, alice)
    teaser_id = client.post("/v1/teasers", json={"footage_id": footage_id},
                            headers=alice).get_json()["id"]
    assert client.get(f"/v1/teasers/{teaser_id}/video", headers=alice).status_code == 409
    video = tmp_path / "media" / "teasers" / teaser_id / "r1.mp4"
    video.parent.mkdir(parents=True)
    video.write_bytes(bytes(range(256)) * 40)
    with db.session() as s:  # what the render job writes when it has verified the output
        row = s.get(Teaser, teaser_id)
        assert row is not None
        row.status, row.progress, row.stage = TeaserStatus.READY, 1.0, "done"
        row.video_path = f"teasers/{teaser_id}/r1.mp4"
        row.poster_path = f"teasers/{teaser_id}/r1.jpg"
        row.report = {"duration_s": 40.0, "width": 720, "height": 1280, "short_source": False,
                      "notes": [], "segments": [
                          {"start": 3.0, "end": 13.0, "score": 0.9, "reason": "sharp close-up"}]}
    body = client.get(f"/v1/teasers/{teaser_id}", headers=alice).get_json()
    assert body["status"] == "ready" and body["eta_s"] is None
    assert body["segments"][0]["reason"] == "sharp close-up"
    assert body["links"]["video"] == f"/v1/teasers/{teaser_id}/video"
    with client.get(body["links"]["video"], headers={**alice, "Range": "bytes=0-99"}) as ranged:
        assert ranged.status_code == 206 and ranged.mimetype == "video/mp4"
        assert ranged.data == bytes(range(100))
    assert client.get(body["links"]["video"], headers=bob).status_code == 404
    missing = client.get(body["links"]["poster"], headers=alice)
    assert missing.status_code == 410
    hilang = client.get(body["links"]["poster"],
                        headers={**alice, "Accept-Language": "id-ID, en;q=0.5"})
    assert (hilang.status_code, hilang.get_json()["code"]) == (410, "file_missing")
    assert hilang.get_json()["detail"].startswith("Berkas teaser ini hilang")


def test_failed_teaser_shows_the_reason(
    client: FlaskClient, db: Database, alice: dict[str, str]
) -> None:
    footage_id = ready_footage(client, db, alice)
    teaser_id = client.post("/v1/teasers", json={"footage_id": footage_id},
                            headers=alice).get_json()["id"]
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        row.status, row.error = TeaserStatus.FAILED, "The recording has no video stream."
    body = client.get(f"/v1/teasers/{teaser_id}", headers=alice).get_json()
    assert body["error"] == "The recording has no video stream."
    video = client.get(f"/v1/teasers/{teaser_id}/video", headers=alice)
    assert "no video stream" in video.get_json()["detail"]


def test_teaser_is_accepted_even_when_redis_is_down(
    client: FlaskClient, db: Database, alice: dict[str, str], gateway: FakeGateway
) -> None:
    footage_id = ready_footage(client, db, alice)

    def down(*args: object, **kwargs: object) -> str:
        raise ConnectionError("redis down")

    gateway.enqueue_render = down  # type: ignore[method-assign]
    response = client.post("/v1/teasers", json={"footage_id": footage_id}, headers=alice)
    assert response.status_code == 202
    with db.session() as s:
        row = s.get(Teaser, response.get_json()["id"])
        # queued under its render's id, which the reconciler enqueues once Redis is back
        assert row is not None and row.status is TeaserStatus.QUEUED
        assert row.job_id == f"render-{row.id}-r1"
