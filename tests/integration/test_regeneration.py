"""Regenerating a verified teaser with real ffmpeg: a new music bed keeps every picture
packet and sounds as a full render with that bed does; a new poster second gives the
poster a full render shows; a segment change renders the teaser again. Each result is
verified and is what a full render of the changed edit list gives."""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.footage import make_clip
from worker.editlist import EditList, Output, Segment, Source, Sticker, Work
from worker.ffmpeg import binary
from worker.loudness import sub_powers
from worker.regeneration import regenerate
from worker.render import RenderResult, render, segment_samples
from worker.stem import key_of, load, save, stem_path

pytestmark = pytest.mark.integration


def packets(path: Path, stream: str) -> str:
    """A hash of one stream's packets (their sizes, times and bytes), copied, not decoded."""
    out = subprocess.run([binary(), "-nostdin", "-v", "error", "-i", str(path), "-map",
                          f"0:{stream}", "-c", "copy", "-f", "framemd5", "-"],
                         capture_output=True, text=True, check=True).stdout
    lines = [line for line in out.splitlines() if not line.startswith("#")]
    assert lines, f"no {stream} packets in {path}"
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def lufs(path: Path) -> float:
    """Integrated loudness by ffmpeg's ebur128."""
    err = subprocess.run([binary(), "-nostdin", "-hide_banner", "-i", str(path), "-vn", "-af",
                          "ebur128", "-f", "null", "-"], capture_output=True, text=True,
                         check=True).stderr
    found = re.search(r"I:\s+(-?[\d.]+) LUFS", err[err.rindex("Summary:"):])
    assert found
    return float(found.group(1))


@pytest.fixture(scope="module")
def teaser(tmp_path_factory: pytest.TempPathFactory) -> tuple[EditList, RenderResult]:
    """A verified 12 s teaser of a 720p recording with speech, a LIVE card and a bed."""
    work = tmp_path_factory.mktemp("regen")
    source = make_clip(work / "live.mp4", seconds=40, size="1280x720")
    edit = EditList(source=Source(str(source), 1280, 720, 40.0, True),
                    segments=(Segment(2.0, 8.0, 1.0, "orders rose"),
                              Segment(20.0, 26.0, 0.9, "clicks rose")),
                    output=Output(720, 1280), sticker=Sticker("LIVE Sabtu 19.00", "Flash"),
                    music="upbeat", poster_at=1.0, product="Serum Glow")
    return edit, render(edit, work / "r1.mp4", work / "r1.jpg")


def test_a_new_bed_keeps_every_picture_packet_and_sounds_as_a_full_render_with_it(
        teaser: tuple[EditList, RenderResult], tmp_path: Path) -> None:
    old, first = teaser
    chill = replace(old, music="chill")
    work, result = regenerate(old, first.video, first.poster, chill,
                              tmp_path / "r2.mp4", tmp_path / "r2.jpg")
    full = render(chill, tmp_path / "full.mp4", tmp_path / "full.jpg")
    assert work is Work.REMUX
    assert packets(result.video, "v") == packets(first.video, "v") == packets(full.video, "v")
    assert packets(result.video, "a") != packets(first.video, "a")  # the new bed is heard
    assert lufs(result.video) == pytest.approx(lufs(full.video), abs=0.5)
    assert packets(result.video, "a") == packets(full.video, "a")  # the very same sound
    assert result.poster.read_bytes() == first.poster.read_bytes()
    assert (result.width, result.height) == (720, 1280)
    assert result.duration == pytest.approx(full.duration, abs=0.05)


def test_a_new_poster_second_cuts_the_poster_a_full_render_shows(
        teaser: tuple[EditList, RenderResult], tmp_path: Path) -> None:
    old, first = teaser
    later = replace(old, poster_at=7.0)
    work, result = regenerate(old, first.video, first.poster, later,
                              tmp_path / "r2.mp4", tmp_path / "r2.jpg")
    full = render(later, tmp_path / "full.mp4", tmp_path / "full.jpg")
    assert work is Work.POSTER
    assert result.poster.read_bytes() == full.poster.read_bytes() != first.poster.read_bytes()
    assert result.video.read_bytes() == first.video.read_bytes()  # the teaser itself kept


def test_a_segment_change_renders_the_teaser_again(
        teaser: tuple[EditList, RenderResult], tmp_path: Path) -> None:
    old, first = teaser
    shorter = replace(old, segments=old.segments[:1], music="chill")
    work, result = regenerate(old, first.video, first.poster, shorter,
                              tmp_path / "r2.mp4", tmp_path / "r2.jpg")
    assert work is Work.RENDER
    assert result.duration == pytest.approx(6.0, abs=0.1)
    assert packets(result.video, "v") != packets(first.video, "v")


def test_the_kept_voice_stem_is_what_a_music_change_mixes_and_it_passes_on(
        teaser: tuple[EditList, RenderResult], tmp_path: Path) -> None:
    old, first = teaser
    kept = stem_path(first.video)
    assert kept.is_file() and kept.stat().st_size < first.video.stat().st_size
    chill = replace(old, music="chill")
    full = render(chill, tmp_path / "full.mp4", tmp_path / "full.jpg")
    # The stem alone holds the voice: with the recording gone from under it, the
    # regeneration still sounds as the full render does.
    gone = replace(old.source, path=str(tmp_path / "gone" / Path(old.source.path).name))
    work, result = regenerate(replace(old, source=gone), first.video, first.poster,
                              replace(chill, source=gone),
                              tmp_path / "r2.mp4", tmp_path / "r2.jpg")
    assert work is Work.REMUX
    assert packets(result.video, "a") == packets(full.video, "a")
    assert stem_path(result.video).read_bytes() == kept.read_bytes()  # for the next one
    # The stem carries its voice's 100 ms powers, exactly what the mix would measure.
    loaded = load(kept, key_of(chill), sum(segment_samples(chill)))
    assert loaded is not None
    voice, powers = loaded
    assert powers is not None and np.array_equal(powers, sub_powers(voice))


@pytest.mark.parametrize("kept", ["none", "another cut's"])
def test_without_a_stem_of_its_own_the_voice_is_decoded_again_to_the_same_sound(
        teaser: tuple[EditList, RenderResult], tmp_path: Path, kept: str) -> None:
    old, first = teaser
    video = tmp_path / "old.mp4"  # a render from before stems were kept ...
    video.hardlink_to(first.video)
    if kept != "none":  # ... or beside a stem that is not its voice
        n = int(old.duration * 48_000)
        save(np.zeros((n, 2), np.float32), stem_path(video), key_of(replace(
            old, segments=old.segments[:1])))
    chill = replace(old, music="chill")
    work, result = regenerate(old, video, first.poster, chill,
                              tmp_path / "r2.mp4", tmp_path / "r2.jpg")
    full = render(chill, tmp_path / "full.mp4", tmp_path / "full.jpg")
    assert work is Work.REMUX
    assert packets(result.video, "v") == packets(first.video, "v")
    assert packets(result.video, "a") == packets(full.video, "a")
    # The voice decoded again is kept for the next change.
    assert stem_path(result.video).read_bytes() == stem_path(full.video).read_bytes()
