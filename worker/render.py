"""Render an edit list: an audio-only pass decoding the voice, the mix (``worker.mix``:
fades, ducked music, -14 LUFS under the peak ceiling) computed on its samples, then ONE
ffmpeg run writing the teaser (its poster's frame decoded beside it, its voice stem kept
beside it for a regeneration of the music: ``worker.stem``), then verification of what a
viewer will get (``worker.verify``).
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path

import numpy as np

from worker import caption_images, design, ffmpeg, graph, music, overlays, stem
from worker.editlist import EditList, Segment
from worker.errors import RenderError
from worker.graph import Assets
from worker.loudness import sub_powers
from worker.mix import Mix, bed_sub_powers, mix_stem, read_bed, voice_stem
from worker.verify import verify

MEASURE_SHARE = 0.05  # of the progress bar


@dataclass(frozen=True)
class RenderResult:
    """A verified teaser: its files, what it is, and how long the render took."""

    video: Path
    poster: Path
    duration: float
    width: int
    height: int
    seconds: float
    mix: Mix | None  # None: the sound was kept as it was (a regeneration of the poster)
    timings: dict[str, float] = field(default_factory=dict)


def render(edit: EditList, out_video: Path, out_poster: Path, *,
           on_progress: Callable[[float], None] | None = None,
           timeout: float | None = None) -> RenderResult:
    """Render ``edit`` to ``out_video`` (MP4) and ``out_poster`` (JPEG) and verify them.

    Raises ``RenderError`` (or ``FfmpegError``) on failure; nothing is left at either
    output path then.
    """
    if not edit.segments:
        raise RenderError("the edit list has no segments to render")
    started = time.perf_counter()
    total = graph.teaser_duration(edit)
    timeout = timeout or max(120.0, 8.0 * total)
    report = on_progress or (lambda _f: None)
    out_video, out_poster = Path(out_video), Path(out_poster)
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = round(now - mark, 3)
        mark = now

    with tempfile.TemporaryDirectory(prefix="cuplik-render-") as tmp, \
            ffmpeg.atomic_output(out_video) as tmp_video, \
            ffmpeg.atomic_output(out_poster) as tmp_poster, \
            ThreadPoolExecutor(max_workers=3) as pool:
        work = Path(tmp)
        # Before the one run: the overlays drawn and then the poster's frame decoded
        # under them (0.1-0.3 CPU s), beside the voice's decoding and then the mix; the
        # run starts once the drawing and the mix are done, the poster seldom holds it.
        drawn = pool.submit(draw_overlays, edit, work)
        poster = pool.submit(_poster, edit, drawn, tmp_poster, timeout)
        voice = voice_of(edit, work, timeout=timeout, pool=pool)
        # The voice measured once, for the mix and for the stem kept beside the teaser.
        subs = sub_powers(voice) if voice is not None else None
        bed = bed_of(edit, work)
        sound_path, mixed = mixed_sound(edit, voice, bed, work, subs)
        assets = replace(drawn.result(), music=bed)
        lap("assets+mix")
        report(MEASURE_SHARE)
        with kept_voice(out_video, voice) as tmp_stem:
            keep = (pool.submit(stem.save, voice, tmp_stem, stem.key_of(edit), subs)
                    if voice is not None and tmp_stem is not None else None)
            args = graph.build_render_args(edit, assets, tmp_video, sound=sound_path)
            ffmpeg.run(["-y", *args], timeout=timeout, total_seconds=total,
                       on_progress=lambda f: report(MEASURE_SHARE + (1 - MEASURE_SHARE) * f))
            poster.result()
            if keep is not None:
                keep.result()
            lap("ffmpeg")
            width, height, duration = verify(tmp_video, tmp_poster, edit)
            lap("verify")
    report(1.0)
    return RenderResult(video=out_video, poster=out_poster, duration=duration, width=width,
                        height=height, seconds=round(time.perf_counter() - started, 3),
                        mix=mixed, timings=timings)


def prepare_assets(edit: EditList, work: Path) -> Assets:
    """Draw the overlays for this output size into ``work`` (``draw_overlays``); the bed
    as raw PCM (decoded on its first use)."""
    return replace(draw_overlays(edit, work), music=bed_of(edit, work))


def draw_overlays(edit: EditList, work: Path) -> Assets:
    """The overlays drawn for this output size into ``work``: the LIVE card and the band
    under it, captions, call to action, arrow (no music)."""
    out = edit.output
    total = graph.teaser_duration(edit)
    try:
        layout = design.load_layout(edit.arrow or "standard_9x16")
    except ValueError as exc:
        raise RenderError(str(exc)) from exc
    sticker, band = overlays.card_overlays(
        edit.sticker.text if edit.sticker else None,
        edit.sticker.title if edit.sticker else None, edit.product, edit.offer,
        out.width, out.height, total, out.fps, layout, edit.faces, work, edit.product_at)
    captions, _ = caption_images.captions_overlay(edit.captions, out.width, out.height, total,
                                                  out.fps, layout, work)
    arrow = cta = None
    if edit.arrow:
        arrow, cta = overlays.arrow_overlays(edit.cta, out.width, out.height, total, out.fps,
                                             layout, work)
    return Assets(sticker=sticker, band=band, captions=captions, cta=cta, arrow=arrow)


def _poster(edit: EditList, drawn: Future[Assets], out: Path, timeout: float) -> None:
    """The poster's run, once ``drawn`` has the overlays it shows."""
    ffmpeg.run(["-y", *graph.build_poster_args(edit, drawn.result(), out)], timeout=timeout)


