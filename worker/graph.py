"""The render as one ffmpeg invocation, built by pure functions from the edit list.

Every number in the filter graph comes from our own data (segment times, crops, sizes,
gains); no user text ever enters it: the sticker's words arrive as a PNG we drew.
Untrusted sources enter only through ``worker.ffmpeg.user_input`` (hardened, with
input-side ``-ss``/``-t``), one input per segment.

Audio: each segment is downmixed to stereo 48 kHz (5.1 folded in, not dropped) or, for a
source without sound, replaced by silence of the segment's length; the voice gets the
gain that brings it to the target, the music bed sits ``MUSIC_UNDER_VOICE_LU`` under it
and is ducked by a compressor keyed by the voice, ``amix normalize=0`` sums them (never
the 1/N default that halves the voice), then a fixed gain and a limiter hit -14 LUFS
with true peak under -1 dBTP. ``Levels`` carries those gains (``worker.render.plan_levels``
decides them from a cheap audio-only measuring pass).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from worker.editlist import Crop, EditList, Output, Segment
from worker.ffmpeg import user_input

RATE = 48_000
MEASURE_RATE = 16_000
TARGET_LUFS = -14.0
LIMIT_LINEAR = 0.75  # -2.5 dBFS sample peak: leaves room for AAC's overshoot under -1 dBTP
MUSIC_UNDER_VOICE_LU = 12.0
DUCK_THRESHOLD = 0.015  # -36.5 dBFS key level: speech at the target level is far above it
DUCK_RATIO = 20
FADE_IN_S = 0.5
FADE_OUT_S = 1.5
HD_WIDTH = 1080
_SAFE_PATH = re.compile(r"[A-Za-z0-9_./+-]+")


@dataclass(frozen=True)
class Overlay:
    """One of our own PNGs laid on the video at (x, y) output pixels; shown from ``start``
    to ``end`` output seconds (None: throughout); moved left by up to ``bounce_px`` at
    ``bounce_hz`` bounces per second (0: still)."""

    path: Path
    x: int
    y: int
    w: int
    h: int
    start: float | None = None
    end: float | None = None
    bounce_px: int = 0
    bounce_hz: float = 0.0


@dataclass(frozen=True)
class Assets:
    """Files the render lays on or mixes in; all ours, none from a user. ``music`` is a
    bed as raw 48 kHz stereo s16le PCM (``worker.music.bed_pcm``)."""

    sticker: Overlay | None = None
    arrow: Overlay | None = None
    music: Path | None = None


@dataclass(frozen=True)
class Levels:
    """Audio gains in dB. ``duck`` is False when there is no voice to duck under;
    ``loudnorm`` swaps the final gain + limiter for ffmpeg's one-pass loudnorm."""

    voice_db: float = 0.0
    music_db: float = 0.0
    final_db: float = 0.0
    duck: bool = True
    loudnorm: bool = False


def output_size(crop_w: int, crop_h: int) -> tuple[int, int]:
    """9:16 output size: 1080x1920 when the source crop holds 1080 pixels across, else
    720x1280, so the render never upscales past the source's detail."""
    del crop_h  # the crop is 9:16 (or letterboxed into it): its width decides
    return (1080, 1920) if crop_w >= HD_WIDTH else (720, 1280)


