"""The teaser's overlays, drawn with Pillow from the player layout's design data
(``worker.design``): the LIVE Event card (LIVE badge, date and time, the plan's title),
the band under it (the featured product's name, then the LIVE-only offer), and the
arrow to the avatar with its call to action.

Text never enters an ffmpeg filter graph: every word becomes pixels here, and ffmpeg
only overlays our PNGs at numbers we computed. What changes over time is a set of *timed
images* (``timed_images``: PNGs, each shown from its start until the next), each laid on
as a still of its own while it shows (``worker.graph``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from worker.design import (
    SUPERSAMPLE,
    Layout,
    edge_width,
    fit_text,
    font,
    plate,
    save_png,
    text_width,
)
from worker.editlist import Face
from worker.graph import Overlay, Shown, even_up

BADGE_WORD = "LIVE"


# ----------------------------------------------------------------------- the LIVE card

def sticker_card(text: str, title: str | None, width: int, height: int,
                 layout: Layout) -> Image.Image:
    """The LIVE Event card: a red LIVE badge, the date and time, a reminder bell, and the
    plan's title under them, white on a dark plate with a light edge."""
    when = text[len(BADGE_WORD):].strip() if text.upper().startswith(BADGE_WORD) else text
    max_w = round(layout.value("sticker", "max_width") * width)
    size = max(12, round(layout.value("sticker", "line_height") * height))
    pad = round(layout.value("sticker", "pad_share") * size)
    badge_size = round(size * 0.78)
    badge_w = text_width(BADGE_WORD, badge_size) + round(badge_size * 0.9)
    badge_h = round(size * 1.25)
    bell = round(size * 0.95)
    gap = round(size * 0.4)
    room = max_w - 2 * pad - badge_w - bell - 2 * gap
    when, size_when = fit_text(when, size, round(size * 0.7), room)
    row1_w = badge_w + gap + text_width(when, size_when) + gap + bell
    title_size = max(10, round(layout.value("sticker", "title_height") * height))
    title_text = None
    if title and title.strip():
        title_text, title_size = fit_text(title, title_size, round(title_size * 0.85),
                                          max_w - 2 * pad, "Medium")
    row2_w = text_width(title_text, title_size, "Medium") if title_text else 0
    row_gap = round(size * 0.3)
    w = min(max_w, 2 * pad + max(row1_w, row2_w))
    h = 2 * pad + badge_h + (row_gap + round(title_size * 1.2) if title_text else 0)
    edge_w = edge_width(width, layout)
    card = plate(w, h, layout.colour("plate", "fill"), layout.colour("plate", "edge"), edge_w,
                 radius=round(layout.value("plate", "radius_share") * min(h, 2 * badge_h)))
    badge = plate(badge_w, badge_h, layout.colour("sticker", "badge", "fill"),
                  radius=round(badge_h * 0.3))
    ImageDraw.Draw(badge).text((badge_w / 2, badge_h / 2), BADGE_WORD, anchor="mm",
                               font=font(badge_size),
                               fill=layout.colour("sticker", "badge", "text"))
    card.alpha_composite(badge, (pad, pad))
    draw = ImageDraw.Draw(card)
    row_mid = pad + badge_h / 2
    draw.text((pad + badge_w + gap, row_mid), when, anchor="lm", font=font(size_when),
              fill=layout.colour("plate", "text"))
    card.alpha_composite(_bell(bell, layout.colour("sticker", "bell")),
                         (w - pad - bell, round(row_mid - bell / 2)))
    if title_text:
        draw.text((pad, pad + badge_h + row_gap), title_text, anchor="lt",
                  font=font(title_size, "Medium"), fill=layout.colour("plate", "text"))
    return card


def _bell(size: int, colour: tuple[int, int, int, int]) -> Image.Image:
    """The reminder bell of a LIVE Event card."""
    s = SUPERSAMPLE
    n = size * s
    img = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((n * 0.22, n * 0.08, n * 0.78, n * 0.64), fill=colour)
    d.rectangle((n * 0.22, n * 0.36, n * 0.78, n * 0.72), fill=colour)
    d.polygon([(n * 0.1, n * 0.8), (n * 0.22, n * 0.6), (n * 0.78, n * 0.6), (n * 0.9, n * 0.8)],
              fill=colour)
    d.ellipse((n * 0.4, n * 0.78, n * 0.6, n * 0.96), fill=colour)
    return img.resize((size, size), Image.Resampling.BOX)


