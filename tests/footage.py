"""Test footage generated with ffmpeg's lavfi sources (nothing downloaded).

``make_clip`` writes a small recording with moving content and, optionally, speech-like
audio: syllable-rate bursts of a voiced tone with pauses, so "someone speaking" and
"silence" are both present and measurable.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from worker.ffmpeg import binary

# Voiced bursts (~4 syllables/s) inside 3 s phrases separated by 1 s pauses.
SPEECH_EXPR = (
    "0.5*(sin(2*PI*180*t)+0.6*sin(2*PI*360*t)+0.3*sin(2*PI*720*t))"
    "*gt(sin(2*PI*4*t),0.1)*lt(mod(t,4),3)"
)


def make_clip(path: Path, *, seconds: float = 10.0, size: str = "640x360", fps: float = 30,
              audio: str | None = "speech", channels: int = 2, rotation: int | None = None,
              video: str = "testsrc2", extra: list[str] | None = None) -> Path:
    """Generate ``path``. ``audio``: "speech", "tone", "silence" or None (no audio track).
    ``video``: a lavfi video source name (testsrc2 moves; "color=c=gray" is static)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    src = f"{video}=s={size}:r={fps}:d={seconds}" if "=" not in video else \
        f"{video}:s={size}:r={fps}:d={seconds}"
    args = [binary(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", src]
    layout = {1: "mono", 2: "stereo", 6: "5.1"}[channels]
    if audio == "speech":
        args += ["-f", "lavfi", "-i",
                 f"aevalsrc='{SPEECH_EXPR}':s=48000:d={seconds}"]
    elif audio == "tone":
        args += ["-f", "lavfi", "-i", f"sine=f=440:r=48000:d={seconds}"]
    elif audio == "silence":
        args += ["-f", "lavfi", "-i", f"anullsrc=r=48000:cl={layout}:d={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
             "-g", str(int(fps * 2))]
    if audio:
        args += ["-c:a", "aac", "-ac", str(channels), "-shortest"]
    args += extra or []
    if rotation is not None:
        tmp = path.with_suffix(".norot" + path.suffix)
        subprocess.run([*args, str(tmp)], check=True)
        subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-display_rotation",
                        str(rotation), "-i", str(tmp), "-c", "copy", str(path)], check=True)
        tmp.unlink()
    else:
        subprocess.run([*args, str(path)], check=True)
    return path
