"""Captions as images: the teaser's cues (already cut to its segments, in output time)
broken into pages of a line or two that fit the caption-safe area, drawn white on a dark
plate by Pillow, and laid on as timed images. With word timings a page
builds up word by word as they are said. No caption text ever enters a filter graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from domain.captions import Cue, Word
from worker.design import Layout, edge_width, font, plate, text_width
from worker.graph import Overlay
from worker.overlays import timed_images


@dataclass(frozen=True)
class Page:
    """What the captions show from ``start`` to ``end``: up to ``max_lines`` lines; with
    ``words`` (timed), only those said by then are drawn."""

    start: float
    end: float
    lines: tuple[tuple[str, ...], ...]
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class CaptionFrame:
    """One drawn state of the captions: the image shows ``text`` from ``start``."""

    start: float
    end: float
    text: str


def _metrics(width: int, height: int, layout: Layout) -> tuple[int, int, int, int]:
    """(font size, line height, padding, widest text) for the caption-safe area."""
    line_h = max(14, round(layout.value("captions", "line_height") * height))
    size = round(line_h * layout.value("captions", "text_share"))
    pad = round(line_h * layout.value("captions", "pad_share"))
    x0, _, x1, _ = layout.caption_safe.px(width, height)
    return size, line_h, pad, (x1 - x0) - 2 * pad


def wrap(words: Sequence[str], size: int, max_w: int) -> list[tuple[str, ...]]:
    """Words broken into lines no wider than ``max_w`` at ``size`` (a single word wider
    than that gets a line of its own)."""
    lines: list[list[str]] = [[]]
    for word in words:
        trial = " ".join([*lines[-1], word])
        if lines[-1] and text_width(trial, size) > max_w:
            lines.append([word])
        else:
            lines[-1].append(word)
    return [tuple(line) for line in lines if line]


def pages(cues: Sequence[Cue], width: int, height: int, layout: Layout) -> list[Page]:
    """The cues as pages of at most ``max_lines`` lines. A long cue's pages share its time
    by the words' timings, or else by their length in characters."""
    size, _, _, max_w = _metrics(width, height, layout)
    per_page = int(layout.value("captions", "max_lines"))
    min_page = float(layout.value("captions", "min_page"))
    out: list[Page] = []
    for cue in cues:
        words = [w.text for w in cue.words] if cue.words else cue.text.split()
        lines = wrap(words, size, max_w)
        groups = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
        counts = [sum(len(line) for line in g) for g in groups]
        if cue.words:
            k = 0
            for group, n in zip(groups, counts, strict=True):
                timed = cue.words[k:k + n]
                k += n
                end = cue.words[k].start if k < len(cue.words) else cue.end
                out.append(Page(timed[0].start, end, tuple(group), tuple(timed)))
            continue
        chars = [sum(len(w) + 1 for line in g for w in line) for g in groups]
        t = cue.start
        span = cue.end - cue.start
        for group, c in zip(groups, chars, strict=True):
            d = span * c / sum(chars)
            out.append(Page(t, t + d, tuple(group)))
            t += d
    # A page too short to read holds on until the next one starts (not past it).
    held: list[Page] = []
    for i, p in enumerate(out):
        nxt = out[i + 1].start if i + 1 < len(out) else p.end + min_page
        end = max(p.end, min(p.start + min_page, nxt))
        held.append(Page(p.start, end, p.lines, p.words))
    return held


def page_image(lines: Sequence[Sequence[str]], shown: int | None, width: int, height: int,
               layout: Layout) -> Image.Image:
    """A page on the caption canvas (the caption-safe area's width, ``max_lines`` lines
    high), centred and sitting on the canvas's bottom; ``shown`` words drawn (all: None).
    The plate fits the whole page, so it does not grow while the words come."""
    size, line_h, pad, _ = _metrics(width, height, layout)
    cw, ch = canvas_size(width, height, layout)
    canvas = Image.new("RGBA", (cw, ch), (0, 0, 0, 0))
    widths = [text_width(" ".join(line), size) for line in lines]
    pw = min(cw, max(widths) + 2 * pad)
    ph = len(lines) * line_h + pad
    edge_w = edge_width(width, layout)
    canvas.alpha_composite(
        plate(pw, ph, layout.colour("captions", "plate"), layout.colour("plate", "edge"),
              edge_w, radius=round(line_h * 0.3)), ((cw - pw) // 2, ch - ph))
    draw = ImageDraw.Draw(canvas)
    left = shown if shown is not None else sum(len(line) for line in lines)
    for i, line in enumerate(lines):
        y = ch - ph + pad / 2 + i * line_h + line_h / 2
        x = (cw - widths[i]) / 2
        said = line[:max(0, left)]
        left -= len(line)
        if said:
            draw.text((x, y), " ".join(said), anchor="lm", font=font(size),
                      fill=layout.colour("plate", "text"))
    return canvas


def canvas_size(width: int, height: int, layout: Layout) -> tuple[int, int]:
    """The caption images' size in pixels."""
    _, line_h, pad, _ = _metrics(width, height, layout)
    x0, _, x1, _ = layout.caption_safe.px(width, height)
    return x1 - x0, int(layout.value("captions", "max_lines")) * line_h + pad


def caption_frames(cues: Sequence[Cue], width: int, height: int, layout: Layout
                   ) -> list[tuple[CaptionFrame, Image.Image]]:
    """Every drawn state of the captions, in time order."""
    frames: list[tuple[CaptionFrame, Image.Image]] = []
    for p in pages(cues, width, height, layout):
        if not p.words:
            text = " ".join(w for line in p.lines for w in line)
            frames.append((CaptionFrame(p.start, p.end, text),
                           page_image(p.lines, None, width, height, layout)))
            continue
        for k, word in enumerate(p.words):
            end = p.words[k + 1].start if k + 1 < len(p.words) else p.end
            text = " ".join(w.text for w in p.words[:k + 1])
            frames.append((CaptionFrame(word.start, max(end, word.start), text),
                           page_image(p.lines, k + 1, width, height, layout)))
    return frames


def captions_overlay(cues: Sequence[Cue], width: int, height: int, total: float, fps: int,
                     layout: Layout, work: Path) -> tuple[Overlay | None, list[CaptionFrame]]:
    """The captions' timed images in the caption-safe area (bottom-aligned), and what
    each of its images says when; (None, []) without cues."""
    drawn = [(f, img) for f, img in caption_frames(cues, width, height, layout)
             if f.start < total]
    if not drawn:
        return None, []
    size = canvas_size(width, height, layout)
    seq: list[tuple[float, Image.Image | None]] = [(0.0, None)]
    for k, (f, img) in enumerate(drawn):
        seq.append((f.start, img))
        nxt = drawn[k + 1][0].start if k + 1 < len(drawn) else total
        if f.end < nxt - 1e-3:
            seq.append((f.end, None))
    sheet, timed = timed_images(seq, size, fps, total, work, "captions")
    if sheet is None:
        return None, []
    x0, _, _, y1 = layout.caption_safe.px(width, height)
    return (Overlay(path=sheet, x=x0, y=y1 - size[1], w=size[0], h=size[1],
                    timed=timed),
            [f for f, _ in drawn])
