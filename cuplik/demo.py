"""``cuplik demo``: generate a sample past LIVE session and make its teaser.

By default it goes through the service, as a seller would: it starts ``cuplik serve``
(embedded Redis, SQLite, local media folder), creates an API key, uploads the sample
recording, registers the session with its timeline, creates a LIVE plan with automatic
teasers, follows their progress, downloads them and prints where they are.
``--local`` renders the teaser in this process instead (no service).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cuplik.samples import make_recording, make_timeline


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``cuplik demo``."""
    p.add_argument("--dir", type=Path, default=Path("var/demo"), help="where to work")
    p.add_argument("--local", action="store_true", help="render here, without the service")


def run(args: argparse.Namespace) -> int:
    """Run the demo; 0 on success."""
    work: Path = args.dir
    print("cuplik demo: generating a sample past LIVE session (6 min, 720p, speech) ...",
          file=sys.stderr)
    recording = make_recording(work)
    timeline = make_timeline(work / "timeline.csv")
    if args.local:
        return _local(recording, timeline, work)
    from cuplik.demo_service import run_through_service

    return run_through_service(recording, timeline, work)


def _local(recording: Path, timeline: Path, work: Path) -> int:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from domain.wording import live_sticker_text
    from worker.pipeline import TeaserInput, make_teaser

    tz = "Asia/Jakarta"
    start = (datetime.now(ZoneInfo(tz)) + timedelta(days=2)).replace(
        hour=19, minute=0, second=0, microsecond=0)
    out = work / "teaser.mp4"
    inp = TeaserInput(recording, timeline_path=timeline,
                      sticker_text=live_sticker_text(start, tz, "id"))
    report = make_teaser(inp, out, out.with_suffix(".jpg"),
                         edit_list_path=out.with_suffix(".editlist.json"))
    print(f"teaser: {Path(report.output).resolve()}")
    print(f"poster: {Path(report.poster).resolve()}")
    print(f"{report.duration_s:.1f} s, {report.width}x{report.height}, "
          f"made in {report.timings_s['total']:.1f} s; moments:")
    for s in report.segments:
        print(f"  {s['start']:6.1f}-{s['end']:6.1f} s  {s['reason']}")
    return 0
