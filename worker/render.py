"""Render an edit list: a cheap audio-only measuring pass, then ONE ffmpeg run writing
the teaser and its poster, then verification of what a viewer will get.

Loudness: instead of ``loudnorm`` in the main run (it resamples to 192 kHz and costs
more than the whole audio graph), the measuring pass reads the voice's 100 ms momentary
loudness; ``plan_levels`` predicts the mixed teaser's integrated loudness from it with
BS.1770 gating and picks fixed gains; the main run applies them and a limiter.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path

from worker import ffmpeg, graph
from worker.editlist import EditList, Segment
from worker.errors import RenderError
from worker.graph import Assets, Levels

SILENT_LUFS = -45.0  # quieter than this the "voice" is silence or hiss: don't boost it
MAX_VOICE_GAIN_DB = 30.0
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
    levels: Levels
    timings: dict[str, float] = field(default_factory=dict)


def render(edit: EditList, out_video: Path, out_poster: Path, *,
           on_progress: Callable[[float], None] | None = None,
           timeout: float | None = None, loudness: str = "gain") -> RenderResult:
    """Render ``edit`` to ``out_video`` (MP4) and ``out_poster`` (JPEG) and verify them.

    ``loudness``: "gain" (measure, then fixed gain + limiter) or "loudnorm" (one-pass
    loudnorm in the main run). Raises ``RenderError`` (or ``FfmpegError``) on failure;
    nothing is left at either output path then.
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
        # Drawing the overlays runs beside the measuring pass (both are short, and
        # neither needs the other).
        drawn = pool.submit(prepare_assets, edit, work)
        blocks: list[float] = []
        if loudness == "gain" and edit.source.has_audio:
            blocks = measure_voice(edit, work, timeout=timeout, pool=pool)
        assets = drawn.result()
        music = assets.music is not None
        if loudness == "loudnorm":
            levels = Levels(music_db=_music_db(voice=True), loudnorm=True)
        else:
            levels = plan_levels(blocks, music=music, duration=total)
        lap("assets+measure")
        report(MEASURE_SHARE)
        with ffmpeg.atomic_output(out_video) as tmp_video, \
                ffmpeg.atomic_output(out_poster) as tmp_poster:
            args = graph.build_render_args(edit, assets, tmp_video, tmp_poster, levels=levels)
            ffmpeg.run(["-y", *args], timeout=timeout, total_seconds=total,
                       on_progress=lambda f: report(MEASURE_SHARE + (1 - MEASURE_SHARE) * f))
            lap("ffmpeg")
            width, height, duration = verify(tmp_video, tmp_poster, edit)
            lap("verify")
    report(1.0)
    return RenderResult(video=out_video, poster=out_poster, duration=duration, width=width,
                        height=height, seconds=round(time.perf_counter() - started, 3),
                        levels=levels, timings=timings)


def prepare_assets(edit: EditList, work: Path) -> Assets:
    """Draw the sticker and arrow PNGs for this output size into ``work``; the bed as raw
    PCM (decoded on its first use)."""
    from worker import music, overlays

    out = edit.output
    total = graph.teaser_duration(edit)
    try:
        layout = overlays.load_layout(edit.arrow or "standard_9x16")
        # "auto" normally is resolved when the edit list is planned; same rule here.
        name = music.pick(edit.source.path) if edit.music == "auto" else edit.music
        bed = music.bed_pcm(name, work) if name else None
    except ValueError as exc:
        raise RenderError(str(exc)) from exc
    sticker = (overlays.sticker_overlay(edit.sticker.text, out.width, out.height, layout,
                                        work / "sticker.png") if edit.sticker else None)
    arrow = (overlays.arrow_overlay(out.width, out.height, total, layout, work / "arrow.png")
             if edit.arrow else None)
    return Assets(sticker=sticker, arrow=arrow, music=bed)


def measure_voice(edit: EditList, work: Path, *, timeout: float,
                  pool: ThreadPoolExecutor | None = None) -> list[float]:
    """The concatenated voice's momentary loudness (LUFS) every 100 ms, from audio-only
    ffmpeg passes (no picture decoded). A reading whose 400 ms block is not yet full (the
    first three of a pass) is NaN, which the gating leaves out. With ``pool``, the
    segments are measured in two halves side by side (decoding dominates: 0.15 -> 0.1 s
    for a 40 s teaser here)."""
    segments = edit.segments
    cut = _halfway(segments) if pool is not None else len(segments)
    first, *rest = [(replace(edit, segments=part), work / f"voice-loudness-{k}.txt")
                    for k, part in enumerate((segments[:cut], segments[cut:])) if part]
    later = [pool.submit(_measure, *job, timeout) for job in rest] if pool else []
    return _measure(*first, timeout) + [v for run in later for v in run.result()]


