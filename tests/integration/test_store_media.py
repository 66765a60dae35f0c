"""MediaStore writes uploads in chunks under uuid names and never leaves its root."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.media import MediaStore, UploadTooLarge


def test_stream_is_written_and_counted(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    rel = store.new_upload_path()
    size = store.write_stream(rel, iter([b"a" * 10, b"", b"b" * 5]), limit=100)
    assert size == 15 and store.absolute(rel).read_bytes() == b"a" * 10 + b"b" * 5


def test_over_the_limit_leaves_nothing_behind(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    rel = store.new_upload_path()
    with pytest.raises(UploadTooLarge):
        store.write_stream(rel, iter([b"x" * 60, b"x" * 60]), limit=100)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_paths_cannot_escape_the_root(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    with pytest.raises(ValueError):
        store.absolute("../outside.mp4")
    with pytest.raises(ValueError):
        store.teaser_paths("../../etc", 1)
    video, poster = store.teaser_paths("a" * 32, 3)
    assert (video, poster) == (f"teasers/{'a' * 32}/r3.mp4", f"teasers/{'a' * 32}/r3.jpg")