def place_group(group_h: int, group_w: int, width: int, height: int, layout: Layout,
                faces: Sequence[Face], total: float) -> tuple[int, tuple[tuple[float, int], ...]]:
    """Where the card (and the band under it) goes: centred in the safe area, at the first
    of the design's heights that keeps clear of every face on screen at the time, else
    just under or over the faces, else where it overlaps least. Returns x and (from
    time, y) steps."""
    sx0, sy0, sx1, sy1 = layout.safe.px(width, height)
    x = sx0 + (sx1 - sx0 - group_w) // 2
    tops = [min(round(t * height), sy1 - group_h)
            for t in layout.value("sticker", "candidates_top")]
    times = sorted({0.0, *(f.start for f in faces), *(f.end for f in faces)})
    steps: list[tuple[float, int]] = []
    for k, t0 in enumerate(times):
        if t0 >= total:
            break
        t1 = times[k + 1] if k + 1 < len(times) else total
        on = [f for f in faces if f.start < t1 and f.end > t0]

        def overlap(y: int, on: list[Face] = on) -> float:
            return sum(_overlap((x, y, x + group_w, y + group_h),
                                (f.x0 * width, f.y0 * height, f.x1 * width, f.y1 * height))
                       for f in on)

        # The design's places first; when a face covers them all, just under or over it.
        places = list(tops)
        if on and all(overlap(y) > 0 for y in tops):
            gap = round(0.01 * height)
            places += [round(max(f.y1 for f in on) * height) + gap,
                       round(min(f.y0 for f in on) * height) - gap - group_h]
            places = [y for y in places if sy0 <= y <= sy1 - group_h] or tops
        best = min(places, key=lambda y: (overlap(y) > 0, overlap(y), places.index(y)))
        if not steps or steps[-1][1] != best:
            steps.append((round(t0, 3), best))
    return x, tuple(steps)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


# ----------------------------------------------------------------- product and offer

