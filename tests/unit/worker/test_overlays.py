"""The overlays as a viewer sees them on the standard 9:16 player: where they sit, what
they say, when they come, drawn from the layout's design data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from domain.teasers import TEMPLATE_VERSION
from worker import design, music, overlays
from worker.editlist import Face

LAYOUT = design.load_layout("standard_9x16")
SIZES = [(1080, 1920), (720, 1280)]
STICKER = "LIVE Sabtu, 23 Nov · 19.00 WIB"


def _opaque_box(img: Image.Image) -> tuple[int, int, int, int]:
    alpha = np.asarray(img)[:, :, 3]
    ys, xs = np.nonzero(alpha > 16)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _inside(box: tuple[int, int, int, int], area: tuple[int, int, int, int]) -> bool:
    return box[0] >= area[0] - 1 and box[1] >= area[1] - 1 and box[2] <= area[2] + 1 \
        and box[3] <= area[3] + 1


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return not (a[2] <= b[0] or a[0] >= b[2] or a[3] <= b[1] or a[1] >= b[3])


def test_the_design_belongs_to_the_current_template() -> None:
    raw = json.loads((design.LAYOUTS / "standard_9x16.json").read_text())
    assert raw["template_version"] == TEMPLATE_VERSION == LAYOUT.template_version


def test_design_colours_keep_text_legible_on_its_own_plate() -> None:
    for under in ((0, 0, 0), (255, 255, 255), (255, 0, 0), (154, 205, 50)):
        text = LAYOUT.colour("plate", "text")
        for plate in (("plate", "fill"), ("band", "offer", "fill"), ("captions", "plate")):
            on = design.over(LAYOUT.colour(*plate), under)
            assert design.contrast(text[:3], on) >= 4.5, (plate, under)
        badge = LAYOUT.colour("sticker", "badge", "fill")
        assert design.contrast(LAYOUT.colour("sticker", "badge", "text")[:3], badge[:3]) >= 4.5
    assert design.contrast(LAYOUT.colour("arrow", "fill")[:3],
                           LAYOUT.colour("arrow", "edge")[:3]) >= 4.5


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_card_and_band_stay_inside_the_safe_area(width: int, height: int,
                                                 tmp_path: Path) -> None:
    safe = LAYOUT.safe.px(width, height)
    for text, title in ((STICKER, "Serum Glow Flash Sale 12.12"), ("LIVE 1 jam lagi", None),
                        ("LIVE " + "sangat panjang sekali " * 12, "judul " * 40)):
        card, band = overlays.card_overlays(text, title, "Serum Glow Vitamin C " * 6,
                                            "Diskon 30% hanya saat LIVE", width, height, 40.0,
                                            30, LAYOUT, (), tmp_path)
        assert card is not None and band is not None
        for ov in (card, band):
            assert _inside((ov.x, ov.y, ov.x + ov.w, ov.y + ov.h), safe), (text, ov)
        assert band.y >= card.y + card.h  # under the card, never over it


def test_card_scales_with_the_output_size() -> None:
    big = overlays.sticker_card(STICKER, "Judul", 1080, 1920, LAYOUT)
    small = overlays.sticker_card(STICKER, "Judul", 720, 1280, LAYOUT)
    assert big.height == pytest.approx(small.height * 1.5, abs=3)
    assert big.width == pytest.approx(small.width * 1.5, rel=0.06)


def test_card_carries_a_red_live_badge_and_white_words() -> None:
    img = overlays.sticker_card("LIVE 1 jam lagi", "Flash Sale", 720, 1280, LAYOUT)
    px = np.asarray(img).reshape(-1, 4)
    solid = px[px[:, 3] == 255]
    red = ((solid[:, 0] > 190) & (solid[:, 1] < 40) & (solid[:, 2] < 90)).mean()
    white = np.all(solid[:, :3] > 230, axis=1).mean()
    assert red > 0.03 and white > 0.03
    # the badge carries LIVE, so the words beside it do not repeat it
    assert overlays.sticker_card("LIVE 1 jam lagi", None, 720, 1280, LAYOUT).width < \
        overlays.sticker_card("LIVE LIVE 1 jam lagi", None, 720, 1280, LAYOUT).width


def test_card_moves_down_while_a_face_is_where_it_would_be(tmp_path: Path) -> None:
    face = Face(start=5.0, end=10.0, x0=0.3, y0=0.12, x1=0.7, y1=0.3)
    card, band = overlays.card_overlays(STICKER, "Judul", "Produk", None, 720, 1280, 20.0, 30,
                                        LAYOUT, (face,), tmp_path)
    assert card is not None and band is not None
    steps = dict(card.y_steps)
    assert set(steps) == {0.0, 5.0, 10.0}
    assert steps[0.0] == steps[10.0] == card.y < steps[5.0]
    face_px = (0.3 * 720, 0.12 * 1280, 0.7 * 720, 0.3 * 1280)
    for y in steps.values():
        box = (card.x, y, card.x + card.w, y + card.h + band.h + 20)
        if y == steps[5.0]:
            assert not _overlaps(box, face_px)
    assert [y - s for (_, y), (_, s) in zip(band.y_steps, card.y_steps, strict=True)] == \
        [band.y - card.y] * 3  # the band moves with the card


def test_no_face_no_movement(tmp_path: Path) -> None:
    card, _ = overlays.card_overlays(STICKER, None, None, None, 720, 1280, 20.0, 30, LAYOUT, (),
                                     tmp_path)
    assert card is not None and card.y_steps == () and not card.moves


def test_product_name_opens_the_teaser_and_the_offer_follows_never_together() -> None:
    shown = overlays.band_windows("Serum", "Diskon 30% hanya saat LIVE", 40.0, LAYOUT)
    kinds = [k for _, _, k, _ in shown]
    assert kinds[0] == "callout" and shown[0][0] < 1.0 and shown[0][1] <= 4.0
    assert kinds.count("offer") >= 1 and shown[-1][1] == pytest.approx(40.0)
    for (_, a1, *_), (b0, *_) in zip(shown, shown[1:], strict=False):
        assert a1 <= b0
    assert overlays.band_windows(None, None, 40.0, LAYOUT) == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_arrow_tip_rests_inside_the_avatar_circle(width: int, height: int) -> None:
    img, x, y = overlays.arrow_image(width, height, LAYOUT)
    x0, y0, x1, y1 = _opaque_box(img)
    cx, cy, r = LAYOUT.avatar_px(width, height)
    tip = (x + x1, y + (y0 + y1) / 2)
    assert (tip[0] - cx) ** 2 + (tip[1] - cy) ** 2 < r ** 2
    assert tip[0] > cx - r + 0.2 * r  # well inside, not grazing the edge
    alpha = np.asarray(img)[:, :, 3] > 16
    assert alpha[:, int(img.width * 0.6)].sum() > 1.5 * alpha[:, int(img.width * 0.15)].sum()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_arrow_and_call_to_action_keep_clear_of_caption_area_and_top_bar(
        width: int, height: int, tmp_path: Path) -> None:
    arrow, cta = overlays.arrow_overlays("Ketuk untuk masuk LIVE", width, height, 40.0, 30,
                                         LAYOUT, tmp_path)
    assert cta is not None
    cap, top = LAYOUT.caption_area.px(width, height), LAYOUT.top_bar.px(width, height)
    far_left = arrow.x - arrow.slide_px - arrow.bounce_px
    assert cta.x + cta.w < far_left  # the arrow never runs over its words
    assert cta.x >= LAYOUT.safe.px(width, height)[0]
    for box in ((far_left, arrow.y, arrow.x + arrow.w, arrow.y + arrow.h),
                (cta.x, cta.y, cta.x + cta.w, cta.y + cta.h)):
        assert not _overlaps(box, cap) and not _overlaps(box, top)


def test_arrow_comes_in_well_before_the_end_and_fades_in(tmp_path: Path) -> None:
    arrow, cta = overlays.arrow_overlays("Tap to join the LIVE", 720, 1280, 40.0, 30, LAYOUT,
                                         tmp_path)
    start = arrow.windows[0][0]
    assert 40.0 - start >= 12.0 and start > 3.0  # seen for a long while, not at the opening
    assert cta is not None and start < cta.windows[0][0] < start + 1.0
    assert arrow.slide_px > 0 and arrow.slide_s > 0  # eased in, then bouncing
    assert arrow.timed[0].start == pytest.approx(start, abs=1 / 30)  # nothing before it
    sheet = np.asarray(Image.open(arrow.path))
    alphas = [int(sheet[s.top:s.top + arrow.h, :, 3].max()) for s in arrow.timed]
    assert alphas[0] < 64 and alphas[-1] == 255 and arrow.timed[-1].end is None
    assert alphas == sorted(alphas) and len(alphas) >= 4  # alpha rises in steps: no pop
    short, _ = overlays.arrow_overlays(None, 720, 1280, 8.0, 30, LAYOUT, tmp_path)
    assert short.windows[0][0] == 0.0  # a short teaser shows it throughout


def test_timed_images_are_our_pngs_on_the_frame_grid(tmp_path: Path) -> None:
    from PIL import Image

    red = Image.new("RGBA", (10, 9), (255, 0, 0, 255))
    blue = Image.new("RGBA", (10, 9), (0, 0, 255, 255))
    sheet, shown = overlays.timed_images([(0.0, None), (0.51, red), (1.0, None), (1.5, blue)],
                                         (10, 9), 30, 2.0, tmp_path, "t")
    # 0.51 s falls inside frame 15 (0.5 s); the empty stretches take no slot
    assert [(s.start, s.end) for s in shown] == [(0.5, 1.0), (1.5, None)]
    assert sheet is not None and sheet.parent == tmp_path
    with Image.open(sheet) as img:
        assert img.size == (10, 20)  # slots of even size, one under the other
        assert [img.getpixel((5, s.top + 4)) for s in shown] == [(255, 0, 0, 255),
                                                                 (0, 0, 255, 255)]
    assert overlays.timed_images([(0.0, None)], (10, 9), 30, 2.0, tmp_path, "e") == (None, ())
    with pytest.raises(ValueError, match="frame"):
        overlays.timed_images([(0.0, Image.new("RGBA", (5, 5)))], (10, 9), 30, 1.0,
                              tmp_path, "bad")


def test_avatar_position_matches_the_player() -> None:
    assert LAYOUT.avatar_px(1080, 1920)[:2] == (1024, 1240)
    assert LAYOUT.avatar_px(1080, 1920)[2] * 2 == pytest.approx(80, abs=2)


def test_unknown_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown player layout"):
        design.load_layout("tablet_4x3")
    with pytest.raises(ValueError):
        design.load_layout("../../etc/passwd")


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
                    sticker=Sticker("LIVE 19.00"), cta="Ketuk untuk masuk LIVE")
    # Decoding the bed is ffmpeg's work (tests/integration/test_render.py); here, which.
    monkeypatch.setattr(music, "bed_pcm", lambda name, spare: spare / f"{name}.s16")
    assets = prepare_assets(edit, tmp_path)
    assert assets.music == tmp_path / f"{music.pick('/data/rec.mp4')}.s16"
    assert assets.sticker is not None and assets.sticker.path.is_file()
    assert assets.arrow is not None and assets.arrow.windows[0][0] == 0.0  # short: throughout
    assert assets.cta is not None and assets.band is None and assets.captions is None
    with pytest.raises(RenderError, match="unknown player layout"):
        prepare_assets(EditList(source=edit.source, segments=edit.segments, arrow="nope"),
                       tmp_path)
