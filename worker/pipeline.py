"""The teaser pipeline: probe -> analyse -> rank -> edit list -> render -> verify.

One entry point for the CLI and the worker jobs. Analysis (choosing) and rendering are
separate steps joined by the edit list, so ``render_edit_list`` re-renders a saved one.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from domain.captions import Cue, cut_to_segments
from domain.edits import check_cuts
from domain.errors import EditRefused
from domain.teasers import TEMPLATE_VERSION
from domain.wording import cta_text
from worker import (
    analysis,
    cuts,
    footage_ranking,
    moments,
    onscreen,
    overlays,
    poster,
    product,
    ranking,
    reframe,
    timeline,
)
from worker import music as music_beds
from worker.editlist import EditList, Output, Segment, Source, Sticker
from worker.errors import InputError
from worker.graph import frame_duration, output_fps, output_size
from worker.limits import check_limits
from worker.probe import MediaInfo, media_info
from worker.ranking import cut_candidates
from worker.reframe import TARGET_ASPECT
from worker.regeneration import regenerate
from worker.render import render

Progress = Callable[[str, float], None]

# Share of the whole job each stage stands for, for one progress figure.
_STAGES = {"probe": (0.0, 0.02), "analyse": (0.02, 0.15), "rank": (0.15, 0.2),
           "render": (0.2, 1.0)}


@dataclass(frozen=True)
class OnScreen:
    """What a teaser says on screen besides its LIVE time: the plan's ``title``, the
    featured ``product``'s name (and its catalogue id, ``product_id``: its name shows
    when the timeline pins it), the LIVE-only ``offer`` (worded), the language of the
    call to action, the recording's ``captions`` (source time), and the poster's second
    when the seller picked one."""

    title: str | None = None
    product: str | None = None
    product_id: str | None = None
    offer: str | None = None
    lang: str = "id"
    captions: tuple[Cue, ...] = ()
    poster_at: float | None = None  # the output second the seller picked for the poster


@dataclass(frozen=True)
class TeaserInput:
    """Everything one teaser is made from; the CLI, the render job and the benchmarks
    build one, the pipeline reads nothing else."""

    recording: Path
    #: The session's timeline: stored rows (the service) or an export file (the CLI);
    #: neither: the moments come from picture and sound alone.
    timeline_rows: Sequence[Mapping[str, Any]] | None = None
    timeline_path: Path | None = None
    #: Where the recording's analysis is saved (by its ingest), or is to be saved.
    analysis_path: Path | None = None
    #: The recording's probe from its ingest (``MediaInfo.to_json``); None: probe it now.
    probe: Mapping[str, Any] | None = None
    sticker_text: str | None = None
    target_seconds: float = 40.0
    music: str = "auto"
    #: What "auto" music is chosen by (the upload's id in the service, so a re-render
    #: after moving MEDIA_ROOT keeps its music); None: the recording's name and size.
    music_key: str | None = None
    #: n >= 1: the n+1-th teaser of the same session, showing other moments.
    variant: int = 0
    #: The pinned product's catalogue picture; the crop keeps where it is seen.
    product_image: Path | None = None
    lang: str = "en"  # of the reasons and notes
    on_screen: OnScreen = field(default_factory=OnScreen)
    #: The seller's own moments (source seconds, play order) instead of the ranking's.
    cuts: Sequence[tuple[float, float]] | None = None


@dataclass
class TeaserReport:
    """What a seller (and the CLI's ``--json``) gets back about one rendered teaser."""

    output: str
    poster: str
    duration_s: float
    width: int
    height: int
    segments: list[dict[str, Any]]
    timings_s: dict[str, float]
    short_source: bool = False
    notes: list[str] = field(default_factory=list)
    edit_list: str | None = None
    #: Seconds orders, GMV and comments were taken to trail the moment behind them.
    lags_s: dict[str, float] = field(default_factory=dict)
    #: Language the segments' reasons and the notes are worded in ("id" or "en").
    lang: str = "en"
    #: False for ``plan_only``: the edit list is written, nothing is rendered.
    rendered: bool = True
    on_screen: dict[str, Any] = field(default_factory=dict)
    #: Other moments of the source the seller can swap in (``PUT /v1/teasers/{id}/edit``).
    candidates: list[dict[str, Any]] = field(default_factory=list)
    #: What this version took (``worker.editlist.Work``): a full render, or what a
    #: regeneration did instead (remux, poster, unchanged).
    work: str = "render"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _staged(on_progress: Progress | None) -> Callable[[str], Callable[[float], None]]:
    def for_stage(stage: str) -> Callable[[float], None]:
        lo, hi = _STAGES[stage]

        def report(fraction: float) -> None:
            if on_progress:
                on_progress(stage, lo + (hi - lo) * max(0.0, min(1.0, fraction)))

        return report

    return for_stage


def plan_teaser(info: MediaInfo, inp: TeaserInput,
                on_progress: Callable[[str], Callable[[float], None]] | None = None
                ) -> tuple[EditList, dict[str, float]]:
    """Choose the teaser's moments and describe it as an edit list (no rendering).

    ``inp.cuts``: the seller's own moments (source seconds, play order), kept exactly as
    given once ``domain.edits`` accepts them (``InputError`` when it does not): described
    like the ranking's, with its other moments still offered, no cut moved.

    ``inp.variant`` n >= 1 is the n+1-th teaser of the same session (a plan's "hour
    before" one): with a timeline it avoids the moments variants 0..n-1 show, where the
    session has enough others. Without a timeline every variant is the same cut."""
    timings: dict[str, float] = {}
    stage = on_progress or (lambda _s: (lambda _f: None))
    words, lang, target_seconds = inp.on_screen, inp.lang, inp.target_seconds
    t0 = time.perf_counter()
    looks: _Looks | None = None
    analysis, stale = _saved_analysis(info, inp.analysis_path)
    pins: Sequence[str | None] = ()
    cuts = inp.cuts
    if cuts is not None:
        _check_cuts(cuts, info.duration, target_seconds)
    if inp.timeline_rows is not None or inp.timeline_path is not None:
        tl = (timeline.parse_timeline(inp.timeline_path) if inp.timeline_path is not None
              else timeline.timeline_from_rows([dict(r) for r in inp.timeline_rows or ()]))
        tl.check_within(info.duration)
        pins = tl.pins if tl.has_pins else ()
        avoid: list[tuple[float, float]] = []
        looks = _Looks(info) if analysis is None else None
        if cuts is not None:
            selection = moments.seller_session_cuts(tl, info.duration, cuts, lang=lang)
            if looks is not None:
                looks.look(selection.segments)  # the crop, faces and poster need a look
        else:
            selection = _rank_metrics(tl, info, analysis, looks, target_seconds, avoid, lang)
        for _ in range(max(0, inp.variant) if cuts is None else 0):
            # Same inputs, minus what the earlier teasers of this session show.
            avoid += [(s.start, s.end) for s in selection.segments]
            selection = _rank_metrics(tl, info, analysis, looks, target_seconds, avoid, lang)
        quality = (analysis.quality_per_second() if analysis is not None
                   else looks.quality if looks is not None else None)
        selection = replace(selection, candidates=moments.session_moments(
            tl, info.duration, [(s.start, s.end) for s in selection.segments],
            quality=quality, lang=lang))
        notes = [*stale, *tl.warnings]
        lags = dict(selection.lags)
    else:
        # Footage alone: the whole recording is analysed (and kept) when no current
        # analysis is saved; the notes say so when one was there but out of date.
        analysis = analysis or _analyse(info, inp.analysis_path, stage("analyse"))
        timings["analyse"] = round(time.perf_counter() - t0, 3)
        t0 = time.perf_counter()
        selection = (footage_ranking.seller_cuts(analysis, info.duration, list(cuts), lang=lang)
                     if cuts is not None else
                     footage_ranking.rank_footage(analysis, info.duration,
                                                  target=target_seconds, lang=lang))
        notes, lags = list(stale), {}
    seen = [analysis] if analysis is not None else (looks.windows if looks else [])
    segments, cut_notes = (list(selection.segments), []) if cuts is not None else \
        _cuts_nobody_hears(list(selection.segments), seen, info, whole=analysis is not None,
                           target=target_seconds)
    picture = product.load_image(inp.product_image) if inp.product_image is not None else None
    if picture is not None:
        if analysis is not None:
            analysis = product.mark(analysis, info.path, segments, picture)
        elif looks is not None:
            looks.windows = [product.mark(w, info.path, segments, picture)
                             for w in looks.windows]
        # What the crop, the faces and the poster read: the product where it was found.
        seen = [analysis] if analysis is not None else (looks.windows if looks else [])
    if analysis is not None:
        segments = list(reframe.reframe_segments(analysis, segments, info.width, info.height))
    elif looks is not None:
        segments = list(reframe.reframe_by_windows(info.path, segments, info.width,
                                                   info.height, looks.windows))
    crop_w = min((s.crop.w for s in segments if s.crop), default=_centre_crop_width(info))
    crop_h = min((s.crop.h for s in segments if s.crop), default=info.height)
    width, height = output_size(crop_w, crop_h)
    # After the output size: a punch-in must not pull the teaser down to 720 across.
    shots = sorted({float(t) for a in seen for t in a.shot_changes})
    segments = list(reframe.punch_in(segments, shots, info.width, info.height))
    fps = output_fps(info.fps)
    starts = [0.0]
    for seg in segments[:-1]:
        starts.append(starts[-1] + frame_duration(seg.duration, fps))
    bed = music_bed(inp, f"{Path(info.path).name}:{info.size_bytes}")
    placed = [(s.start, s.end, o) for s, o in zip(segments, starts, strict=True)]
    edit = EditList(
        source=Source(path=info.path, width=info.width, height=info.height,
                      duration=info.duration, has_audio=info.has_audio, fps=info.fps,
                      interlaced=info.interlaced, sar=info.sar),
        segments=tuple(segments),
        output=Output(width=width, height=height, fps=fps),
        sticker=Sticker(inp.sticker_text, words.title) if inp.sticker_text else None,
        music=bed,
        poster_at=(words.poster_at if words.poster_at is not None
                   else poster.poster_time(seen, segments, fps, info.path, picture)),
        short_source=selection.short_source,
        notes=tuple([*notes, *selection.notes, *cut_notes, *_resolution_notes(info, width)]),
        lags=lags,
        lang=lang,
        product=words.product, offer=words.offer, cta=cta_text(words.lang),
        product_at=(overlays.callout_time(pins, placed, words.product_id, words.product)
                    if words.product else None),
        captions=cut_to_segments(words.captions, placed),
        faces=onscreen.faces_on_screen(seen, segments, info.width, info.height, width, height,
                                       fps),
        candidates=selection.candidates,
    )
    timings["rank"] = round(time.perf_counter() - t0, 3)
    stage("rank")(1.0)
    return edit, timings


def music_bed(inp: TeaserInput, fallback_key: str) -> str | None:
    """The bed ``inp.music`` means: None for "none", the one "auto" picks (by
    ``inp.music_key``, else ``fallback_key``), or the named bed (checked)."""
    if inp.music == "none":
        return None
    if inp.music == "auto":
        return music_beds.pick(inp.music_key or fallback_key)
    return music_beds.check(inp.music)


def _check_cuts(cuts: Sequence[tuple[float, float]], recording_s: float,
                target_s: float) -> None:
    """The rules every teaser keeps (``domain.edits``, for a teaser of about ``target_s``
    seconds), for cuts a seller chose: a refusal is permanent (the same cuts fail the
    same way every time)."""
    try:
        check_cuts(cuts, recording_s, target_s)
    except EditRefused as exc:
        raise InputError(exc.message, indonesian=exc.indonesian) from exc


def _rank_metrics(tl: Any, info: MediaInfo, analysis: Any, looks: _Looks | None,
                  target: float, avoid: Sequence[tuple[float, float]], lang: str) -> Any:
    """Rank a session by its timeline; the recording's picture vetoes dark, blurred or
    frozen moments and gives the cut points to snap to."""
    if analysis is not None:
        # The recording was analysed at upload: all of it is known.
        return ranking.rank_with_analysis(tl, info.duration, analysis, target=target,
                                          avoid=avoid, lang=lang)
    assert looks is not None

    def rank() -> Any:
        return ranking.rank_session(tl, info.duration, target=target, avoid=avoid,
                                    quality=looks.quality, cut_candidates=looks.cuts(),
                                    lang=lang)

    # No analysis yet: look only at what the ranking chooses, then rank again with what
    # was seen, until every chosen second has been looked at.
    selection = rank()
    for _ in range(MAX_LOOKS):
        if not looks.look(selection.segments):
            break
        selection = rank()
    return selection


class _Looks:
    """What has been seen of a recording with no saved analysis: the stretches the
    ranking chose (plus ``SNAP_WINDOW_S`` either side) analysed at full rate, so a
    two-hour session costs no more than a short one. Seconds not looked at have quality
    1 (nothing against them)."""

    def __init__(self, info: MediaInfo) -> None:
        self.info = info
        n = max(1, math.ceil(info.duration))
        self.quality = np.ones(n)
        self.seen = np.zeros(n, dtype=bool)
        self.windows: list[Any] = []

    def look(self, segments: Sequence[Segment]) -> bool:
        """Analyse the stretches around ``segments`` not seen yet; False if none."""
        spans = self._unseen(segments)
        # Faces only place a crop; a 9:16 (or narrower) picture is never cropped to a
        # face, and face detection is a quarter of a look's CPU on a real face here.
        faces = self.info.width > self.info.height * TARGET_ASPECT * 1.02
        for lo, hi in spans:
            window = analysis.analyse(self.info.path, window=(lo, hi - lo), mode="full",
                                      faces=faces)
            self.windows.append(window)
            got = window.quality_per_second()[: hi - lo]
            self.quality[lo:lo + len(got)] = got
            self.seen[lo:hi] = True
        return bool(spans)

    def cuts(self) -> list[float]:
        return sorted({t for w in self.windows for t in _cut_candidates(w)})

    def _unseen(self, segments: Sequence[Segment]) -> list[tuple[int, int]]:
        n = len(self.seen)
        spans: list[tuple[int, int]] = []
        for seg in sorted(segments, key=lambda s: s.start):
            if self.seen[int(seg.start):min(n, math.ceil(seg.end))].all():
                continue
            lo = max(0, math.floor(seg.start - SNAP_WINDOW_S))
            hi = min(n, math.ceil(seg.end + SNAP_WINDOW_S))
            if spans and lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
            else:
                spans.append((lo, hi))
        return spans


STILL_MOTION = 0.003  # local motion under this: nothing is being shown


def _cuts_nobody_hears(segments: list[Segment], seen: Sequence[Any], info: MediaInfo, *,
                       whole: bool, target: float) -> tuple[list[Segment], list[str]]:
    """The chosen segments with their cuts moved into pauses between phrases and dead
    air taken out (``worker.cuts``), from the analyses ``seen`` (``whole``: one analysis
    of all the recording, else windows of it); with the notes that say where no pause
    was within reach and how much dead air went."""
    if not info.has_audio or not seen:
        return segments, []
    pauses = np.concatenate([np.asarray(a.pauses, dtype=float).reshape(-1, 2) for a in seen])
    heard = None if whole else [(a.start, a.start + a.duration) for a in seen]
    bounds, missed = cuts.at_pauses([(s.start, s.end) for s in segments], pauses,
                                    info.duration, heard, target=target)
    n = max(1, math.ceil(info.duration))
    still = np.zeros(n, dtype=bool)
    for a in seen:
        i = max(0, int(a.start))
        part = (a.local_motion < STILL_MOTION)[: max(0, n - i)]
        still[i:i + len(part)] = part
    pieces = cuts.without_dead_air(bounds, pauses, still, target=target)
    out = [replace(seg, start=s, end=e)
           for seg, parts in zip(segments, pieces, strict=True) for s, e in parts]
    notes: list[str] = []
    if missed:
        where = ", ".join(f"{t:.1f} s" for t in missed)
        notes.append(f"no pause between phrases within {cuts.PAUSE_REACH:g} s of the "
                     f"cut{'s' if len(missed) > 1 else ''} at {where}: a word may be "
                     "clipped there")
    dead = sum(e - s for s, e in bounds) - sum(s.duration for s in out)
    if dead > 0.5:
        notes.append(f"took out {dead:.1f} s with nobody speaking and nothing shown")
    return out, notes


LOW_RES_SIDE = 360  # a short side under half of 720 is "far below": say so


def _resolution_notes(info: MediaInfo, out_width: int) -> list[str]:
    """A note when the source is far below 720 across: the teaser is still made, but it
    is scaled up and will look soft."""
    side = min(info.width, info.height)
    if side >= LOW_RES_SIDE:
        return []
    return [f"the footage is low resolution ({info.width}x{info.height}); the teaser is "
            f"scaled up to {out_width} pixels across and will look soft: record at 720p "
            "or more"]


def _centre_crop_width(info: MediaInfo) -> int:
    """Width of the centred 9:16 crop of the source (its full width when narrower)."""
    return min(info.width, int(info.height * 9 / 16))


SNAP_WINDOW_S = 2.0  # cut points move to a shot change or quiet moment within this
MAX_LOOKS = 3  # rounds of look-then-rank for a recording without a saved analysis


def _saved_analysis(info: MediaInfo, analysis_path: Path | None) -> tuple[Any, list[str]]:
    """The analysis saved for this recording (at upload), when there is one and it is
    current; else None, with a note when one was there but is out of date or unreadable
    (never a silent re-analysis)."""
    if analysis_path is None or not analysis_path.exists():
        return None, []
    try:
        saved = analysis.Analysis.load(analysis_path)
    except (OSError, ValueError, KeyError, TypeError):
        return None, ["the saved analysis of the recording could not be read; it was "
                      "looked at again"]
    if not analysis.is_current(saved, Path(info.path)):
        return None, ["the recording changed since it was analysed at upload (or the "
                      "analysis is of an older version); it was looked at again"]
    return saved, []


def _analyse(info: MediaInfo, analysis_path: Path | None,
             on_progress: Callable[[float], None]) -> Any:
    """Analyse the whole recording; keep the result at ``analysis_path`` when given."""
    result = analysis.analyse(info.path, on_progress=on_progress)
    if analysis_path is not None:
        result.save(analysis_path)
    return result


def _cut_candidates(analysis: Any) -> list[float]:
    return cut_candidates(analysis)


def render_edit_list(edit: EditList, out_video: Path, out_poster: Path, *,
                     on_progress: Callable[[float], None] | None = None) -> Any:
    """Render a saved or freshly planned edit list (one ffmpeg run, verified)."""
    return render(edit, out_video, out_poster, on_progress=on_progress)


def make_teaser(inp: TeaserInput, out_video: Path, out_poster: Path, *,
                edit_list_path: Path | None = None,
                on_progress: Progress | None = None) -> TeaserReport:
    """Cut and render one teaser; with a timeline the moments are ranked by GMV and
    interaction, without one from picture and sound alone.

    Raises ``InputError`` for bad input (permanent) and ``RenderError``/``FfmpegError``
    when rendering fails (possibly transient). Nothing is left at ``out_video`` on failure.
    """
    stage = _staged(on_progress)
    started = time.perf_counter()
    info = probed(inp)
    timings = {"probe": round(time.perf_counter() - started, 3)}
    stage("probe")(1.0)
    edit, plan_timings = plan_teaser(info, inp, stage)
    timings.update(plan_timings)
    t0 = time.perf_counter()
    result = render_edit_list(edit, out_video, out_poster, on_progress=stage("render"))
    if edit_list_path is not None:
        edit.save(edit_list_path)
    timings["render"] = round(time.perf_counter() - t0, 3)
    timings["total"] = round(time.perf_counter() - started, 3)
    return report_for(edit, result, timings, edit_list_path)


def changed_edit_list(previous: EditList, inp: TeaserInput,
                      changed: Collection[str]) -> EditList:
    """``previous`` (the edit list of the teaser's verified render) with a regeneration's
    changes: the ``changed`` render parameters (``music``, ``poster_at``) as ``inp`` now
    has them, and the template this worker draws (a render from an older template is
    drawn again)."""
    edit = replace(previous, template_version=TEMPLATE_VERSION)
    if "music" in changed:
        source = Path(previous.source.path)
        edit = replace(edit, music=music_bed(inp, f"{source.name}:{source.stat().st_size}"))
    if "poster_at" in changed and inp.on_screen.poster_at is not None:
        edit = replace(edit, poster_at=float(inp.on_screen.poster_at))
    return edit


def regenerate_teaser(previous: EditList, previous_video: Path, previous_poster: Path,
                      edit: EditList, out_video: Path, out_poster: Path, *,
                      edit_list_path: Path,
                      on_progress: Progress | None = None) -> TeaserReport:
    """Make the teaser ``edit`` describes from the verified render of ``previous`` with
    the least work (``worker.regeneration``), keep ``edit`` at ``edit_list_path``, and
    report it as ``make_teaser`` does, saying what the work was."""
    started = time.perf_counter()
    work, result = regenerate(previous, previous_video, previous_poster, edit, out_video,
                              out_poster, on_progress=_staged(on_progress)("render"))
    edit.save(edit_list_path)
    timings = {**result.timings, "total": round(time.perf_counter() - started, 3)}
    report = report_for(edit, result, timings, edit_list_path)
    report.work = work.value
    return report


def plan_only(inp: TeaserInput, out_video: Path, out_poster: Path, *,
              edit_list_path: Path) -> TeaserReport:
    """Choose the teaser's moments and write the edit list, without rendering: the report
    ``make_teaser`` would give (its ``output``/``poster`` the paths a render of
    ``edit_list_path`` would write), in about a second."""
    started = time.perf_counter()
    info = probed(inp)
    timings = {"probe": round(time.perf_counter() - started, 3)}
    edit, plan_timings = plan_teaser(info, inp)
    timings.update(plan_timings)
    edit.save(edit_list_path)
    timings["total"] = round(time.perf_counter() - started, 3)
    planned = SimpleNamespace(video=out_video, poster=out_poster, duration=edit.duration,
                              width=edit.output.width, height=edit.output.height)
    report = report_for(edit, planned, timings, edit_list_path)
    report.rendered = False
    return report


def probed(inp: TeaserInput) -> MediaInfo:
    """The recording's probe: the one its ingest saved when the file is still the one it
    probed (same size), else the limits checked and the headers read now."""
    path = Path(inp.recording).resolve()
    if inp.probe is not None:
        with contextlib.suppress(TypeError):  # a probe saved by an older version: read again
            info = MediaInfo(**{**inp.probe, "path": str(path)})
            if path.is_file() and path.stat().st_size == info.size_bytes:
                return info
    # size, duration, picture size and rate from the headers, before any decoding
    return media_info(path, check_limits(path))


def report_for(edit: EditList, result: Any, timings: dict[str, float],
               edit_list_path: Path | None = None) -> TeaserReport:
    """The report of a rendered edit list."""
    return TeaserReport(
        output=str(result.video), poster=str(result.poster),
        duration_s=round(float(result.duration), 3), width=result.width, height=result.height,
        segments=_moments_json(edit.segments), candidates=_moments_json(edit.candidates),
        timings_s=timings, short_source=edit.short_source, notes=list(edit.notes),
        edit_list=str(edit_list_path) if edit_list_path else None, lags_s=dict(edit.lags),
        lang=edit.lang,
        on_screen={"sticker": edit.sticker.text if edit.sticker else None,
                   "title": edit.sticker.title if edit.sticker else None,
                   "product": edit.product, "product_at": edit.product_at,
                   "offer": edit.offer, "cta": edit.cta,
                   "captions": len(edit.captions), "poster_at": edit.poster_at})


def _moments_json(segments: Sequence[Segment]) -> list[dict[str, Any]]:
    return [{"start": round(s.start, 3), "end": round(s.end, 3), "score": round(s.score, 3),
             "reason": s.reason} for s in segments]
