"""Benchmark: a 40 s teaser (720x1280) rendered from a 720p recording, against the bare
ffmpeg floor — the same inputs, segments, crop, scale and encode settings with no
sticker, arrow, music or loudness — in one run, as a ratio (goal <= 1.15x), and the
teaser's total render time (goal <= 10 s), and checks the result's loudness.

The source (3 minutes of 1280x720 30 fps with speech-like audio, lavfi) is generated
once and cached under var/bench/.

Its eight moments are cuts of one shot, so the pipeline's join treatment
(``worker.reframe.punch_in``: every second one framed tighter) is applied as a teaser of
one take gets it; ``--fades`` joins every moment to the one before by a short crossfade
instead (what letterboxed cuts of one shot get), the dearest joins can be.

    .venv/bin/python bench/render.py [--repeat 8] [--fades] [--check] [--write-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.captions import Cue, Word, cut_to_segments  # noqa: E402
from tests.footage import SPEECH_EXPR  # noqa: E402
from worker import graph, reframe, render  # noqa: E402
from worker.editlist import EditList, Output, Segment, Source, Sticker  # noqa: E402
from worker.ffmpeg import binary, run  # noqa: E402

CACHE = ROOT / "var" / "bench"
SOURCE = CACHE / "render_src_720p_180s.mp4"
BASELINE = ROOT / "bench" / "baselines" / "render.json"
RATIO_GOAL = 1.15
TOTAL_GOAL_S = 10.0
SOURCE_S = 180


def ensure_source() -> Path:
    """Generate the 3-minute 720p recording once."""
    if SOURCE.exists():
        return SOURCE
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = SOURCE.with_suffix(".part.mp4")
    subprocess.run([
        binary(), "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=s=1280x720:r=30:d={SOURCE_S}",
        "-f", "lavfi", "-i", f"aevalsrc='{SPEECH_EXPR}':s=48000:d={SOURCE_S}",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-g", "60",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-shortest", str(tmp)], check=True)
    tmp.rename(SOURCE)
    return SOURCE


def teaser_edit(source: Path, fades: bool = False) -> EditList:
    """Eight 5 s moments spread over the recording: a 40 s, 720x1280 teaser with every
    overlay a plan teaser carries (LIVE card with title, product then offer, word-timed
    captions all through, call to action and arrow); the joins of one shot punched in,
    or (``fades``) crossfaded."""
    segments = tuple(Segment(start=7.0 + 21.0 * i, end=12.0 + 21.0 * i, score=1.0,
                             reason=f"moment {i + 1}") for i in range(8))
    if fades:
        segments = tuple(replace(s, join="fade") if i else s for i, s in enumerate(segments))
    else:
        segments = reframe.punch_in(segments, [], 1280, 720)
    words = ["Nah", "kak", "ini", "dia", "serum", "yang", "ditunggu"]
    cues = [Cue(t, t + 2.8, " ".join(words[:6]),
                tuple(Word(t + 0.45 * k, t + 0.45 * (k + 1), w) for k, w in enumerate(words[:6])))
            for t in range(0, SOURCE_S - 3, 3)]
    starts = [5.0 * i for i in range(8)]
    return EditList(source=Source(path=str(source), width=1280, height=720,
                                  duration=float(SOURCE_S), has_audio=True),
                    segments=segments, output=Output(width=720, height=1280),
                    sticker=Sticker("LIVE Sabtu, 23 Nov · 19.00 WIB", "Serum Glow Flash Sale"),
                    music="upbeat", poster_at=1.0, product="Serum Glow Vitamin C 30 ml",
                    offer="Diskon 30% hanya saat LIVE", cta="Ketuk untuk masuk LIVE",
                    captions=cut_to_segments(cues, [(s.start, s.end, o) for s, o in
                                                    zip(segments, starts, strict=True)]))


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (ffmpeg)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def time_floor(edit: EditList, out: Path) -> tuple[float, float]:
    """The bare floor: same cut and encode, nothing added. (wall s, CPU s)"""
    args = graph.build_render_args(edit, graph.Assets(), out, bare=True)
    cpu, started = _cpu(), time.perf_counter()
    run(["-y", *args], timeout=300)
    return time.perf_counter() - started, _cpu() - cpu


def time_full(edit: EditList, out: Path) -> tuple[float, float, render.RenderResult]:
    """The whole teaser render: drawing, the voice's pass and the mix, one ffmpeg run,
    poster, verification. (wall s, CPU s, result)"""
    cpu, started = _cpu(), time.perf_counter()
    result = render.render(edit, out, out.with_suffix(".jpg"))
    return time.perf_counter() - started, _cpu() - cpu, result


def loudness(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of ``path`` by ffmpeg's ebur128."""
    proc = subprocess.run([binary(), "-nostdin", "-hide_banner", "-i", str(path), "-vn", "-af",
                           "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
                          capture_output=True, text=True, check=True)
    summary = proc.stderr[proc.stderr.rindex("Summary:"):]
    lufs = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert lufs and peak
    return float(lufs.group(1)), float(peak.group(1))


def measure(repeat: int, fades: bool = False) -> dict[str, object]:
    """Floor and full render alternated ``repeat`` times. The machine is shared and
    noisy, so the best (minimum) of each is the estimate of its uncontended cost; CPU
    seconds are reported too (less sensitive to other load than wall time)."""
    edit = teaser_edit(ensure_source(), fades)
    floors: list[tuple[float, float]] = []
    fulls: list[tuple[float, float]] = []
    stages: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        work = Path(tmp)
        time_floor(edit, work / "warm.mp4")  # page the source and the binary in
        for _ in range(repeat):
            floors.append(time_floor(edit, work / "floor.mp4"))
            wall, cpu, result = time_full(edit, work / "teaser.mp4")
            fulls.append((wall, cpu))
            stages.append(result.timings)
        lufs, peak = loudness(work / "teaser.mp4")
        floor_s, full_s = min(w for w, _ in floors), min(w for w, _ in fulls)
        floor_cpu, full_cpu = min(c for _, c in floors), min(c for _, c in fulls)
        best = stages[min(range(repeat), key=lambda k: fulls[k][0])]
        out: dict[str, object] = {
            "teaser_s": round(edit.duration, 2),
            "joins": "crossfade" if fades else "punch-in every second cut of the shot",
            "output": f"{edit.output.width}x{edit.output.height} {edit.output.preset} "
                      f"crf {edit.output.crf}",
            "floor_s": round(floor_s, 3), "full_s": round(full_s, 3),
            "ratio": round(full_s / floor_s, 3),
            # Each full render runs right after its floor: the median of those paired
            # ratios is steadier on a shared machine than the ratio of the two minima.
            "paired_ratio_median": round(statistics.median(
                f[0] / b[0] for f, b in zip(fulls, floors, strict=True)), 3),
            "floor_cpu_s": round(floor_cpu, 3), "full_cpu_s": round(full_cpu, 3),
            "cpu_ratio": round(full_cpu / floor_cpu, 3),
            "full_stages_s": best,
            "lufs": lufs, "true_peak_dbtp": peak,
            "runs": {"floor": [[round(w, 3), round(c, 3)] for w, c in floors],
                     "full": [[round(w, 3), round(c, 3)] for w, c in fulls]},
        }
    out["goals"] = {"ratio": RATIO_GOAL, "full_s": TOTAL_GOAL_S}
    out["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                      "platform": platform.platform(),
                      "load_avg_1m": round(os.getloadavg()[0], 2),
                      "note": "2 cores shared with other engineers' jobs: noisy"}
    return out


def check(result: dict[str, object]) -> list[str]:
    """Goals missed, and regressions of more than 25 % against the committed baseline."""
    problems = []
    # The goal is judged on the median of the paired ratios: the ratio of the two minima
    # swings by +-0.05 between runs here (one fast floor is enough), the median by 0.02.
    if float(result["paired_ratio_median"]) > RATIO_GOAL:  # type: ignore[arg-type]
        problems.append(f"paired ratio median {result['paired_ratio_median']} > {RATIO_GOAL}")
    if float(result["full_s"]) > TOTAL_GOAL_S:  # type: ignore[arg-type]
        problems.append(f"40 s teaser took {result['full_s']} s > {TOTAL_GOAL_S} s")
    if not -15.0 <= float(result["lufs"]) <= -13.0:  # type: ignore[arg-type]
        problems.append(f"loudness {result['lufs']} LUFS, not -14 +- 1")
    if float(result["true_peak_dbtp"]) > -1.0:  # type: ignore[arg-type]
        problems.append(f"true peak {result['true_peak_dbtp']} dBTP > -1")
    if BASELINE.exists():
        base = json.loads(BASELINE.read_text())
        for key in ("full_s", "paired_ratio_median"):
            if float(result[key]) > 1.25 * float(base[key]):  # type: ignore[arg-type]
                problems.append(f"{key} {result[key]} regressed > 25 % from {base[key]}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=8, help="floor/full pairs")
    parser.add_argument("--fades", action="store_true",
                        help="every join a short crossfade instead of the punch-ins")
    parser.add_argument("--check", action="store_true", help="fail on missed goals/regressions")
    parser.add_argument("--write-baseline", action="store_true")
    args = parser.parse_args()
    result = measure(args.repeat, args.fades)
    print(json.dumps(result, indent=2))
    if args.write_baseline:
        BASELINE.parent.mkdir(parents=True, exist_ok=True)
        BASELINE.write_text(json.dumps(result, indent=2) + "\n")
    if args.check:
        problems = check(result)
        for p in problems:
            print("FAIL:", p, file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
