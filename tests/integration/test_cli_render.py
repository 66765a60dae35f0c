"""``cuplik render`` as a seller's tooling runs it: real ffmpeg on generated footage."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.footage import make_clip
from worker.probe import probe

pytestmark = pytest.mark.integration


def cuplik(*args: str | Path, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cuplik.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def write_timeline(path: Path, seconds: int, peak_at: int, bucket: int = 10) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["t", "viewers", "product_clicks", "orders", "gmv", "comments",
                    "pinned_product"])
        for t in range(0, seconds, bucket):
            hot = peak_at <= t < peak_at + 20
            w.writerow([t, 100, 30 if hot else 2, 0, 0, 12 if hot else 2,
                        "SKU-1" if t == peak_at else ""])
    return path


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("session")
    rec = make_clip(d / "live.mp4", seconds=90, size="640x360")
    return rec, write_timeline(d / "timeline.csv", 90, peak_at=50)


def test_render_reports_a_9x16_teaser_that_opens_on_the_product_moment(
        session: tuple[Path, Path], tmp_path: Path) -> None:
    rec, timeline = session
    out = tmp_path / "teaser.mp4"
    captions = tmp_path / "live.srt"
    captions.write_text("1\n00:00:50,500 --> 00:00:53,000\nNah kak, ini dia!\n\n"
                        "2\n00:05:00,000 --> 00:05:02,000\nafter the recording\n")
    r = cuplik("render", rec, "--timeline", timeline, "--plan-start", "2026-11-28T19:00",
               "--tz", "Asia/Jakarta", "--target-seconds", "20", "-o", out, "--json",
               "--captions", captions, "--title", "Flash Sale Sabtu", "--product", "Serum",
               "--offer", "Diskon 30% hanya saat LIVE")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["on_screen"]["title"] == "Flash Sale Sabtu"
    assert report["on_screen"]["offer"] == "Diskon 30% hanya saat LIVE"
    assert report["on_screen"]["captions"] == 1  # what is said inside the teaser's moments
    assert report["on_screen"]["cta"] == "Ketuk untuk masuk LIVE"
    assert set(report) >= {"output", "poster", "duration_s", "width", "height", "segments",
                           "timings_s"}
    assert set(report["timings_s"]) >= {"probe", "rank", "render", "total"}
    info = probe(out)
    assert (info.width, info.height) == (720, 1280)
    assert abs(info.duration - report["duration_s"]) < 0.5
    assert 17 <= info.duration <= 23
    first = report["segments"][0]
    assert first["start"] <= 51 <= first["end"], "the teaser must open on the pinned product"
    assert all(s["reason"] for s in report["segments"])
    assert Path(report["poster"]).stat().st_size > 0
    # The saved edit list re-renders the same teaser.
    again = tmp_path / "again.mp4"
    r2 = cuplik("render", "--edit-list", out.with_suffix(".editlist.json"), "-o", again, "--json")
    assert r2.returncode == 0, r2.stderr
    assert json.loads(r2.stdout)["segments"] == report["segments"]
    assert abs(probe(again).duration - info.duration) < 0.1


@pytest.mark.parametrize("case, expected", [
    ("not_video", "not a video file"),
    ("too_short", "at least 3 s"),
    ("no_video_stream", "no video stream"),
    ("timeline_past_end", "timeline"),
    ("negative", "negative"),
    ("bad_captions", "line 2"),
])
def test_bad_input_exits_2_with_one_clear_line_and_leaves_no_output(
        case: str, expected: str, session: tuple[Path, Path], tmp_path: Path) -> None:
    rec, timeline = session
    if case == "not_video":
        rec = tmp_path / "notes.mp4"
        rec.write_text("this is not a video")
    elif case == "too_short":
        rec = make_clip(tmp_path / "short.mp4", seconds=2, size="320x180")
    elif case == "no_video_stream":
        rec = tmp_path / "audio.m4a"
        subprocess.run([sys.executable, "-c", "from tests.footage import binary; import sys, "
                        "subprocess; subprocess.run([binary(), '-v', 'error', '-f', 'lavfi', "
                        "'-i', 'sine=d=5', sys.argv[1]], check=True)", str(rec)], check=True)
    elif case == "timeline_past_end":
        timeline = write_timeline(tmp_path / "long.csv", 400, peak_at=300)
    elif case == "negative":
        timeline = tmp_path / "neg.csv"
        timeline.write_text("t,viewers,orders\n0,10,1\n10,10,-3\n")
    extra: list[str | Path] = []
    if case == "bad_captions":
        extra = ["--captions", tmp_path / "live.vtt"]
        (tmp_path / "live.vtt").write_text("WEBVTT\n00:00:01.000 --> 00:00:00.500\nhi\n")
    out = tmp_path / "out.mp4"
    r = cuplik("render", rec, "--timeline", timeline, "-o", out, *extra)
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and expected in lines[0].lower(), r.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".out*")), "no temporary file left behind"


def test_a_recording_over_the_duration_limit_is_refused_before_decoding(
        session: tuple[Path, Path], tmp_path: Path) -> None:
    rec, timeline = session
    out = tmp_path / "out.mp4"
    r = cuplik("render", rec, "--timeline", timeline, "-o", out, env={"MAX_DURATION_S": "60"})
    assert r.returncode == 2
    assert "over the limit of 1 min" in r.stderr, r.stderr
    assert not out.exists()


def test_a_product_image_that_is_no_picture_is_refused_with_what_to_do(tmp_path: Path) -> None:
    rec = make_clip(tmp_path / "short.mp4", seconds=6, size="320x180")
    bad = tmp_path / "product.png"
    bad.write_bytes(b"<html>not a picture</html>")
    out = tmp_path / "t.mp4"
    r = cuplik("render", rec, "--product-image", bad, "-o", out)
    assert r.returncode == 2, r.stderr
    assert "product image cannot be read" in r.stderr and "JPEG or PNG" in r.stderr
    assert not out.exists()


def test_plan_only_prints_the_report_and_writes_the_edit_list_without_rendering(
        session: tuple[Path, Path], tmp_path: Path) -> None:
    rec, timeline = session
    out = tmp_path / "teaser.mp4"
    r = cuplik("render", rec, "--timeline", timeline, "--target-seconds", "20", "--lang", "id",
               "-o", out, "--json", "--plan-only")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert not out.exists() and not out.with_suffix(".jpg").exists()
    assert report["rendered"] is False and report["lang"] == "id"
    assert "render" not in report["timings_s"]
    first = report["segments"][0]
    assert first["start"] <= 51 <= first["end"]
    assert first["reason"].startswith("produk di-pin: SKU-1")
    assert set(report["lags_s"]) >= {"comments"}
    saved = json.loads(out.with_suffix(".editlist.json").read_text())
    assert [(s["start"], s["end"]) for s in saved["segments"]] == [
        (s["start"], s["end"]) for s in report["segments"]]
    text = cuplik("render", rec, "--timeline", timeline, "--target-seconds", "20",
                  "-o", out, "--plan-only")
    assert text.returncode == 0 and "planned: " in text.stdout and not out.exists()
