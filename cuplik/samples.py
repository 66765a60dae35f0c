"""A sample past LIVE session for the demo and the benchmarks: a recording with moving
content, scene changes and speech-like audio, and a per-minute metric timeline with a
clear sales peak. Generated with ffmpeg's lavfi sources; nothing is downloaded."""

from __future__ import annotations

import csv
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np

from worker.ffmpeg import binary

# Voiced bursts at syllable rate inside 3 s phrases with 1 s pauses: "someone speaking".
SPEECH = ("0.4*(sin(2*PI*170*t)+0.6*sin(2*PI*340*t)+0.3*sin(2*PI*680*t))"
          "*gt(sin(2*PI*4*t),0.1)*lt(mod(t,4),3)")

PEAK_MINUTE = 3
RECORDING_VERSION = 2  # part of the file name: a changed recipe is generated anew


def make_recording(folder: Path, *, minutes: float = 6.0, size: str = "1280x720") -> Path:
    """The landscape recording of ``minutes`` in ``folder`` (written once): a scene
    change every 20 s and the seller (a drawn face) swaying a little right of centre, as
    a host does on camera."""
    path = folder / f"session-{minutes:g}min-{size}-v{RECORDING_VERSION}.mp4"
    if path.exists():
        return path
    seconds = minutes * 60
    width, height = (int(v) for v in size.split("x"))
    tmp = path.with_name(".tmp-" + path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cuplik-sample-") as work:
        seller = Path(work) / "seller.png"
        fh = height // 2
        cv2.imwrite(str(seller), face_picture(fh * 8 // 9, fh, cx=fh * 4 // 9, cy=fh // 2,
                                              s=fh // 3))
        left = width * 11 // 20
        subprocess.run(
            [binary(), "-nostdin", "-v", "error", "-y",
             "-f", "lavfi", "-i", f"testsrc2=s={size}:r=30:d={seconds}",
             "-loop", "1", "-framerate", "30", "-i", str(seller),
             "-f", "lavfi", "-i", f"aevalsrc='{SPEECH}':s=48000:d={seconds}",
             "-filter_complex", f"[0:v]hue=h=47*floor(t/20)[bg];"
             f"[bg][1:v]overlay=x='{left}+{width // 40}*sin(t/9)':y={height // 4}:shortest=1[v]",
             "-map", "[v]", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast",
             "-crf", "30", "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2",
             "-t", str(seconds), str(tmp)],
            check=True)
    tmp.replace(path)
    return path


def face_picture(w: int = 256, h: int = 144, cx: int = 80, cy: int = 72, s: int = 30
                 ) -> np.ndarray:
    """A drawn frontal face (skin oval, hair, brows, eyes, nose, mouth) on a wall."""
    img = np.full((h, w), 90, np.uint8)
    cv2.ellipse(img, (cx, cy), (int(s * 0.8), s), 0, 0, 360, 200, -1)
    ey = cy - int(s * 0.25)
    for dx in (-int(s * 0.35), int(s * 0.35)):
        cv2.ellipse(img, (cx + dx, ey), (int(s * 0.16), int(s * 0.08)), 0, 0, 360, 40, -1)
        cv2.line(img, (cx + dx - int(s * 0.2), ey - int(s * 0.2)),
                 (cx + dx + int(s * 0.2), ey - int(s * 0.2)), 50, max(2, s // 15))
    cv2.line(img, (cx, ey + int(s * 0.1)), (cx, cy + int(s * 0.25)), 150, max(2, s // 20))
    cv2.ellipse(img, (cx, cy + int(s * 0.5)), (int(s * 0.3), int(s * 0.1)), 0, 0, 360, 60, -1)
    cv2.ellipse(img, (cx, cy - int(s * 0.7)), (int(s * 0.85), int(s * 0.4)), 0, 180, 360, 30, -1)
    return img


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
