"""A regeneration reworks the last render only when it was cut from the teaser's
recording: found again after the media store moved, never another recording's, and
never without the edit list it was made from."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.unit.worker.test_editlist import OLD
from worker.regeneration import previous_render


def _kept(tmp_path: Path, recording: str) -> tuple[Path, Path, Path]:
    video, poster, edit_list = (tmp_path / "r1.mp4", tmp_path / "r1.jpg", tmp_path / "r1.json")
    video.write_bytes(b"mp4")
    poster.write_bytes(b"jpg")
    replace(OLD, source=replace(OLD.source, path=recording)).save(edit_list)
    return video, poster, edit_list


def test_a_moved_media_store_still_finds_the_recording_the_render_was_cut_from(
        tmp_path: Path) -> None:
    kept = _kept(tmp_path, "/old/root/uploads/ab12.bin")
    found = previous_render(*kept, Path("/new/root/uploads/ab12.bin"))
    assert found is not None
    assert found[0].source.path == "/new/root/uploads/ab12.bin"
    assert found[0].segments == OLD.segments and found[1:] == kept[:2]


def test_a_render_of_another_recording_or_without_its_edit_list_is_made_again(
        tmp_path: Path) -> None:
    kept = _kept(tmp_path, "/root/uploads/ab12.bin")
    assert previous_render(*kept, Path("/root/uploads/cd34.bin")) is None
    kept[2].write_text("{not json")
    assert previous_render(*kept, Path("/root/uploads/ab12.bin")) is None
    kept[2].unlink()
    assert previous_render(*kept, Path("/root/uploads/ab12.bin")) is None
