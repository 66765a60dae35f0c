"""Benchmark: analysis of a 2-hour 720p recording (goal: <= 60 s on the project's
2-core machine), with peak memory.

The recording is generated once with lavfi (a 2-minute 1280x720 30 fps H.264 chunk with
speech-like audio, joined 60 times by stream copy) and cached under var/bench/.

    .venv/bin/python bench/analysis.py [--write-baseline]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.footage import SPEECH_EXPR  # noqa: E402
from worker.ffmpeg import binary  # noqa: E402

CACHE = ROOT / "var" / "bench"
RECORDING = CACHE / "session_2h_720p.mp4"
BASELINE = ROOT / "bench" / "baselines" / "analysis.json"
GOAL_S = 60.0
CHUNK_S, CHUNKS = 120, 60


def ensure_recording() -> Path:
    """Generate the 2-hour recording once (about half a minute of encoding)."""
    if RECORDING.exists():
        return RECORDING
    CACHE.mkdir(parents=True, exist_ok=True)
    chunk = CACHE / "chunk120.mp4"
    subprocess.run([
        binary(), "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=s=1280x720:r=30:d={CHUNK_S}",
        "-f", "lavfi", "-i", f"aevalsrc='{SPEECH_EXPR}':s=48000:d={CHUNK_S}",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-crf", "26",
        "-maxrate", "2M", "-bufsize", "4M", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-ac", "2", "-shortest", str(chunk)], check=True)
    listing = CACHE / "list.txt"
    listing.write_text("".join(f"file '{chunk.name}'\n" for _ in range(CHUNKS)))
    tmp = RECORDING.with_suffix(".part.mp4")
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0",
                    "-i", str(listing), "-c", "copy", "-movflags", "+faststart", str(tmp)],
                   check=True)
    tmp.rename(RECORDING)
    return RECORDING


def main() -> int:
    """Run the benchmark; print (and optionally write) the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write-baseline", action="store_true")
    args = parser.parse_args()
    from worker.analysis import analyse
    from worker.limits import check_limits

    path = ensure_recording()
    t0 = time.perf_counter()
    check_limits(path)
    result = analyse(path)
    wall = time.perf_counter() - t0
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures = {
        "what": "analyse() of a 2 h 1280x720 30 fps H.264 + AAC recording (1.9 GB)",
        "machine": f"{platform.machine()}, shared 2-core, noisy",
        "mode": result.mode,
        "seconds_analysed": result.seconds,
        "wall_s": round(wall, 1),
        "goal_s": GOAL_S,
        "within_goal": wall <= GOAL_S,
        "peak_rss_python_mb": round(self_kb / 1024, 1),
        "peak_rss_ffmpeg_mb": round(child_kb / 1024, 1),
        "shot_changes": len(result.shot_changes),
        "recording_quality": result.recording_quality().__dict__,
    }
    print(json.dumps(figures, indent=2))
    if args.write_baseline:
        BASELINE.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if wall <= GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
