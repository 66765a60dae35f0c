"""The teaser's design as data: a named player layout (media/assets/layouts/<name>.json)
with the sizes, colours, positions and timings of every overlay, and the few drawing
helpers all overlays share (fonts, text widths, the plate every text sits on, contrast).

The file carries the template version it belongs to: a design change is a template
change, and ops regenerate teasers by that version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import font_roboto
from PIL import Image, ImageDraw, ImageFont

ASSETS = Path(__file__).resolve().parent.parent / "media" / "assets"
LAYOUTS = ASSETS / "layouts"
SUPERSAMPLE = 4  # shapes drawn big and shrunk: smooth edges without Pillow antialiasing
RGBA = tuple[int, int, int, int]


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
    """A short-video player layout (where the avatar sits, what must stay clear) and the
    design of the overlays laid on it (``style``: the JSON's sections as they are)."""

    name: str
    template_version: str
    avatar_cx: float
    avatar_cy: float
    avatar_diameter: float  # of the frame width
    safe: Box  # where overlays may go
    top_bar: Box
    caption_area: Box  # the player's own caption (user name, description): keep clear
    caption_safe: Box  # where the teaser's captions go
    style: Mapping[str, Any]

    def avatar_px(self, width: int, height: int) -> tuple[int, int, int]:
        """Avatar centre x, y and radius in pixels."""
        return (round(self.avatar_cx * width), round(self.avatar_cy * height),
                round(self.avatar_diameter * width / 2))

    def value(self, *keys: str) -> Any:
        """The design value at ``keys`` (``value("arrow", "fill")``)."""
        node: Any = self.style
        for key in keys:
            if not isinstance(node, Mapping) or key not in node:
                raise ValueError(f"player layout {self.name!r} has no {'.'.join(keys)}")
            node = node[key]
        return node

    def colour(self, *keys: str) -> RGBA:
        """An RGBA colour of the design."""
        r, g, b, a = (int(v) for v in self.value(*keys))
        return (r, g, b, a)


def load_layout(name: str) -> Layout:
    """The layout profile ``name``; ``ValueError`` for an unknown or malformed one."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"layout name {name!r} is not a profile name")
    path = LAYOUTS / f"{name}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in LAYOUTS.glob("*.json")))
        raise ValueError(f"unknown player layout {name!r}; known: {known}")
    return _parsed(name, path.read_text())


@lru_cache(maxsize=8)
def _parsed(name: str, text: str) -> Layout:
    d = json.loads(text)
    try:
        safe = d["safe_area"]
        return Layout(
            name=name, template_version=str(d["template_version"]),
            avatar_cx=d["avatar"]["cx"], avatar_cy=d["avatar"]["cy"],
            avatar_diameter=d["avatar"]["diameter"],
            safe=Box(safe["left"], safe["top"], 1 - safe["left"] - safe["right"],
                     1 - safe["top"] - safe["bottom"]),
            top_bar=Box(**d["top_bar"]), caption_area=Box(**d["caption_area"]),
            caption_safe=Box(**d["caption_safe"]), style=d)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"player layout {name!r} is malformed: missing {exc}") from exc


@lru_cache(maxsize=32)
def font(size: int, weight: str = "Bold") -> ImageFont.FreeTypeFont:
    """Roboto (from the font-roboto wheel) at ``size`` pixels."""
    path = Path(font_roboto.__file__).parent / "files" / f"Roboto-{weight}.ttf"
    return ImageFont.truetype(str(path), max(1, size))


def text_width(text: str, size: int, weight: str = "Bold") -> int:
    """Width in pixels of ``text`` at ``size``."""
    left, _, right, _ = font(size, weight).getbbox(text)
    return int(right - left)


def fit_text(text: str, size: int, min_size: int, max_width: int,
             weight: str = "Bold") -> tuple[str, int]:
    """``text`` shrunk from ``size`` down to ``min_size`` to fit ``max_width``, then cut
    with an ellipsis if it still does not fit."""
    text = " ".join(text.split())
    while size > min_size and text_width(text, size, weight) > max_width:
        size -= 1
    while len(text) > 1 and text_width(text, size, weight) > max_width:
        text = text[:-2].rstrip() + "…"
    return text, size


def plate(w: int, h: int, fill: RGBA, edge: RGBA | None = None, edge_w: int = 0,
          radius: int | None = None) -> Image.Image:
    """A rounded plate ``w`` x ``h`` (supersampled edges): ``fill`` inside an ``edge``
    ring ``edge_w`` pixels wide, so its outline holds against dark and light footage.
    A copy: callers draw on it."""
    return _plate(w, h, fill, edge, edge_w, radius).copy()


@lru_cache(maxsize=64)
def _plate(w: int, h: int, fill: RGBA, edge: RGBA | None, edge_w: int,
           radius: int | None) -> Image.Image:
    s = SUPERSAMPLE
    r = (h // 2 if radius is None else radius) * s
    img = Image.new("RGBA", (w * s, h * s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if edge is not None and edge_w > 0:
        draw.rounded_rectangle((0, 0, w * s - 1, h * s - 1), radius=r, fill=edge)
        e = edge_w * s
        draw.rounded_rectangle((e, e, w * s - 1 - e, h * s - 1 - e), radius=max(0, r - e),
                               fill=fill)
    else:
        draw.rounded_rectangle((0, 0, w * s - 1, h * s - 1), radius=r, fill=fill)
    # A box filter is exact for a whole-number shrink, and a fraction of LANCZOS's cost.
    return img.resize((w, h), Image.Resampling.BOX)


def save_png(img: Image.Image, path: Path) -> None:
    """Write one of our overlay PNGs; light compression (they live seconds, in a temp
    directory, and are decoded once)."""
    img.save(path, format="PNG", compress_level=1)


def edge_width(width: int, layout: Layout) -> int:
    """The light edge of every plate, in pixels of a ``width`` wide frame: wide enough to
    survive the encoder's half-resolution colour (a 2 px edge over red turns pink)."""
    return max(2, round(layout.value("plate", "edge_width") * width))


def luminance(rgb: tuple[float, ...]) -> float:
    """WCAG relative luminance of an sRGB colour (0-255 channels)."""
    def lin(c: float) -> float:
        c = c / 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb[:3]
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG contrast ratio of two colours (1..21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(top: RGBA, under: tuple[float, ...]) -> tuple[float, float, float]:
    """``top`` composited over the opaque colour ``under``."""
    a = top[3] / 255.0
    return (top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a),
            top[2] * a + under[2] * (1 - a))
