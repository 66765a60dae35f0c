"""Framing as a viewer sees it, through the whole pipeline (probe, analysis, ranking,
render): the source's own frame rate kept, non-square pixels shown at their shape, a
small source still rendered with a note, the blur fill darkened."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.footage import make_clip
from worker.editlist import Crop, EditList, Output, Segment, Source
from worker.ffmpeg import binary
from worker.pipeline import TeaserInput, make_teaser
from worker.probe import probe
from worker.render import render

pytestmark = pytest.mark.integration


def _frames(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as c:
        return [f.to_ndarray(format="gray").astype(np.int16) for f in c.decode(video=0)]


def _frame(path: Path, t: float) -> np.ndarray:
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-ss", f"{t:.3f}", "-i", str(path),
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(1280, 720)


def test_a_25_fps_source_stays_25_fps_with_no_frame_repeated(tmp_path: Path) -> None:
    src = make_clip(tmp_path / "pal.mp4", seconds=7, size="480x270", fps=25)
    report = make_teaser(TeaserInput(src, music="none"), tmp_path / "t.mp4", tmp_path / "t.jpg")
    info = probe(report.output)
    assert info.fps == pytest.approx(25.0, abs=0.01)
    frames = _frames(Path(report.output))
    # testsrc2 changes every frame: a repeated frame (25 -> 30 fps) would not change.
    changes = [float(np.abs(a - b).mean()) for a, b in zip(frames, frames[1:], strict=False)]
    assert len(frames) == pytest.approx(report.duration_s * 25, abs=2)
    assert min(changes) > 0.5, sorted(changes)[:5]


def test_non_square_pixels_are_shown_at_their_shape_and_a_tiny_source_gets_a_note(
        tmp_path: Path) -> None:
    # PAL QCIF: 176x144 coded, 12:11 pixels (192x144 shown), a round disc drawn in the
    # shown geometry (an ellipse in coded pixels).
    src = tmp_path / "qcif.mp4"
    disc_lum = "if(lt(pow(X*12/11-96,2)+pow(Y-72,2),2500),235,16)"
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "color=c=black:s=176x144:r=25:d=7", "-vf",
                    f"format=gray,geq=lum='{disc_lum}',format=yuv420p,setsar=12/11",
                    "-c:v", "libx264", "-preset", "ultrafast", str(src)], check=True)
    info = probe(src)
    assert (info.width, info.height, info.sar) == (192, 144, pytest.approx(12 / 11, abs=1e-3))
    report = make_teaser(TeaserInput(src, music="none"), tmp_path / "t.mp4", tmp_path / "t.jpg")
    assert any("low resolution" in n for n in report.notes), report.notes
    assert (report.width, report.height) == (720, 1280)
    # 4:3 shown, fitted to 720 across: the disc (100 of 192 shown pixels) is 375 px round.
    # measured on the poster: taken under the call to action and the arrow
    with Image.open(report.poster) as poster:
        disc = np.asarray(poster.convert("L")) > 180
    rows, cols = np.flatnonzero(disc.any(axis=1)), np.flatnonzero(disc.any(axis=0))
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    assert width == pytest.approx(375, rel=0.04) and height == pytest.approx(375, rel=0.04), \
        (width, height)


def test_blur_fill_is_darkened_so_the_picture_stands_out(tmp_path: Path) -> None:
    src = make_clip(tmp_path / "wide.mp4", seconds=4, size="640x360", audio=None,
                    video="color=c=0xc0c0c0")
    edit = EditList(source=Source(str(src), 640, 360, 4.0, has_audio=False),
                    segments=(Segment(0.5, 3.5, 1, "a", Crop(0, 0, 640, 360, fill="blur")),),
                    output=Output(720, 1280), music=None, arrow=None)
    result = render(edit, tmp_path / "b.mp4", tmp_path / "b.jpg")
    frame = _frame(result.video, 1.0).astype(float)
    top = (1280 - 405) // 2
    picture, fill = frame[top + 20:top + 385].mean(), frame[40:top - 40].mean()
    assert fill < 0.65 * picture, (fill, picture)
