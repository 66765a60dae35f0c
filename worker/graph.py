"""The render as one ffmpeg invocation, built by pure functions from the edit list.

Every number in the filter graph comes from our own data (segment times, crops, sizes,
gains); no user text ever enters it: the sticker's words arrive as a PNG we drew.
Untrusted sources enter only through ``worker.ffmpeg.user_input`` (hardened, with
input-side ``-ss``/``-t``), one input per segment.

Audio: each segment is downmixed to stereo 48 kHz (5.1 folded in, not dropped) or, for a
source without sound, replaced by silence of the segment's length. An audio-only pass
(``build_voice_args``) writes the concatenated voice as float PCM; ``worker.mix`` fades,
ducks the music under it and masters it; the main run encodes that PCM as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from worker.editlist import Crop, EditList, Output, Segment
from worker.ffmpeg import user_input

RATE = 48_000
# Every segment leaves its chain as limited-range 4:2:0: a full-range source (MJPEG,
# yuvj420p phone or webcam files) is converted by the scaler here, so the teaser is the
# yuv420p H.264 every player expects instead of failing verification.
LIMITED_YUV420 = "format=pix_fmts=yuv420p:color_ranges=tv"
HD_WIDTH = 1080
KEPT_RATES = (24, 25, 30)
BLUR_FILL_LUMA = 0.55  # the blurred fill's brightness: the picture stands out of it
_STEREO = f"aformat=sample_fmts=fltp:sample_rates={RATE}:channel_layouts=stereo"
BT709_TAGS = "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"
# A crossfade between two cuts of one shot: a few frames (0.13 s at 30 fps), enough that
# the picture does not jump, too short to read as a transition.
XFADE_FRAMES = 4


@dataclass(frozen=True)
class Shown:
    """One image of a timed overlay: the part of its sheet ``top`` pixels down, shown
    from output second ``start`` until ``end`` (None: to the end), both on the output's
    frame grid."""

    top: int
    start: float
    end: float | None = None


@dataclass(frozen=True)
class Overlay:
    """One of our own images laid on the video with its top-left at (x, y) output pixels.

    ``timed``: the images it shows in turn, ``path`` then being their sheet: each image
    ``w`` x ``h`` in a slot of even size, one under the other
    (``worker.overlays.timed_images``). ``windows``: the output seconds (start, end or None: to the
    end) it is drawn in; empty: throughout. ``y_steps``: (from second, y) when it moves
    between places (to keep clear of faces). Motion from the first window's start: slid
    in from ``slide_px`` to the left over ``slide_s`` (easing out), then moved left by up
    to ``bounce_px`` ``bounce_hz`` times a second and back to rest."""

    path: Path
    x: int
    y: int
    w: int
    h: int
    windows: tuple[tuple[float, float | None], ...] = ()
    timed: tuple[Shown, ...] = ()
    y_steps: tuple[tuple[float, int], ...] = ()
    slide_px: int = 0
    slide_s: float = 0.0
    bounce_px: int = 0
    bounce_hz: float = 0.0

    @property
    def moves(self) -> bool:
        return bool(self.y_steps or self.slide_px or (self.bounce_px and self.bounce_hz))

    def slot(self) -> tuple[int, int]:
        """The size of each image's slot in a sheet: even, for 4:2:0 pictures."""
        return even_up(self.w), even_up(self.h)


@dataclass(frozen=True)
class Assets:
    """Files the render lays on or mixes in; all ours, none from a user. Overlays are laid
    in this order: the LIVE card, the product/offer band (the poster is taken here), the
    captions, the call to action, the arrow. ``music`` is a bed as raw 48 kHz stereo s16le
    PCM (``worker.music.bed_pcm``)."""

    sticker: Overlay | None = None
    band: Overlay | None = None
    captions: Overlay | None = None
    cta: Overlay | None = None
    arrow: Overlay | None = None
    music: Path | None = None

    def under_poster(self) -> list[Overlay]:
        """The overlays the poster shows (the card and the band)."""
        return [o for o in (self.sticker, self.band) if o is not None]

    def over_poster(self) -> list[Overlay]:
        """The overlays laid after the poster is taken."""
        return [o for o in (self.captions, self.cta, self.arrow) if o is not None]


