"""A regeneration: the least work that turns a verified teaser into what a full render of
its changed edit list gives (``worker.editlist.work_needed``). A new music bed re-mixes
the sound and muxes it over the same picture packets (stream copy: nothing decoded or
encoded but the sound); a new poster second cuts the poster again from the same picture
graph; a change to the picture renders again. The files kept are linked, never rewritten.
Every result is verified (``worker.verify``) like a render, and nothing is left at the
output paths when it fails.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from worker import ffmpeg, graph
from worker.editlist import EditList, Work, work_needed
from worker.render import (
    RenderResult,
    bed_of,
    decode_voice,
    mixed_sound,
    prepare_assets,
    render,
)
from worker.verify import verify

log = logging.getLogger(__name__)


def regenerate(old: EditList, old_video: Path, old_poster: Path, new: EditList,
               out_video: Path, out_poster: Path, *,
               on_progress: Callable[[float], None] | None = None,
               timeout: float | None = None) -> tuple[Work, RenderResult]:
    """Make ``new``'s teaser at ``out_video``/``out_poster`` from the verified render of
    ``old`` (``old_video``, ``old_poster``), doing only the work the change needs; returns
    what was done and the verified result. Raises ``RenderError`` (or ``FfmpegError``)."""
    work = work_needed(old, new)
    if work is Work.RENDER:
        return work, render(new, out_video, out_poster, on_progress=on_progress,
                            timeout=timeout)
    started = time.perf_counter()
    timeout = timeout or max(60.0, 2.0 * graph.teaser_duration(new))
    report = on_progress or (lambda _f: None)
    timings: dict[str, float] = {}
    mixed = None
    with tempfile.TemporaryDirectory(prefix="cuplik-regen-") as tmp, \
            ThreadPoolExecutor(max_workers=2) as pool, \
            ffmpeg.atomic_output(out_video) as tmp_video, \
            ffmpeg.atomic_output(out_poster) as tmp_poster:
        scratch = Path(tmp)
        if work is Work.REMUX:
            voice = (decode_voice(new, scratch, timeout=timeout, pool=pool)
                     if new.source.has_audio else None)
            sound, mixed = mixed_sound(new, voice, bed_of(new, scratch), scratch)
            timings["mix"] = _since(started)
            report(0.4)
            ffmpeg.run(["-y", *graph.build_remux_args(new, old_video, sound, tmp_video)],
                       timeout=timeout)
            timings["remux"] = _since(started) - timings["mix"]
        else:
            _keep(old_video, tmp_video)
        if graph.poster_frame(new) != graph.poster_frame(old):
            mark = time.perf_counter()
            ffmpeg.run(["-y", *graph.build_poster_args(new, prepare_assets(new, scratch),
                                                       tmp_poster)], timeout=timeout)
            timings["poster"] = _since(mark)
        else:
            _keep(old_poster, tmp_poster)
        report(0.9)
        width, height, duration = verify(tmp_video, tmp_poster, new)
    report(1.0)
    return work, RenderResult(video=out_video, poster=out_poster, duration=duration,
                              width=width, height=height, seconds=_since(started),
                              mix=mixed, timings=timings)


def previous_render(video: Path, poster: Path, edit_list: Path,
                    recording: Path) -> tuple[EditList, Path, Path] | None:
    """The verified render a regeneration starts from: its edit list (pointed at where
    its recording is now: the media store may have moved), video and poster. None when
    one of the three is missing or unreadable (a render from before edit lists were
    kept), or when it was cut from another recording (the teaser was linked to another
    since): then the teaser can only be made again."""
    if not (video.is_file() and poster.is_file() and edit_list.is_file()):
        return None
    try:
        edit = EditList.load(edit_list)
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("edit list %s is unreadable: the teaser is made again", edit_list)
        return None
    if Path(edit.source.path).name != recording.name:
        return None
    return replace(edit, source=replace(edit.source, path=str(recording))), video, poster


def _keep(src: Path, tmp: Path) -> None:
    """Put the kept file ``src`` at ``tmp`` (a hard link: no bytes copied)."""
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:  # a store that cannot link (another file system for the new path)
        shutil.copyfile(src, tmp)


def _since(mark: float) -> float:
    return round(time.perf_counter() - mark, 3)
