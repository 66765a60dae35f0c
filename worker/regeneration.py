"""A regeneration: the least work that turns a verified teaser into what a full render of
its changed edit list gives (``worker.editlist.work_needed``). A new music bed re-mixes
the sound under the voice stem kept beside the old render (``worker.stem``; decoded from
the recording again only when there is none) and muxes it over the same picture packets
in one ffmpeg run (stream copy: nothing decoded or encoded but the sound); a new poster
second cuts the poster again from the same picture graph; a change to the picture
renders again. The files kept are linked, never rewritten. Every result is verified
(``worker.verify``) like a render, and nothing is left at the output paths when it fails.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from worker import ffmpeg, graph, stem
from worker.editlist import EditList, Work, work_needed
from worker.render import (
    RenderResult,
    bed_of,
    mixed_pcm,
    prepare_assets,
    render,
    segment_samples,
    voice_of,
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
    old_stem = stem.stem_path(old_video)
    with tempfile.TemporaryDirectory(prefix="cuplik-regen-") as tmp, \
            contextlib.ExitStack() as stems, \
            ffmpeg.atomic_output(out_video) as tmp_video, \
            ffmpeg.atomic_output(out_poster) as tmp_poster:
        scratch = Path(tmp)

        def keep_stem(voice: np.ndarray | None) -> None:
            # The result's voice stem: the old one linked (the cut is the same), or the
            # voice decoded again saved; none when there is neither.
            final = stem.stem_path(out_video)
            if voice is None and not old_stem.is_file():
                final.unlink(missing_ok=True)
                return
            kept = stems.enter_context(ffmpeg.atomic_output(final))
            if voice is None:
                _keep(old_stem, kept)
            else:
                stem.save(voice, kept, stem.key_of(new))

        if work is Work.REMUX:
            kept = (stem.load(old_stem, stem.key_of(new), sum(segment_samples(new)))
                    if new.source.has_audio else None)
            voice, powers = kept if kept is not None else (None, None)
            if voice is not None or not new.source.has_audio:
                keep_stem(None)
            else:  # a render from before stems were kept: the recording decoded again
                with ThreadPoolExecutor(max_workers=2) as pool:
                    voice = voice_of(new, scratch, timeout=timeout, pool=pool)
                keep_stem(voice)
            timings["voice"] = _since(started)
            # ffmpeg starts (and opens the picture) while the sound is mixed, then
            # reads it from its stdin: no file between them.
            args = ["-y", *graph.build_remux_args(new, old_video, "pipe:0", tmp_video)]
            with ffmpeg.process(args, timeout=timeout, what="remux", feed=True) as ff:
                sound, mixed = mixed_pcm(new, voice, bed_of(new, scratch), powers)
                timings["mix"] = round(_since(started) - timings["voice"], 3)
                report(0.4)
                mark = time.perf_counter()
                assert ff.stdin is not None
                with contextlib.suppress(BrokenPipeError):  # ended early: raised on leaving
                    ff.stdin.write(np.ascontiguousarray(sound, dtype="<f4").data)
            timings["remux"] = _since(mark)
        else:
            _keep(old_video, tmp_video)
            keep_stem(None)
        if graph.poster_frame(new) != graph.poster_frame(old):
            mark = time.perf_counter()
            ffmpeg.run(["-y", *graph.build_poster_args(new, prepare_assets(new, scratch),
                                                       tmp_poster)], timeout=timeout)
            timings["poster"] = _since(mark)
        else:
            _keep(old_poster, tmp_poster)
        report(0.9)
        mark = time.perf_counter()
        width, height, duration = verify(tmp_video, tmp_poster, new)
        timings["verify"] = _since(mark)
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
