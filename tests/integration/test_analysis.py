"""Analysis of real generated footage through the hardened ffmpeg reader."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from cuplik.samples import face_picture
from tests.footage import make_clip
from worker.analysis import analyse, analysis_path_for, load_or_analyse
from worker.editlist import Segment
from worker.ffmpeg import FfmpegError, binary
from worker.frames import AudioBlock, VideoFrame, read_media
from worker.reframe import crop_for_segment, reframe_by_windows

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("analysis")


def _face_clip(path: Path, seconds: int = 4, cx: int = 240) -> Path:
    """A 320x180 clip of a drawn face standing on the right, encoded from raw frames."""
    frame = face_picture(320, 180, cx=cx, cy=85, s=38)
    proc = subprocess.Popen(
        [binary(), "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "gray",
         "-s", "320x180", "-r", "10", "-i", "pipe:0", "-c:v", "libx264", "-preset",
         "ultrafast", "-pix_fmt", "yuv420p", str(path)], stdin=subprocess.PIPE)
    assert proc.stdin
    rng = np.random.default_rng(0)
    for _ in range(seconds * 10):
        noisy = np.clip(frame.astype(int) + rng.integers(-3, 4, frame.shape), 0, 255)
        proc.stdin.write(noisy.astype(np.uint8).tobytes())
    proc.stdin.close()
    assert proc.wait() == 0
    return path


def test_speech_and_its_pauses_are_heard(clips: Path) -> None:
    clip = make_clip(clips / "speech.mp4", seconds=8, size="320x180")
    a = analyse(clip)
    assert a.seconds == 8 and a.has_audio and a.mode == "full"
    # make_clip speaks for 3 s then pauses 1 s: seconds 3 and 7 are the pauses.
    assert (a.speech[[0, 1, 4, 5]] > 0.5).all()
    assert a.silence[3] > 0.9 and a.silence[7] > 0.9
    assert -30 < a.integrated_loudness() < -5
    assert len(a.quiet_times) >= 2
    assert (a.sharpness > 0.6).all() and (a.local_motion > 0.003).all()


def test_a_steady_tone_is_not_speech_and_a_gray_still_is_poor_picture(clips: Path) -> None:
    tone = analyse(make_clip(clips / "tone.mp4", seconds=4, size="320x180", audio="tone"))
    assert (tone.speech < 0.2).all() and (tone.silence == 0).all()
    still = analyse(make_clip(clips / "gray.mp4", seconds=4, size="320x180",
                              video="color=c=gray", audio=None))
    assert not still.has_audio
    assert (still.quality_per_second() < 0.1).all()  # flat, featureless and frozen


def test_the_face_is_found_and_the_crop_centres_on_it(clips: Path) -> None:
    clip = _face_clip(clips / "face.mp4")
    a = analyse(clip)
    assert (a.face > 0.5).all()
    assert 0.65 < float(np.nanmedian(a.face_x)) < 0.85
    crop = crop_for_segment(a, Segment(0, 4, 1.0, "t"), 320, 180)
    assert crop is not None and crop.fill == "crop"
    assert crop.x <= 240 - 38 * 0.8 and crop.x + crop.w >= 240 + 38 * 0.8


def test_dark_blurred_and_frozen_moments_get_a_low_quality(clips: Path) -> None:
    """What the metrics ranker's veto relies on, measured on real decoded footage."""
    clip = clips / "bad_moments.mp4"
    _ffmpeg_graph(clip, [
        "testsrc2=s=320x180:r=25:d=3",
        "color=c=black:s=320x180:r=25:d=3",
        "testsrc2=s=320x180:r=25:d=3,gblur=sigma=6",
        "testsrc2=s=320x180:r=25:d=0.04,tpad=stop_mode=clone:stop_duration=3",
    ])
    q = analyse(clip).quality_per_second()
    assert q[1] > 0.5  # good picture
    assert q[4] < 0.1  # dark
    assert q[7] < 0.3  # blurred
    assert q[10] < 0.1  # frozen


