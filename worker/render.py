"""Render an edit list: an audio-only pass decoding the voice, the mix (``worker.mix``:
fades, ducked music, -14 LUFS under the peak ceiling) computed on its samples, then ONE
ffmpeg run writing the teaser (its poster's frame decoded beside it), then verification
of what a viewer will get.
"""

from __future__ import annotations

import functools
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path

import numpy as np

from worker import ffmpeg, graph
from worker.editlist import EditList, Segment
from worker.errors import RenderError
from worker.graph import Assets
from worker.loudness import sub_powers
from worker.mix import Mix, mix

DURATION_TOLERANCE_S = 0.5
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
    mix: Mix
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
            ThreadPoolExecutor(max_workers=2) as pool:
        work = Path(tmp)
        # Drawing the overlays runs beside the voice's decoding (both are short, and
        # neither needs the other).
        drawn = pool.submit(prepare_assets, edit, work)
        lengths = segment_samples(edit)
        voice = (decode_voice(edit, work, timeout=timeout, pool=pool)
                 if edit.source.has_audio else None)
        assets = drawn.result()
        bed = read_bed(assets.music, sum(lengths)) if assets.music is not None else None
        sound, mixed = mix(voice, lengths, bed, music_subs=bed_sub_powers(assets.music,
                                                                          sum(lengths)))
        sound_path = work / "sound.f32"
        sound.tofile(sound_path)
        lap("assets+mix")
        report(MEASURE_SHARE)
        with ffmpeg.atomic_output(out_video) as tmp_video, \
                ffmpeg.atomic_output(out_poster) as tmp_poster:
            # The poster's one frame is decoded beside the render (0.1-0.3 s of CPU).
            poster = pool.submit(ffmpeg.run, ["-y", *graph.build_poster_args(
                edit, assets, tmp_poster)], timeout=timeout)
            args = graph.build_render_args(edit, assets, tmp_video, sound=sound_path)
            ffmpeg.run(["-y", *args], timeout=timeout, total_seconds=total,
                       on_progress=lambda f: report(MEASURE_SHARE + (1 - MEASURE_SHARE) * f))
            poster.result()
            lap("ffmpeg")
            width, height, duration = verify(tmp_video, tmp_poster, edit)
            lap("verify")
    report(1.0)
    return RenderResult(video=out_video, poster=out_poster, duration=duration, width=width,
                        height=height, seconds=round(time.perf_counter() - started, 3),
                        mix=mixed, timings=timings)


def prepare_assets(edit: EditList, work: Path) -> Assets:
    """Draw the overlays for this output size into ``work`` (the LIVE card and the band
    under it, captions, call to action, arrow); the bed as raw PCM (decoded on its first
    use)."""
    from worker import caption_images, design, music, overlays

    out = edit.output
    total = graph.teaser_duration(edit)
    try:
        layout = design.load_layout(edit.arrow or "standard_9x16")
        # "auto" normally is resolved when the edit list is planned; same rule here.
        name = music.pick(edit.source.path) if edit.music == "auto" else edit.music
        bed = music.bed_pcm(name, work) if name else None
    except ValueError as exc:
        raise RenderError(str(exc)) from exc
    sticker, band = overlays.card_overlays(
        edit.sticker.text if edit.sticker else None,
        edit.sticker.title if edit.sticker else None, edit.product, edit.offer,
        out.width, out.height, total, out.fps, layout, edit.faces, work)
    captions, _ = caption_images.captions_overlay(edit.captions, out.width, out.height, total,
                                                  out.fps, layout, work)
    arrow = cta = None
    if edit.arrow:
        arrow, cta = overlays.arrow_overlays(edit.cta, out.width, out.height, total, out.fps,
                                             layout, work)
    return Assets(sticker=sticker, band=band, captions=captions, cta=cta, arrow=arrow,
                  music=bed)


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


