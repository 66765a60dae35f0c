"""Every real-world file gets a good teaser or a clear reason, never a crash.

The oddities are generated with ffmpeg: no audio, mono and 5.1 sound, a portrait phone
video stored with a rotation flag, variable frame rate, interlaced MPEG-2 in an MPEG
program stream, odd sizes, a source shorter than the teaser, a file over the limits.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.footage import SPEECH_EXPR, make_clip
from worker.analysis import Analysis, analyse
from worker.editlist import Segment
from worker.errors import InputError
from worker.ffmpeg import binary
from worker.footage_ranking import rank_footage
from worker.limits import check_limits
from worker.probe import MediaInfo, probe
from worker.ranking import Selection
from worker.reframe import reframe_segments

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("realworld")


def choose(path: Path) -> tuple[Selection, tuple[Segment, ...], tuple[MediaInfo, Analysis]]:
    """What the pipeline does for footage: limits, probe, analyse, rank, reframe."""
    check_limits(path)
    info = probe(path)
    a = analyse(path)
    sel = rank_footage(a, info.duration, target=40.0)
    segs = reframe_segments(a, sel.segments, info.width, info.height)
    return sel, segs, (info, a)


def _ffmpeg(*args: str) -> None:
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", *args], check=True)


def test_no_audio_track(clips: Path) -> None:
    sel, segs, (info, a) = choose(make_clip(clips / "mute.mp4", seconds=8, size="320x180",
                                            audio=None))
    assert not info.has_audio and not a.has_audio
    assert sel.short_source and any("no sound" in n for n in sel.notes)
    assert segs[0].duration >= 5


@pytest.mark.parametrize("channels", [1, 6])
def test_mono_and_5_1_sound_are_heard_whole(clips: Path, channels: int) -> None:
    clip = make_clip(clips / f"ch{channels}.mp4", seconds=8, size="320x180",
                     channels=channels)
    sel, _, (info, a) = choose(clip)
    assert info.audio_channels == channels
    # make_clip's voice sits in the centre of 5.1: a downmix that dropped channels
    # would hear nothing.
    assert a.speech[:3].mean() > 0.5
    assert a.integrated_loudness() > -35


def test_portrait_phone_video_with_a_rotation_flag(clips: Path) -> None:
    clip = make_clip(clips / "phone.mp4", seconds=8, size="320x180", rotation=90)
    sel, segs, (info, a) = choose(clip)
    assert (info.width, info.height) == (180, 320)
    assert a.frame_height > a.frame_width  # frames were decoded upright
    assert all(s.crop is None for s in segs)  # 9:16 already: geometry untouched


def test_variable_frame_rate(clips: Path) -> None:
    clip = clips / "vfr.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=8",
            "-f", "lavfi", "-i", f"aevalsrc='{SPEECH_EXPR}':s=48000:d=8",
            "-vf", "select='not(mod(n\\,3))+lt(mod(n\\,7)\\,2)'", "-fps_mode", "vfr",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest", str(clip))
    sel, segs, (info, a) = choose(clip)
    assert abs(a.seconds - info.duration) <= 1
    assert (a.motion[1:] > 0).all()  # no fake "frozen" seconds from the irregular timing


def test_interlaced_mpeg2_in_a_program_stream(clips: Path) -> None:
    clip = clips / "camera.mpg"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=720x576:r=25:d=8",
            "-f", "lavfi", "-i", f"aevalsrc='{SPEECH_EXPR}':s=48000:d=8",
            "-vf", "setfield=tff", "-c:v", "mpeg2video", "-flags", "+ilme+ildct", "-b:v", "4M",
            "-c:a", "mp2", "-ac", "2", "-f", "mpeg", str(clip))
    sel, segs, (info, a) = choose(clip)
    assert info.interlaced and info.container == "mpeg"
    assert a.sharpness.mean() > 0.5 and a.speech[:3].mean() > 0.5
    assert segs[0].duration >= 5


def test_odd_sizes_405x720_and_scope_640x272(clips: Path) -> None:
    _, tall, _ = choose(make_clip(clips / "405.mp4", seconds=8, size="405x720", audio=None))
    assert all(s.crop is None for s in tall)
    _, wide, _ = choose(make_clip(clips / "scope.mp4", seconds=8, size="640x272"))
    assert all(s.crop is not None and s.crop.fill == "blur" for s in wide)


def test_shorter_than_the_teaser_says_so(clips: Path) -> None:
    sel, segs, _ = choose(make_clip(clips / "short.mp4", seconds=12, size="320x180"))
    assert sel.short_source
    assert 5 <= sum(s.duration for s in segs) <= 12
    assert "instead of about 40 s" in sel.notes[0]


def test_a_longer_upload_gets_a_full_teaser(clips: Path) -> None:
    sel, segs, _ = choose(make_clip(clips / "long.mp4", seconds=60, size="320x180", fps=15))
    assert not sel.short_source
    assert 35 <= sum(s.duration for s in segs) <= 45
    assert all(s.duration >= 2 for s in segs) and all(s.reason for s in segs)


def test_over_the_size_limit_is_refused_before_decoding(clips: Path,
                                                        limits: Callable[..., None]) -> None:
    clip = make_clip(clips / "big.mp4", seconds=4, size="320x180")
    limits(max_upload_bytes=1024 * 10)
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"over the limit of 10\.0 KiB"):
        check_limits(clip)
    assert time.perf_counter() - t0 < 0.5


def test_over_the_duration_limit_is_refused_before_decoding(
        clips: Path, limits: Callable[..., None]) -> None:
    clip = make_clip(clips / "long_for_limit.mp4", seconds=8, size="320x180")
    limits(max_duration_s=5.0)
    with pytest.raises(InputError, match=r"lasts 0 min 08 s, over the limit of 0 min 05 s"):
        check_limits(clip)