def output_size(crop_w: int, crop_h: int) -> tuple[int, int]:
    """9:16 output size: 1080x1920 when the source crop holds 1080 pixels across, else
    720x1280, so the render never upscales past the source's detail."""
    del crop_h  # the crop is 9:16 (or letterboxed into it): its width decides
    return (1080, 1920) if crop_w >= HD_WIDTH else (720, 1280)


def output_fps(source_fps: float) -> int:
    """The teaser's frame rate: the source's own when it is 24, 25 or 30 (23.976 and
    29.97 count as 24 and 30) or twice one of them, else 30. A 25 fps source made 30 fps
    repeats every fifth frame: the picture judders. (The spec says 30 fps; issue 12
    changed it so.)"""
    for rate in KEPT_RATES:
        if any(abs(source_fps - k * rate) < 0.1 * k for k in (1, 2)):
            return rate
    return 30


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


def segment_video(edit: EditList, seg: Segment, index: int, run_on: int = 0) -> str:
    """The filter chain taking input ``index``'s picture to ``[v{index}]``: deinterlace,
    square pixels, the output's frame rate, crop (or blur-fill), scale to the output,
    yuv420p. ``run_on``: frames past the segment's end it keeps, the picture the next
    segment crossfades in over (the last frame held where the source ends first)."""
    out, src = edit.output, edit.source
    crop = seg.crop or centre_crop(src.width, src.height)
    crop = _clamped(crop, src.width, src.height)
    d = frame_duration(seg.duration, out.fps) + run_on / out.fps
    head = [f"[{index}:v]setpts=PTS-STARTPTS"]
    if src.interlaced:
        head.append("bwdif=mode=send_frame")
    if src.sar != 1.0:  # crops are in display pixels: make the coded pixels square first
        head.append(f"scale={_even(src.width)}:{_even(src.height)},setsar=1")
    head.append(f"fps={out.fps}")
    if run_on:
        head.append(f"tpad=stop_mode=clone:stop={run_on}")
    head += [f"trim=duration={_num(d)}", f"crop={crop.w}:{crop.h}:{crop.x}:{crop.y}"]
    if crop.fill != "blur":
        return ",".join([*head, f"scale={out.width}:{out.height}:flags=bicubic", "setsar=1",
                         f"{LIMITED_YUV420}[v{index}]"])
    # Letterbox the whole crop over a blurred, darkened, cropped-to-fill copy of itself;
    # the blur is done at 1/8 size where it is cheap and looks the same once scaled up.
    scale = min(out.width / crop.w, out.height / crop.h)
    fw, fh = min(out.width, _even(crop.w * scale)), min(out.height, _even(crop.h * scale))
    bw, bh = _even(out.width / 8), _even(out.height / 8)
    return ";".join([
        ",".join([*head, f"split=2[fg{index}][bg{index}]"]),
        f"[bg{index}]scale={bw}:{bh}:force_original_aspect_ratio=increase,crop={bw}:{bh},"
        f"boxblur=6:2,lutyuv=y=val*{_num(BLUR_FILL_LUMA)},scale={out.width}:{out.height}"
        f"[bb{index}]",
        f"[fg{index}]scale={fw}:{fh}:flags=bicubic[ff{index}]",
        f"[bb{index}][ff{index}]overlay=x={(out.width - fw) // 2}:y={(out.height - fh) // 2},"
        f"setsar=1,{LIMITED_YUV420}[v{index}]",
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


def run_on_frames(edit: EditList, index: int) -> int:
    """Frames segment ``index``'s picture runs on past its end: the next segment's
    crossfade (``Segment.join == "fade"``) is laid over them; 0 before a cut."""
    segs = edit.segments
    return XFADE_FRAMES if index + 1 < len(segs) and segs[index + 1].join == "fade" else 0


def _segment_inputs(edit: EditList, *, audio_only: bool = False, joins: bool = False
                    ) -> list[str]:
    args: list[str] = []
    for i, seg in enumerate(edit.segments):
        if audio_only:
            args.append("-vn")
        more = run_on_frames(edit, i) / edit.output.fps if joins else 0.0
        args += user_input(edit.source.path, seek=seg.start,
                           duration=frame_duration(seg.duration, edit.output.fps) + 0.1 + more)
    return args


def _joined_video(edit: EditList) -> list[str]:
    """The segments' pictures joined into ``[vcat]`` (BT.709-tagged) by one concat. Where
    a segment joins the one before by a crossfade, the crossfade's few frames are made
    apart: the frames the segment before runs on blended into the segment's own first
    frames (xfade), laid where those first frames were; so every segment starts where it
    does with cuts, the teaser is as long, and no other frame passes through xfade (its
    format negotiation converts every frame it sees to 4:4:4 and back: 2.4 CPU s over a
    40 s teaser when the whole picture went through a chain of them)."""
    fps = edit.output.fps
    f = XFADE_FRAMES
    segs = edit.segments
    chains: list[str] = []
    pieces: list[str] = []
    for i, seg in enumerate(segs):
        frames = round(frame_duration(seg.duration, fps) * fps)
        fade_in = seg.join == "fade" and i > 0
        fade_out = run_on_frames(edit, i) > 0
        if not fade_in and not fade_out:
            pieces.append(f"v{i}")
            continue
        parts = [name for name, wanted in (("h", fade_in), ("m", True), ("t", fade_out))
                 if wanted]
        chains.append(f"[v{i}]split={len(parts)}" + "".join(f"[{p}{i}s]" for p in parts))
        spans = {"h": (0, f), "m": (f if fade_in else 0, frames), "t": (frames, frames + f)}
        for name in parts:
            a, b = spans[name]
            chains.append(f"[{name}{i}s]trim=start_frame={a}:end_frame={b},"
                          f"setpts=PTS-STARTPTS[{name}{i}]")
        if fade_in:
            chains.append(f"[t{i - 1}][h{i}]xfade=transition=fade:duration={_num(f / fps)}:"
                          f"offset=0,{LIMITED_YUV420}[b{i}]")
            pieces.append(f"b{i}")
        pieces.append(f"m{i}")
    pads = "".join(f"[{p}]" for p in pieces)
    joined = f"{pads}concat=n={len(pieces)}:v=1:a=0," if len(pieces) > 1 else pads
    return [*chains, f"{joined}{BT709_TAGS}[vcat]"]


def _concat(edit: EditList, video: bool) -> str:
    """Concatenation of the segments' pictures or sounds (output unlabelled). Every
    segment's picture and sound are both exactly its frame-rounded length, so the two
    concatenations stay in sync."""
    n = len(edit.segments)
    pads = "".join(f"[v{i}]" if video else f"[a{i}]" for i in range(n))
    return f"{pads}concat=n={n}:v={int(video)}:a={int(not video)}"


def build_voice_args(edit: EditList, out_pcm: Path) -> list[str]:
    """The audio-only pass: the segments' sound cut, downmixed and concatenated, written
    to ``out_pcm`` (our temp path) as raw 48 kHz stereo float for ``worker.mix``. No
    picture is decoded."""
    if not edit.segments:
        raise ValueError("an edit list needs at least one segment")
    chains = [segment_audio(edit, s, i) for i, s in enumerate(edit.segments)]
    chains.append(_concat(edit, video=False) + "[out]")
    return [*_segment_inputs(edit, audio_only=True), "-filter_complex", ";".join(chains),
            "-map", "[out]", "-c:a", "pcm_f32le", "-f", "f32le", str(out_pcm)]


def build_render_args(edit: EditList, assets: Assets, out_video: Path, *,
                      sound: Path | None = None, bare: bool = False) -> list[str]:
    """The whole render as one ffmpeg argv (without the binary): segments cut, framed and
    concatenated; the LIVE card, product/offer band, captions, call to action and the
    arrow laid on; the mixed ``sound`` (raw 48 kHz stereo float from ``worker.mix``)
    encoded; H.264/AAC MP4 with fast start, bounded by ``-t`` (the poster is
    ``build_poster_args``). ``bare`` is the benchmark floor: same cut and encode, no
    overlays, the segments' own sound with no mix."""
    if not edit.segments:
        raise ValueError("an edit list needs at least one segment")
    if sound is None and not bare:
        raise ValueError("a render needs its mixed sound (worker.mix)")
    out = edit.output
    total = teaser_duration(edit)
    # Slice threads inside the filters only fight x264's threads for the same cores:
    # one thread per graph is 0.2 s faster on a 3.4 s render here (bench/render.py).
    # The bare floor cuts every join: a crossfade is part of what the render adds.
    joins = not bare
    args = ["-filter_complex_threads", "1", *_segment_inputs(edit, joins=joins)]
    chains = [segment_video(edit, seg, i, run_on_frames(edit, i) if joins else 0)
              for i, seg in enumerate(edit.segments)]
    # BT.709 on the frames themselves: the encoder and the MP4 'colr' box take the tags
    # from the frames (an encoder option alone is overridden by the untagged frames).
    if joins:
        chains += _joined_video(edit)
    else:
        chains.append(_concat(edit, video=True) + f",{BT709_TAGS}[vcat]")
    n_in = len(edit.segments)
    video = "vcat"
    under, over = ([], []) if bare else (assets.under_poster(), assets.over_poster())
    for ov in (*under, *over):
        args, video, n_in = _laid_on(ov, args, chains, video, n_in, "ov", out.width)
    if bare:
        audio = [segment_audio(edit, seg, i) for i, seg in enumerate(edit.segments)]
        audio.append(_concat(edit, video=False) + f",{_STEREO}[aout]")
        # A graph of its own: ffmpeg runs it in its own thread, beside the picture's.
        sound_args = ["-filter_complex", ";".join(audio), "-map", "[aout]"]
    else:
        args += ["-f", "f32le", "-ar", str(RATE), "-ch_layout", "stereo", "-i", str(sound)]
        sound_args = ["-map", f"{n_in}:a"]
    args += ["-filter_complex", ";".join(chains), "-map", f"[{video}]", *sound_args,
             *video_codec(out), "-fps_mode", "cfr", "-r", str(out.fps), *audio_codec(out),
             "-map_metadata", "-1", "-map_chapters", "-1",
             "-movflags", "+faststart", "-t", _num(total), "-f", "mp4", str(out_video)]
    return args


def build_poster_args(edit: EditList, assets: Assets, out_poster: Path) -> list[str]:
    """The poster as a run of its own: the teaser's frame at ``edit.poster_at`` (cut and
    framed as its segment is, under the LIVE card and the band, not the captions and the
    arrow: the card and the product are what a cover shows) as a JPEG.

    Not a branch of the render's graph: there ffmpeg holds back the teaser's frames until
    the poster's one has come (it serves the output that is behind first), so a poster
    22 s into a 1080x1920 teaser kept 660 frames, 2.3 GB, and ran past the memory limit.
    Here it decodes from the source's seek point to that one frame, beside the render."""
    if not edit.segments:
        raise ValueError("an edit list needs at least one segment")
    fps = edit.output.fps
    frame = poster_frame(edit)
    first = 0  # the output frame the segment holding the poster starts at
    for seg in edit.segments:
        frames = max(1, round(seg.duration * fps))
        if frame < first + frames or seg is edit.segments[-1]:
            break
        first += frames
    at = seg.start + min(frame - first, frames - 1) / fps
    one = Segment(start=at, end=at + 1 / fps, score=seg.score, reason=seg.reason,
                  crop=seg.crop)
    args = [*user_input(edit.source.path, seek=at, duration=2 / fps + 0.1)]
    chains = [segment_video(edit, one, 0),
              f"[v0]setpts=PTS+{_num(frame / fps)}/TB[p0]"]  # the overlays' own time
    video, n_in = "p0", 1
    for ov in assets.under_poster():
        args, video, n_in = _laid_on(ov, args, chains, video, n_in, "p",
                                     edit.output.width)
    # The JPEG's full range: converted at the end, from the teaser's limited range.
    chains.append(f"[{video}]scale=out_range=full,format=yuvj420p[poster]")
    return ["-filter_complex_threads", "1", *args, "-filter_complex", ";".join(chains),
            "-map", "[poster]", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", "3",
            "-update", "1", "-f", "image2", str(out_poster)]


def build_remux_args(edit: EditList, video: Path, sound: Path | str, out_video: Path
                     ) -> list[str]:
    """A new sound under a verified teaser's picture: ``video``'s picture packets copied
    as they are (nothing decoded or encoded), the mixed ``sound`` (raw float PCM: a file,
    or ``pipe:0``) encoded exactly as the render encodes it, fast start. ``video`` is our
    own render, never a user's file."""
    return ["-i", str(video),
            "-f", "f32le", "-ar", str(RATE), "-ch_layout", "stereo", "-i", str(sound),
            "-map", "0:v:0", "-map", "1:a", "-c:v", "copy", *audio_codec(edit.output),
            "-map_metadata", "-1", "-map_chapters", "-1", "-movflags", "+faststart",
            "-t", _num(teaser_duration(edit)), "-f", "mp4", str(out_video)]


def video_codec(out: Output) -> list[str]:
    """The picture's encoder settings (the bare floor uses the same): x264 at the edit
    list's preset and CRF, High profile, a keyframe every 2 s, BT.709 colour tags in the
    stream (the container's 'colr' box follows the frames' tags, set in the graph).
    ``ultrafast`` alone writes Constrained Baseline; its 8x8 transform is what makes the
    stream High, at no measurable CPU: 1080x1920 from a grainy phone picture, 25.7 vs
    26.2 CPU s and 21.5 vs 29.9 Mbit/s (crf 23 vs 21; eval/encoder frontier in the
    README)."""
    return ["-c:v", "libx264", "-preset", out.preset, "-crf", _num(out.crf),
            "-x264-params", "8x8dct=1", "-profile:v", "high", "-pix_fmt", "yuv420p",
            "-g", str(out.fps * 2), "-color_primaries", "bt709", "-color_trc", "bt709",
            "-colorspace", "bt709", "-color_range", "tv"]


def audio_codec(out: Output) -> list[str]:
    """The sound's encoder settings (a render and a regeneration's remux use the same):
    AAC stereo 48 kHz at the edit list's rate control."""
    return ["-c:a", "aac", "-aac_coder", "fast", "-aac_pns", "0", *_audio_rate(out),
            "-ar", str(RATE), "-ac", "2"]


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


_EDGE_S = 0.001
# ffmpeg refuses a picture unless (width + 128) * (height + 128) is under this
# (av_image_check_size): a laid-out sheet of timed images stays within it.
LARGEST_PICTURE = (2 ** 31 - 1) // 8
# What a timed overlay costs a frame, in instructions (callgrind, bench teaser): an
# overlay per image, each shown or not (94 that never showed: 354 M in 300 frames), against
# a laid-out sheet's blending of each padding pixel beside the image showing.
_FILTER_COST = 12_500
_PIXEL_COST = 3


def _laid_on(ov: Overlay, args: list[str], chains: list[str], video: str, n_in: int,
             label: str, width: int) -> tuple[list[str], str, int]:
    """``ov`` laid on the picture ``[video]`` (``width`` wide) by one overlay: its PNG
    input ``n_in``, read once. A timed overlay's sheet is laid out once, its images side
    by side more than a picture's width apart (``untile``, ``pad``, ``tile``), and the
    overlay moves it left by that stride per image, so only the image showing is on the
    picture. Never a timed sequence of frames: while an overlay input still has frames to
    come, ffmpeg's frame sync keeps a reference to every picture it lays on, so each
    picture is copied whole before blending (1.4 MB per frame and overlay at 720x1280); a
    still input has ended once read, and nothing is copied. And never an overlay per
    image: for each frame and filter, ffmpeg's graph looks through all its filters for
    the next one to run, so ~300 filters for word-timed captions cost ~3 % of the whole
    render (callgrind). (argv, picture, next input)"""
    args = [*args, "-threads", "1", "-i", str(ov.path)]
    tag = f"{label}{n_in}"
    if len(ov.timed) < 2:
        source = f"{n_in}:v"
        if ov.timed and ov.timed[0].top:
            w, h = ov.slot()
            chains.append(f"[{n_in}:v]crop={w}:{h}:0:{ov.timed[0].top}[{tag}s]")
            source = f"{tag}s"
        chains.append(f"[{video}][{source}]" + _overlay(ov) + f"[{tag}]")
        return args, tag, n_in + 1
    w, h = ov.slot()
    stride, per = 0, 1  # a few images: each cut out and laid on by an overlay of its own
    if h * (width - w) * _PIXEL_COST < len(ov.timed) * _FILTER_COST:
        # Laid out, the padding beside the image showing is blended too (a row of the
        # picture's width, not the image's): worth it where it saves many filters.
        # Image k at x - k * stride: its neighbours are off the picture, wherever the
        # overlay slides or bounces to. A laid-out sheet stays within ffmpeg's largest
        # picture (which a few hundred word-timed captions at 1080x1920 would pass): in
        # parts then.
        stride = even_up(width + w + ov.slide_px + ov.bounce_px)
        per = max(1, (LARGEST_PICTURE // (h + 128) - 129) // stride)
    parts = [ov.timed[k:k + per] for k in range(0, len(ov.timed), per)]
    names = [f"{tag}p{j}" for j in range(len(parts))]
    heads = [f"[{n_in}:v]format=yuva420p,"]
    if len(parts) > 1:
        chains.append(f"[{n_in}:v]format=yuva420p,split={len(parts)}"
                      + "".join(f"[{n}]" for n in names))
        heads = [f"[{n}]crop={w}:{h * len(p)}:0:{p[0].top}," for n, p in zip(names, parts,
                                                                             strict=True)]
    for j, (part, name, head) in enumerate(zip(parts, names, heads, strict=True)):
        chains.append(f"{head}untile=1x{len(part)},pad={stride}:{h}:0:0:color=black@0,"
                      f"tile={len(part)}x1[{name}s]" if stride else
                      head.rstrip(",") + f"[{name}s]")
        out = tag if j == len(parts) - 1 else f"{name}o"
        chains.append(f"[{video}][{name}s]" + _overlay(ov, stride, part) + f"[{out}]")
        video = out
    return args, tag, n_in + 1


def _between(start: float, end: float | None) -> str:
    """True on the output frames from ``start`` up to (not including) ``end``: a
    millisecond before each edge (under a frame at any rate), so no frame falls on one."""
    b = end - _EDGE_S if end is not None else 1e6
    return f"between(t,{_num(start - _EDGE_S)},{_num(b)})"


def even_up(v: int) -> int:
    """``v`` rounded up to even: a 4:2:0 picture's size (an overlay's slot in its sheet)."""
    return v + v % 2


def _overlay(ov: Overlay, stride: int = 0, shown: tuple[Shown, ...] = ()) -> str:
    """The overlay filter of ``ov``, or of its timed images ``shown`` laid out side by
    side ``stride`` apart."""
    x, y = _num(ov.x), _num(ov.y)
    start = ov.windows[0][0] if ov.windows else 0.0
    if ov.slide_px or (ov.bounce_px and ov.bounce_hz):
        # Slide in from the left easing out (no pop), then bounce away from the target
        # and back: at the rest position the tip is on it.
        t = f"(t-{_num(start)})"
        parts = [_num(ov.x)]
        if ov.slide_px and ov.slide_s > 0:
            parts.append(f"-{_num(ov.slide_px)}*pow(1-clip({t}/{_num(ov.slide_s)},0,1),3)")
        if ov.bounce_px and ov.bounce_hz:
            parts.append(f"-{_num(ov.bounce_px)}*abs(sin(PI*{_num(ov.bounce_hz)}"
                         f"*max(0,{t}-{_num(ov.slide_s)})))")
        x = "".join(parts)
    if len(shown) > 1:
        # The image showing now: the k-th lies k strides along the laid-out sheet.
        x += f"-{stride}*(" + "+".join(f"{k}*{_between(s.start, s.end)}"
                                       for k, s in enumerate(shown) if k) + ")"
    if x != _num(ov.x):
        x = f"'{x}'"
    if ov.y_steps:
        expr = _num(ov.y_steps[-1][1])
        for (_, y0), (t1, _) in zip(reversed(ov.y_steps[:-1]), reversed(ov.y_steps[1:]),
                                    strict=True):
            expr = f"if(lt(t,{_num(t1)}),{_num(y0)},{expr})"
        y = f"'{expr}'"
    # A still overlay's position is evaluated once, not per frame.
    still = "" if ov.moves or len(shown) > 1 else ":eval=init"
    text = f"overlay=x={x}:y={y}:format=yuv420:eof_action=repeat{still}"
    enable = []
    shown = shown or ov.timed
    if any(s.start > 0 or s.end is not None for s in shown):  # while one of them shows
        enable.append("(" + "+".join(_between(s.start, s.end) for s in shown) + ")")
    if ov.windows:
        spans = [f"between(t,{_num(a)},{_num(b if b is not None else 1e6)})"
                 for a, b in ov.windows]
        enable.append(f"({'+'.join(spans)})")
    if enable:
        text += f":enable='{'*'.join(enable)}'"
    return text
