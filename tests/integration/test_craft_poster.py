"""The poster is the sharpest frame of the opening moment that shows the seller's face and
the product, with the LIVE card on it. Generated footage (a real face, Grace Hopper's
portrait, and a serum's printed label as the pinned product's catalogue picture) where
focus and what is shown change over the recording:

    0-2 s  face and product, out of focus
    2-4 s  the face alone, sharp
    4-5 s  face and product, a little soft
    5-6 s  face and product, soft but for 5.3-5.5 s, in focus
    6-8 s  the product alone, sharp

Before, the poster came from the sharpest second with a face (2-4 s: no product on it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from tests.footage import product_label
from tests.integration.test_real_face import portrait
from worker import features, product, render
from worker.ffmpeg import binary
from worker.pipeline import OnScreen, TeaserInput, plan_teaser
from worker.probe import probe

pytestmark = pytest.mark.integration

W, H, FPS, SECONDS = 540, 960, 30, 8
IN_FOCUS = (5.3, 5.5)


def _blur(t: float) -> float:
    """Gaussian radius of the frame at ``t``: 0 is in focus."""
    if t < 2:
        return 6.0
    if t < 4 or t >= 6:
        return 0.0
    if t < 5:
        return 2.5
    return 0.0 if IN_FOCUS[0] <= t < IN_FOCUS[1] else 1.4


def _frame(t: float, face: Image.Image, label: Image.Image) -> bytes:
    img = Image.new("RGB", (W, H), (96, 104, 112))
    if t < 6:
        img.paste(face, (30, 60))
    if t < 2 or t >= 4:
        img.paste(label, (W - label.width - 30, H - label.height - 220))
    r = _blur(t)
    return (img.filter(ImageFilter.GaussianBlur(r)) if r else img).tobytes()


def _footage(path: Path, label_path: Path) -> Path:
    with Image.open(portrait()) as p:
        face = p.convert("RGB").resize((300, 352))
    with Image.open(label_path) as lab:
        label = lab.convert("RGB").resize((210, 280))
    enc = subprocess.Popen([binary(), "-nostdin", "-v", "error", "-y", "-f", "rawvideo",
                            "-pix_fmt", "rgb24", "-s", f"{W}x{H}", "-r", str(FPS), "-i", "-",
                            "-f", "lavfi", "-i", f"sine=f=220:r=48000:d={SECONDS}",
                            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16",
                            "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)],
                           stdin=subprocess.PIPE)
    assert enc.stdin is not None
    for n in range(SECONDS * FPS):
        enc.stdin.write(_frame(n / FPS, face, label))
    enc.stdin.close()
    assert enc.wait() == 0
    return path


def test_the_poster_is_the_sharpest_frame_with_face_and_product(tmp_path: Path) -> None:
    label = product_label(tmp_path / "label.png")
    src = _footage(tmp_path / "host.mp4", label)
    edit, _ = plan_teaser(probe(src), TeaserInput(
        src, target_seconds=7, music="none", product_image=label,
        sticker_text="LIVE Sabtu, 23 Nov · 19.00 WIB",
        on_screen=OnScreen(title="Serum Glow Flash Sale")))
    first = edit.segments[0]
    source_t = first.start + edit.poster_at
    print(f"\nopening moment {first.start}-{first.end} s, poster at {edit.poster_at} s "
          f"(source {source_t:.3f} s)")
    assert IN_FOCUS[0] - 1e-3 <= source_t < IN_FOCUS[1], source_t
    out = tmp_path / "teaser.mp4"
    render.render(edit, out, tmp_path / "teaser.jpg")
    with Image.open(tmp_path / "teaser.jpg") as img:
        rgb = np.asarray(img.convert("RGB"))
    gray = (rgb.astype(float) @ [0.299, 0.587, 0.114]).astype(np.uint8)
    assert features.faces(gray), "her face is on the poster"
    assert product.locate(product.load_image(label), np.asarray(
        Image.fromarray(gray).resize((640, round(640 * gray.shape[0] / gray.shape[1]))))), \
        "the product is on the poster"
    # the LIVE card is on it, where the teaser has it
    drawn = tmp_path / "drawn"
    drawn.mkdir()
    sticker = render.prepare_assets(edit, drawn).sticker
    assert sticker is not None
    card = np.asarray(Image.open(sticker.path))
    solid = card[:, :, 3] == 255
    y = [y for t, y in sticker.y_steps if t <= edit.poster_at][-1] if sticker.y_steps \
        else sticker.y
    region = rgb[y:y + card.shape[0], sticker.x:sticker.x + card.shape[1]].astype(int)
    assert float(np.abs(region - card[:, :, :3].astype(int))[solid].mean()) < 40