def centre_crop(width: int, height: int) -> Crop:
    """The largest centred 9:16 crop of a ``width`` x ``height`` frame (even sizes)."""
    if width * 16 > height * 9:  # wider than 9:16: keep the full height
        ch = height - height % 2
        cw = min(width, _even(ch * 9 / 16))
    else:
        cw = width - width % 2
        ch = min(height, _even(cw * 16 / 9))
    return Crop(x=(width - cw) // 2, y=(height - ch) // 2, w=cw, h=ch)


def frame_duration(seconds: float, fps: int) -> float:
    """``seconds`` rounded to whole output frames, so every segment's picture and sound
    end together and the concat keeps them in sync."""
    return max(1, round(seconds * fps)) / fps


def teaser_duration(edit: EditList) -> float:
    """The output length: the segments' frame-rounded durations summed."""
    return sum(frame_duration(s.duration, edit.output.fps) for s in edit.segments)


def _even(v: float) -> int:
    return max(2, int(round(v / 2)) * 2)


def _num(v: float) -> str:
    """A number for the graph: fixed notation, no exponent, trailing zeros dropped."""
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def segment_video(edit: EditList, seg: Segment, index: int) -> str:
    """The filter chain taking input ``index``'s picture to ``[v{index}]``: deinterlace,
    30 fps, crop (or blur-fill), scale to the output, square pixels, yuv420p."""
    out, src = edit.output, edit.source
    crop = seg.crop or centre_crop(src.width, src.height)
    crop = _clamped(crop, src.width, src.height)
    d = frame_duration(seg.duration, out.fps)
    head = [f"[{index}:v]setpts=PTS-STARTPTS"]
    if src.interlaced:
        head.append("bwdif=mode=send_frame")
    head += [f"fps={out.fps}", f"trim=duration={_num(d)}",
             f"crop={crop.w}:{crop.h}:{crop.x}:{crop.y}"]
    if crop.fill != "blur":
        return ",".join([*head, f"scale={out.width}:{out.height}:flags=bicubic", "setsar=1",
                         f"format=yuv420p[v{index}]"])
    # Letterbox the whole crop over a blurred, cropped-to-fill copy of itself; the blur
    # is done at 1/8 size where it is cheap and looks the same once scaled up.
    scale = min(out.width / crop.w, out.height / crop.h)
    fw, fh = min(out.width, _even(crop.w * scale)), min(out.height, _even(crop.h * scale))
    bw, bh = _even(out.width / 8), _even(out.height / 8)
    return ";".join([
        ",".join([*head, f"split=2[fg{index}][bg{index}]"]),
        f"[bg{index}]scale={bw}:{bh}:force_original_aspect_ratio=increase,crop={bw}:{bh},"
        f"boxblur=6:2,scale={out.width}:{out.height}[bb{index}]",
        f"[fg{index}]scale={fw}:{fh}:flags=bicubic[ff{index}]",
        f"[bb{index}][ff{index}]overlay=x={(out.width - fw) // 2}:y={(out.height - fh) // 2},"
        f"setsar=1,format=yuv420p[v{index}]",
    ])


def _clamped(crop: Crop, width: int, height: int) -> Crop:
    """Keep a crop inside the frame with even sizes (a bad rectangle must not fail the
    render; the analysis side owns where it points)."""
    w = min(_even(crop.w), width - width % 2)
    h = min(_even(crop.h), height - height % 2)
    x = min(max(0, crop.x), width - w)
    y = min(max(0, crop.y), height - h)
    return Crop(x=x, y=y, w=w, h=h, fill=crop.fill)


def segment_audio(edit: EditList, seg: Segment, index: int) -> str:
    """The chain giving ``[a{index}]``: the segment's sound as stereo 48 kHz float,
    exactly as long as its picture; silence when the source has no sound."""
    d = _num(frame_duration(seg.duration, edit.output.fps))
    if not edit.source.has_audio:
        return f"anullsrc=r={RATE}:cl=stereo,atrim=duration={d}[a{index}]"
    # aformat's stereo layout makes libswresample downmix with the standard matrix
    # (centre and surrounds at -3 dB), the same as -ac 2: 5.1 is folded in, not dropped.
    return (f"[{index}:a]asetpts=PTS-STARTPTS,aresample={RATE}:async=1,"
            f"aformat=sample_fmts=fltp:sample_rates={RATE}:channel_layouts=stereo,"
            f"apad=whole_dur={d},atrim=duration={d}[a{index}]")


def _segment_inputs(edit: EditList, *, audio_only: bool = False) -> list[str]:
    args: list[str] = []
    for seg in edit.segments:
        if audio_only:
            args.append("-vn")
        args += user_input(edit.source.path, seek=seg.start,
                           duration=frame_duration(seg.duration, edit.output.fps) + 0.1)
    return args


def _concat(edit: EditList, video: bool) -> str:
    """Concatenation of the segments' pictures or sounds (output unlabelled). Every
    segment's picture and sound are both exactly its frame-rounded length, so the two
    concatenations stay in sync."""
    n = len(edit.segments)
    pads = "".join(f"[v{i}]" if video else f"[a{i}]" for i in range(n))
    return f"{pads}concat=n={n}:v={int(video)}:a={int(not video)}"


def build_measure_args(edit: EditList, metadata_file: Path) -> list[str]:
    """The cheap audio-only pre-pass: the concatenated, downmixed voice through
    ``ebur128``, its 100 ms momentary loudness written to ``metadata_file`` (our temp
    path) for ``worker.loudness.plan_levels``. No picture is decoded."""
    if not edit.segments:
        raise ValueError("an edit list needs at least one segment")
    chains = [segment_audio(edit, s, i) for i, s in enumerate(edit.segments)]
    # Measured at 16 kHz: half the cost of 48 kHz, within 0.1 LU on speech (what lies
    # above 8 kHz adds almost nothing to its loudness). 100 ms frames make each ebur128
    # reading one 100 ms step of 400 ms blocks: exactly the blocks BS.1770 gates, so the
    # plan can gate a predicted mix the same way.
    chains.append(_concat(edit, video=False) + f",aresample={MEASURE_RATE},"
                  f"asetnsamples=n={MEASURE_RATE // 10}:p=0,"
                  "ebur128=metadata=1:framelog=verbose,"
                  f"ametadata=mode=print:key=lavfi.r128.M:file={_escape(str(metadata_file))}"
                  "[out]")
    return [*_segment_inputs(edit, audio_only=True), "-filter_complex", ";".join(chains),
            "-map", "[out]", "-f", "null", "-"]


def _escape(value: str) -> str:
    """A path we created, quoted for the filtergraph; anything unusual is refused rather
    than escaped, so no character can change the graph's meaning."""
    if not _SAFE_PATH.fullmatch(value):
        raise ValueError(f"refusing to put {value!r} into a filter graph")
    return "'" + value + "'"


def build_render_args(edit: EditList, assets: Assets, out_video: Path,
                      out_poster: Path | None = None, *,
                      levels: Levels | None = None, bare: bool = False) -> list[str]:
    """The whole render as one ffmpeg argv (without the binary): segments cut, framed and
    concatenated; sticker and bouncing arrow laid on; music ducked under the voice and
    mixed; loudness set; H.264/AAC MP4 with fast start, bounded by ``-t``; and, when
    ``out_poster`` is given, the frame at ``edit.poster_at`` as a JPEG.
    ``bare`` is the benchmark floor: same cut and encode, no overlays, music or loudness."""
    if not edit.segments:
        raise ValueError("an edit list needs at least one segment")
    levels = levels or Levels()
    out = edit.output
    total = teaser_duration(edit)
    # Slice threads inside the filters only fight x264's threads for the same cores:
    # one thread per graph is 0.2 s faster on a 3.4 s render here (bench/render.py).
    args = ["-filter_complex_threads", "1", *_segment_inputs(edit)]
    # Two filter graphs: ffmpeg runs each in its own thread, so the sound's filters
    # never hold up the picture's on the way to the encoder.
    chains = [segment_video(edit, seg, i) for i, seg in enumerate(edit.segments)]
    chains.append(_concat(edit, video=True) + "[vcat]")
    audio = [segment_audio(edit, seg, i) for i, seg in enumerate(edit.segments)]
    audio.append(_concat(edit, video=False) + "[voice]")
    n_in = len(edit.segments)
    video = "vcat"
    overlays = [] if bare else [o for o in (assets.sticker, assets.arrow) if o is not None]
    for k, ov in enumerate(overlays):
        args += ["-i", str(ov.path)]
        chains.append(f"[{video}][{n_in}:v]" + _overlay(ov) + f"[ov{k}]")
        video, n_in = f"ov{k}", n_in + 1
    music_in = None
    if assets.music is not None and not bare:
        # Loop the bed, but bound the input: an endless looping input keeps being read
        # and decoded (a whole core) after atrim has taken what it needs.
        args += ["-f", "s16le", "-ar", str(RATE), "-ch_layout", "stereo",
                 "-stream_loop", "-1", "-t", _num(total + 0.5), "-i", str(assets.music)]
        music_in, n_in = n_in, n_in + 1
    audio.append(_audio_mix(total, levels, music_in, bare))
    poster: list[str] = []
    if out_poster is not None:
        # The poster branch ends after its one frame, so it costs one JPEG: 0.1 s less
        # than reading the frame back from the finished MP4 in a second run (measured).
        chains.append(f"[{video}]split=2[vout][pv]")
        frame = poster_frame(edit)
        # The JPEG's full-range conversion stays in this branch: left to negotiation, it
        # would pull the teaser itself to yuvj420p through the split.
        chains.append(f"[pv]trim=start_frame={frame}:end_frame={frame + 1},"
                      "scale=out_range=full,format=yuvj420p[poster]")
        video = "vout"
        poster = ["-map", "[poster]", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", "3",
                  "-update", "1", "-f", "image2", str(out_poster)]
    args += ["-filter_complex", ";".join(chains), "-filter_complex", ";".join(audio),
             "-map", f"[{video}]", "-map", "[aout]",
             "-c:v", "libx264", "-preset", out.preset, "-crf", str(out.crf),
             "-pix_fmt", "yuv420p", "-fps_mode", "cfr", "-r", str(out.fps),
             "-g", str(out.fps * 2),
             "-c:a", "aac", "-aac_coder", "fast", "-aac_pns", "0", *_audio_rate(out),
             "-ar", str(RATE), "-ac", "2",
             "-map_metadata", "-1", "-map_chapters", "-1",
             "-movflags", "+faststart", "-t", _num(total), "-f", "mp4", str(out_video),
             *poster]
    return args


def _audio_rate(out: Output) -> list[str]:
    """The AAC rate control. At a constant bit rate the native encoder re-searches a
    frame up to five times when it cannot spend its bits, which quiet passages (music
    ducked under a voice) always cause: 1.2 CPU s for a 40 s teaser's mix. VBR at
    quality 2 searches once (0.4 s) at about the same size and SNR (bench/audio_rate.py)."""
    if out.audio_bitrate:
        return ["-b:a", out.audio_bitrate]
    return ["-q:a", _num(out.audio_quality)]


def poster_frame(edit: EditList) -> int:
    """The output frame the poster is: the one at ``edit.poster_at``, inside the teaser."""
    frames = round(teaser_duration(edit) * edit.output.fps)
    return min(max(0, round(edit.poster_at * edit.output.fps)), max(0, frames - 1))


def _overlay(ov: Overlay) -> str:
    x = _num(ov.x)
    if ov.bounce_px and ov.bounce_hz:
        # Bounce away from the target and back: at the rest position the tip touches it.
        x = f"'{_num(ov.x)}-{_num(ov.bounce_px)}*abs(sin(PI*{_num(ov.bounce_hz)}*t))'"
    # A still overlay's position is evaluated once, not per frame.
    still = "" if ov.bounce_px and ov.bounce_hz else ":eval=init"
    text = f"overlay=x={x}:y={_num(ov.y)}:format=yuv420:eof_action=repeat{still}"
    if ov.start is not None or ov.end is not None:
        start = _num(ov.start or 0.0)
        end = _num(ov.end if ov.end is not None else 1e6)
        text += f":enable='between(t,{start},{end})'"
    return text


def _audio_mix(total: float, levels: Levels, music_in: int | None, bare: bool) -> str:
    """Voice gain, ducked music, ``amix normalize=0``, then the loudness stage."""
    fmt = f"aformat=sample_fmts=fltp:sample_rates={RATE}:channel_layouts=stereo"
    if bare:
        return f"[voice]{fmt}[aout]"
    parts = [f"[voice]volume={_num(round(levels.voice_db, 2))}dB[vg]"]
    mix = "vg"
    if music_in is not None:
        fade_out = max(0.0, total - FADE_OUT_S)
        parts.append(
            f"[{music_in}:a]atrim=duration={_num(total)},asetpts=PTS-STARTPTS,{fmt},"
            f"volume={_num(round(levels.music_db, 2))}dB,afade=t=in:d={_num(FADE_IN_S)},"
            f"afade=t=out:st={_num(fade_out)}:d={_num(min(FADE_OUT_S, total))}[mus]")
        music = "mus"
        if levels.duck:
            parts.append("[vg]asplit=2[vmix][vkey]")
            parts.append(f"[mus][vkey]sidechaincompress=threshold={_num(DUCK_THRESHOLD)}:"
                         f"ratio={DUCK_RATIO}:attack=15:release=350:knee=2.5[duck]")
            mix, music = "vmix", "duck"
        parts.append(f"[{mix}][{music}]amix=inputs=2:normalize=0:duration=first:"
                     "dropout_transition=0[mix]")
        mix = "mix"
    if levels.loudnorm:
        loud = f"loudnorm=I={_num(TARGET_LUFS)}:TP=-1.5:LRA=11,aresample={RATE}"
    else:
        loud = (f"volume={_num(round(levels.final_db, 2))}dB,"
                f"alimiter=limit={_num(LIMIT_LINEAR)}:attack=5:release=60:level=0:latency=1")
    parts.append(f"[{mix}]{loud},{fmt}[aout]")
    return ";".join(parts)