def _halfway(segments: Sequence[Segment]) -> int:
    """How many segments go in the first half so both halves last about as long."""
    sums = list(accumulate(s.duration for s in segments))
    return min(range(1, len(segments)), key=lambda k: abs(2 * sums[k - 1] - sums[-1]),
               default=len(segments))


def _measure(edit: EditList, meta: Path, timeout: float) -> list[float]:
    ffmpeg.run(graph.build_measure_args(edit, meta), timeout=timeout)
    values: list[float] = []
    for line in meta.read_text().splitlines():
        if line.startswith("lavfi.r128.M="):
            try:
                values.append(float(line.split("=", 1)[1]))
            except ValueError:
                values.append(-120.0)
    # ebur128's first three readings of a pass cover less than a full 400 ms block.
    return [math.nan] * min(3, len(values)) + values[3:]


def integrated(blocks: Sequence[float]) -> float | None:
    """BS.1770 integrated loudness of 400 ms block loudnesses (LUFS) taken every 100 ms:
    absolute gate -70 LUFS, relative gate 10 LU under the gated mean; NaN blocks left
    out. None if silent."""
    kept = [b for b in blocks if b > -70.0 and math.isfinite(b)]
    if not kept:
        return None
    mean = _power_mean(kept)
    kept = [b for b in kept if b > mean - 10.0]
    return _power_mean(kept) if kept else None


def _power_mean(blocks: Sequence[float]) -> float:
    return 10 * math.log10(sum(10 ** (b / 10) for b in blocks) / len(blocks))


def _music_db(*, voice: bool) -> float:
    from worker.music import BED_LUFS

    level = graph.TARGET_LUFS - (graph.MUSIC_UNDER_VOICE_LU if voice else 0.0)
    return level - BED_LUFS


def plan_levels(blocks: Sequence[float], *, music: bool, duration: float) -> Levels:
    """Gains that bring the teaser to -14 LUFS, from the voice's momentary loudness.

    The voice is set to the target; the bed sits ``MUSIC_UNDER_VOICE_LU`` under it (at
    the target itself when nobody speaks). The mix's loudness is then predicted block
    by block — voice power plus bed power, the bed ducked where the voice keys the
    compressor and faded at both ends — and gated as BS.1770 does; the final gain makes
    up the difference, so one fixed gain + limiter replaces ``loudnorm``.
    """
    voice_lufs = integrated(blocks)
    has_voice = voice_lufs is not None and voice_lufs > SILENT_LUFS
    if not has_voice:
        if not music:
            return Levels(duck=False)
        # The bed alone at the target, corrected for its fades (a short teaser is
        # mostly fade); no voice to duck under.
        steps = max(1, int(duration * 10) - 3)
        faded = [graph.TARGET_LUFS + 20 * math.log10(_fade_gain((k + 4) * 0.1 - 0.2, duration))
                 for k in range(steps)]
        predicted = integrated(faded) or graph.TARGET_LUFS
        return Levels(music_db=_music_db(voice=False),
                      final_db=min(6.0, graph.TARGET_LUFS - predicted), duck=False)
    assert voice_lufs is not None
    voice_db = max(-MAX_VOICE_GAIN_DB, min(MAX_VOICE_GAIN_DB, graph.TARGET_LUFS - voice_lufs))
    if not music:
        return Levels(voice_db=voice_db, duck=False)
    music_db = _music_db(voice=True)
    bed = graph.TARGET_LUFS - graph.MUSIC_UNDER_VOICE_LU
    threshold = 20 * math.log10(graph.DUCK_THRESHOLD)
    mixed = []
    for k, b in enumerate(blocks):
        if not math.isfinite(b):
            continue
        level = b + voice_db
        duck = min(24.0, max(0.0, (level - threshold) * (1 - 1 / graph.DUCK_RATIO)))
        mid = k * 0.1 + 0.1 - 0.2  # centre of the 400 ms block ending at reading k
        fade = _fade_gain(mid, duration)
        power = 10 ** (level / 10) + 10 ** ((bed - duck) / 10) * fade ** 2
        mixed.append(10 * math.log10(power))
    predicted = integrated(mixed) or graph.TARGET_LUFS
    return Levels(voice_db=voice_db, music_db=music_db,
                  final_db=max(-20.0, min(20.0, graph.TARGET_LUFS - predicted)))


def _fade_gain(t: float, duration: float) -> float:
    fin = min(1.0, max(0.0, t / graph.FADE_IN_S))
    fout = min(1.0, max(0.0, (duration - t) / graph.FADE_OUT_S))
    return max(1e-3, fin * fout)


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
