"""A sample past LIVE session for the demo and the benchmarks: a recording with moving
content, scene changes and speech-like audio, and a per-minute metric timeline with a
clear sales peak. Generated with ffmpeg's lavfi sources; nothing is downloaded."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

from worker.ffmpeg import binary

# Voiced bursts at syllable rate inside 3 s phrases with 1 s pauses: "someone speaking".
SPEECH = ("0.4*(sin(2*PI*170*t)+0.6*sin(2*PI*340*t)+0.3*sin(2*PI*680*t))"
          "*gt(sin(2*PI*4*t),0.1)*lt(mod(t,4),3)")

PEAK_MINUTE = 3


def make_recording(path: Path, *, minutes: float = 6.0, size: str = "1280x720") -> Path:
    """Write a landscape recording of ``minutes`` with a scene change every 20 s."""
    if path.exists():
        return path
    seconds = minutes * 60
    tmp = path.with_name(".tmp-" + path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [binary(), "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=s={size}:r=30:d={seconds}",
         "-f", "lavfi", "-i", f"aevalsrc='{SPEECH}':s=48000:d={seconds}",
         "-vf", "hue=h=47*floor(t/20)", "-c:v", "libx264", "-preset", "ultrafast",
         "-crf", "30", "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2",
         "-shortest", str(tmp)],
        check=True)
    tmp.replace(path)
    return path


def make_timeline(path: Path, *, minutes: int = 6) -> Path:
    """Write a per-minute timeline whose sales peak is in minute ``PEAK_MINUTE``; orders
    and comments trail the pin by a minute, as they do on the platform."""
    cols = ["t", "viewers", "views", "room_impressions", "room_enters", "product_impressions",
            "product_clicks", "gmv", "orders", "comments", "likes", "shares", "new_followers",
            "pinned_product"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for m in range(minutes):
            peak = m == PEAK_MINUTE
            after = m == PEAK_MINUTE + 1
            viewers = 120 + 15 * m
            w.writerow([m * 60, viewers, viewers + 40, 900, 130 + 10 * m,
                        400 + (300 if peak else 0),
                        12 + (60 if peak else 0), 150000 + (1650000 if after else 0),
                        2 + (22 if after else 0), 9 + (30 if peak else 0), 40 + (90 if peak else 0),
                        1 + (6 if peak else 0), 1 + (4 if after else 0),
                        "SKU-SERUM-30ML" if peak else ""])
    return path
