"""A regeneration reworks the last render only when it was cut from the teaser's
recording: found again after the media store moved, never another recording's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.unit.worker.test_editlist import OLD
from worker.jobs import _on_recording


def test_a_moved_media_store_still_finds_the_recording_the_render_was_cut_from() -> None:
    cut = replace(OLD, source=replace(OLD.source, path="/old/root/uploads/ab12.bin"))
    found = _on_recording((cut, Path("v.mp4"), Path("p.jpg")), Path("/new/root/uploads/ab12.bin"))
    assert found is not None and found[0].source.path == "/new/root/uploads/ab12.bin"
    assert found[0].segments == cut.segments


def test_a_render_of_another_recording_is_made_again_not_reworked() -> None:
    cut = replace(OLD, source=replace(OLD.source, path="/root/uploads/ab12.bin"))
    assert _on_recording((cut, Path("v.mp4"), Path("p.jpg")),
                         Path("/root/uploads/cd34.bin")) is None
    assert _on_recording(None, Path("/root/uploads/cd34.bin")) is None
