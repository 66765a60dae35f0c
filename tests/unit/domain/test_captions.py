"""Timed transcripts: WebVTT and SRT read as cues (with word timings when WebVTT gives
them), refused with the line that is wrong, and cut to a teaser's segments."""

from __future__ import annotations

import pytest

from domain.captions import CaptionsInvalid, Cue, Word, cut_to_segments, parse_captions
from domain.errors import DomainError

VTT = """WEBVTT

NOTE written by the seller's caption tool

intro
00:00:01.000 --> 00:00:03.000 align:center
Nah <00:00:01.500>kak, <00:00:02.000>ini dia!

00:01:02.500 --> 00:01:04.000
<i>Stok</i> terbatas
"""

SRT = """1
00:00:01,000 --> 00:00:03,000
Nah kak,
ini dia!

2
01:00:00,250 --> 01:00:02,000
Stok terbatas
"""


def test_webvtt_cues_with_word_timings() -> None:
    first, second = parse_captions(VTT)
    assert (first.start, first.end, first.text) == (1.0, 3.0, "Nah kak, ini dia!")
    assert first.words == (Word(1.0, 1.5, "Nah"), Word(1.5, 2.0, "kak,"),
                           Word(2.0, 3.0, "ini"), Word(2.0, 3.0, "dia!"))
    assert (second.start, second.text, second.words) == (62.5, "Stok terbatas", ())


def test_srt_cues_join_their_lines() -> None:
    first, second = parse_captions("\ufeff" + SRT.replace("\n", "\r\n"))
    assert (first.start, first.end, first.text) == (1.0, 3.0, "Nah kak, ini dia!")
    assert second.start == 3600.25 and second.words == ()


@pytest.mark.parametrize(("text", "match"), [
    ("", "no cue"),
    ("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nhi\n", r"line 3.*timing.*00:00:01\.000 -->"),
    ("1\n00:00:05,000 --> 00:00:02,000\nhi\n", "line 2: the cue ends"),
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\na <00:00:09.000>b\n", "outside its cue"),
    ("just some words\n", "line 1"),
])
def test_bad_captions_are_refused_saying_what_to_write(text: str, match: str) -> None:
    with pytest.raises(CaptionsInvalid, match=match) as caught:
        parse_captions(text)
    assert isinstance(caught.value, DomainError)


def test_too_large_captions_are_refused() -> None:
    with pytest.raises(CaptionsInvalid, match="at most"):
        parse_captions("WEBVTT\n\n" + "x" * 600_000)


def test_captions_are_cut_to_the_segments_in_output_time() -> None:
    cues = (Cue(1.0, 3.0, "Nah kak, ini dia!", (Word(1.0, 1.5, "Nah"), Word(1.5, 2.0, "kak,"),
                                                 Word(2.0, 2.5, "ini"), Word(2.5, 3.0, "dia!"))),
            Cue(10.0, 14.0, "Stok terbatas hari ini"), Cue(20.0, 21.0, "not shown"))
    # segments: source 2..4 at output 0, source 12..13 at output 2
    shown = cut_to_segments(cues, [(2.0, 4.0, 0.0), (12.0, 13.0, 2.0)])
    assert [c.text for c in shown] == ["ini dia!", "Stok terbatas hari ini"]
    assert shown[0].words[0] == Word(0.0, 0.5, "ini") and shown[0].end == 1.0
    assert (shown[1].start, shown[1].end) == (2.0, 3.0)
    assert Cue.from_json(shown[0].to_json()) == shown[0]
