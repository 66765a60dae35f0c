"""A source the pipeline cannot use is refused in the seller's words in both languages: a
failed render's page then reads wholly in Indonesian (before, it said "Sumber teaser ini
tidak bisa dipakai:" and then the English)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from tests.unit.worker.test_footage_ranking import synthetic_analysis
from worker import footage_ranking, pipeline, product, ranking
from worker.errors import InputError
from worker.failures import render_failure
from worker.timeline import parse_timeline, timeline_from_rows


def _timeline_past_its_recording(_: Path) -> None:
    timeline_from_rows([{"t": m * 60, "orders": 1} for m in range(121)]).check_within(3600)


def _bad_timeline_row(_: Path) -> None:
    timeline_from_rows([{"t": 0}, {"t": 60, "likes": -1}])


def _bad_timeline_file(tmp: Path) -> None:
    (tmp / "tl.csv").write_text("t,orders\n0,1\n60,banyak\n")
    parse_timeline(tmp / "tl.csv")


def _recording_without_duration(_: Path) -> None:
    ranking.session_context(timeline_from_rows([{"t": 0, "orders": 1}]), 0.0)


def _footage_too_short(_: Path) -> None:
    footage_ranking.rank_footage(synthetic_analysis(3), 3.0)


def _unreadable_product_image(tmp: Path) -> None:
    (tmp / "produk.jpg").write_bytes(b"not a picture")
    product.load_image(tmp / "produk.jpg")


def _tiny_product_image(tmp: Path) -> None:
    Image.new("RGB", (20, 20), "red").save(tmp / "kecil.png")
    product.load_image(tmp / "kecil.png")


def _cuts_outside_the_recording(_: Path) -> None:
    pipeline._check_cuts([(0.0, 20.0), (50.0, 80.0)], 60.0, 40.0)


@pytest.mark.parametrize("refuse, indonesian", [
    (_timeline_past_its_recording, "linimasa berjalan sampai detik ke-7260, padahal rekamannya "
                                   "3600 detik"),
    (_bad_timeline_row, "likes"),
    (_bad_timeline_file, "orders"),
    (_recording_without_duration, "rekamannya tidak punya durasi"),
    (_footage_too_short, "videonya hanya 3,0 detik; teaser butuh video minimal"),
    (_unreadable_product_image, "produk.jpg: gambar produknya tidak bisa dibaca"),
    (_tiny_product_image, "kecil.png: gambar produknya terlalu kecil"),
    (_cuts_outside_the_recording, "Momen 2 selesai di 80.0 dtk, sesudah rekaman berakhir"),
], ids=lambda v: getattr(v, "__name__", "")[1:] or None)
def test_a_source_refused_in_a_render_reads_in_indonesian(
        tmp_path: Path, refuse: Callable[[Path], None], indonesian: str) -> None:
    with pytest.raises(InputError) as caught:
        refuse(tmp_path)
    exc = caught.value
    assert exc.indonesian and indonesian in exc.indonesian
    assert exc.indonesian != str(exc)
    words = render_failure(exc, final=True)
    assert words.indonesian == exc.indonesian  # all of it Indonesian
    assert words.english == str(exc)
