"""Benchmark: where a 1080x1920 teaser's time goes before and beside the encode — decoding
40 s of a phone recording of the eval corpus (``eval.footage``) as the look (the
analysis of the chosen stretches), as the render, and with the H.264 decoder's cheaper
modes; then the bare floor (decode + crop/scale + x264) at 1080x1920 and at 720x1280.

Every variant runs back to back, ``--rounds`` times alternated; CPU seconds (this
process's children) are the figure to trust on a shared machine, the 1-minute load is
printed beside them.

    .venv/bin/python bench/decode.py [--class portrait_1080] [--rounds 2] [--write-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.encoder import cut  # noqa: E402
from eval import footage  # noqa: E402
from eval.render import CACHE, cpu_seconds  # noqa: E402
from worker import graph  # noqa: E402
from worker.editlist import Output  # noqa: E402
from worker.ffmpeg import run, user_input  # noqa: E402
from worker.frames import reader_argv  # noqa: E402

SECONDS = 40.0


def variants(src: Path, work: Path) -> dict[str, list[str]]:
    """Name -> ffmpeg argv (without the binary), each over the same 40 s."""
    def decode(*flags: str) -> list[str]:
        return [*flags, *user_input(src, seek=2.0, duration=SECONDS), "-map", "0:v:0",
                "-f", "null", "-"]

    look = reader_argv(str(src), fps=10.0, window=(2.0, SECONDS), audio=True)
    look[-1] = "/dev/null"  # the frames go nowhere: the decode and the scaling are timed
    cheap_look = ["-skip_loop_filter", "all", *look]
    edit = cut(src)
    small = replace(edit, output=Output(width=720, height=1280))
    return {
        "decode only (every frame)": decode(),
        "decode, -skip_loop_filter all": decode("-skip_loop_filter", "all"),
        "decode, -skip_frame noref (B-frames left out)": decode("-skip_frame:v", "noref"),
        "the look's reader (10 fps gray, audio)": look,
        "the look's reader, -skip_loop_filter all": cheap_look,
        "floor 1080x1920 (decode + x264 ultrafast crf 21)":
            graph.build_render_args(edit, graph.Assets(), work / "floor.mp4", bare=True),
        "floor 720x1280 from the same source":
            graph.build_render_args(small, graph.Assets(), work / "small.mp4", bare=True),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--class", dest="cls", default="portrait_1080")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--write-baseline", action="store_true")
    args = parser.parse_args()
    cls = next(c for c in footage.CLASSES if c.name == args.cls)
    src = footage.make(cls, CACHE)
    runs: dict[str, list[tuple[float, float, float]]] = {}
    work = Path(tempfile.mkdtemp(prefix="bench-decode-"))
    todo = variants(src, work)
    for _ in range(args.rounds):
        for name, argv in todo.items():
            cpu, started = cpu_seconds(), time.perf_counter()
            run(["-y", *argv], timeout=900)
            runs.setdefault(name, []).append((cpu_seconds() - cpu,
                                              time.perf_counter() - started,
                                              os.getloadavg()[0]))
            print(name, runs[name][-1], flush=True)
    shutil.rmtree(work)
    rows = [{"variant": name, "cpu_s": round(statistics.median(c for c, _, _ in r), 2),
             "wall_s": round(statistics.median(w for _, w, _ in r), 2),
             "load": round(statistics.mean(load for _, _, load in r), 1)}
            for name, r in runs.items()]
    result = {"source": cls.label, "seconds": SECONDS, "rows": rows,
              "note": "median of the rounds; 2 cores shared with other engineers' jobs"}
    print(json.dumps(result, indent=1))
    if args.write_baseline:
        (ROOT / "bench" / "baselines" / f"decode_{cls.name}.json").write_text(
            json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