def _ffmpeg_graph(path: Path, sources: list[str]) -> None:
    """Concatenate lavfi video sources into one H.264 clip."""
    args = [binary(), "-nostdin", "-v", "error", "-y"]
    for src in sources:
        args += ["-f", "lavfi", "-i", src]
    joined = "".join(f"[{i}:v]" for i in range(len(sources)))
    args += ["-filter_complex", f"{joined}concat=n={len(sources)}:v=1[v]", "-map", "[v]",
             "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)]
    subprocess.run(args, check=True)


def test_a_segment_without_analysis_is_reframed_from_its_own_window(clips: Path) -> None:
    clip = _face_clip(clips / "face_window.mp4", seconds=6, cx=80)
    (part,) = reframe_by_windows(str(clip), [Segment(1.0, 5.0, 1.0, "t")], 320, 180)
    assert part.crop is not None and part.crop.fill == "crop"
    assert part.crop.x <= 80 - 30 and part.crop.x + part.crop.w >= 80 + 30


def test_a_shot_change_is_found_where_the_scene_changes(clips: Path) -> None:
    clip = clips / "cut.mp4"
    _ffmpeg_graph(clip, ["testsrc2=s=320x180:r=25:d=3",
                         "mandelbrot=s=320x180:r=25,trim=duration=3"])
    a = analyse(clip)
    assert len(a.shot_changes) == 1 and abs(a.shot_changes[0] - 3.0) <= 0.3


def test_a_window_is_analysed_alone_in_source_time(clips: Path) -> None:
    clip = make_clip(clips / "window.mp4", seconds=10, size="320x180")
    a = analyse(clip, window=(4.0, 3.0))
    assert a.start == 4.0 and a.seconds == 3
    assert (a.speech > 0.5).all()  # make_clip speaks from 4 s to 7 s
    assert all(4.0 <= t <= 7.0 for t in a.quiet_times)


def test_the_analysis_is_kept_beside_the_footage_and_reused(clips: Path) -> None:
    clip = make_clip(clips / "cached.mp4", seconds=4, size="320x180")
    first = load_or_analyse(clip)
    cache = analysis_path_for(clip)
    assert cache.exists() and cache.name == "cached.mp4.analysis.npz"
    t0 = time.perf_counter()
    again = load_or_analyse(clip)
    assert time.perf_counter() - t0 < 0.2
    assert np.allclose(again.sharpness, first.sharpness)
    # A replaced file is analysed again.
    make_clip(clip, seconds=6, size="320x180")
    assert load_or_analyse(clip).seconds == 6


def _ffmpeg_children() -> list[int]:
    """Live (not zombie) ffmpeg children of this process; a killed one may take a moment
    to go on a loaded machine."""
    for _ in range(50):
        found = _live_ffmpeg_children()
        if not found:
            return []
        time.sleep(0.2)
    return found


def _live_ffmpeg_children() -> list[int]:
    me, found = os.getpid(), []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if (int(fields[1]) == me and fields[0] != "Z"
                    and "ffmpeg" in stat.split("(", 1)[1].split(")")[0]):
                found.append(int(d.name))
    return found


def test_the_reader_stops_ffmpeg_when_closed_or_too_slow(clips: Path) -> None:
    clip = make_clip(clips / "reader.mp4", seconds=6, size="320x180")
    items = read_media(str(clip))
    first = next(items)
    assert isinstance(first, VideoFrame | AudioBlock)
    items.close()
    assert _ffmpeg_children() == []
    with pytest.raises(FfmpegError, match="longer than"):
        for _ in read_media(str(clip), timeout=0.01):
            time.sleep(0.05)
    assert _ffmpeg_children() == []


def test_a_file_that_is_not_video_is_a_clear_error(clips: Path) -> None:
    junk = clips / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    with pytest.raises(FfmpegError):
        analyse(junk)
