"""The real-world oddities all the way to a teaser a seller can post: each renders to a
9:16 H.264 + stereo AAC MP4 with a poster, or is refused with a clear reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.footage import SPEECH_EXPR, make_clip
from tests.integration.test_real_world_files import _ffmpeg
from worker.pipeline import TeaserInput, make_teaser
from worker.probe import probe

pytestmark = pytest.mark.integration


def _mpeg2_interlaced(path: Path) -> Path:
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=720x576:r=25:d=10",
            "-f", "lavfi", "-i", f"aevalsrc='{SPEECH_EXPR}':s=48000:d=10",
            "-vf", "setfield=tff", "-c:v", "mpeg2video", "-flags", "+ilme+ildct",
            "-b:v", "4M", "-c:a", "mp2", "-ac", "2", "-f", "mpeg", str(path))
    return path


ODDITIES: dict[str, Callable[[Path], Path]] = {
    "no_audio": lambda d: make_clip(d / "mute.mp4", seconds=10, size="640x360", audio=None),
    "mono": lambda d: make_clip(d / "mono.mp4", seconds=10, size="640x360", channels=1),
    "surround_5_1": lambda d: make_clip(d / "surround.mp4", seconds=10, size="640x360",
                                        channels=6),
    "portrait_rotation_flag": lambda d: make_clip(d / "phone.mp4", seconds=10,
                                                  size="640x360", rotation=90),
    "interlaced_mpeg2_ps": lambda d: _mpeg2_interlaced(d / "camera.mpg"),
    "odd_405x720": lambda d: make_clip(d / "tall.mp4", seconds=10, size="405x720"),
    "scope_640x272": lambda d: make_clip(d / "scope.mp4", seconds=10, size="640x272"),
}


@pytest.mark.parametrize("name", sorted(ODDITIES))
def test_every_oddity_becomes_a_postable_teaser(name: str, tmp_path: Path) -> None:
    source = ODDITIES[name](tmp_path)
    out = tmp_path / "teaser.mp4"
    report = make_teaser(TeaserInput(source, target_seconds=8.0), out, tmp_path / "teaser.jpg")
    info = probe(out)
    assert (info.width, info.height) == (720, 1280)
    assert info.has_audio and info.audio_channels == 2
    assert 5.0 <= info.duration <= 10.5
    assert abs(info.duration - report.duration_s) < 0.5
    assert (tmp_path / "teaser.jpg").stat().st_size > 0
    assert all(s["reason"] for s in report.segments)
