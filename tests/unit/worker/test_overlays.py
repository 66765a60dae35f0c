"""The sticker and the arrow as a viewer sees them on the standard 9:16 player."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from worker import music, overlays

LAYOUT = overlays.load_layout("standard_9x16")
SIZES = [(1080, 1920), (720, 1280)]


def _opaque_box(img: object) -> tuple[int, int, int, int]:
    alpha = np.asarray(img)[:, :, 3]  # type: ignore[call-overload]
    ys, xs = np.nonzero(alpha > 16)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_sticker_stays_inside_the_safe_area(width: int, height: int) -> None:
    for text in ("LIVE Sabtu, 23 Nov · 19.00 WIB", "LIVE 1 jam lagi",
                 "LIVE " + "sangat panjang sekali " * 12):
        img, x, y = overlays.sticker_image(text, width, height, LAYOUT)
        x0, y0, x1, y1 = _opaque_box(img)
        assert x + x0 >= 0.04 * width - 1
        assert x + x1 <= (1 - 0.11) * width  # right column (avatar, buttons) kept clear
        assert y + y0 >= 0.13 * height  # not under the top bar
        assert y + y1 <= (1 - 0.34) * height  # not in the caption/bottom area


def test_sticker_scales_with_the_output_size() -> None:
    big, _, _ = overlays.sticker_image("LIVE Sabtu, 23 Nov · 19.00 WIB", 1080, 1920, LAYOUT)
    small, _, _ = overlays.sticker_image("LIVE Sabtu, 23 Nov · 19.00 WIB", 720, 1280, LAYOUT)
    assert big.height == pytest.approx(small.height * 1.5, abs=2)
    assert big.width == pytest.approx(small.width * 1.5, rel=0.05)


def test_sticker_has_white_text_on_red() -> None:
    img, _, _ = overlays.sticker_image("LIVE 19.00", 720, 1280, LAYOUT)
    px = np.asarray(img.convert("RGBA")).reshape(-1, 4)
    solid = px[px[:, 3] == 255]
    white = np.all(solid[:, :3] > 230, axis=1).mean()
    red = ((solid[:, 0] > 200) & (solid[:, 1] < 80)).mean()
    assert white > 0.05 and red > 0.5


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_arrow_tip_lands_just_left_of_the_avatar(width: int, height: int) -> None:
    img, x, y = overlays.arrow_image(width, height, LAYOUT)
    x0, y0, x1, y1 = _opaque_box(img)
    cx, cy, r = LAYOUT.avatar_px(width, height)
    tip_x = x + x1
    assert cx - r - 0.03 * width <= tip_x < cx - r  # touches, but never covers it
    assert abs((y + (y0 + y1) / 2) - cy) <= 2  # level with the avatar's centre
    # pointing right: the right third holds the head, taller than the shaft at the left
    alpha = np.asarray(img)[:, :, 3] > 16
    assert alpha[:, int(img.width * 0.6)].sum() > 1.5 * alpha[:, int(img.width * 0.15)].sum()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_arrow_clear_of_caption_and_top_bar_while_bouncing(width: int, height: int,
                                                          tmp_path: Path) -> None:
    ov = overlays.arrow_overlay(width, height, 40.0, LAYOUT, tmp_path / "arrow.png")
    cap = LAYOUT.caption_area.px(width, height)
    top = LAYOUT.top_bar.px(width, height)
    for left in (ov.x, ov.x - ov.bounce_px):  # both ends of the bounce
        box = (left, ov.y, left + ov.w, ov.y + ov.h)
        for area in (cap, top):
            overlap = not (box[2] <= area[0] or box[0] >= area[2] or box[3] <= area[1]
                           or box[1] >= area[3])
            assert not overlap
    assert ov.start == pytest.approx(40.0 - LAYOUT.arrow_show_last)
    assert LAYOUT.arrow_show_last >= 5.0 and ov.bounce_px > 0


def test_avatar_position_matches_the_player() -> None:
    assert LAYOUT.avatar_px(1080, 1920)[:2] == (1024, 1240)
    assert LAYOUT.avatar_px(1080, 1920)[2] * 2 == pytest.approx(80, abs=2)


def test_unknown_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown player layout"):
        overlays.load_layout("tablet_4x3")
    with pytest.raises(ValueError):
        overlays.load_layout("../../etc/passwd")


def test_music_beds_and_auto_pick_are_deterministic() -> None:
    names = music.beds()
    assert len(names) >= 3
    assert music.pick("teaser-42") == music.pick("teaser-42") in names
    assert len({music.pick(f"t{i}") for i in range(40)}) >= 2
    with pytest.raises(ValueError, match="unknown music bed"):
        music.check("../secret")
    for name in names:
        assert music.bed_path(name).stat().st_size < 1_000_000


def test_render_assets_resolve_auto_music_and_refuse_unknown_layouts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from worker.editlist import EditList, Segment, Source, Sticker
    from worker.errors import RenderError
    from worker.render import prepare_assets

    edit = EditList(source=Source("/data/rec.mp4", 640, 360, 10.0, True),
                    segments=(Segment(0, 5, 1, "a"),), music="auto",
                    sticker=Sticker("LIVE 19.00"))
    # Decoding the bed is ffmpeg's work (tests/integration/test_render.py); here, which.
    monkeypatch.setattr(music, "bed_pcm", lambda name, spare: spare / f"{name}.s16")
    assets = prepare_assets(edit, tmp_path)
    assert assets.music == tmp_path / f"{music.pick('/data/rec.mp4')}.s16"
    assert assets.sticker is not None and assets.sticker.path.is_file()
    assert assets.arrow is not None and assets.arrow.start == 0.0  # short: shown throughout
    with pytest.raises(RenderError, match="unknown player layout"):
        prepare_assets(EditList(source=edit.source, segments=edit.segments, arrow="nope"),
                       tmp_path)