def band_image(text: str, kind: str, width: int, height: int, layout: Layout) -> Image.Image:
    """One line under the card: the product's name (``kind="callout"``) or the LIVE-only
    offer (``"offer"``), white on its plate, a yellow accent on the left."""
    h = max(16, round(layout.value("band", "height") * height))
    size = round(h * layout.value("band", "text_share"))
    pad = round(h * 0.42)
    accent = max(3, round(h * 0.12))
    max_w = round(layout.value("band", "max_width") * width)
    weight = "Bold" if kind == "offer" else "Medium"
    text, size = fit_text(text, size, round(size * 0.75), max_w - 2 * pad - 2 * accent, weight)
    w = min(max_w, 2 * pad + 2 * accent + text_width(text, size, weight))
    edge_w = edge_width(width, layout)
    img = plate(w, h, layout.colour("band", kind, "fill"), layout.colour("plate", "edge"),
                edge_w, radius=round(h * 0.3))
    bar = plate(accent, round(h * 0.5), layout.colour("band", kind, "accent"),
                radius=accent // 2)
    img.alpha_composite(bar, (pad - accent, round(h * 0.25)))
    ImageDraw.Draw(img).text((pad + accent * 2, h / 2), text, anchor="lm",
                             font=font(size, weight), fill=layout.colour("plate", "text"))
    return img


def band_windows(callout: str | None, offer: str | None, total: float, layout: Layout,
                 callout_at: float | None = None) -> list[tuple[float, float, str, str]]:
    """When the band shows what: (start, end, kind, text), in output seconds, in time
    order. The product's name as its moment opens (``callout_at``, the output second of
    its pin; None: the opening moment), the design's ``from`` after it; the offer in the
    design's windows, never over the product's name (nor just beside it)."""
    shown: list[tuple[float, float, str, str]] = []
    busy: tuple[float, float] | None = None
    if callout:
        lead = float(layout.value("band", "callout", "from"))
        length = float(layout.value("band", "callout", "for"))
        at = callout_at if callout_at is not None else 0.0
        if at + lead + MIN_BAND_S > total:  # too late to be read: the opening instead
            at = 0.0
        start, end = at + lead, min(total, at + lead + length)
        if end > start:
            shown.append((round(start, 3), round(end, 3), "callout", callout))
            busy = (start - BAND_GAP_S, end + BAND_GAP_S)
    if offer:
        for a, b in layout.value("band", "offer", "windows"):
            pieces = [(a * total, b * total)]
            if busy is not None:
                pieces = [(a * total, min(b * total, busy[0])),
                          (max(a * total, busy[1]), b * total)]
            shown += [(round(s, 3), round(e, 3), "offer", offer) for s, e in pieces
                      if e - s >= MIN_BAND_S]
    return sorted(shown)


MIN_BAND_S = 1.0  # a band line on screen for less than this cannot be read
BAND_GAP_S = 0.3  # between the product's name and the offer


def callout_time(pins: Sequence[str | None], segments: Sequence[tuple[float, float, float]],
                 product_id: str | None, name: str | None) -> float | None:
    """The output second the featured product's moment opens: in the first segment
    (source start, source end, output start; in play order) where the timeline's
    ``pins`` (the product pinned in each source second) show it, pinned by its catalogue
    id ``product_id`` or by its ``name``; at the segment's start when it is pinned there
    already, else at its pin. None when no segment shows it pinned (or nothing says
    which pin is it)."""
    wanted = {v.strip().casefold() for v in (product_id, name) if v and v.strip()}
    if not wanted:
        return None
    for start, end, out_start in segments:
        first = math.floor(start + 1e-6)
        for second in range(max(0, first), min(len(pins), math.ceil(end - 1e-6))):
            pin = pins[second]
            if pin is not None and pin.strip().casefold() in wanted:
                return round(out_start + max(0.0, second - start), 3)
    return None


def band_overlay(callout: str | None, offer: str | None, width: int, height: int,
                 total: float, fps: int, layout: Layout, x_centre: int,
                 card_steps: Sequence[tuple[float, int]], offset: int,
                 work: Path, callout_at: float | None = None) -> Overlay | None:
    """The band's timed sequence ``offset`` pixels under the card's top (moving with
    it), or None."""
    windows = band_windows(callout, offer, total, layout, callout_at)
    if not windows:
        return None
    drawn = {(kind, text): band_image(text, kind, width, height, layout)
             for _, _, kind, text in windows}
    canvas_w = max(img.width for img in drawn.values())
    frames: list[tuple[float, Image.Image | None]] = [(0.0, None)]
    for start, end, kind, text in windows:
        img = drawn[(kind, text)]
        canvas = Image.new("RGBA", (canvas_w, img.height), (0, 0, 0, 0))
        canvas.alpha_composite(img, ((canvas_w - img.width) // 2, 0))
        frames += [(start, canvas), (end, None)]
    h = next(iter(drawn.values())).height
    sheet, timed = timed_images(frames, (canvas_w, h), fps, total, work, "band")
    if sheet is None:
        return None
    steps = tuple((t, y + offset) for t, y in card_steps)
    return Overlay(path=sheet, x=x_centre - canvas_w // 2, y=steps[0][1], w=canvas_w,
                   h=h, windows=tuple((s, e) for s, e, _, _ in windows), timed=timed,
                   y_steps=steps if len(steps) > 1 else ())


def card_overlays(text: str | None, title: str | None, callout: str | None,
                  offer: str | None, width: int, height: int, total: float, fps: int,
                  layout: Layout, faces: Sequence[Face], work: Path,
                  callout_at: float | None = None) -> tuple[Overlay | None, Overlay | None]:
    """The LIVE card (whole teaser) and the band under it, placed clear of faces; the
    product's name as its moment opens (``callout_at``, see ``band_windows``)."""
    card = sticker_card(text, title, width, height, layout) if text else None
    windows = band_windows(callout, offer, total, layout, callout_at)
    band_h = round(layout.value("band", "height") * height) if windows else 0
    gap = round(layout.value("band", "gap") * height) if windows and card else 0
    card_w, card_h = (card.width, card.height) if card else (0, 0)
    group_w = max(card_w, round(layout.value("band", "max_width") * width) if windows else 0)
    x, steps = place_group(card_h + gap + band_h, group_w, width, height, layout, faces, total)
    centre = x + group_w // 2
    sticker = None
    if card is not None:
        path = work / "sticker.png"
        save_png(card, path)
        sticker = Overlay(path=path, x=centre - card.width // 2, y=steps[0][1], w=card.width,
                          h=card.height, y_steps=steps if len(steps) > 1 else ())
    band = band_overlay(callout, offer, width, height, total, fps, layout, centre, steps,
                        card_h + gap, work, callout_at) if windows else None
    return sticker, band


# -------------------------------------------------------------- arrow and call to action

def arrow_image(width: int, height: int, layout: Layout) -> tuple[Image.Image, int, int]:
    """The arrow pointing right at the avatar, and its rest position: the tip (the
    image's right-middle point) inside the avatar circle, ``tip_inset`` of its radius in."""
    aw = max(16, round(layout.value("arrow", "width") * width))
    ah = max(10, round(aw * layout.value("arrow", "aspect")))
    s = SUPERSAMPLE
    W, H = aw * s, ah * s
    edge = max(2, round(ah * layout.value("arrow", "edge_share"))) * s
    head = round(W * 0.45)
    shaft = round(H * 0.2)
    points = [(edge / 2, H / 2 - shaft), (W - head, H / 2 - shaft), (W - head, edge / 2),
              (W - edge / 2, H / 2), (W - head, H - edge / 2), (W - head, H / 2 + shaft),
              (edge / 2, H / 2 + shaft)]
    img = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.polygon(points, fill=layout.colour("arrow", "fill"),
                 outline=layout.colour("arrow", "edge"), width=edge)
    img = img.resize((aw, ah), Image.Resampling.BOX)
    cx, cy, r = layout.avatar_px(width, height)
    tip_x = cx - r + round(layout.value("arrow", "tip_inset") * r)
    return img, tip_x - aw + 1, cy - ah // 2


def cta_image(text: str, width: int, height: int, layout: Layout,
              max_w: int) -> Image.Image:
    """The call to action beside the arrow, white on a dark plate with a light edge."""
    h = max(16, round(layout.value("cta", "height") * height))
    size = round(h * layout.value("cta", "text_share"))
    pad = round(h * 0.45)
    text, size = fit_text(text, size, round(size * 0.7), max_w - 2 * pad)
    w = 2 * pad + text_width(text, size)
    edge_w = edge_width(width, layout)
    img = plate(w, h, layout.colour("plate", "fill"), layout.colour("plate", "edge"), edge_w)
    ImageDraw.Draw(img).text((w / 2, h / 2), text, anchor="mm", font=font(size),
                             fill=layout.colour("plate", "text"))
    return img


def arrow_start(total: float, layout: Layout) -> float:
    """When the arrow comes in: at ``appear_share`` of the teaser, or earlier so it is
    seen for at least ``show_at_least`` seconds (all of a short teaser)."""
    share = float(layout.value("arrow", "appear_share"))
    least = float(layout.value("arrow", "show_at_least"))
    return round(max(0.0, min(total * share, total - least)), 3)


def arrow_overlays(cta: str | None, width: int, height: int, total: float, fps: int,
                   layout: Layout, work: Path) -> tuple[Overlay, Overlay | None]:
    """The arrow (fading and sliding in towards the avatar, then a gentle bounce; never a
    pop) and its call to action fading in beside it."""
    img, x, y = arrow_image(width, height, layout)
    start = arrow_start(total, layout)
    fade = float(layout.value("arrow", "fade_in"))
    sheet, timed = _fade_in(img, start, fade, fps, total, work, "arrow")
    assert sheet is not None  # it comes in before the end (arrow_start)
    arrow = Overlay(path=sheet, x=x, y=y, w=img.width, h=img.height,
                    windows=((start, None),), timed=timed,
                    slide_px=round(layout.value("arrow", "slide") * width), slide_s=fade,
                    bounce_px=round(layout.value("arrow", "bounce") * width),
                    bounce_hz=float(layout.value("arrow", "bounce_hz")))
    if not cta:
        return arrow, None
    sx0 = layout.safe.px(width, height)[0]
    slide = arrow.slide_px + arrow.bounce_px
    gap = round(layout.value("cta", "gap") * width)
    right = x - slide - gap
    cimg = cta_image(cta, width, height, layout, right - sx0)
    cstart = round(start + float(layout.value("cta", "delay")), 3)
    _, cy, _ = layout.avatar_px(width, height)
    csheet, ctimed = _fade_in(cimg, cstart, fade, fps, total, work, "cta")
    if csheet is None:  # a teaser too short for it to come in
        return arrow, None
    return arrow, Overlay(path=csheet, x=right - cimg.width,
                          y=cy - cimg.height // 2, w=cimg.width, h=cimg.height,
                          windows=((cstart, None),), timed=ctimed)


def _fade_in(img: Image.Image, start: float, fade: float, fps: int, total: float,
             work: Path, name: str) -> tuple[Path | None, tuple[Shown, ...]]:
    # A new step every other frame: smooth to the eye, half the images to draw and decode.
    steps = max(1, round(fade * fps / 2))
    frames: list[tuple[float, Image.Image | None]] = [(0.0, None)]
    alpha = img.getchannel("A")
    for k in range(1, steps + 1):
        step = img.copy()
        step.putalpha(alpha.point(lambda a, f=k / steps: round(a * f * f * (3 - 2 * f))))
        frames.append((start + 2 * (k - 1) / fps, step))
    return timed_images(frames, img.size, fps, total, work, name)


# --------------------------------------------------------------------- timed images

def timed_images(frames: Sequence[tuple[float, Image.Image | None]], size: tuple[int, int],
                 fps: int, total: float, work: Path, name: str
                 ) -> tuple[Path | None, tuple[Shown, ...]]:
    """``frames`` ((from output second, image or None for nothing)) as one sheet PNG in
    ``work`` (the images one under the other, each in a slot of even size) and when each
    shows: from its time (snapped to the output frame grid) until the next one's, the
    last to the end; the stretches that show nothing take no slot. All images are
    ``size``. (None, ()) when nothing shows."""
    entries: list[tuple[int, Image.Image | None]] = []
    for k, (t, img) in enumerate(sorted(frames, key=lambda f: f[0])):
        if img is not None and img.size != size:
            raise ValueError(f"{name} frame {k} is {img.size}, the sequence {size}")
        frame = max(0, math.floor(t * fps + 1e-6))
        if entries and entries[-1][0] == frame:
            entries[-1] = (frame, img)  # the later image at the same frame wins
        elif not entries or entries[-1][1] is not img:
            entries.append((frame, img))
    end = math.ceil(total * fps)
    slot_w, slot_h = even_up(size[0]), even_up(size[1])
    shown: list[Shown] = []
    images: list[Image.Image] = []
    for k, (frame, img) in enumerate(entries):
        until = entries[k + 1][0] if k + 1 < len(entries) else None
        if img is None or frame >= end or until == frame:
            continue
        shown.append(Shown(len(images) * slot_h, frame / fps,
                           None if until is None else until / fps))
        images.append(img)
    if not images:
        return None, ()
    sheet = Image.new("RGBA", (slot_w, slot_h * len(images)), (0, 0, 0, 0))
    for k, img in enumerate(images):
        sheet.paste(img, (0, k * slot_h))
    path = work / f"{name}.png"
    save_png(sheet, path)
    return path, tuple(shown)


def image_of(ov: Overlay, shown: Shown | None = None) -> Image.Image:
    """The image ``ov`` shows: its PNG, or the ``shown`` one (default: the last) of its
    timed images, cut out of its sheet."""
    with Image.open(ov.path) as img:
        if not ov.timed:
            return img.copy()
        top = (shown or ov.timed[-1]).top
        return img.crop((0, top, ov.w, top + ov.h))
