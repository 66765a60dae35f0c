"""``cuplik render``: cut and render one teaser from a recording on this machine.

Exit 0 on success; 2 on bad input, with one line saying what is wrong and what to do;
1 when rendering itself failed. Nothing is left at the output path on failure.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``cuplik render``."""
    p.add_argument("recording", nargs="?", type=Path, help="the LIVE recording or footage")
    p.add_argument("--timeline", type=Path, help="metric timeline (CSV or JSON); without it "
                   "moments are ranked from picture and sound")
    p.add_argument("--edit-list", type=Path, help="re-render this saved edit list exactly")
    p.add_argument("--plan-start", help="LIVE start for the sticker, e.g. 2026-11-23T19:00")
    p.add_argument("--tz", default="Asia/Jakarta", help="time zone of --plan-start")
    p.add_argument("--lang", default="id", choices=["id", "en"],
                   help="language of the sticker and of the report's reasons and notes")
    p.add_argument("--title", help="the LIVE's title, on the LIVE card under its time")
    p.add_argument("--product", help="the featured product's name, shown when the opening "
                   "moment starts")
    p.add_argument("--offer", help="the LIVE-only offer as it should read, e.g. "
                   "'Diskon 30%% hanya saat LIVE'")
    p.add_argument("--captions", type=Path, help="timed transcript of the recording "
                   "(WebVTT or SRT), shown as captions")
    p.add_argument("--target-seconds", type=float, default=40.0)
    p.add_argument("--music", default="auto", help="auto, none, or a bed name")
    p.add_argument("--product-image", type=Path,
                   help="the pinned product's catalogue picture: the crop keeps it in view")
    p.add_argument("-o", "--output", type=Path, required=True, help="output MP4 path")
    p.add_argument("--json", action="store_true", help="print one JSON report on stdout")
    p.add_argument("--plan-only", action="store_true",
                   help="choose the moments, print the report and write OUT.editlist.json "
                   "without rendering (render it later with --edit-list)")


def _fail(message: str, code: int) -> int:
    print(f"cuplik render: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    """Run the render; see the module docstring for exit codes."""
    from worker.errors import InputError, RenderError
    from worker.ffmpeg import FfmpegError

    # The command says what went wrong on one line of its own; the pipeline's log lines
    # (for a service's operator) stay out of the seller's terminal.
    logging.getLogger("worker").setLevel(logging.CRITICAL)
    out: Path = args.output
    if out.suffix.lower() != ".mp4":
        return _fail(f"{out}: the output must be an .mp4 path", 2)
    poster = out.with_suffix(".jpg")
    progress = _ProgressBar(enabled=sys.stderr.isatty())
    try:
        if args.edit_list is not None:
            report = _rerender(args.edit_list, out, poster, progress)
        elif args.recording is None:
            return _fail("give a RECORDING or --edit-list FILE", 2)
        else:
            from worker.pipeline import TeaserInput, make_teaser, plan_only

            inp = TeaserInput(args.recording, timeline_path=args.timeline,
                              sticker_text=_sticker(args), target_seconds=args.target_seconds,
                              music=args.music, lang=args.lang,
                              product_image=args.product_image, on_screen=_on_screen(args))
            edit_list = out.with_suffix(".editlist.json")
            report = (plan_only(inp, out, poster, edit_list_path=edit_list) if args.plan_only
                      else make_teaser(inp, out, poster, edit_list_path=edit_list,
                                       on_progress=progress.update)).to_json()
    except InputError as exc:
        return _fail(str(exc), 2)
    except (RenderError, FfmpegError) as exc:
        return _fail(f"rendering failed: {exc}", 1)
    finally:
        progress.close()
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_summary(report)
    return 0


def _sticker(args: argparse.Namespace) -> str | None:
    from worker.errors import InputError

    if not args.plan_start:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from domain.errors import DomainError
    from domain.wording import live_sticker_text

    try:
        start = datetime.fromisoformat(args.plan_start)
        if start.tzinfo is None:
            start = start.replace(tzinfo=ZoneInfo(args.tz))
        return live_sticker_text(start, args.tz, args.lang)
    except ValueError as exc:
        raise InputError(f"--plan-start {args.plan_start!r} is not a date and time; "
                         "write it like 2026-11-23T19:00") from exc
    except (ZoneInfoNotFoundError, DomainError) as exc:
        raise InputError(f"--tz {args.tz!r}: {exc}") from exc


def _on_screen(args: argparse.Namespace) -> Any:
    """The card's title, product, offer and captions from the options."""
    from domain.captions import parse_captions
    from domain.errors import DomainError
    from worker.errors import InputError
    from worker.pipeline import OnScreen

    captions: tuple[Any, ...] = ()
    if args.captions is not None:
        try:
            captions = parse_captions(args.captions.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"--captions {args.captions}: cannot be read as UTF-8 text "
                             f"({exc}); give a WebVTT or SRT file") from exc
        except DomainError as exc:
            raise InputError(f"--captions {args.captions}: {exc}") from exc
    return OnScreen(title=args.title, product=args.product, offer=args.offer, lang=args.lang,
                    captions=captions)


def _rerender(edit_path: Path, out: Path, poster: Path, progress: _ProgressBar) -> dict[str, Any]:
    from worker.editlist import EditList
    from worker.errors import InputError
    from worker.pipeline import render_edit_list, report_for

    try:
        edit = EditList.load(edit_path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{edit_path}: not a readable edit list ({exc}); give a file "
                         "written by cuplik render") from exc
    started = time.perf_counter()
    result = render_edit_list(edit, out, poster,
                              on_progress=lambda f: progress.update("render", f))
    total = round(time.perf_counter() - started, 3)
    return report_for(edit, result, {"render": total, "total": total}, edit_path).to_json()


def _print_summary(report: dict[str, Any]) -> None:
    if report.get("rendered", True):
        print(f"teaser: {report['output']} ({report['duration_s']:.1f} s, "
              f"{report['width']}x{report['height']})")
        print(f"poster: {report['poster']}")
    else:
        print(f"planned: {report['duration_s']:.1f} s, {report['width']}x{report['height']}; "
              f"edit list {report['edit_list']} (render it with --edit-list)")
    for i, s in enumerate(report["segments"], 1):
        print(f"  {i}. {s['start']:8.1f}-{s['end']:8.1f} s  score {s['score']:.2f}  {s['reason']}")
    for note in report.get("notes", []):
        print(f"  note: {note}")
    for name, lag in report.get("lags_s", {}).items():
        print(f"  {name} counted {lag:.0f} s after the moment")
    print(f"took {report['timings_s']['total']:.1f} s")


class _ProgressBar:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._last = -1

    def update(self, stage: str, fraction: float) -> None:
        if not self.enabled:
            return
        pct = int(fraction * 100)
        if pct == self._last:
            return
        self._last = pct
        bar = "#" * (pct // 4)
        sys.stderr.write(f"\r{stage:<8} [{bar:<25}] {pct:3d}%")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self._last >= 0:
            sys.stderr.write("\n")
