"""A real photographed face (Grace Hopper's portrait, which ships inside the matplotlib
wheel as sample data) on landscape footage: the analysis finds it every second and the
teaser is cropped around it; moving lavfi patterns alone show nobody."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.footage import product_label
from worker.analysis import analyse
from worker.ffmpeg import binary
from worker.pipeline import TeaserInput, plan_teaser
from worker.probe import probe

pytestmark = pytest.mark.integration

FACE_X = 700  # left edge of the 512x600 portrait on the 1280x720 picture


def portrait() -> Path:
    spec = importlib.util.find_spec("matplotlib")
    assert spec and spec.submodule_search_locations, "pip install -e '.[dev]' (matplotlib)"
    path = Path(spec.submodule_search_locations[0]) / "mpl-data/sample_data/grace_hopper.jpg"
    assert path.is_file(), path
    return path


@pytest.fixture(scope="module")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real-face") / "host.mp4"
    subprocess.run([
        binary(), "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30:d=12",
        "-loop", "1", "-framerate", "30", "-i", str(portrait()),
        "-f", "lavfi", "-i", "sine=f=220:r=48000:d=12",
        "-filter_complex", f"[0:v][1:v]overlay=x='{FACE_X}+15*sin(t)':y=60:shortest=1[v]",
        "-map", "[v]", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", "12", str(out)], check=True)
    return out


def test_a_real_face_is_found_every_second_where_it_is(footage: Path) -> None:
    a = analyse(footage)
    assert a.face.min() >= 0.5, a.face  # every second, at least every other check
    centre = (FACE_X + 256) / 1280  # the portrait's middle; her face is about there
    assert np.nanmedian(a.face_x) == pytest.approx(centre, abs=0.06)


def test_the_teaser_is_cropped_around_the_real_face(footage: Path) -> None:
    edit, _ = plan_teaser(probe(footage), TeaserInput(footage, target_seconds=8, music="none"))
    centre = (FACE_X + 256) / 1280 * 1280
    for seg in edit.segments:
        assert seg.crop is not None and seg.crop.fill == "crop", seg.crop
        assert seg.crop.x < centre < seg.crop.x + seg.crop.w


def test_moving_patterns_alone_show_nobody(tmp_path: Path) -> None:
    out = tmp_path / "patterns.mp4"
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=s=1280x720:r=30:d=20", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", str(out)], check=True)
    assert analyse(out).face.max() == 0.0


def test_a_product_shown_beside_the_seller_is_not_cropped_out(tmp_path: Path) -> None:
    # The seller (a real face) on the left of a still room, the product being shown on
    # the right: a crop around the face alone would leave the product out (as it did in
    # every frame), and no 9:16 crop holds both, so the whole picture is shown.
    out = tmp_path / "seller-and-product.mp4"
    subprocess.run([
        binary(), "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", "color=c=0x606060:s=1280x720:r=30:d=10",
        "-loop", "1", "-framerate", "30", "-i", str(portrait()),
        "-f", "lavfi", "-i", "testsrc2=s=200x200:r=30:d=10",
        "-filter_complex", "[0:v][1:v]overlay=x='100+10*sin(t)':y=60:shortest=1[s];"
                           "[s][2:v]overlay=x='950+20*sin(3*t)':y=300:shortest=1[v]",
        "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-t", "10", str(out)], check=True)
    a = analyse(out)
    shown = np.nanmedian(a.product_left), np.nanmedian(a.product_right)
    assert 930 / 1280 - 0.05 < shown[0] < shown[1] < 1190 / 1280 + 0.05, shown
    edit, _ = plan_teaser(probe(out), TeaserInput(out, target_seconds=8, music="none"))
    for seg in edit.segments:
        assert seg.crop is not None and seg.crop.fill == "blur", seg.crop  # both in view


def test_the_pinned_product_is_kept_in_view_by_its_catalogue_picture(tmp_path: Path) -> None:
    # The seller on the left, the product standing still on the table on the right: no
    # movement gives it away, its catalogue picture does.
    label = product_label(tmp_path / "label.png")
    out = tmp_path / "table.mp4"
    subprocess.run([
        binary(), "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", "color=c=0x606060:s=1280x720:r=30:d=8",
        "-loop", "1", "-framerate", "30", "-i", str(portrait()),
        "-loop", "1", "-framerate", "30", "-i", str(label),
        "-filter_complex", "[0:v][1:v]overlay=x='100+10*sin(t)':y=60:shortest=1[s];"
                           "[2:v]scale=180:240[p];[s][p]overlay=x=980:y=420:shortest=1[v]",
        "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-t", "8", str(out)], check=True)
    blind, _ = plan_teaser(probe(out), TeaserInput(out, target_seconds=6, music="none"))
    crop = blind.segments[0].crop
    assert crop is not None and crop.fill == "crop" and crop.x + crop.w < 980  # cut out
    seen, _ = plan_teaser(probe(out), TeaserInput(out, target_seconds=6, music="none",
                                                  product_image=label))
    for seg in seen.segments:
        assert seg.crop is not None and seg.crop.fill == "blur", seg.crop  # both in view
