"""The edit list: everything a render needs, as JSON. Analysis writes it, render reads it;
``cuplik render --edit-list FILE`` re-renders one exactly. ``work_needed`` says what a
changed edit list takes beside the verified render of the old one (a regeneration)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from domain.captions import Cue
from domain.teasers import TEMPLATE_VERSION


@dataclass(frozen=True)
class Crop:
    """A source-pixel rectangle (display orientation) scaled to the output frame.
    ``fill="blur"`` letterboxes the whole crop over a blurred copy of itself instead of
    cutting it to 9:16 (used when no good 9:16 crop exists)."""

    x: int
    y: int
    w: int
    h: int
    fill: str = "crop"  # "crop" | "blur"


@dataclass(frozen=True)
class Segment:
    """One cut from the source, ``start``..``end`` in source seconds, with why it was chosen.
    ``join``: how its picture follows the segment before: a cut, or (``"fade"``, where
    both are one shot and the framing cannot change) a crossfade of a few frames."""

    start: float
    end: float
    score: float
    reason: str
    crop: Crop | None = None
    join: str = "cut"  # "cut" | "fade"

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Source:
    """The probed source the segments are cut from. ``width``/``height`` are its display
    size; ``sar`` the aspect of its coded pixels (scaled to square ones first)."""

    path: str
    width: int
    height: int
    duration: float
    has_audio: bool
    fps: float = 30.0
    interlaced: bool = False
    sar: float = 1.0


@dataclass(frozen=True)
class Sticker:
    """The LIVE Event card: ``text`` (the LIVE time, from ``domain.wording``) and the
    plan's ``title`` when there is one."""

    text: str
    title: str | None = None


@dataclass(frozen=True)
class Face:
    """A detected face in the output frame (fractions) from ``start`` to ``end`` output
    seconds: the card keeps clear of it."""

    start: float
    end: float
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Output:
    """Output settings: 9:16, H.264 yuv420p + AAC 48 kHz stereo, fast start; ``fps`` the
    source's own rate when it is 24, 25 or 30 (``worker.graph.output_fps``).
    ``audio_quality`` is the AAC encoder's VBR quality (2: ~130 kbit/s on voice over
    music); ``audio_bitrate`` (constant bit rate) is set only in edit lists written
    before VBR, so they re-render as they were."""

    width: int = 1080
    height: int = 1920
    fps: int = 30
    preset: str = "ultrafast"
    crf: int = 21
    audio_quality: float = 2.0
    audio_bitrate: str | None = None


@dataclass(frozen=True)
class EditList:
    """A teaser, fully described. ``music`` is a bed name under media/assets/music or None;
    ``arrow`` is a player-layout profile name under media/assets/layouts or None;
    ``poster_at`` is the output time (s) the poster JPEG is taken from. ``product`` (the
    featured product's name) and ``offer`` (the LIVE-only offer, worded) show under the
    card; ``cta`` is the call to action beside the arrow; ``captions`` are in output
    time, already cut to the segments; ``candidates`` are the other moments offered to
    swap in."""

    source: Source
    segments: tuple[Segment, ...]
    output: Output = field(default_factory=Output)
    sticker: Sticker | None = None
    arrow: str | None = "standard_9x16"
    music: str | None = None
    poster_at: float = 1.0
    short_source: bool = False
    notes: tuple[str, ...] = ()
    template_version: str = TEMPLATE_VERSION
    #: Seconds each metric was taken to trail the moment behind it (a timeline teaser).
    lags: dict[str, float] = field(default_factory=dict)
    lang: str = "en"  # of the reasons and notes (edit lists written before: English)
    product: str | None = None
    #: The output second the featured product's moment opens (its pin in the timeline):
    #: its name shows then; None: as the opening moment starts.
    product_at: float | None = None
    offer: str | None = None
    cta: str | None = None
    captions: tuple[Cue, ...] = ()
    faces: tuple[Face, ...] = ()
    #: Other moments of the source the ranking offers to swap in (not rendered).
    candidates: tuple[Segment, ...] = ()

    @property
    def duration(self) -> float:
        return sum(s.duration for s in self.segments)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "captions": [c.to_json() for c in self.captions]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EditList:
        segs = tuple(
            Segment(**{**s, "crop": Crop(**s["crop"]) if s.get("crop") else None})
            for s in data["segments"]
        )
        return cls(
            source=Source(**data["source"]),
            segments=segs,
            output=Output(**data.get("output", {})),
            sticker=Sticker(**data["sticker"]) if data.get("sticker") else None,
            arrow=data.get("arrow"),
            music=data.get("music"),
            poster_at=float(data.get("poster_at", 1.0)),
            short_source=bool(data.get("short_source", False)),
            notes=tuple(data.get("notes", ())),
            template_version=data.get("template_version", TEMPLATE_VERSION),
            lags={str(k): float(v) for k, v in (data.get("lags") or {}).items()},
            lang=str(data.get("lang", "en")),
            product=data.get("product"), offer=data.get("offer"), cta=data.get("cta"),
            product_at=(float(data["product_at"]) if data.get("product_at") is not None
                        else None),
            captions=tuple(Cue.from_json(c) for c in data.get("captions", ())),
            faces=tuple(Face(**f) for f in data.get("faces", ())),
            candidates=tuple(Segment(**{**c, "crop": None})
                             for c in data.get("candidates", ())),
        )

    def save(self, path: str | Path) -> None:
        """Write the edit list as JSON (atomically: a reader never sees half a file)."""
        final = Path(path)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{final.name}.tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False))
        tmp.replace(final)

    @classmethod
    def load(cls, path: str | Path) -> EditList:
        return cls.from_json(json.loads(Path(path).read_text()))


class Work(StrEnum):
    """What a regeneration does to turn the render of one edit list into that of another,
    least first: nothing, the poster cut again, the sound mixed again and muxed over the
    same picture (stream copy), or a full render."""

    UNCHANGED = "unchanged"
    POSTER = "poster"
    REMUX = "remux"
    RENDER = "render"


# The edit list's fields that only the sound is made from; the picture is made from
# every other rendered field. What is not rendered at all (the notes, the reasons'
# language, the lags, the moments offered to swap in) changes nothing in the files.
SOUND_FIELDS = frozenset({"music"})
SOUND_OUTPUT_FIELDS = frozenset({"audio_quality", "audio_bitrate"})
POSTER_FIELDS = frozenset({"poster_at"})
UNRENDERED_FIELDS = frozenset({"notes", "lang", "lags", "candidates", "short_source"})


def work_needed(old: EditList, new: EditList) -> Work:
    """The least work that turns a verified render of ``old`` into what a full render of
    ``new`` gives: a change of music or of the sound's encoding re-mixes and re-muxes the
    sound (a poster change with it is cut too); a change of the poster's second cuts the
    poster again; any change to what the picture is made of (the source, segments, crops,
    overlays, their words, the template, the picture's encoding) renders again."""
    changed = {f.name for f in fields(EditList)
               if getattr(old, f.name) != getattr(new, f.name)} - UNRENDERED_FIELDS
    if "output" in changed:
        changed.discard("output")
        changed |= {f.name for f in fields(Output)
                    if getattr(old.output, f.name) != getattr(new.output, f.name)}
    if changed - SOUND_FIELDS - SOUND_OUTPUT_FIELDS - POSTER_FIELDS:
        return Work.RENDER
    if changed & (SOUND_FIELDS | SOUND_OUTPUT_FIELDS):
        return Work.REMUX
    return Work.POSTER if changed else Work.UNCHANGED
