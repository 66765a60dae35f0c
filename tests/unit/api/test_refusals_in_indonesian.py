"""The API's own refusals (not a domain rule's) in the seller's language: a request whose
Accept-Language puts Indonesian first reads Indonesian, with the same code and field an
English reader gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.lifecycle import FootageStatus
from store.db import Database
from store.media import DiskFull, MediaStore
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


UPLOADS = "/v1/footage/uploads"


def test_opening_a_resumable_upload_is_refused_in_indonesian(
        app: Flask, client: FlaskClient, alice: dict[str, str]) -> None:
    limit = app.config["MAX_UPLOAD_BYTES"]
    en, id_ = _both(client, "POST", UPLOADS, alice, json={"size": limit + 1})
    assert en["code"] == "upload_too_large" and en["field"] == "size"
    assert en["detail"].startswith(f"The upload is larger than the limit of {limit:,} bytes")
    assert limit == 4_194_304 and id_["detail"] == ("Unggahan melebihi batas 4.194.304 byte. "
                                                    "Potong atau kompres rekamannya, lalu "
                                                    "unggah lagi.")
    en, id_ = _both(client, "POST", UPLOADS, alice, json={"size": 0})
    assert en["code"] == "invalid_request" and "harus lebih dari 0" in id_["detail"]
    en, id_ = _both(client, "POST", UPLOADS, {**alice, "Upload-Metadata": "captions WEBVTT!!"},
                    json={"size": 10})
    assert en["code"] == "invalid_upload_metadata" and en["field"] == "captions"
    assert id_["detail"].startswith("Nilai 'captions' di header Upload-Metadata bukan base64")
    en, id_ = _both(client, "POST", UPLOADS, alice, json={"size": 10, "captions": "WEBVTT\n\n"
                                                          "00:00:01.000 -> 00:00:02.000\nhi\n"})
    assert en["code"] == "captions_invalid" and "baris 3" in id_["detail"]
    app.config["MIN_FREE_DISK_BYTES"] = 1 << 62
    en, id_ = _both(client, "POST", UPLOADS, alice, json={"size": 10})
    assert en["code"] == "insufficient_storage"
    assert id_["detail"].startswith("Penyimpanan layanan sedang hampir penuh")


def test_sending_a_resumable_uploads_bytes_is_refused_in_indonesian(
        client: FlaskClient, alice: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    en, id_ = _both(client, "GET", f"{UPLOADS}/{'0' * 32}", alice)
    assert en["code"] == "not_found" and id_["detail"].startswith("Tidak ada unggahan")
    url = client.post(UPLOADS, json={"size": 10},
                      headers=alice).get_json()["links"]["self"]
    assert client.patch(url, data=b"x" * 4, headers={**alice, "Upload-Offset": "0"}
                        ).status_code == 204
    en, id_ = _both(client, "PATCH", url, alice, data=b"x")
    assert en["code"] == "missing_upload_offset" and en["offset"] == id_["offset"] == 4
    assert id_["detail"] == ("Kirim header Upload-Offset: byte tempat isi permintaan ini "
                             "dimulai (unggahan ini sudah sampai byte 4).")
    en, id_ = _both(client, "PATCH", url, {**alice, "Upload-Offset": "0"}, data=b"x")
    assert en["code"] == "offset_mismatch" and en["offset"] == id_["offset"] == 4
    assert id_["detail"] == "Unggahan ini sudah sampai byte 4, bukan 0; kirim byte mulai dari 4."
    en, id_ = _both(client, "PATCH", url, {**alice, "Upload-Offset": "4"}, data=b"x" * 7)
    assert en["code"] == "upload_too_large" and en["offset"] == id_["offset"] == 4
    assert en["detail"] == ("The body goes past the upload's size of 10 bytes; send only the "
                            "6 bytes from byte 4 on.")
    assert id_["detail"] == ("Isi permintaan ini melewati ukuran unggahan, 10 byte; kirim "
                             "hanya 6 byte sisanya, mulai dari byte 4.")

    def full(*args: Any, **kwargs: Any) -> int:
        raise DiskFull(Path("/media/uploads/resumable"), 0)

    monkeypatch.setattr(MediaStore, "append_resumable", full)
    en, id_ = _both(client, "PATCH", url, {**alice, "Upload-Offset": "4"}, data=b"x")
    assert en["code"] == "insufficient_storage"
    assert id_["detail"].startswith("Penyimpanan layanan penuh saat menyimpan unggahan")


def test_a_body_over_the_upload_limit_is_refused_in_indonesian_with_its_words_intact(
        app: Flask) -> None:
    from werkzeug.exceptions import RequestEntityTooLarge

    def too_large() -> str:  # what werkzeug raises reading a body past the limit
        raise RequestEntityTooLarge()

    app.add_url_rule("/too-large", "too_large", too_large, methods=["POST"])
    client = app.test_client()
    en = client.post("/too-large").get_json()
    id_ = client.post("/too-large", headers=ID).get_json()
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert en["code"] == id_["code"] == "request_entity_too_large"
    # the number written the Indonesian way, the sentence's own comma kept
    assert id_["detail"] == (f"Unggahan ini melebihi batas {limit:,} byte. ".replace(",", ".")
                             + "Potong atau kompres rekamannya, lalu unggah lagi.")
