"""Timed transcripts (WebVTT or SRT) and cutting them to a teaser's segments.

A cue is a stretch of what is said with its text; WebVTT's inline timestamps
(``Nah <00:00:01.200>kak, <00:00:01.500>ini dia``) give word timings: each marks when
the words after it are said. Times are seconds.

Examples::

    WEBVTT

    00:00:01.000 --> 00:00:03.000
    Nah kak, ini dia!

    1
    00:00:01,000 --> 00:00:03,000
    Nah kak, ini dia!
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.errors import InvalidValue
from domain.wording import number_id

MAX_CAPTIONS_CHARS = 500_000
MAX_CUES = 20_000

_TIME = r"(?:(\d+):)?([0-5]?\d):([0-5]\d)[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_INLINE = re.compile(rf"<{_TIME}>")
_TAG = re.compile(r"</?[^>]*>")
_EXAMPLE = "00:00:01.000 --> 00:00:03.000"


class CaptionsInvalid(InvalidValue):
    """A transcript is not WebVTT or SRT the service can read; the field at fault is the
    upload's ``captions``."""

    code = "captions_invalid"

    def __init__(self, message: str, *, indonesian: str, field: str = "captions") -> None:
        super().__init__(message, field=field, indonesian=indonesian)


@dataclass(frozen=True)
class Word:
    """A word and when it is said."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Cue:
    """A caption cue; ``words`` is empty when the transcript gives no word timings."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text,
                "words": [{"start": w.start, "end": w.end, "text": w.text} for w in self.words]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Cue:
        return cls(float(data["start"]), float(data["end"]), str(data["text"]),
                   tuple(Word(float(w["start"]), float(w["end"]), str(w["text"]))
                         for w in data.get("words", ())))


def _seconds(groups: Sequence[str | None]) -> float:
    hours, minutes, seconds, fraction = groups
    return (int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
            + int((fraction or "0").ljust(3, "0")) / 1000)


def parse_captions(text: str) -> tuple[Cue, ...]:
    """The cues of a WebVTT or SRT transcript, in time order. Raises ``CaptionsInvalid``
    naming the line that is wrong and what a timing line looks like."""
    if len(text) > MAX_CAPTIONS_CHARS:
        raise CaptionsInvalid(f"The captions are {len(text):,} characters; at most "
                              f"{MAX_CAPTIONS_CHARS:,} are accepted. Send only the "
                              "recording's transcript.",
                              indonesian=f"Teks takarir berisi {number_id(len(text))} "
                                         f"karakter; maksimal {number_id(MAX_CAPTIONS_CHARS)}. "
                                         "Kirim transkrip rekaman ini saja.")
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    vtt = bool(lines) and lines[0].strip().startswith("WEBVTT")
    cues: list[Cue] = []
    k = 1 if vtt else 0
    while k < len(lines):
        line = lines[k].strip()
        if not line:
            k += 1
            continue
        if vtt and re.match(r"^(NOTE|STYLE|REGION)\b", line):
            k = _block_end(lines, k)
            continue
        timing = _TIMING.match(line)
        if timing is None and k + 1 < len(lines) and "-->" in lines[k + 1]:
            k += 1  # a cue number (SRT) or identifier (WebVTT) before its timing
            line = lines[k].strip()
            timing = _TIMING.match(line)
        if timing is None:
            raise CaptionsInvalid(
                f"Captions line {k + 1}: {line[:60]!r} is not a cue timing; write WebVTT "
                f"or SRT cues, each a timing line like '{_EXAMPLE}' and its text.",
                indonesian=f"Takarir baris {k + 1}: {line[:60]!r} bukan baris waktu cue; tulis "
                           "cue WebVTT atau SRT, masing-masing dengan baris waktu seperti "
                           f"'{_EXAMPLE}' lalu teksnya.")
        start, end = _seconds(timing.groups()[:4]), _seconds(timing.groups()[4:])
        if end <= start:
            raise CaptionsInvalid(f"Captions line {k + 1}: the cue ends ({end:.3f} s) "
                                  f"before it starts ({start:.3f} s).",
                                  indonesian=f"Takarir baris {k + 1}: cue berakhir "
                                             f"({end:.3f} dtk) sebelum dimulai "
                                             f"({start:.3f} dtk).")
        stop = _block_end(lines, k)
        body = [ln.strip() for ln in lines[k + 1:stop]]
        cue = _cue(start, end, " ".join(b for b in body if b), k + 1)
        if cue.text:
            cues.append(cue)
        if len(cues) > MAX_CUES:
            raise CaptionsInvalid(f"The captions have more than {MAX_CUES:,} cues.",
                                  indonesian=f"Takarir berisi lebih dari "
                                             f"{number_id(MAX_CUES)} cue.")
        k = stop
    if not cues:
        raise CaptionsInvalid("The captions hold no cue; write WebVTT or SRT cues, each a "
                              f"timing line like '{_EXAMPLE}' and its text.",
                              indonesian="Takarir tidak berisi cue; tulis cue WebVTT atau SRT, "
                                         f"masing-masing dengan baris waktu seperti "
                                         f"'{_EXAMPLE}' lalu teksnya.")
    return tuple(sorted(cues, key=lambda c: (c.start, c.end)))


