"""Point 2 of issue 13: large uploads can resume (``/v1/footage/uploads``, the tus
protocol's core), so a phone on a weak network does not start over."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from store.db import Database
from store.models import Footage
from tests.unit.api.conftest import FakeGateway


def test_an_upload_resumes_where_it_stands_and_becomes_footage(
        app: Flask, client: FlaskClient, db: Database, alice: dict[str, str],
        bob: dict[str, str], gateway: FakeGateway) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB
    opened = client.post("/v1/footage/uploads", json={"size": len(data),
                                                       "filename": "live.mp4"}, headers=alice)
    assert opened.status_code == 201, opened.get_json()
    upload = opened.get_json()
    assert upload["offset"] == 0 and opened.headers["Location"] == upload["links"]["self"]
    url = upload["links"]["self"]
    first = client.patch(url, data=data[:300_000], headers={**alice, "Upload-Offset": "0"})
    assert first.status_code == 204 and first.headers["Upload-Offset"] == "300000"
    # The client lost its connection and does not know what arrived: it asks.
    assert client.get(url, headers=alice).get_json()["offset"] == 300_000
    stale = client.patch(url, data=data[:1000], headers={**alice, "Upload-Offset": "0"})
    assert stale.status_code == 409 and stale.get_json()["offset"] == 300_000
    assert client.get(url, headers=bob).status_code == 404  # another seller's upload
    last = client.patch(url, data=data[300_000:], headers={**alice, "Upload-Offset": "300000"})
    assert last.status_code == 201, last.get_json()
    footage = last.get_json()
    assert footage["status"] == "uploaded" and footage["size_bytes"] == len(data)
    assert footage["original_filename"] == "live.mp4"
    assert gateway.ingests == [footage["id"]]
    with db.session() as s:
        row = s.get(Footage, footage["id"])
        assert row is not None
        assert (Path(app.config["MEDIA_ROOT"]) / row.path).read_bytes() == data
    assert client.get(url, headers=alice).status_code == 404  # finished: gone


def test_a_resumable_upload_refuses_what_it_cannot_take(
        app: Flask, client: FlaskClient, alice: dict[str, str]) -> None:
    limit = app.config["MAX_UPLOAD_BYTES"]
    too_big = client.post("/v1/footage/uploads", json={"size": limit + 1}, headers=alice)
    assert too_big.status_code == 413 and f"{limit:,} bytes" in too_big.get_json()["detail"]
    url = client.post("/v1/footage/uploads", json={"size": 10},
                      headers=alice).get_json()["links"]["self"]
    over = client.patch(url, data=b"x" * 11, headers={**alice, "Upload-Offset": "0"})
    assert over.status_code == 413
    no_offset = client.patch(url, data=b"x", headers=alice)
    assert no_offset.status_code == 400 and "Upload-Offset" in no_offset.get_json()["detail"]
