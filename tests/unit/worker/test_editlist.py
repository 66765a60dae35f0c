"""What a regeneration does for each kind of change to a teaser's edit list: the least
work that still gives what a full render of the changed edit list would."""

from __future__ import annotations

from dataclasses import replace

from worker.editlist import Crop, EditList, Output, Segment, Source, Sticker, Work, work_needed

OLD = EditList(source=Source("/rec.mp4", 1280, 720, 600.0, True),
               segments=(Segment(10.0, 20.0, 1.0, "orders rose"),
                         Segment(40.0, 50.0, 0.8, "clicks rose", Crop(100, 0, 405, 720))),
               output=Output(720, 1280), sticker=Sticker("LIVE Sabtu 19.00"), music="upbeat",
               product="Serum", notes=("a note",))


def test_a_new_music_bed_only_remixes_the_sound_under_the_same_picture() -> None:
    assert work_needed(OLD, replace(OLD, music="chill")) is Work.REMUX
    assert work_needed(OLD, replace(OLD, music=None)) is Work.REMUX
    assert work_needed(OLD, replace(OLD, output=replace(OLD.output, audio_quality=1.5))) \
        is Work.REMUX
    # the poster changed too: still no picture encoded (the poster is cut beside it)
    assert work_needed(OLD, replace(OLD, music="chill", poster_at=3.0)) is Work.REMUX


def test_a_new_poster_second_only_cuts_the_poster() -> None:
    assert work_needed(OLD, replace(OLD, poster_at=4.5)) is Work.POSTER


def test_anything_the_picture_is_made_of_renders_again() -> None:
    for changed in (replace(OLD, segments=OLD.segments[:1]),
                    replace(OLD, sticker=Sticker("LIVE Minggu 20.00")),
                    replace(OLD, product="Toner"), replace(OLD, arrow=None),
                    replace(OLD, template_version="2027.1"),
                    replace(OLD, output=replace(OLD.output, crf=23)),
                    replace(OLD, music="chill", segments=OLD.segments[1:])):
        assert work_needed(OLD, changed) is Work.RENDER, changed


def test_what_is_not_rendered_changes_nothing_in_the_files() -> None:
    assert work_needed(OLD, OLD) is Work.UNCHANGED
    assert work_needed(OLD, replace(OLD, notes=(), lang="id", lags={"orders": 30.0},
                                    candidates=OLD.segments)) is Work.UNCHANGED