def _block_end(lines: Sequence[str], k: int) -> int:
    while k < len(lines) and lines[k].strip():
        k += 1
    return k


def _cue(start: float, end: float, body: str, line_no: int) -> Cue:
    """A cue from its text; inline timestamps become word timings."""
    parts = _INLINE.split(body)
    # re.split with 4 groups: text, (h, m, s, ms), text, ...
    chunks: list[tuple[float, str]] = [(start, parts[0])]
    for i in range(1, len(parts), 5):
        at = _seconds(parts[i:i + 4])
        if not start <= at <= end:
            raise CaptionsInvalid(f"Captions line {line_no}: the word time {at:.3f} s is "
                                  f"outside its cue ({start:.3f}-{end:.3f} s).",
                                  indonesian=f"Takarir baris {line_no}: waktu kata {at:.3f} "
                                             f"dtk di luar cue-nya ({start:.3f}-{end:.3f} "
                                             "dtk).")
        chunks.append((at, parts[i + 4]))
    timed = len(chunks) > 1
    words: list[tuple[float, str]] = []
    for at, chunk in chunks:
        words += [(at, w) for w in _TAG.sub("", chunk).split()]
    text = " ".join(w for _, w in words)
    if not timed:
        return Cue(start, end, text)
    out = tuple(Word(at, words[i + 1][0] if i + 1 < len(words) and words[i + 1][0] > at
                     else end, w) for i, (at, w) in enumerate(words))
    return Cue(start, end, text, out)


def cut_to_segments(cues: Iterable[Cue], segments: Sequence[tuple[float, float, float]]
                    ) -> tuple[Cue, ...]:
    """The cues as the teaser shows them: each segment (source start, source end, output
    start) keeps what is said inside it, moved to output time. A cue crossing a cut keeps
    the words said inside the segment (by word timing, else the whole text for the part
    that overlaps)."""
    shown: list[Cue] = []
    cues = list(cues)
    for src_start, src_end, out_start in segments:
        shift = out_start - src_start
        for cue in cues:
            lo, hi = max(cue.start, src_start), min(cue.end, src_end)
            if hi - lo < 0.05:
                continue
            if cue.words:
                words = tuple(Word(round(max(w.start, lo) + shift, 3),
                                   round(min(w.end, hi) + shift, 3), w.text)
                              for w in cue.words
                              if (w.start + w.end) / 2 >= lo and (w.start + w.end) / 2 < hi)
                if not words:
                    continue
                shown.append(Cue(words[0].start, round(hi + shift, 3),
                                 " ".join(w.text for w in words), words))
            else:
                shown.append(Cue(round(lo + shift, 3), round(hi + shift, 3), cue.text))
    return tuple(shown)
