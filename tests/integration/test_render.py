"""Real renders of small generated sources, checked for what a viewer gets: length,
9:16 size, codecs, fast start, loudness, music under (and ducked by) the voice, and a
poster. The overlays are measured in test_overlays_render.py."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.footage import make_clip
from worker.editlist import Crop, EditList, Output, Segment, Source, Sticker
from worker.errors import RenderError
from worker.ffmpeg import binary
from worker.render import RenderResult, render
from worker.verify import moov_before_mdat

pytestmark = pytest.mark.integration

STICKER = "LIVE Sabtu, 23 Nov · 19.00 WIB"

@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("render")


def _source(path: Path, seconds: float, *, has_audio: bool = True) -> Source:
    return Source(path=str(path), width=640, height=360, duration=seconds, has_audio=has_audio)


def _render(work: Path, name: str, edit: EditList) -> RenderResult:
    return render(edit, work / f"{name}.mp4", work / f"{name}.jpg")


def _loudness(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) by ffmpeg's ebur128."""
    proc = subprocess.run([binary(), "-nostdin", "-hide_banner", "-i", str(path), "-vn", "-af",
                           "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
                          capture_output=True, text=True, check=True)
    summary = proc.stderr[proc.stderr.rindex("Summary:"):]
    lufs = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert lufs is not None and peak is not None, summary
    return float(lufs.group(1)), float(peak.group(1))


def _frame(path: Path, t: float, width: int, height: int) -> np.ndarray:
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-ss", f"{t:.3f}", "-i", str(path),
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 3)


def _audio(path: Path) -> np.ndarray:
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le",
                          "-ac", "1", "-ar", "48000", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.float32)


def _streams(path: Path) -> str:
    proc = subprocess.run([binary(), "-nostdin", "-hide_banner", "-i", str(path)],
                          capture_output=True, text=True)
    return proc.stderr


@pytest.fixture(scope="module")
def full(work: Path) -> tuple[EditList, RenderResult]:
    """Speech on a grey picture: two segments, sticker, arrow, music."""
    src = make_clip(work / "speech.mp4", seconds=12, size="640x360", video="color=c=gray")
    edit = EditList(source=_source(src, 12.0),
                    segments=(Segment(1.0, 5.5, 1.0, "orders x4"),
                              Segment(6.0, 10.5, 0.8, "comment burst", Crop(120, 0, 202, 360))),
                    output=Output(width=720, height=1280), sticker=Sticker(STICKER),
                    music="upbeat", poster_at=1.0)
    return edit, _render(work, "full", edit)


def test_teaser_is_vertical_h264_aac_at_30fps_with_fast_start(full: tuple) -> None:
    edit, result = full
    assert result.duration == pytest.approx(edit.duration, abs=0.1)
    assert (result.width, result.height) == (720, 1280)
    info = _streams(result.video)
    assert "Video: h264" in info and "yuv420p" in info and "30 fps" in info
    assert "Audio: aac" in info and "48000 Hz, stereo" in info
    assert moov_before_mdat(result.video)


def test_teaser_is_high_profile_with_bt709_colour_tags(full: tuple) -> None:
    import av

    with av.open(str(full[1].video)) as container:
        cc = container.streams.video[0].codec_context
        assert cc.profile == "High"  # not Constrained Baseline: a quarter of the size
        # H.273 code point 1 is BT.709 for primaries, transfer and matrix; range 1 is
        # limited (TV) range. Untagged, players guess (HD as 709 or 601, range as full).
        assert (cc.color_primaries, cc.color_trc, cc.colorspace, cc.color_range) == \
            (1, 1, 1, 1)
    assert "yuv420p(tv, bt709" in _streams(full[1].video)  # what ffprobe-like tools show


def test_teaser_is_normalised_for_social_video(full: tuple) -> None:
    lufs, peak = _loudness(full[1].video)
    assert lufs == pytest.approx(-14.0, abs=1.0)
    assert peak <= -1.0


def test_poster_is_a_9_16_jpeg_of_the_opening(full: tuple) -> None:
    result = full[1]
    with Image.open(result.poster) as poster:
        assert poster.format == "JPEG" and poster.size == (720, 1280)
        arr = np.asarray(poster.convert("RGB")).astype(int)
    opening = _frame(result.video, 1.0, 720, 1280).astype(int)
    assert np.abs(arr - opening).mean() < 4  # the same frame, colours in range


