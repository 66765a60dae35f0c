"""What already held in issue 13's attack (kept as regressions): playlists and concat
lists are refused without reading another file, a hostile file name never reaches a
path."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.faults.hostile import encode
from worker.errors import InputError
from worker.limits import check_limits

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("name, text", [
    ("list.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{secret}\n#EXT-X-ENDLIST\n"),
    ("list.ffconcat", "ffconcat version 1.0\nfile '{secret}'\n"),
])
def test_a_playlist_or_concat_list_is_refused_without_reading_the_file_it_names(
        tmp_path: Path, name: str, text: str) -> None:
    secret = encode(tmp_path / "other-sellers.mp4", "testsrc2=s=64x64:r=10:d=4")
    upload = tmp_path / name
    upload.write_text(text.format(secret=secret))
    with pytest.raises(InputError, match="not a video file ffmpeg can read") as caught:
        check_limits(upload)
    print(caught.value)


def test_a_hostile_file_name_is_metadata_only(app: Flask, client: FlaskClient,
                                              alice: dict[str, str]) -> None:
    hostile = "../../etc/passwd; rm -rf ~ `id` $(id).mp4"
    response = client.post("/v1/footage", data=b"\x00" * 1000, headers={
        **alice, "Content-Type": "video/mp4", "X-Filename": hostile})
    assert response.status_code == 202
    assert response.get_json()["original_filename"] == hostile
    stored = [p.relative_to(app.config["MEDIA_ROOT"]).as_posix()
              for p in Path(app.config["MEDIA_ROOT"]).rglob("*")
              if p.is_file() and p.name != ".studio-secret"]  # the studio's own key
    assert len(stored) == 1 and stored[0].startswith("uploads/") and "passwd" not in stored[0]
