"""The LIVE-time sticker and the avatar arrow, drawn with Pillow from a named player
layout (media/assets/layouts/<name>.json), so the design changes without code.

Text never enters an ffmpeg filter graph: the sticker's words become pixels here and
ffmpeg only overlays the PNG at numbers we computed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from worker.graph import Overlay

ASSETS = Path(__file__).resolve().parent.parent / "media" / "assets"
LAYOUTS = ASSETS / "layouts"
STICKER_RED = (254, 44, 85, 255)
ARROW_FILL = (255, 214, 0, 255)
ARROW_EDGE = (20, 20, 20, 255)
SUPERSAMPLE = 4  # draw big, shrink: smooth edges without Pillow's missing antialiasing


@dataclass(frozen=True)
class Box:
    """A rectangle in fractions of the frame."""

    x: float
    y: float
    w: float
    h: float

    def px(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) in pixels of a ``width`` x ``height`` frame."""
        return (round(self.x * width), round(self.y * height),
                round((self.x + self.w) * width), round((self.y + self.h) * height))


@dataclass(frozen=True)
class Layout:
    """A short-video player layout: where the avatar sits, what must stay clear."""

    name: str
    avatar_cx: float
    avatar_cy: float
    avatar_diameter: float  # of the frame width
    safe: Box  # where a sticker may go
    top_bar: Box
    caption_area: Box
    sticker_top: float
    sticker_height: float
    sticker_max_width: float
    arrow_width: float
    arrow_aspect: float
    arrow_gap: float
    arrow_bounce: float
    arrow_bounce_hz: float
    arrow_show_last: float

    def avatar_px(self, width: int, height: int) -> tuple[int, int, int]:
        """Avatar centre x, y and radius in pixels."""
        return (round(self.avatar_cx * width), round(self.avatar_cy * height),
                round(self.avatar_diameter * width / 2))


def load_layout(name: str) -> Layout:
    """The layout profile ``name``; ``ValueError`` for an unknown or malformed one."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"layout name {name!r} is not a profile name")
    path = LAYOUTS / f"{name}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in LAYOUTS.glob("*.json")))
        raise ValueError(f"unknown player layout {name!r}; known: {known}")
    return _parse(name, json.loads(path.read_text()))


def _parse(name: str, d: dict[str, Any]) -> Layout:
    safe = d["safe_area"]
    return Layout(
        name=name, avatar_cx=d["avatar"]["cx"], avatar_cy=d["avatar"]["cy"],
        avatar_diameter=d["avatar"]["diameter"],
        safe=Box(safe["left"], safe["top"], 1 - safe["left"] - safe["right"],
                 1 - safe["top"] - safe["bottom"]),
        top_bar=Box(**d["top_bar"]), caption_area=Box(**d["caption_area"]),
        sticker_top=d["sticker"]["top"], sticker_height=d["sticker"]["height"],
        sticker_max_width=d["sticker"]["max_width"],
        arrow_width=d["arrow"]["width"], arrow_aspect=d["arrow"]["aspect"],
        arrow_gap=d["arrow"]["gap"], arrow_bounce=d["arrow"]["bounce"],
        arrow_bounce_hz=d["arrow"]["bounce_hz"], arrow_show_last=d["arrow"]["show_last"])


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    import font_roboto

    path = Path(font_roboto.__file__).parent / "files" / "Roboto-Bold.ttf"
    return ImageFont.truetype(str(path), size)


def sticker_image(text: str, width: int, height: int,
                  layout: Layout) -> tuple[Image.Image, int, int]:
    """The sticker (white bold text on a red pill) for a ``width`` x ``height`` output and
    its top-left position, always inside the layout's safe area. Long text shrinks, and
    if it still does not fit it is cut with an ellipsis rather than leave the area."""
    sx0, sy0, sx1, sy1 = layout.safe.px(width, height)
    pill_h = max(24, round(layout.sticker_height * height))
    max_w = min(sx1 - sx0, round(layout.sticker_max_width * width))
    pad = pill_h // 2
    size = round(pill_h * 0.5)
    min_size = max(10, round(pill_h * 0.3))
    text = " ".join(text.split())
    while size > min_size and _text_width(text, size) > max_w - 2 * pad:
        size -= 1
    while len(text) > 1 and _text_width(text, size) > max_w - 2 * pad:
        text = text[:-2].rstrip() + "…"
    pill_w = min(max_w, _text_width(text, size) + 2 * pad)
    s = SUPERSAMPLE
    img = Image.new("RGBA", (pill_w * s, pill_h * s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, pill_w * s - 1, pill_h * s - 1), radius=pill_h * s // 2,
                           fill=STICKER_RED)
    font = _font(size * s)
    draw.text((pill_w * s / 2, pill_h * s / 2), text, font=font, fill=(255, 255, 255, 255),
              anchor="mm")
    img = img.resize((pill_w, pill_h), Image.Resampling.LANCZOS)
    x = sx0 + (sx1 - sx0 - pill_w) // 2
    y = max(sy0, round(layout.sticker_top * height))
    return img, x, y


def _text_width(text: str, size: int) -> int:
    left, _, right, _ = _font(size).getbbox(text)
    return int(right - left)


def arrow_image(width: int, height: int, layout: Layout) -> tuple[Image.Image, int, int]:
    """The arrow pointing right at the avatar, and its rest position: the tip (the
    image's right-middle point) lands just left of the avatar's edge."""
    aw = max(16, round(layout.arrow_width * width))
    ah = max(10, round(aw * layout.arrow_aspect))
    s = SUPERSAMPLE
    W, H = aw * s, ah * s
    edge = max(1, round(ah * 0.06)) * s
    head = round(W * 0.45)
    shaft = round(H * 0.22)
    points = [(edge, H / 2 - shaft), (W - head, H / 2 - shaft), (W - head, edge),
              (W - edge, H / 2), (W - head, H - edge), (W - head, H / 2 + shaft),
              (edge, H / 2 + shaft)]
    img = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.polygon(points, fill=ARROW_FILL, outline=ARROW_EDGE, width=edge)
    img = img.resize((aw, ah), Image.Resampling.LANCZOS)
    cx, cy, r = layout.avatar_px(width, height)
    tip_x = cx - r - round(layout.arrow_gap * width)
    return img, tip_x - aw, cy - ah // 2


def sticker_overlay(text: str, width: int, height: int, layout: Layout,
                    path: Path) -> Overlay:
    """Draw the sticker to ``path`` (PNG) and say where it goes, for the whole teaser."""
    img, x, y = sticker_image(text, width, height, layout)
    img.save(path, format="PNG")
    return Overlay(path=path, x=x, y=y, w=img.width, h=img.height)


def arrow_overlay(width: int, height: int, duration: float, layout: Layout,
                  path: Path) -> Overlay:
    """Draw the arrow to ``path`` (PNG): shown over the last ``arrow_show_last`` seconds
    (all of a shorter teaser), bouncing towards the avatar."""
    img, x, y = arrow_image(width, height, layout)
    img.save(path, format="PNG")
    return Overlay(path=path, x=x, y=y, w=img.width, h=img.height,
                   start=max(0.0, round(duration - layout.arrow_show_last, 3)), end=None,
                   bounce_px=round(layout.arrow_bounce * width),
                   bounce_hz=layout.arrow_bounce_hz)
