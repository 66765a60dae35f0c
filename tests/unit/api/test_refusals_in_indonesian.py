"""The API's own refusals (not a domain rule's) in the seller's language: a request whose
Accept-Language puts Indonesian first reads Indonesian, with the same code and field an
English reader gets."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from domain.lifecycle import FootageStatus
from store.db import Database
from store.models import Footage
from tests.unit.api.conftest import ready_footage
from tests.unit.api.helpers import catalogue, plan_body

ID = {"Accept-Language": "id-ID, en;q=0.5"}


def _both(client: FlaskClient, method: str, path: str, headers: dict[str, str],
          **kw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The refusal read in English, then in Indonesian: same status, code and field."""
    en = client.open(path, method=method, headers=headers, **kw)
    id_ = client.open(path, method=method, headers={**headers, **ID}, **kw)
    assert en.status_code == id_.status_code and en.status_code >= 400
    a, b = en.get_json(), id_.get_json()
    assert (a["code"], a.get("field")) == (b["code"], b.get("field"))
    assert a["detail"] != b["detail"]
    return a, b


def _rejected(db: Database, footage_id: str) -> None:
    """The upload refused at ingest, with its reason in both languages."""
    with db.session() as s:
        row = s.get(Footage, footage_id)
        assert row is not None
        row.status = FootageStatus.REJECTED
        row.reason, row.reason_id = "live.mp4: has no video stream", "live.mp4: tidak berisi video"


def test_an_unknown_music_bed_is_refused_in_indonesian(
        client: FlaskClient, db: Database, alice: dict[str, str]) -> None:
    footage_id = ready_footage(client, db, alice)
    en, id_ = _both(client, "POST", "/v1/teasers", alice,
                    json={"footage_id": footage_id, "music": "disco"})
    assert en["code"] == "unknown_music" and en["field"] == "music"
    assert id_["detail"].startswith("Tidak ada musik latar 'disco'")


def test_a_taken_slot_and_a_recording_still_checked_are_refused_in_indonesian(
        client: FlaskClient, db: Database, alice: dict[str, str]) -> None:
    catalogue(client, alice)
    plan = client.post("/v1/plans", json=plan_body(), headers=alice).get_json()
    footage_id = ready_footage(client, db, alice)
    body = {"footage_id": footage_id, "plan_id": plan["id"], "slot": "hour_before"}
    assert client.post("/v1/teasers", json=body, headers=alice).status_code == 202
    en, id_ = _both(client, "POST", "/v1/teasers", alice, json=body)
    assert en["code"] == "slot_taken" and en["field"] == "slot"
    assert "sudah punya teaser 1 jam sebelum LIVE" in id_["detail"]
    with db.session() as s:
        row = s.get(Footage, footage_id)
        assert row is not None
        row.status = FootageStatus.UPLOADED
    en, id_ = _both(client, "POST", "/v1/teasers", alice, json={"footage_id": footage_id})
    assert en["code"] == "footage_not_ready"
    assert id_["detail"].startswith("Rekamannya masih diperiksa")


def test_an_upload_refused_at_ingest_is_refused_with_its_indonesian_reason(
        client: FlaskClient, db: Database, alice: dict[str, str]) -> None:
    footage_id = ready_footage(client, db, alice)
    _rejected(db, footage_id)
    en, id_ = _both(client, "POST", "/v1/teasers", alice, json={"footage_id": footage_id})
    assert en["detail"] == "The recording was rejected: live.mp4: has no video stream"
    assert id_["detail"] == "Rekamannya ditolak: live.mp4: tidak berisi video"


def test_a_half_given_period_and_an_ops_route_are_refused_in_indonesian(
        client: FlaskClient, alice: dict[str, str]) -> None:
    en, id_ = _both(client, "GET", "/v1/metrics/overview?period=custom"
                    "&from=2026-11-01T00:00:00%2B07:00", alice)
    assert en["code"] == "period_invalid" and en["field"] == "to"
    assert id_["detail"].startswith("Periode khusus butuh 'from' dan 'to'")
    en, id_ = _both(client, "GET", "/v1/hub/sessions?from=2026-11-01T00:00:00%2B07:00", alice)
    assert en["field"] == "to" and id_["detail"].startswith("Rentang waktu mulai butuh")
    en, id_ = _both(client, "GET", "/v1/ops/queues", alice)
    assert en["code"] == "ops_only" and id_["detail"].startswith("Rute ini hanya untuk kunci ops")


def test_an_uploads_rejection_reason_reads_in_the_sellers_language(
        client: FlaskClient, db: Database, alice: dict[str, str]) -> None:
    footage_id = ready_footage(client, db, alice)
    _rejected(db, footage_id)
    en = client.get(f"/v1/footage/{footage_id}", headers=alice).get_json()
    id_ = client.get(f"/v1/footage/{footage_id}", headers={**alice, **ID}).get_json()
    assert (en["reason"], id_["reason"]) == ("live.mp4: has no video stream",
                                             "live.mp4: tidak berisi video")
    assert en["has_captions"] is False
    with db.session() as s:
        row = s.get(Footage, footage_id)
        assert row is not None
        row.reason_id = None  # refused before reasons were kept in Indonesian
    old = client.get(f"/v1/footage/{footage_id}", headers={**alice, **ID}).get_json()
    assert old["reason"] == "live.mp4: has no video stream"


def test_an_empty_upload_is_refused_in_indonesian(
        client: FlaskClient, alice: dict[str, str]) -> None:
    en, id_ = _both(client, "POST", "/v1/footage", alice, data=b"",
                    content_type="video/mp4")
    assert en["code"] == "empty_upload" and en["field"] == "file"
    assert id_["detail"].startswith("Unggahannya kosong")