def bed_of(edit: EditList, work: Path) -> Path | None:
    """The edit list's music bed as raw PCM (``worker.music.bed_pcm``), or None."""
    try:
        # "auto" normally is resolved when the edit list is planned; same rule here.
        name = music.pick(edit.source.path) if edit.music == "auto" else edit.music
        return music.bed_pcm(name, work) if name else None
    except ValueError as exc:
        raise RenderError(str(exc)) from exc


def mixed_pcm(edit: EditList, voice: np.ndarray | None, bed: Path | None,
              voice_subs: np.ndarray | None = None) -> tuple[np.ndarray, Mix]:
    """The teaser's sound (``worker.mix``: the bed ducked under the voice stem ``voice``
    from ``voice_of`` or ``stem.load``, mastered): the raw float PCM the encoder reads.
    ``voice_subs``: the voice's ``sub_powers`` when a kept stem carries them."""
    n = sum(segment_samples(edit))
    if voice is None:
        voice, voice_subs = voice_stem(None, [n]), None
    music = read_bed(bed, n) if bed is not None else None
    return mix_stem(voice, music, music_subs=bed_sub_powers(bed, n), voice_subs=voice_subs)


def mixed_sound(edit: EditList, voice: np.ndarray | None, bed: Path | None,
                work: Path, voice_subs: np.ndarray | None = None) -> tuple[Path, Mix]:
    """``mixed_pcm`` written into ``work`` (the render's encoder reads it from there)."""
    sound, mixed = mixed_pcm(edit, voice, bed, voice_subs)
    path = work / "sound.f32"
    sound.tofile(path)
    return path, mixed


def voice_of(edit: EditList, work: Path, *, timeout: float,
             pool: ThreadPoolExecutor | None = None) -> np.ndarray | None:
    """The teaser's voice stem (``worker.mix.voice_stem``: cut, faded) decoded from the
    recording; None when the recording has no sound."""
    if not edit.source.has_audio:
        return None
    return voice_stem(decode_voice(edit, work, timeout=timeout, pool=pool),
                      segment_samples(edit))


@contextlib.contextmanager
def kept_voice(video: Path, voice: np.ndarray | None) -> Iterator[Path | None]:
    """A temporary path for the voice stem kept beside ``video`` (``worker.stem``), put
    in place when the block succeeds; None, and no stem left there, when there is no
    voice to keep (a recording without sound needs none)."""
    final = stem.stem_path(Path(video))
    if voice is None:
        final.unlink(missing_ok=True)  # an earlier render's at this path is not this one's
        yield None
        return
    with ffmpeg.atomic_output(final) as tmp:
        yield tmp


def segment_samples(edit: EditList) -> list[int]:
    """Samples (48 kHz) of each segment's sound: its frame-rounded length, so the sound
    and the picture of every segment end together."""
    return [round(graph.frame_duration(s.duration, edit.output.fps) * graph.RATE)
            for s in edit.segments]


def decode_voice(edit: EditList, work: Path, *, timeout: float,
                 pool: ThreadPoolExecutor | None = None) -> np.ndarray:
    """The concatenated segments' sound, (n, 2) float32 at 48 kHz, from audio-only ffmpeg
    passes (no picture decoded). With ``pool``, the segments are decoded in two halves
    side by side (decoding dominates: 0.15 -> 0.1 s for a 40 s teaser here)."""
    segments = edit.segments
    cut = _halfway(segments) if pool is not None else len(segments)
    first, *rest = [(replace(edit, segments=part), work / f"voice-{k}.f32")
                    for k, part in enumerate((segments[:cut], segments[cut:])) if part]
    later = [pool.submit(_decode, *job, timeout) for job in rest] if pool else []
    return np.concatenate([_decode(*first, timeout), *(run.result() for run in later)])


def _halfway(segments: Sequence[Segment]) -> int:
    """How many segments go in the first half so both halves last about as long."""
    sums = list(accumulate(s.duration for s in segments))
    return min(range(1, len(segments)), key=lambda k: abs(2 * sums[k - 1] - sums[-1]),
               default=len(segments))


def _decode(edit: EditList, out: Path, timeout: float) -> np.ndarray:
    ffmpeg.run(["-y", *graph.build_voice_args(edit, out)], timeout=timeout)
    samples = np.fromfile(out, dtype="<f4")
    want = sum(segment_samples(edit))
    voice = samples[: len(samples) // 2 * 2].reshape(-1, 2)[:want]
    if len(voice) < want:  # the last samples of a source that ends early: silence
        voice = np.concatenate((voice, np.zeros((want - len(voice), 2), np.float32)))
    return voice
