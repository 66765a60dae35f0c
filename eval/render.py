"""The render stage of ``make eval``: one recording of every input class (``eval.footage``)
cut into a 40 s teaser end to end, and per class what a seller and the platform notice.

Per class, back to back in one run (the machine is shared: ratios within a run are what
to trust, wall times move with the load, printed beside them):

- ``CLI`` — request-to-ready of ``cuplik render --timeline`` as a seller runs it (a new
  process, *no* saved analysis: probe, look at the chosen stretches, rank, render,
  verify), with the CPU seconds it used;
- ``service`` — ``POST /v1/teasers`` on a session whose recording was uploaded (and so
  analysed, not timed) through a running ``cuplik serve``, until ``GET`` says ready;
- ``render/floor`` — the CLI's edit list rendered again (``worker.render.render``) over
  the bare floor (``graph.build_render_args(bare=True)``: same input, segments, crop,
  size and encoder settings; no overlays, music or mix), alternated ``PAIRS`` times,
  median of the paired wall ratios (and of the CPU ratios);
- ``LUFS`` / ``dBTP`` — integrated loudness and true peak of that teaser;
- ``Mbit/s`` of its picture, its H.264 profile and colour tags (the service's teaser is
  checked for both too);
- ``VMAF`` against a lossless render of the same edit list (same cut, framing and
  overlays; every ``VMAF_SUBSAMPLE``-th frame).

    .venv/bin/python -m eval --only render          # the stage alone (about 40 min here)
    .venv/bin/python -m eval.render --classes portrait_720,vfr   # some classes, quickly
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from bench.service import Client, serve
from eval import footage
from eval.table import Goal, Stage
from worker import ffmpeg, graph, render
from worker.editlist import EditList
from worker.errors import InputError, RenderError
from worker.ffmpeg import FfmpegError, binary

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "eval"
READY_GOAL_S = 10.0
RATIO_GOAL = 1.15
VMAF_GOAL = 93.0
VMAF_SUBSAMPLE = 5  # every 5th frame: the score moves < 0.3 against every frame here
PAIRS = 2  # floor, render, floor, render: the paired median
PLAN_START = "2026-11-23T19:00"  # the CLI's LIVE card: "LIVE Senin, 23 Nov · 19.00 WIB"


@dataclass(frozen=True)
class ClassResult:
    """The figures of one input class."""

    name: str
    label: str
    output: str
    cli_s: float
    cli_cpu_s: float
    service_s: float
    ratio: float
    cpu_ratio: float
    render_s: float
    floor_s: float
    lufs: float
    true_peak: float
    mbps: float
    service_mbps: float
    vmaf: float
    profile: str
    colour: str
    load: float
    cli_timings: dict[str, float]
    render_stages: dict[str, float]

    def row(self) -> list[str]:
        return [self.name, self.output, f"{self.cli_s:.1f} ({self.cli_cpu_s:.0f})",
                f"{self.service_s:.1f}", f"{self.ratio:.2f} ({self.cpu_ratio:.2f})",
                f"{self.lufs:.1f}", f"{self.true_peak:.1f}",
                f"{self.mbps:.1f} / {self.service_mbps:.1f}", f"{self.vmaf:.1f}",
                self.colour if self.profile == "High" else f"{self.profile}, {self.colour}",
                f"{self.load:.1f}"]


COLUMNS = ["class", "out", "CLI ready s (CPU s)", "service ready s",
           "render/floor (CPU)", "LUFS", "dBTP", "Mbit/s CLI / service", "VMAF",
           "High, tags", "load"]


def timeline_rows(cls: footage.InputClass) -> list[dict[str, object]]:
    """A metric timeline matching the recording: the product pinned when it is held up
    (12 s; 2 s in a short recording), clicks with the pin, orders 8 s later."""
    bucket = 1 if cls.seconds < 20 else 4
    pin = 2 if cls.seconds < 20 else 12
    rows: list[dict[str, object]] = []
    for t in range(0, int(cls.seconds), bucket):
        on = pin <= t < pin + 16
        sold = pin + 8 <= t < pin + 24
        rows.append({"t": t, "viewers": 150, "product_impressions": 300 + (200 if on else 0),
                     "product_clicks": 2 + (9 if on else 0), "orders": 8 if sold else 0,
                     "gmv": 120000 if sold else 0, "comments": 3 + (4 if on else 0),
                     "likes": 10, "pinned_product": "SKU-SERUM-30ML" if on else ""})
    return rows


def write_timeline(rows: Sequence[dict[str, object]], path: Path) -> Path:
    """The rows as the platform's CSV export (what ``cuplik render --timeline`` reads)."""
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished children (ffmpeg, the
    CLI): on a shared machine steadier than wall time."""
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                 resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def cli_teaser(src: Path, timeline: Path, out: Path) -> tuple[float, float, dict[str, object]]:
    """``cuplik render`` in a process of its own, as a seller runs it: (wall s, CPU s,
    its JSON report). The CLI never reads a saved analysis."""
    argv = [sys.executable, "-m", "cuplik.cli", "render", str(src), "--timeline",
            str(timeline), "--plan-start", PLAN_START, "--title", "Serum Glow Flash Sale",
            "--product", "Serum Glow Vitamin C 30 ml", "--offer", "Diskon 30% hanya saat LIVE",
            "-o", str(out), "--json"]
    cpu, started = cpu_seconds(), time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=900)
    wall, used = time.perf_counter() - started, cpu_seconds() - cpu
    if proc.returncode != 0:
        raise RuntimeError(f"cuplik render {src.name}: {proc.stderr.strip()[-800:]}")
    return wall, used, json.loads(proc.stdout)


def paired_ratio(edit: EditList, work: Path
                 ) -> tuple[float, float, float, float, dict[str, float]]:
    """(wall ratio, CPU ratio, best render s, best floor s, the last render's stages):
    the full render and the bare floor alternated ``PAIRS`` times, the medians of the
    paired ratios."""
    walls, cpus, renders, floors = [], [], [], []
    stages: dict[str, float] = {}
    for _ in range(PAIRS):
        cpu, started = cpu_seconds(), time.perf_counter()
        ffmpeg.run(["-y", *graph.build_render_args(edit, graph.Assets(), work / "floor.mp4",
                                            bare=True)], timeout=900)
        floor_s, floor_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        cpu, started = cpu_seconds(), time.perf_counter()
        stages = render.render(edit, work / "teaser.mp4", work / "teaser.jpg",
                               timeout=900).timings
        render_s, render_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        walls.append(render_s / floor_s)
        cpus.append(render_cpu / floor_cpu)
        renders.append(render_s)
        floors.append(floor_s)
    return (statistics.median(walls), statistics.median(cpus), min(renders), min(floors),
            stages)


def lossless(edit: EditList, work: Path) -> Path:
    """The same edit list's picture (cut, framing, overlays) rendered losslessly: the
    reference VMAF compares with (its sound is silence: VMAF looks at the picture)."""
    assets = render.prepare_assets(edit, work)
    silence = work / "silence.f32"
    np.zeros((sum(render.segment_samples(edit)), 2), np.float32).tofile(silence)
    ref = work / "lossless.mkv"
    args = graph.build_render_args(edit, assets, ref, sound=silence)
    i = args.index("-crf")
    args[i:i + 2] = ["-qp", "0"]
    args[args.index("-preset") + 1] = "ultrafast"
    for flag in ("-profile:v", "-x264-params", "-movflags"):
        if flag in args:
            j = args.index(flag)
            del args[j:j + 2]
    args[args.index("mp4")] = "matroska"
    ffmpeg.run(["-y", *args], timeout=1800)
    return ref


def vmaf(distorted: Path, reference: Path) -> float:
    """VMAF (v0.6.1 model) of ``distorted`` against ``reference``, every
    ``VMAF_SUBSAMPLE``-th frame."""
    proc = subprocess.run(
        [binary(), "-nostdin", "-hide_banner", "-i", str(distorted), "-i", str(reference),
         "-lavfi", "[0:v]setpts=PTS-STARTPTS[d];[1:v]setpts=PTS-STARTPTS[r];"
         f"[d][r]libvmaf=n_subsample={VMAF_SUBSAMPLE}:n_threads=2", "-f", "null", "-"],
        capture_output=True, text=True, check=True)
    found = re.search(r"VMAF score: ([\d.]+)", proc.stderr)
    if not found:
        raise RuntimeError(f"no VMAF score: {proc.stderr[-800:]}")
    return float(found.group(1))


def loudness(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of ``path`` by ffmpeg's ebur128."""
    proc = subprocess.run([binary(), "-nostdin", "-hide_banner", "-i", str(path), "-vn", "-af",
                           "ebur128=peak=true", "-f", "null", "-"],
                          capture_output=True, text=True, check=True)
    summary = proc.stderr[proc.stderr.rindex("Summary:"):]
    lufs = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not (lufs and peak):
        raise RuntimeError(f"no loudness summary for {path.name}")
    return float(lufs.group(1)), float(peak.group(1))


def stream_facts(path: Path) -> tuple[str, str, float]:
    """(H.264 profile, colour tags, picture Mbit/s) of a rendered teaser, by probing it."""
    with av.open(str(path)) as c:
        vs = c.streams.video[0]
        cc = vs.codec_context
        seconds = (float(vs.duration * vs.time_base) if vs.duration and vs.time_base
                   else float(c.duration or 0) / 1e6)
        size = sum(p.size for p in c.demux(vs) if p.size)
        tags = {str(getattr(cc, k, "") or "").lower()
                for k in ("color_primaries", "color_trc", "colorspace")}
    colour = "bt709" if tags and tags <= {"bt709", "1"} else "/".join(sorted(tags)) or "none"
    return str(cc.profile), colour, round(size * 8 / seconds / 1e6, 2)


def run_class(cls: footage.InputClass, work: Path, service: ServicePath) -> ClassResult:
    """Everything measured for one input class, back to back."""
    src = footage.make(cls, CACHE)
    rows = timeline_rows(cls)
    out = work / cls.name
    out.mkdir(exist_ok=True)
    cli_s, cli_cpu, report = cli_teaser(src, write_timeline(rows, out / "timeline.csv"),
                                        out / "cli.mp4")
    service_s, served = service.teaser(src, rows, out / "service.mp4")
    edit = EditList.load(Path(str(report["edit_list"])))
    ratio, cpu_ratio, render_s, floor_s, stages = paired_ratio(edit, out)
    teaser = out / "teaser.mp4"
    lufs, peak = loudness(teaser)
    profile, colour, mbps = stream_facts(teaser)
    s_profile, s_colour, s_mbps = stream_facts(served)
    if (s_profile, s_colour) != (profile, colour):
        profile, colour = f"{profile}/{s_profile}", f"{colour}/{s_colour}"
    timings = report["timings_s"]
    assert isinstance(timings, dict)
    return ClassResult(
        name=cls.name, label=cls.label, output=f"{edit.output.width}x{edit.output.height}",
        cli_s=cli_s, cli_cpu_s=cli_cpu, service_s=service_s, ratio=ratio,
        cpu_ratio=cpu_ratio, render_s=render_s, floor_s=floor_s, lufs=lufs, true_peak=peak,
        mbps=mbps, service_mbps=s_mbps, vmaf=vmaf(teaser, lossless(edit, out)),
        profile=profile, colour=colour, load=os.getloadavg()[0], cli_timings=timings,
        render_stages=stages)


class ServicePath:
    """One ``cuplik serve`` (API, worker and embedded Redis, its own VAR_DIR) for the
    whole stage, and a seller's key on it."""

    def __init__(self, client: Client, key: str) -> None:
        self.client, self.key = client, key

    def teaser(self, src: Path, rows: Sequence[dict[str, object]],
               out: Path) -> tuple[float, Path]:
        """Upload ``src`` (its ingest analyses it: not timed), record its session, then
        time ``POST /v1/teasers`` until ready; the teaser is downloaded to ``out``."""
        call = self.client.call
        status, up = call("POST", "/v1/footage", key=self.key, data=src.read_bytes(),
                          headers={"Content-Type": "application/octet-stream"})
        if status != 202:
            raise RuntimeError(f"upload of {src.name}: {status} {up}")
        while up["status"] == "uploaded":
            time.sleep(0.5)
            up = call("GET", f"/v1/footage/{up['id']}", key=self.key)[1]
        if up["status"] != "ready":
            raise RuntimeError(f"ingest of {src.name}: {up}")
        status, live = call("POST", "/v1/sessions", key=self.key, body={
            "title": src.stem, "started_at": "2026-11-20T19:00:00+07:00",
            "timeline": list(rows), "footage_id": up["id"]})
        if status != 201:
            raise RuntimeError(f"session for {src.name}: {status} {live}")
        started = time.perf_counter()
        status, teaser = call("POST", "/v1/teasers", key=self.key,
                              body={"session_id": live["id"]})
        if status != 202:
            raise RuntimeError(f"teaser of {src.name}: {status} {teaser}")
        while teaser["status"] in ("queued", "running"):
            time.sleep(0.05)
            teaser = call("GET", f"/v1/teasers/{teaser['id']}", key=self.key)[1]
        took = time.perf_counter() - started
        if teaser["status"] != "ready":
            raise RuntimeError(f"teaser of {src.name}: {teaser.get('error')}")
        link = self.client.base + teaser["links"]["download"]
        with urllib.request.urlopen(link, timeout=120) as resp:
            out.write_bytes(resp.read())
        return took, out


def results(names: set[str] | None = None
            ) -> tuple[list[ClassResult], dict[str, str]]:
    """Every class (or those in ``names``) measured, one after another; and the classes
    that did not render end to end, with what went wrong (a finding, not a crash)."""
    classes = [c for c in footage.CLASSES if names is None or c.name in names]
    done: list[ClassResult] = []
    failed: dict[str, str] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="eval-render-") as tmp:
        work = Path(tmp)
        (work / "service").mkdir()
        with serve(work / "service", worker=True) as client:
            path = ServicePath(client, client.key("eval-render"))
            for cls in classes:
                try:
                    r = run_class(cls, work, path)
                except (RuntimeError, InputError, RenderError, FfmpegError,
                        subprocess.CalledProcessError) as exc:
                    failed[cls.name] = str(exc).splitlines()[0][:300]
                    print(f"render stage: {cls.name} FAILED: {exc}", file=sys.stderr,
                          flush=True)
                    continue
                done.append(r)
                print(f"render stage: {' | '.join(r.row())}", file=sys.stderr, flush=True)
                save_figures(done, failed, time.perf_counter() - started)
    return done, failed


