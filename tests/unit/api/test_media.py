"""A seller's media: cached privately, a range past the end answered 416 with the
file's length, and a signed, expiring URL that needs no API key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Teaser
from tests.unit.api.conftest import Clock, ready_footage

VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"v" * 5000


def fetch(client: FlaskClient, url: str, **headers: str):
    """GET ``url`` with the body read and the file closed."""
    with client.get(url, headers=headers) as response:
        response.get_data()
    return response


def _ready_teaser(client: FlaskClient, db: Database, headers: dict[str, str],
                  tmp_path: Path) -> dict:
    footage_id = ready_footage(client, db, headers)
    teaser = client.post("/v1/teasers", json={"footage_id": footage_id},
                         headers=headers).get_json()
    (tmp_path / "media" / "teasers").mkdir(parents=True, exist_ok=True)
    (tmp_path / "media" / "teasers" / "t.mp4").write_bytes(VIDEO)
    (tmp_path / "media" / "teasers" / "t.jpg").write_bytes(b"\xff\xd8jpeg")
    with db.session() as s:
        row = s.get(Teaser, teaser["id"])
        assert row is not None
        row.status, row.video_path, row.poster_path = (TeaserStatus.READY, "teasers/t.mp4",
                                                       "teasers/t.jpg")
    return client.get(f"/v1/teasers/{teaser['id']}", headers=headers).get_json()


def test_media_is_cached_privately_and_a_range_past_the_end_is_416(
    client: FlaskClient, db: Database, alice: dict[str, str], tmp_path: Path
) -> None:
    teaser = _ready_teaser(client, db, alice, tmp_path)
    video = fetch(client, teaser["links"]["video"], **alice)
    assert video.status_code == 200 and video.data == VIDEO
    assert "private" in video.headers["Cache-Control"]
    assert "public" not in video.headers["Cache-Control"]
    past = fetch(client, teaser["links"]["video"], **alice, Range="bytes=99999-")
    assert past.status_code == 416
    assert past.headers["Content-Range"] == f"bytes */{len(VIDEO)}"
    assert past.get_json()["code"] == "range_not_satisfiable"


def test_a_signed_url_downloads_without_a_key_until_it_expires(
    client: FlaskClient, db: Database, alice: dict[str, str], tmp_path: Path, clock: Clock
) -> None:
    teaser = _ready_teaser(client, db, alice, tmp_path)
    url = teaser["links"]["download"]
    assert url.startswith(f"/v1/downloads/teasers/{teaser['id']}/video?expires=")
    plain = fetch(client, url)
    assert plain.status_code == 200 and plain.data == VIDEO
    assert "private" in plain.headers["Cache-Control"]
    part = fetch(client, url, Range="bytes=0-9")
    assert part.status_code == 206 and part.data == VIDEO[:10]
    assert fetch(client, teaser["links"]["poster_download"]).data == b"\xff\xd8jpeg"
    forged = client.get(url[:-4] + ("0000" if not url.endswith("0000") else "1111"))
    assert forged.status_code == 403 and forged.get_json()["code"] == "invalid_signature"
    other = client.get(url.replace("/video?", "/poster?"))
    assert other.status_code == 403
    clock.at += timedelta(hours=1, seconds=1)
    expired = client.get(url)
    assert expired.status_code == 403 and expired.get_json()["code"] == "link_expired"
