"""A failed render's ``error`` reads in the seller's language: the render job (run here
in-process, its pipeline made to fail each way a render really fails) writes what went
wrong and what to do in English and Indonesian, and ``GET /v1/teasers/{id}`` answers in
the request's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from store.db import Database
from store.media import MediaStore
from store.models import Footage, Teaser
from tests.unit.api.conftest import ready_footage
from worker import jobs
from worker.errors import VerifyError
from worker.ffmpeg import FfmpegError, FfmpegTimeout

ID = {"Accept-Language": "id-ID, en;q=0.5"}


@pytest.fixture
def worker(app: Flask, db: Database) -> Iterator[None]:
    """The render job runs on the app's database and media store."""
    jobs.configure(db, MediaStore(app.config["MEDIA_ROOT"]))
    yield
    jobs.reset()


def _teaser(client: FlaskClient, db: Database, alice: dict[str, str]) -> str:
    footage_id = ready_footage(client, db, alice)
    response = client.post("/v1/teasers", json={"footage_id": footage_id}, headers=alice)
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def _render_failing(monkeypatch: pytest.MonkeyPatch, teaser_id: str,
                    error: Exception) -> None:
    def make_teaser(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(jobs, "make_teaser", make_teaser)
    with pytest.raises(type(error)):
        jobs.render_teaser(teaser_id, 1)


def _read(client: FlaskClient, alice: dict[str, str], teaser_id: str) -> tuple[Any, Any]:
    en = client.get(f"/v1/teasers/{teaser_id}", headers=alice).get_json()
    id_ = client.get(f"/v1/teasers/{teaser_id}", headers={**alice, **ID}).get_json()
    assert en["status"] == id_["status"]
    return en, id_


@pytest.mark.parametrize("error, english, indonesian, said", [
    (FfmpegTimeout("ffmpeg took longer than 900 s and was stopped"),
     "Making the teaser took too long and was stopped. Ask for the teaser again in a few "
     "minutes",
     "Pembuatan teaser terlalu lama, jadi dihentikan. Minta teasernya lagi beberapa menit "
     "lagi", "ffmpeg took longer than 900 s and was stopped"),
    (FfmpegError("ffmpeg failed (exit 1)", "Invalid data found when processing input"),
     "The recording could not be decoded",
     "Rekamannya tidak bisa dibaca", "ffmpeg failed (exit 1)"),
    (VerifyError("render verification failed: the picture lasts 7.20 s, the edit list says "
                 "8.00 s"),
     "The finished teaser did not pass its checks",
     "Teaser yang sudah jadi tidak lolos pemeriksaan",
     "render verification failed: the picture lasts 7.20 s, the edit list says 8.00 s"),
    (ZeroDivisionError("division by zero"),
     "Making the teaser stopped because of a problem on our side. Ask for the teaser again",
     "Pembuatan teaser berhenti karena ada masalah di sisi kami. Minta teasernya lagi",
     "ZeroDivisionError: division by zero"),
], ids=["timeout", "undecodable", "verify", "crash"])
def test_a_failed_render_says_what_went_wrong_in_the_sellers_language(
        client: FlaskClient, db: Database, alice: dict[str, str], worker: None,
        monkeypatch: pytest.MonkeyPatch, error: Exception, english: str, indonesian: str,
        said: str) -> None:
    teaser_id = _teaser(client, db, alice)
    _render_failing(monkeypatch, teaser_id, error)
    en, id_ = _read(client, alice, teaser_id)
    assert en["status"] == "failed"
    assert en["error"].startswith(english), en["error"]
    assert id_["error"].startswith(indonesian), id_["error"]
    # what broke, for support, in both; ffmpeg's own stderr in neither
    assert en["error"].endswith(f"Details for support: {said}")
    assert id_["error"].endswith(f"Rincian untuk tim dukungan: {said}")
    assert "Invalid data" not in en["error"] + id_["error"]
    refused = client.get(f"/v1/teasers/{teaser_id}/video", headers={**alice, **ID})
    assert refused.status_code == 409
    assert refused.get_json()["detail"] == f"Teaser ini gagal dibuat: {id_['error']}"


def test_a_recording_gone_from_storage_fails_the_render_in_the_sellers_language(
        app: Flask, client: FlaskClient, db: Database, alice: dict[str, str],
        worker: None) -> None:
    teaser_id = _teaser(client, db, alice)
    with db.session() as s:
        teaser = s.get(Teaser, teaser_id)
        assert teaser is not None
        footage = s.get(Footage, teaser.footage_id)
        assert footage is not None
        (Path(app.config["MEDIA_ROOT"]) / footage.path).unlink()
    with pytest.raises(Exception, match="missing from storage"):
        jobs.render_teaser(teaser_id, 1)
    en, id_ = _read(client, alice, teaser_id)
    assert en["error"] == "The recording file is missing from storage; upload it again."
    assert id_["error"] == "Berkas rekamannya hilang dari penyimpanan; unggah lagi."


class _RetriedJob:
    """A job RQ will run again: what the render sees on a first failed attempt."""

    id, retries_left, connection = "render-retried", 2, None

    def __init__(self) -> None:
        self.meta: dict[str, Any] = {}

    def save_meta(self) -> None:
        pass


def test_a_render_to_be_retried_says_so_in_the_sellers_language(
        client: FlaskClient, db: Database, alice: dict[str, str], worker: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    teaser_id = _teaser(client, db, alice)
    monkeypatch.setattr(jobs, "_current_job", _RetriedJob)
    _render_failing(monkeypatch, teaser_id, FfmpegTimeout("ffmpeg took longer than 900 s"))
    en, id_ = _read(client, alice, teaser_id)
    assert (en["status"], en["stage"]) == ("queued", "waiting to retry")
    assert "It is being tried again automatically." in en["error"]
    assert "Teaser ini sedang dicoba lagi secara otomatis." in id_["error"]
    assert "Ask for the teaser again" not in en["error"]


def test_a_teaser_that_failed_before_reads_its_english_error(
        client: FlaskClient, db: Database, alice: dict[str, str], worker: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    teaser_id = _teaser(client, db, alice)
    _render_failing(monkeypatch, teaser_id, ZeroDivisionError("division by zero"))
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        row.error_id = None  # failed before errors were kept in Indonesian
    en, id_ = _read(client, alice, teaser_id)
    assert id_["error"] == en["error"]
