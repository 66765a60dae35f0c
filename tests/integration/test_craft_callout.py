"""The featured product's name in a real render: the session pins a lipstick first and the
featured serum later; the teaser opens on the lipstick's moment, and the serum's name
comes on screen in the first seconds of the serum's moment, not before, legible on its
own plate (WCAG contrast >= 4.5:1)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.integration.test_overlays_render import _erode
from worker import design, overlays, render
from worker.ffmpeg import binary
from worker.pipeline import OnScreen, TeaserInput, plan_teaser
from worker.probe import probe

pytestmark = pytest.mark.integration

CUTS = [(2.0, 20.0), (42.0, 62.0)]  # the lipstick's moment, then the serum's
SERUM_OPENS = 18.0  # output second the second moment starts
TEXT_MIN = 4.5
LAYOUT = design.load_layout("standard_9x16")
# Mean error of the callout's solid pixels against the picture: ~20 where it is drawn
# (H.264 blurs its edges and text), over 60 where it is not.
THERE = 40


def _rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for t in range(0, 90, 5):
        pin = "SKU-LIP" if t < 25 else "SKU-SERUM" if 40 <= t < 70 else ""
        rows.append({"t": t, "viewers": 100, "views": 120, "orders": 3 if pin else 0,
                     "product_clicks": 9 if pin else 1, "gmv": 90000 if pin else 0,
                     "pinned_product": pin})
    return rows


def _lum(rgb: np.ndarray) -> float:
    c = np.asarray(rgb, float) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def _frames(path: Path, times: list[float]) -> dict[float, np.ndarray]:
    wanted = sorted({round(t * 30) for t in times})
    select = "+".join(f"eq(n,{n})" for n in wanted)
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-i", str(path), "-vf",
                          f"select='{select}'", "-fps_mode", "passthrough", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    arr = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 1280, 720, 3)
    by_n = dict(zip(wanted, arr, strict=True))
    return {t: by_n[round(t * 30)] for t in times}


def test_the_featured_products_name_opens_with_its_pinned_moment(tmp_path: Path) -> None:
    src = tmp_path / "live.mp4"
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=s=360x640:r=30:d=90", "-f", "lavfi", "-i",
                    "sine=f=220:r=48000:d=90", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", str(src)], check=True)
    name = "Serum Glow Vitamin C"
    edit, _ = plan_teaser(probe(src), TeaserInput(
        src, timeline_rows=_rows(), cuts=CUTS, music="none",
        sticker_text="LIVE Sabtu, 23 Nov · 19.00 WIB",
        on_screen=OnScreen(title="Serum Glow Flash Sale", product=name,
                           product_id="SKU-SERUM")))
    assert edit.product_at == SERUM_OPENS
    out = tmp_path / "teaser.mp4"
    render.render(edit, out, tmp_path / "teaser.jpg")
    drawn = tmp_path / "drawn"
    drawn.mkdir()
    band = render.prepare_assets(edit, drawn).band
    assert band is not None
    (start, end, _, _), = [w for w in overlays.band_windows(
        edit.product, edit.offer, 38.0, LAYOUT,
        edit.product_at) if w[2] == "callout"]
    img = overlays.band_image(name, "callout", 720, 1280,
                              LAYOUT)
    x = band.x + (band.w - img.width) // 2
    before = [0.5, 4.0, 9.0, 14.0, 17.9]
    during = [round(start + 2 / 30, 3), round((start + end) / 2, 3), round(end - 0.2, 3)]
    frames = _frames(out, before + during)
    rgba = np.asarray(img)
    solid = rgba[:, :, 3] == 255

    def error(frame: np.ndarray) -> float:
        region = frame[band.y:band.y + img.height, x:x + img.width].astype(int)
        return float(np.abs(region - rgba[:, :, :3].astype(int))[solid].mean())

    errs = {t: round(error(f), 1) for t, f in frames.items()}
    print(f"\ncallout {start}-{end} s; error of its pixels against the picture: {errs}")
    assert SERUM_OPENS < start <= SERUM_OPENS + 1.0  # in the moment's first second
    for t in before:
        assert errs[t] > 60, (t, errs)  # not on screen before its moment
    for t in during:
        assert errs[t] < THERE, (t, errs)
    # legible: the words against their own plate, in the rendered frame
    frame = frames[during[1]][band.y:band.y + img.height, x:x + img.width]
    text = _erode(solid & (rgba[:, :, :3].min(axis=2) > 235), 1)
    fill = np.array(LAYOUT.colour("band", "callout", "fill")[:3])
    plate = _erode((rgba[:, :, 3] > 200) & (np.abs(rgba[:, :, :3].astype(int) - fill)
                                            .sum(axis=2) < 12), 3)
    lt, lp = _lum(np.median(frame[text], axis=0)), _lum(np.median(frame[plate], axis=0))
    contrast = (max(lt, lp) + 0.05) / (min(lt, lp) + 0.05)
    print(f"callout text on its plate: {contrast:.1f}:1")
    assert contrast >= TEXT_MIN
