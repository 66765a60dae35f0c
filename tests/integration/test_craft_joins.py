"""Two cuts of one shot do not jump: a letterboxed (blur-filled) 2.35:1 take cut twice
crossfades over a few frames at the join, the teaser as long as its cuts; the join into
another shot stays a cut. Read from the rendered frames' brightness: the recording's
first shot (a grey ramp) brightens steadily, so the 6 s left out between its cuts is a
step of 18 levels that a cut makes in one frame and a crossfade spreads over its frames."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from worker import render
from worker.ffmpeg import binary
from worker.graph import XFADE_FRAMES, frame_duration
from worker.pipeline import TeaserInput, plan_teaser
from worker.probe import probe

pytestmark = pytest.mark.integration

CUTS = [(2.0, 12.0), (18.0, 28.0), (34.0, 52.0)]  # shot 1, shot 1 again, shot 2
SHOT_CHANGE = 30.0
FPS = 30


def _recording(path: Path) -> Path:
    """0-30 s: one take of a grey ramp brightening 3 levels a second (slowly enough to
    stay one shot); 30-60 s: another picture."""
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"nullsrc=s=640x272:r={FPS}:d=30,"
                    "geq=lum='20+X/4+3*T':cb=128:cr=128",
                    "-f", "lavfi", "-i", f"testsrc2=s=640x272:r={FPS}:d=30",
                    "-filter_complex", "[0:v]format=yuv420p[a];[1:v]format=yuv420p[b];"
                    "[a][b]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-c:v", "libx264",
                    "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", str(path)],
                   check=True)
    return path


def _brightness(video: Path, first: int, last: int, width: int, height: int) -> np.ndarray:
    """Mean brightness of the middle of the picture (inside the letterboxed band) of
    output frames ``first``..``last``."""
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-i", str(video), "-vf",
                          f"select='between(n,{first},{last})'", "-fps_mode", "passthrough",
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, height, width).astype(float)
    assert len(frames) == last - first + 1
    return frames[:, height // 2 - 40:height // 2 + 40, width // 4:3 * width // 4].mean(axis=(1, 2))


def test_cuts_of_one_shot_crossfade_and_a_new_shot_stays_a_cut(tmp_path: Path) -> None:
    src = _recording(tmp_path / "take.mp4")
    edit, _ = plan_teaser(probe(src), TeaserInput(src, cuts=CUTS, music="none"))
    assert [(s.start, s.end) for s in edit.segments] == CUTS
    assert all(s.crop is not None and s.crop.fill == "blur" for s in edit.segments)
    assert [s.join for s in edit.segments] == ["cut", "fade", "cut"]
    out = tmp_path / "teaser.mp4"
    result = render.render(edit, out, tmp_path / "teaser.jpg")
    w, h = result.width, result.height
    # as long as its cuts: the crossfade overlaps frames the first cut runs on with
    assert abs(result.duration - sum(frame_duration(s.duration, FPS) for s in edit.segments)) \
        <= 1.5 / FPS, result.duration

    first_join = round(10.0 * FPS)  # output frame the second cut starts at
    lum = _brightness(out, first_join - 6, first_join + 6 + XFADE_FRAMES, w, h)
    steps = np.diff(lum)
    change = lum[-1] - lum[0]
    print(f"\nbrightness across the join of one shot: {np.round(lum, 1).tolist()}")
    assert change > 10  # the 6 s left out: the picture is brighter after the join
    # spread over the crossfade's frames, no single frame making most of it
    assert steps.max() < 0.5 * change, steps
    assert (steps > 0.1 * change).sum() >= XFADE_FRAMES - 1, steps

    second_join = round(20.0 * FPS)  # into the other shot
    lum2 = _brightness(out, second_join - 4, second_join + 4, w, h)
    steps2 = np.abs(np.diff(lum2))
    print(f"brightness across the join into another shot: {np.round(lum2, 1).tolist()}")
    jump = int(steps2.argmax())
    assert jump == 3  # between the last frame of one shot and the first of the next
    assert steps2[jump] > 0.85 * steps2.sum(), steps2  # all at once: a cut
