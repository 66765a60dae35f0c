"""One teaser composited by moviepy 2, for the comparison stage of ``make eval``
(``eval.versus_moviepy``). Runs in its own virtualenv (``make .venv-moviepy``: moviepy
pins pillow < 12, which the service must not be held to), so it imports nothing of
cuplik: the job is a JSON file (segments, crops, output size, our overlay images with
their places and windows, the music bed as WAV, encoder settings).

moviepy at its best settings: the source read once per segment by its ffmpeg reader,
cropped and resized by moviepy, our overlays laid on as image clips (positions as
functions of time for the ones that slide and bounce), the voice and the music mixed by
its CompositeAudioClip (moviepy has no ducking or loudness normalisation), written by
its ffmpeg writer with the same x264 preset, CRF, profile and two threads.

    .venv-moviepy/bin/python eval/moviepy_job.py JOB.json
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from moviepy import (
    AudioFileClip,
    CompositeAudioClip,
    CompositeVideoClip,
    ImageClip,
    VideoFileClip,
    concatenate_audioclips,
    concatenate_videoclips,
)


def position(ov: dict[str, Any]) -> Any:
    """The overlay's top-left: fixed, or as our graph moves it (slide in easing out, then
    bounce; y in steps)."""
    x, y = ov["x"], ov["y"]
    start = ov["windows"][0][0] if ov["windows"] else 0.0
    if not (ov["slide_px"] or ov["bounce_px"] or ov["y_steps"]):
        return (x, y)

    def at(t: float) -> tuple[float, float]:
        px = x
        u = t - start
        if ov["slide_px"] and ov["slide_s"] > 0:
            px -= ov["slide_px"] * (1 - min(1.0, max(0.0, u / ov["slide_s"]))) ** 3
        if ov["bounce_px"] and ov["bounce_hz"]:
            px -= ov["bounce_px"] * abs(math.sin(math.pi * ov["bounce_hz"]
                                                 * max(0.0, u - ov["slide_s"])))
        py = y
        for since, step_y in ov["y_steps"]:
            if t >= since:
                py = step_y
        return (px, py)

    return at


def overlay_clips(ov: dict[str, Any], total: float) -> list[Any]:
    """Image clips of one overlay: each of its images over its own span, cut to the
    overlay's windows."""
    windows = [(a, total if b is None else min(b, total)) for a, b in ov["windows"]] \
        or [(0.0, total)]
    clips = []
    for path, start, end in ov["frames"]:
        for a, b in windows:
            lo, hi = max(start, a), min(end, b, total)
            if hi - lo > 1e-3:
                clips.append(ImageClip(path).with_start(lo).with_duration(hi - lo)
                             .with_position(position(ov)))
    return clips


def main(job_path: str) -> int:
    with open(job_path) as f:
        job = json.load(f)
    w, h, fps = job["width"], job["height"], job["fps"]
    source = VideoFileClip(job["source"], audio=job["has_audio"])
    parts = []
    for seg in job["segments"]:
        clip = source.subclipped(seg["start"], seg["end"])
        x, y, cw, ch = seg["crop"]
        if (x, y, cw, ch) != (0, 0, source.w, source.h):
            clip = clip.cropped(x1=x, y1=y, width=cw, height=ch)
        if seg["fill"] == "blur":  # letterboxed (on black: moviepy has no blur)
            scale = min(w / cw, h / ch)
            clip = CompositeVideoClip([clip.resized(scale).with_position("center")],
                                      size=(w, h))
        elif (cw, ch) != (w, h):
            clip = clip.resized((w, h))
        parts.append(clip)
    video = concatenate_videoclips(parts)
    total = video.duration
    layers = [video]
    for ov in job["overlays"]:
        layers += overlay_clips(ov, total)
    teaser = CompositeVideoClip(layers, size=(w, h)).with_duration(total)
    sounds = []
    if job["has_audio"]:
        sounds.append(concatenate_audioclips([p.audio for p in parts]))
    if job["music"]:
        bed = AudioFileClip(job["music"]).with_volume_scaled(job["music_gain"])
        sounds.append(bed.with_duration(min(bed.duration, total)))
    if sounds:
        teaser = teaser.with_audio(CompositeAudioClip(sounds).with_duration(total))
    teaser.write_videofile(
        job["out"], fps=fps, codec="libx264", preset=job["preset"], threads=2,
        audio_codec="aac", audio_fps=48000, logger=None,
        ffmpeg_params=["-crf", str(job["crf"]), "-x264-params", "8x8dct=1", "-profile:v",
                       "high", "-pix_fmt", "yuv420p", "-movflags", "+faststart"])
    source.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
