"""A past session's recording with no saved analysis: the picture still vetoes what the
metrics alone would pick, and the teaser is reframed from what was looked at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.footage import make_clip
from worker.pipeline import TeaserInput, plan_teaser
from worker.probe import probe

pytestmark = pytest.mark.integration

BLACK = (60, 90)  # the camera was covered here, while sales peaked


def rows(seconds: int) -> list[dict[str, Any]]:
    """Per-10 s rows: orders and clicks peak at 60-90 s, a smaller rise at 130-150 s."""
    out: list[dict[str, Any]] = []
    for t in range(0, seconds, 10):
        peak = BLACK[0] <= t < BLACK[1]
        rise = 130 <= t < 150
        out.append({"t": t, "viewers": 100, "orders": 9 if peak else 4 if rise else 1,
                    "product_clicks": 40 if peak else 15 if rise else 3, "comments": 2})
    return out


@pytest.fixture(scope="module")
def covered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("session") / "live.mp4"
    return make_clip(path, seconds=180, size="640x360", extra=[
        "-vf", f"drawbox=t=fill:c=black:enable='between(t,{BLACK[0]},{BLACK[1]})'"])


def test_black_picture_is_vetoed_though_the_metrics_peak_there(covered: Path) -> None:
    edit, _ = plan_teaser(probe(covered), TeaserInput(covered, timeline_rows=rows(180),
                                                      target_seconds=20, music="none"))
    assert edit.segments, "no teaser"
    for seg in edit.segments:
        overlap = min(seg.end, BLACK[1]) - max(seg.start, BLACK[0])
        assert overlap <= 0.5, f"{seg.start}-{seg.end} shows the covered camera"
    assert 15 <= edit.duration <= 25


def test_landscape_session_is_reframed_from_what_was_looked_at(covered: Path) -> None:
    edit, _ = plan_teaser(probe(covered), TeaserInput(covered, timeline_rows=rows(180),
                                                      target_seconds=20, music="none"))
    # Every segment carries a crop chosen from its picture (not the blind centre crop).
    assert all(seg.crop is not None for seg in edit.segments)
    assert all(seg.crop.w <= 640 and seg.crop.h <= 360 for seg in edit.segments
               if seg.crop is not None)


def test_portrait_session_is_looked_at_without_searching_for_faces(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 9:16 phone recording is never cropped to follow a face (only punched in on its
    centre), so the look that picks its cut points does not pay for face detection
    (most of a look's CPU on a real face)."""
    from worker import features

    portrait = make_clip(tmp_path / "phone.mp4", seconds=60, size="360x640")
    searched: list[tuple[int, int]] = []
    real = features.faces

    def spy(gray: np.ndarray) -> list[tuple[float, float, float, float]]:
        searched.append(gray.shape)
        return real(gray)

    monkeypatch.setattr(features, "faces", spy)
    edit, _ = plan_teaser(probe(portrait), TeaserInput(portrait, timeline_rows=rows(60),
                                                       target_seconds=20, music="none"))
    assert edit.segments
    assert searched == []
    # A landscape recording still is: its crop follows the person.
    wide = make_clip(tmp_path / "wide.mp4", seconds=60, size="640x360")
    plan_teaser(probe(wide), TeaserInput(wide, timeline_rows=rows(60), target_seconds=20,
                                         music="none"))
    assert searched


def test_an_analysis_saved_for_another_file_is_not_trusted_and_the_report_says_so(
        covered: Path, tmp_path: Path) -> None:
    from worker.analysis import analyse

    other = make_clip(tmp_path / "other.mp4", seconds=12, size="320x180")
    saved = tmp_path / "saved.analysis.npz"
    analyse(other).save(saved)  # as if the upload had been replaced after its ingest
    edit, _ = plan_teaser(probe(covered), TeaserInput(covered, timeline_rows=rows(180),
                                                      analysis_path=saved, target_seconds=20,
                                                      music="none"))
    assert any("changed since it was analysed" in n for n in edit.notes), edit.notes
    for seg in edit.segments:  # looked at again: the covered camera is still vetoed
        assert min(seg.end, BLACK[1]) - max(seg.start, BLACK[0]) <= 0.5
