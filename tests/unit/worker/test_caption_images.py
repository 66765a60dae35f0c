"""Captions as images: a line or two at a time inside the caption-safe area, word by
word when the words are timed, each drawn state known with its time."""

from __future__ import annotations

from pathlib import Path

from domain.captions import Cue, Word
from worker import caption_images, design

LAYOUT = design.load_layout("standard_9x16")
LONG = ("Serum wajah ini bikin kulit lembap seharian, cocok untuk kulit kering dan "
        "sensitif, dipakai pagi dan malam sebelum pelembap")


def test_long_cue_becomes_pages_of_at_most_two_lines_that_fit() -> None:
    pages = caption_images.pages([Cue(0.0, 6.0, LONG)], 720, 1280, LAYOUT)
    size, _, _, max_w = caption_images._metrics(720, 1280, LAYOUT)
    assert len(pages) >= 2
    assert all(1 <= len(p.lines) <= 2 for p in pages)
    assert all(design.text_width(" ".join(line), size) <= max_w for p in pages for line in p.lines)
    assert " ".join(w for p in pages for line in p.lines for w in line) == LONG
    assert pages[0].start == 0.0 and abs(pages[-1].end - 6.0) < 1e-6
    assert all(a.end <= b.start + 1e-6 for a, b in zip(pages, pages[1:], strict=False))


def test_timed_words_build_the_page_word_by_word(tmp_path: Path) -> None:
    words = (Word(1.0, 1.4, "Nah"), Word(1.4, 1.8, "kak,"), Word(1.8, 2.2, "ini"),
             Word(2.2, 2.6, "dia!"))
    ov, frames = caption_images.captions_overlay([Cue(1.0, 2.6, "Nah kak, ini dia!", words)],
                                                 720, 1280, 10.0, 30, LAYOUT, tmp_path)
    assert [f.text for f in frames] == ["Nah", "Nah kak,", "Nah kak, ini", "Nah kak, ini dia!"]
    assert [f.start for f in frames] == [1.0, 1.4, 1.8, 2.2]
    assert ov is not None and [(s.start, s.end) for s in ov.timed] == [
        (1.0, 1.4), (1.4, 1.8), (1.8, 2.2), (2.2, 2.6)]
    x0, _, x1, y1 = LAYOUT.caption_safe.px(720, 1280)
    assert (ov.x, ov.x + ov.w, ov.y + ov.h) == (x0, x1, y1)
    cap = LAYOUT.caption_area.px(720, 1280)
    assert ov.y + ov.h <= cap[1]  # above the player's own caption


def test_no_cues_no_captions(tmp_path: Path) -> None:
    assert caption_images.captions_overlay([], 720, 1280, 10.0, 30, LAYOUT, tmp_path) == (None, [])
