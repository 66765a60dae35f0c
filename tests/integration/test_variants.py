"""A plan's two teasers from one session: the hour-before one shows other moments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.footage import make_clip
from worker.pipeline import TeaserInput, make_teaser

pytestmark = pytest.mark.integration


def two_peak_rows(seconds: int, peaks: dict[int, str], bucket: int = 10) -> list[dict[str, Any]]:
    """Per-10 s rows with a pinned product-click peak at each of ``peaks``."""
    rows: list[dict[str, Any]] = []
    for t in range(0, seconds, bucket):
        hot = any(at <= t < at + 20 for at in peaks)
        rows.append({"t": t, "viewers": 100, "product_clicks": 30 if hot else 2,
                     "comments": 12 if hot else 2, "pinned_product": peaks.get(t, "")})
    return rows


def test_day_before_and_hour_before_teasers_differ_and_both_open_on_a_product(
        tmp_path: Path) -> None:
    rec = make_clip(tmp_path / "live.mp4", seconds=120, size="320x180")
    rows = two_peak_rows(120, {20: "SKU-A", 80: "SKU-B"})
    reports = [make_teaser(TeaserInput(rec, timeline_rows=rows, target_seconds=20, music="none",
                                       variant=v), tmp_path / f"v{v}.mp4", tmp_path / f"v{v}.jpg")
               for v in (0, 1)]
    spans = [[(s["start"], s["end"]) for s in r.segments] for r in reports]
    assert spans[0] != spans[1]
    for report in reports:
        assert 15 <= report.duration_s <= 25
        opening = report.segments[0]
        assert "product pinned: SKU-" in opening["reason"]
        assert any(opening["start"] <= at + 1 and at - 1 <= opening["start"]
                   for at in (20, 80))  # starts on a pin: a product in the first 3 s
    # Both peaks fit in the first 20 s teaser, so the second opens on the peak the first
    # shows later (not on the same opening) and says it repeats a product moment.
    assert reports[0].segments[0]["reason"] != reports[1].segments[0]["reason"]
    assert any("also in the other teaser" in n for n in reports[1].notes)
