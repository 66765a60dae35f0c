"""Point 8 of issue 13: a full-range source (MJPEG, yuvj420p) renders like any other, its
range converted in the graph (it failed every render with "yuvj420p, not yuv420p")."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from worker.editlist import Crop, EditList, Output, Segment, Source
from worker.ffmpeg import binary
from worker.render import render

pytestmark = pytest.mark.integration


def _mjpeg(path: Path, seconds: float) -> Path:
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"color=c=black:s=320x180:r=25:d={seconds},"
                    "drawbox=x=0:y=0:w=160:h=180:color=white:t=fill",
                    "-f", "lavfi", "-i", f"sine=f=440:d={seconds}",
                    "-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p",
                    "-c:a", "pcm_s16le", str(path)], check=True)
    return path


def _luma(path: Path, width: int, height: int) -> np.ndarray:
    """The Y plane of every frame, as stored (no range conversion on the way out)."""
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-i", str(path),
                          "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, dtype=np.uint8).reshape(-1, height * width * 3 // 2)
    return frames[:, :height * width]


def test_a_full_range_mjpeg_source_renders_to_limited_range_h264(tmp_path: Path) -> None:
    src = _mjpeg(tmp_path / "webcam.avi", 6.0)
    edit = EditList(source=Source(str(src), 320, 180, 6.0, True, fps=25.0),
                    segments=(Segment(0.5, 2.5, 1, "a"),
                              Segment(3.0, 5.0, 1, "b", Crop(0, 0, 320, 180, fill="blur"))),
                    output=Output(720, 1280), music=None, arrow=None)
    result = render(edit, tmp_path / "teaser.mp4", tmp_path / "teaser.jpg")
    assert result.duration == pytest.approx(4.0, abs=0.1)
    luma = _luma(result.video, 720, 1280)
    # half pure black, half pure white: converted, they land on 16 and 235; only
    # relabelled, they would stay at 0 and 255
    low, high = np.percentile(luma, [5, 95])
    assert 14 <= low <= 20 and 231 <= high <= 237
    assert (tmp_path / "teaser.jpg").stat().st_size > 0
