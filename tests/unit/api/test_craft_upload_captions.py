"""Every upload path carries the recording's timed transcript: the raw body (the tus
``Upload-Metadata`` header), the multipart form (its ``captions`` field) and the
resumable upload (its ``captions`` when it is opened). A good transcript is kept with the
footage; a bad one is refused before any byte of the video is stored, naming what is
wrong; the bytes of a resumable upload already sent are never refused for it."""

from __future__ import annotations

import base64
from pathlib import Path

from flask.testing import FlaskClient

from store.db import Database
from store.models import Footage

SRT = "1\n00:00:01,000 --> 00:00:03,000\nNah kak, ini dia!\n\n2\n00:00:03,500 --> " \
      "00:00:05,000\nDiskon tiga puluh persen.\n"
BAD = "WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nhi\n"  # one '-' short of a timing line


def _meta(**pairs: str | bytes) -> str:
    return ",".join(f"{k} {base64.b64encode(v if isinstance(v, bytes) else v.encode()).decode()}"
                    for k, v in pairs.items())


def _captions_of(db: Database, footage_id: str) -> str | None:
    with db.session() as s:
        row = s.get(Footage, footage_id)
        assert row is not None
        return row.captions


def _stored(root: Path) -> list[Path]:
    return sorted(p for p in (root / "media").rglob("*") if p.is_file())


def test_a_raw_body_upload_carries_its_captions_in_upload_metadata(
        client: FlaskClient, alice: dict[str, str], db: Database) -> None:
    response = client.post("/v1/footage", data=b"x" * 5000, headers={
        **alice, "Content-Type": "video/mp4",
        "Upload-Metadata": _meta(filename="live.mp4", captions=SRT)})
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["original_filename"] == "live.mp4" and body["has_captions"] is True
    assert _captions_of(db, body["id"]) == SRT
    plain = client.post("/v1/footage", data=b"x" * 5000,
                        headers={**alice, "Content-Type": "video/mp4"})
    assert plain.status_code == 202 and _captions_of(db, plain.get_json()["id"]) is None
    assert plain.get_json()["has_captions"] is False


def test_a_raw_body_with_bad_captions_is_refused_before_it_is_stored(
        client: FlaskClient, alice: dict[str, str], tmp_path: Path) -> None:
    before = _stored(tmp_path)
    bad = client.post("/v1/footage", data=b"x" * 5000, headers={
        **alice, "Content-Type": "video/mp4", "Upload-Metadata": _meta(captions=BAD)})
    assert bad.status_code == 422
    problem = bad.get_json()
    assert problem["code"] == "captions_invalid" and "line 3" in problem["detail"]
    assert "00:00:01.000 --> 00:00:03.000" in problem["detail"]  # what a timing looks like
    not_utf8 = client.post("/v1/footage", data=b"x" * 5000, headers={
        **alice, "Content-Type": "video/mp4",
        "Upload-Metadata": _meta(captions=b"WEBVTT\n\n\xff\xfe")})
    assert not_utf8.status_code == 422 and "UTF-8" in not_utf8.get_json()["detail"]
    not_b64 = client.post("/v1/footage", data=b"x" * 5000, headers={
        **alice, "Content-Type": "video/mp4", "Upload-Metadata": "captions WEBVTT!!"})
    assert not_b64.status_code == 400
    assert "'captions'" in not_b64.get_json()["detail"] and "base64" in \
        not_b64.get_json()["detail"]
    assert _stored(tmp_path) == before  # nothing of the refused videos is kept


def test_a_resumable_upload_keeps_the_captions_it_was_opened_with(
        client: FlaskClient, alice: dict[str, str], db: Database, tmp_path: Path) -> None:
    refused = client.post("/v1/footage/uploads", headers=alice,
                          json={"size": 6000, "filename": "live.mp4", "captions": BAD})
    assert refused.status_code == 422 and "line 3" in refused.get_json()["detail"]
    assert not list((tmp_path / "media").rglob("*.part"))  # no upload was opened
    opened = client.post("/v1/footage/uploads", headers=alice,
                         json={"size": 6000, "filename": "live.mp4", "captions": SRT})
    assert opened.status_code == 201, opened.get_json()
    path = opened.get_json()["links"]["self"]
    first = client.patch(path, data=b"x" * 4000,
                         headers={**alice, "Upload-Offset": "0",
                                  "Content-Type": "application/offset+octet-stream"})
    assert first.status_code == 204
    done = client.patch(path, data=b"x" * 2000,
                        headers={**alice, "Upload-Offset": "4000",
                                 "Content-Type": "application/offset+octet-stream"})
    assert done.status_code == 201, done.get_json()
    assert _captions_of(db, done.get_json()["id"]) == SRT
    # a tus client sends them in the header instead of the JSON body
    tus = client.post("/v1/footage/uploads", json={"size": 10},
                      headers={**alice, "Upload-Metadata": _meta(captions=SRT)})
    assert tus.status_code == 201
    last = client.patch(tus.get_json()["links"]["self"], data=b"y" * 10,
                        headers={**alice, "Upload-Offset": "0",
                                 "Content-Type": "application/offset+octet-stream"})
    assert last.status_code == 201 and _captions_of(db, last.get_json()["id"]) == SRT
