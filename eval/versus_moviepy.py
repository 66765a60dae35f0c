"""The moviepy comparison of ``make eval``: the same edit list (one phone recording of the
eval corpus, its LIVE card, product band, call to action, arrow and music) rendered by
our one ffmpeg graph (``worker.render.render``) and by moviepy 2's compositing
(``eval/moviepy_job.py``, in ``.venv-moviepy``), back to back. Goal: ours >= 6x faster.

moviepy pins pillow < 12, so it lives in a virtualenv of its own (``make .venv-moviepy``);
without it the stage says how to make it and fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

from eval import footage
from eval.render import CACHE, ROOT, cli_teaser, cpu_seconds, timeline_rows, write_timeline
from eval.table import Goal, Stage
from worker import graph, render
from worker.editlist import EditList
from worker.overlays import image_of

CLASS = "portrait_1080"  # how LIVE sessions are recorded: the common case
SPEED_GOAL = 6.0
MUSIC_GAIN = 0.25  # the bed about 12 dB under the voice (moviepy cannot duck it)
PYTHON = ROOT / ".venv-moviepy" / "bin" / "python"
JOB = Path(__file__).with_name("moviepy_job.py")


def frames_of(ov: graph.Overlay, total: float, work: Path) -> list[tuple[str, float, float]]:
    """The images of one overlay with the output seconds each is shown over: its PNG, or
    each image of its sheet cut out into ``work``."""
    if not ov.timed:
        return [(str(ov.path), 0.0, total)]
    frames = []
    for k, shown in enumerate(ov.timed):
        path = work / f"{ov.path.stem}-{k:04d}.png"
        image_of(ov, shown).save(path)
        frames.append((str(path), shown.start, total if shown.end is None else shown.end))
    return frames


def job_for(edit: EditList, assets: graph.Assets, work: Path, out: Path) -> Path:
    """The moviepy job: the edit list's cut, framing, overlays and music as JSON."""
    total = graph.teaser_duration(edit)
    music = None
    if assets.music is not None:
        pcm = render.read_bed(assets.music, sum(render.segment_samples(edit)))
        music = work / "bed.wav"
        with wave.open(str(music), "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(graph.RATE)
            w.writeframes((pcm * 32767).astype("<i2").tobytes())
    src = edit.source
    segments = []
    for seg in edit.segments:
        crop = seg.crop or graph.centre_crop(src.width, src.height)
        segments.append({"start": seg.start, "end": seg.end, "fill": crop.fill,
                         "crop": [crop.x, crop.y, crop.w, crop.h]})
    overlays = [{"frames": frames_of(ov, total, work), "x": ov.x, "y": ov.y,
                 "windows": [list(w) for w in ov.windows], "slide_px": ov.slide_px,
                 "slide_s": ov.slide_s, "bounce_px": ov.bounce_px, "bounce_hz": ov.bounce_hz,
                 "y_steps": [list(s) for s in ov.y_steps]}
                for ov in (*assets.under_poster(), *assets.over_poster())]
    job: dict[str, Any] = {
        "source": src.path, "has_audio": src.has_audio, "segments": segments,
        "width": edit.output.width, "height": edit.output.height, "fps": edit.output.fps,
        "overlays": overlays, "music": str(music) if music else None,
        "music_gain": MUSIC_GAIN, "preset": edit.output.preset, "crf": edit.output.crf,
        "out": str(out)}
    path = work / "moviepy-job.json"
    path.write_text(json.dumps(job, indent=1))
    return path


def run() -> Stage:
    """Ours, then moviepy, on the same edit list; the ratios of wall and CPU seconds."""
    if not PYTHON.exists():
        goal = Goal("ours faster than moviepy 2", "not measured: no .venv-moviepy",
                    f"≥ {SPEED_GOAL:g}x", False)
        return Stage("Render vs moviepy 2", ["what"], [["moviepy is not installed"]],
                     [goal], notes=["make .venv-moviepy (moviepy>=2 in a virtualenv of its "
                                    "own: it pins pillow < 12), then run the stage again"])
    cls = next(c for c in footage.CLASSES if c.name == CLASS)
    src = footage.make(cls, CACHE)
    with tempfile.TemporaryDirectory(prefix="eval-moviepy-") as tmp:
        work = Path(tmp)
        tl = write_timeline(timeline_rows(cls), work / "timeline.csv")
        _, _, report = cli_teaser(src, tl, work / "cli.mp4")
        edit = EditList.load(Path(str(report["edit_list"])))
        assets = render.prepare_assets(edit, work)
        job = job_for(edit, assets, work, work / "moviepy.mp4")
        load = [os.getloadavg()[0]]
        cpu, started = cpu_seconds(), time.perf_counter()
        render.render(edit, work / "ours.mp4", work / "ours.jpg", timeout=900)
        ours_s, ours_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        cpu, started = cpu_seconds(), time.perf_counter()
        proc = subprocess.run([str(PYTHON), str(JOB), str(job)], capture_output=True,
                              text=True, timeout=3600)
        theirs_s, theirs_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        load.append(os.getloadavg()[0])
        if proc.returncode != 0:
            raise RuntimeError(f"moviepy failed: {proc.stderr[-1500:]}")
        version = subprocess.run([str(PYTHON), "-c", "import importlib.metadata as m; "
                                  "print(m.version('moviepy'))"], capture_output=True,
                                 text=True, check=True).stdout.strip()
    ratio, cpu_ratio = theirs_s / ours_s, theirs_cpu / ours_cpu
    out = f"{edit.output.width}x{edit.output.height}"
    layers = len(assets.under_poster()) + len(assets.over_poster())
    return Stage(
        title=f"Render vs moviepy {version}: the same 40 s edit list ({CLASS}, {out})",
        columns=["renderer", "wall s", "CPU s", "load"],
        rows=[["ours (one ffmpeg graph, ducked and normalised mix)", f"{ours_s:.1f}",
               f"{ours_cpu:.1f}", f"{load[0]:.1f}"],
              ["moviepy 2 (compositing, plain mix)", f"{theirs_s:.1f}", f"{theirs_cpu:.1f}",
               f"{load[1]:.1f}"],
              ["moviepy / ours", f"{ratio:.1f}x", f"{cpu_ratio:.1f}x", ""]],
        goals=[Goal("ours faster than moviepy 2 (wall, back to back)", f"{ratio:.1f}x",
                    f"≥ {SPEED_GOAL:g}x", ratio >= SPEED_GOAL)],
        notes=[f"same cut, crop, size, overlays ({layers} of ours, sliding and bouncing as "
               f"ours do) and music bed; moviepy at x264 {edit.output.preset} crf "
               f"{edit.output.crf} High, 2 threads; its mix is the voice plus the bed at a "
               "fixed gain (it has no ducking or loudness normalisation)"])


if __name__ == "__main__":
    from eval.table import render as table

    result = run()
    print(table(result))
    sys.exit(0 if result.met else 1)