def test_source_without_sound_still_gets_a_stereo_track_of_the_right_length(work: Path) -> None:
    src = make_clip(work / "mute.mp4", seconds=8, size="320x180", audio=None)
    edit = EditList(source=Source(str(src), 320, 180, 8.0, has_audio=False),
                    segments=(Segment(0.0, 3.0, 1, "a"), Segment(4.0, 7.0, 1, "b")),
                    output=Output(720, 1280), music=None, arrow=None)
    result = _render(work, "mute", edit)
    assert result.duration == pytest.approx(6.0, abs=0.1)
    assert "48000 Hz, stereo" in _streams(result.video)
    assert np.abs(_audio(result.video)).max() < 1e-3


def test_blur_fill_keeps_the_whole_wide_frame(work: Path) -> None:
    src = make_clip(work / "wide.mp4", seconds=6, size="640x360", audio="tone")
    edit = EditList(source=_source(src, 6.0),
                    segments=(Segment(0.5, 4.5, 1, "a", Crop(0, 0, 640, 360, fill="blur")),),
                    output=Output(720, 1280), music=None, arrow=None)
    result = _render(work, "blur", edit)
    frame = _frame(result.video, 1.0, 720, 1280).astype(int)
    fitted = 720 * 360 // 640
    top = (1280 - fitted) // 2
    band = frame[top + 5:top + fitted - 5]
    above = frame[20:top - 20]
    # the sharp picture in the middle has far more detail than the blurred fill above it
    assert np.abs(np.diff(band, axis=1)).mean() > 3 * np.abs(np.diff(above, axis=1)).mean()


def test_failed_verification_leaves_nothing_at_the_output(work: Path) -> None:
    src = make_clip(work / "short.mp4", seconds=5, size="320x180")
    # the edit list asks for seconds the recording does not have: the render comes out
    # shorter than promised and must be refused
    edit = EditList(source=Source(str(src), 320, 180, 5.0, True),
                    segments=(Segment(2.0, 12.0, 1, "a"),), output=Output(720, 1280),
                    music=None, arrow=None)
    with pytest.raises(RenderError, match="lasts"):
        _render(work, "refused", edit)
    assert not (work / "refused.mp4").exists()
    assert not (work / "refused.jpg").exists()
    assert not list(work.glob(".refused*"))



def test_realistic_40s_teaser_from_eight_moments(work: Path) -> None:
    src = make_clip(work / "session.mp4", seconds=60, size="640x360")
    segments = tuple(Segment(2.0 + 7.0 * i, 7.0 + 7.0 * i, 1.0 - i / 10, f"moment {i}")
                     for i in range(8))
    edit = EditList(source=_source(src, 60.0), segments=segments, output=Output(720, 1280),
                    sticker=Sticker("LIVE 1 jam lagi"), music="warm", poster_at=1.0)
    result = _render(work, "forty", edit)
    assert result.duration == pytest.approx(40.0, abs=0.1)
    lufs, peak = _loudness(result.video)
    assert lufs == pytest.approx(-14.0, abs=1.0) and peak <= -1.0
    assert result.seconds < 60  # generous: the bench holds the real figure


def test_music_bed_is_decoded_once_then_read_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from store import settings
    from worker import music

    def cache_in(base: Path) -> None:  # as a worker started with XDG_CACHE_HOME=base
        monkeypatch.setattr(settings, "_current",
                            replace(settings.current(), cache_dir=base / "cuplik"))

    cache_in(tmp_path / "cache")
    first = music.bed_pcm("warm", tmp_path / "render-1")
    assert first.parent == tmp_path / "cache" / "cuplik" / "beds"
    seconds = json.loads((music.MUSIC_DIR / "beds.json").read_text())["warm"]["seconds"]
    assert first.stat().st_size == pytest.approx(seconds * 48000 * 2 * 2, rel=0.01)
    pcm = np.frombuffer(first.read_bytes(), "<i2").astype(float) / 32768
    assert 0.01 < np.sqrt(np.mean(pcm ** 2)) < 0.5  # music, not silence or noise at full
    stamp = first.stat().st_mtime_ns
    assert music.bed_pcm("warm", tmp_path / "render-2") == first
    assert first.stat().st_mtime_ns == stamp  # read, not decoded again
    # A cache that cannot be written: the render's own directory instead.
    (tmp_path / "blocked").write_text("a file where the cache directory would go")
    cache_in(tmp_path / "blocked")
    spare = tmp_path / "render-3"
    assert music.bed_pcm("warm", spare) == spare / "warm.s16"
    assert (spare / "warm.s16").stat().st_size == first.stat().st_size