def read_bed(pcm: Path, n: int) -> np.ndarray:
    """``n`` samples of a music bed (raw 48 kHz stereo s16le, ``worker.music.bed_pcm``) as
    (n, 2) float32, looped from its start when it is shorter (beds loop seamlessly)."""
    raw = np.fromfile(pcm, dtype="<i2", count=2 * n)
    bed = raw[: len(raw) // 2 * 2].reshape(-1, 2)
    if not len(bed):
        raise RenderError(f"the music bed {pcm.name} is empty")
    if len(bed) < n:
        bed = np.resize(bed, (n, 2))
    return bed.astype(np.float32) * np.float32(1 / 32768)


def bed_sub_powers(pcm: Path | None, n: int) -> np.ndarray | None:
    """The bed's 100 ms loudness powers (``worker.loudness.sub_powers``) for its first
    ``n`` samples, computed once per bed file and process; None when the bed is shorter
    (it loops: the caller measures the looped samples)."""
    if pcm is None:
        return None
    st = pcm.stat()
    if n > st.st_size // 4:
        return None
    return _bed_subs(str(pcm), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _bed_subs(path: str, size: int, mtime_ns: int) -> np.ndarray:
    del mtime_ns  # part of the key: a rewritten bed is measured again
    return sub_powers(read_bed(Path(path), size // 4))


def verify(video: Path, poster: Path, edit: EditList) -> tuple[int, int, float]:
    """Check the render is what a viewer needs: H.264 yuv420p at the edit list's size and
    frame rate, AAC stereo 48 kHz, the index before the data (fast start), the right
    length, a decodable first frame, and a 9:16 JPEG poster. Returns (width, height,
    duration); raises ``RenderError`` saying what is wrong."""
    import av
    from PIL import Image

    out = edit.output
    problems: list[str] = []
    if not video.is_file() or video.stat().st_size == 0:
        raise RenderError("the render wrote no video")
    try:
        with av.open(str(video)) as container:
            if not container.streams.video or not container.streams.audio:
                raise RenderError("the rendered teaser lacks a picture or a sound track")
            vs, aud = container.streams.video[0], container.streams.audio[0]
            width, height = vs.codec_context.width, vs.codec_context.height
            if vs.codec_context.name != "h264" or vs.codec_context.pix_fmt != "yuv420p":
                problems.append(f"video is {vs.codec_context.name} "
                                f"{vs.codec_context.pix_fmt}, not h264 yuv420p")
            if (width, height) != (out.width, out.height):
                problems.append(f"size is {width}x{height}, not {out.width}x{out.height}")
            rate = float(vs.average_rate or 0)
            if abs(rate - out.fps) > 0.5:
                problems.append(f"frame rate is {rate:.2f}, not {out.fps}")
            ac = aud.codec_context
            if ac.name != "aac" or ac.sample_rate != graph.RATE or ac.channels != 2:
                problems.append(f"audio is {ac.name} {ac.sample_rate} Hz "
                                f"{ac.channels} ch, not AAC 48 kHz stereo")
            duration = float(container.duration or 0) / av.time_base
            # Each stream on its own: silence padding can make the file look complete
            # while its picture stops early.
            for kind, stream in (("teaser", None), ("picture", vs), ("sound", aud)):
                length = duration if stream is None else (
                    float(stream.duration * stream.time_base)
                    if stream.duration and stream.time_base else duration)
                if abs(length - edit.duration) > DURATION_TOLERANCE_S:
                    problems.append(f"the {kind} lasts {length:.2f} s, the edit list says "
                                    f"{edit.duration:.2f} s")
            if next(container.decode(video=0), None) is None:
                problems.append("no picture decodes")
    except av.error.FFmpegError as exc:
        raise RenderError(f"the rendered teaser does not play back: {exc}") from exc
    if not moov_before_mdat(video):
        problems.append("the index (moov) is not at the front: no fast start")
    try:
        with Image.open(poster) as img:
            img.verify()
        with Image.open(poster) as img:
            if img.format != "JPEG" or img.size != (out.width, out.height):
                problems.append(f"poster is {img.format} {img.size}, not a "
                                f"{out.width}x{out.height} JPEG")
    except (OSError, SyntaxError) as exc:
        problems.append(f"poster is unreadable ({exc})")
    if problems:
        raise RenderError("render verification failed: " + "; ".join(problems))
    return width, height, round(duration, 3)


def moov_before_mdat(path: Path) -> bool:
    """True when the MP4's ``moov`` box precedes its ``mdat`` (playable while loading)."""
    with path.open("rb") as f:
        offset, size = 0, path.stat().st_size
        while offset + 8 <= size:
            f.seek(offset)
            header = f.read(16)
            box_size = int.from_bytes(header[:4], "big")
            kind = header[4:8]
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if box_size == 1:
                box_size = int.from_bytes(header[8:16], "big")
            elif box_size == 0:
                return False
            if box_size < 8:
                return False
            offset += box_size
    return False
