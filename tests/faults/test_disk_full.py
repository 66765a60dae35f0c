"""Point 7 of issue 13: a full disk is named as such (to ops, with the path), uploads are
refused with 507 while free space is under the threshold, nothing half-written is kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from store.media import DiskFull, MediaStore
from worker import ffmpeg

VIDEO = {"Content-Type": "video/mp4", "X-Filename": "live.mp4"}


def _uploads(app: Flask) -> list[Path]:
    root = Path(app.config["MEDIA_ROOT"]) / "uploads"
    return list(root.iterdir()) if root.exists() else []


def test_uploads_are_507_while_free_space_is_under_the_threshold(
        app: Flask, client: FlaskClient, alice: dict[str, str]) -> None:
    free = shutil.disk_usage(app.config["MEDIA_ROOT"] if Path(app.config["MEDIA_ROOT"])
                             .exists() else "/").free
    app.config["MIN_FREE_DISK_BYTES"] = free + 1024**3
    response = client.post("/v1/footage", data=b"\x00" * 1000, headers={**alice, **VIDEO})
    assert response.status_code == 507
    assert response.get_json()["code"] == "insufficient_storage"
    assert "nothing was stored" in response.get_json()["detail"]
    assert _uploads(app) == []
    app.config["MIN_FREE_DISK_BYTES"] = 1024**2
    assert client.post("/v1/footage", data=b"\x00" * 1000,
                       headers={**alice, **VIDEO}).status_code == 202


def test_a_disk_that_fills_mid_upload_is_507_and_nothing_is_kept(
        app: Flask, client: FlaskClient, alice: dict[str, str],
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    uploads = Path(app.config["MEDIA_ROOT"]) / "uploads"
    uploads.mkdir(parents=True)
    # The upload's temporary file is /dev/full: every write fails with ENOSPC.
    (uploads / ".full.bin.part").symlink_to("/dev/full")
    monkeypatch.setattr(MediaStore, "new_upload_path", lambda self: "uploads/full.bin")
    response = client.post("/v1/footage", data=b"\x00" * (3 * 1024 * 1024),
                           headers={**alice, **VIDEO})
    assert response.status_code == 507, response.get_json()
    assert not (uploads / "full.bin").exists() and not (uploads / ".full.bin.part").exists()
    assert client.get("/v1/footage", headers=alice).get_json()["items"] == []
    assert f"the disk holding {uploads} is full" in caplog.text  # ops get the path


def test_the_media_store_names_the_full_disk(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / ".a.bin.part").symlink_to("/dev/full")
    with pytest.raises(DiskFull, match=f"the disk holding {tmp_path / 'uploads'} is full"):
        store.write_stream("uploads/a.bin", [b"x" * 65536] * 4, 1 << 30)
    assert not (tmp_path / "uploads" / "a.bin").exists()


def test_ffmpeg_on_a_full_disk_says_so_with_the_path_not_an_exit_code() -> None:
    with pytest.raises(ffmpeg.DiskFullError) as caught:
        ffmpeg.run(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:d=5", "-c:v", "mpeg4",
                    "-f", "matroska", "/dev/full"], timeout=60)
    assert "the disk is full" in caught.value.message
    assert "writing under /dev" in caught.value.message and "MiB free" in caught.value.message
    assert "exit" not in caught.value.message