def save_figures(done: Sequence[ClassResult], failed: dict[str, str], took: float) -> None:
    """Every figure so far (stage timings too), rewritten after each class so a run cut
    short keeps what it measured: bench/baselines/eval_render.json is the last run's copy
    (``--figures`` prints its table again)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "render-figures.json").write_text(json.dumps(
        {"took_s": round(took), "classes": [r.__dict__ for r in done], "failed": failed},
        indent=1) + "\n")


def stage(done: Sequence[ClassResult], took_s: float,
          failed: dict[str, str] | None = None) -> Stage:
    """The table and its goals (``failed``: classes that did not render, and why)."""
    failed = failed or {}
    rendered = Goal("every input class rendered end to end",
                    f"{len(done)} of {len(done) + len(failed)}"
                    + (f", failed: {', '.join(failed)}" if failed else ""), "all",
                    not failed)
    if not done:
        return Stage(title="Render: no input class rendered", columns=["class", "failure"],
                     rows=[[k, v] for k, v in failed.items()], goals=[rendered])

    def worst(key: str, over: bool = True) -> ClassResult:
        pick = max if over else min
        return pick(done, key=lambda r: getattr(r, key))

    def missed(ok: object) -> str:
        names = [r.name for r in done if not ok(r)]  # type: ignore[operator]
        return f", missed by {len(names)} of {len(done)}: {', '.join(names)}" if names else ""

    def ready_cli(r: ClassResult) -> bool:
        return r.cli_s <= READY_GOAL_S

    def ready_service(r: ClassResult) -> bool:
        return r.service_s <= READY_GOAL_S

    def ratio_ok(r: ClassResult) -> bool:
        return r.cpu_ratio <= RATIO_GOAL

    def sound_ok(r: ClassResult) -> bool:
        return -15.0 <= r.lufs <= -13.0 and r.true_peak <= -1.0

    def vmaf_ok(r: ClassResult) -> bool:
        return r.vmaf >= VMAF_GOAL

    def tags_ok(r: ClassResult) -> bool:
        return r.profile == "High" and r.colour == "bt709"

    slow_cli, slow_service = worst("cli_s"), worst("service_s")
    goals = [
        rendered,
        Goal("request-to-ready, `cuplik render` without a saved analysis, worst class",
             f"{slow_cli.cli_s:.1f} s ({slow_cli.name}){missed(ready_cli)}", "≤ 10 s",
             all(map(ready_cli, done))),
        Goal("request-to-ready through the service, analysis saved at upload, worst class",
             f"{slow_service.service_s:.1f} s ({slow_service.name}){missed(ready_service)}",
             "≤ 10 s", all(map(ready_service, done))),
        Goal("render / bare floor, CPU s (paired median), worst class",
             f"{worst('cpu_ratio').cpu_ratio:.2f} ({worst('cpu_ratio').name})"
             f"{missed(ratio_ok)}", "≤ 1.15", all(map(ratio_ok, done))),
        Goal("loudness and true peak, every class",
             f"{min(r.lufs for r in done):.1f} to {max(r.lufs for r in done):.1f} LUFS, "
             f"peak ≤ {max(r.true_peak for r in done):.1f} dBTP{missed(sound_ok)}",
             "-14 ± 1 LUFS, ≤ -1 dBTP", all(map(sound_ok, done))),
        Goal("VMAF against a lossless render of the same edit list, worst class",
             f"{worst('vmaf', over=False).vmaf:.1f} ({worst('vmaf', over=False).name})"
             f"{missed(vmaf_ok)}", "≥ 93", all(map(vmaf_ok, done))),
        Goal("High profile and BT.709 tags, CLI and service outputs",
             f"{sum(map(tags_ok, done))} of {len(done)}{missed(tags_ok)}", "every output",
             all(map(tags_ok, done))),
    ]
    loads = [r.load for r in done]
    return Stage(
        title=f"Render: one 40 s teaser per input class ({len(done)} classes), end to end",
        columns=COLUMNS, rows=[r.row() for r in done], goals=goals,
        notes=[f"{took_s / 60:.0f} min for the stage on 2 cores shared with other engineers "
               f"(load {min(loads):.1f}-{max(loads):.1f} over it); wall times move with "
               "the load, ratios are paired in one run",
               "render/floor: the CLI's edit list rendered again right after its bare floor "
               f"(same cut, crop, size and encoder), {PAIRS} pairs, median of the wall ratios "
               "(of the CPU ratios in brackets: the goal, as wall ratios at this load swing "
               "0.97-1.50 for the same class from run to run)",
               "CPU s on busy cores overstate what idle ones take (shared caches and cores)",
               "Mbit/s of the picture; VMAF every 5th frame against a lossless render of the "
               "same edit list (CLI teaser)",
               "the service's teaser has no LIVE card (no plan); the CLI's has card, "
               "product and offer; both have the arrow, call to action and music",
               *(f"{k} failed: {v}" for k, v in failed.items())])


def run(names: set[str] | None = None) -> Stage:
    """The stage as ``make eval`` runs it."""
    started = time.perf_counter()
    done, failed = results(names)
    took = time.perf_counter() - started
    save_figures(done, failed, took)
    return stage(done, took, failed)


def main(argv: list[str] | None = None) -> int:
    from eval.table import render as table

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--classes", help="comma-separated class names (default: all)")
    parser.add_argument("--figures", type=Path,
                        help="no renders: the table of a saved run's figures (render-figures.json)")
    args = parser.parse_args(argv)
    if args.figures:
        saved = json.loads(args.figures.read_text())
        result = stage([ClassResult(**r) for r in saved["classes"]], saved["took_s"],
                       saved.get("failed"))
    else:
        result = run(set(args.classes.split(",")) if args.classes else None)
    print(table(result))
    return 0 if result.met else 1


if __name__ == "__main__":
    sys.exit(main())
