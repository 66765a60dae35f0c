"""Parsing a session's metric timeline: what a seller's export may contain and the errors
that tell them what to fix."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from worker.errors import InputError
from worker.timeline import parse_timeline, timeline_from_rows


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def csv_text(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def test_per_minute_csv_spreads_counts_and_holds_viewers_and_pins(tmp_path: Path) -> None:
    path = write(tmp_path, "timeline.csv", csv_text(
        "t,viewers,orders,gmv,pinned_product",
        ["0,100,6,120.50,SKU-1", "60,120,0,,", "120,80,60,1000,SKU-2"]))
    tl = parse_timeline(path)
    assert tl.bucket == 60
    assert tl.seconds == 180 and tl.end == 180
    orders = tl.series("orders")
    assert orders is not None
    assert orders[0] == pytest.approx(0.1)  # 6 orders over 60 s
    assert orders[130] == pytest.approx(1.0)
    assert np.nansum(orders) == pytest.approx(66)  # spreading keeps the totals
    viewers = tl.series("viewers")
    assert viewers is not None and viewers[59] == 100 and viewers[60] == 120
    gmv = tl.series("gmv")
    assert gmv is not None and math.isnan(gmv[90])  # an empty cell is unknown, not zero
    assert tl.pins[59] == "SKU-1" and tl.pins[60] is None and tl.pins[150] == "SKU-2"
    assert tl.pin_changes() == ((0.0, "SKU-1"), (120.0, "SKU-2"))


def test_rows_keep_exact_text_of_money_for_domain_totals(tmp_path: Path) -> None:
    path = write(tmp_path, "timeline.csv", csv_text("t,gmv,orders", ["0,120.50,1", "60,0.10,2"]))
    tl = parse_timeline(path)
    assert [r.raw["gmv"] for r in tl.rows] == ["120.50", "0.10"]
    assert [r.values["orders"] for r in tl.rows] == [1.0, 2.0]
    assert [r.line for r in tl.rows] == [2, 3]


def test_one_second_buckets(tmp_path: Path) -> None:
    rows = [f"{i},{i % 3}" for i in range(120)]
    tl = parse_timeline(write(tmp_path, "t.csv", csv_text("t,comments", rows)))
    comments = tl.series("comments")
    assert tl.bucket == 1 and comments is not None
    assert comments[:6].tolist() == [0, 1, 2, 0, 1, 2]


def test_missing_columns_are_unknown_not_zero(tmp_path: Path) -> None:
    tl = parse_timeline(write(tmp_path, "t.csv", csv_text("t,comments", ["0,5", "60,7"])))
    assert tl.columns == {"comments"}
    assert tl.series("orders") is None and tl.series("gmv") is None
    assert not tl.has_pins and tl.pin_changes() == ()


def test_unknown_columns_are_warned_as_strings_not_python_warnings(tmp_path: Path) -> None:
    tl = parse_timeline(write(tmp_path, "t.csv", csv_text(
        "t,orders,mood", ["0,1,happy", "60,2,sad"])))
    assert tl.warnings == ("t.csv: column 'mood' is not a timeline metric and was ignored",)
    assert tl.columns == {"orders"}


def test_export_headings_in_other_case_and_spacing_are_understood(tmp_path: Path) -> None:
    tl = parse_timeline(write(tmp_path, "t.csv", csv_text(
        "T,Product Clicks,New-Followers", ["0,3,1", "60,4,0"])))
    assert tl.columns == {"product_clicks", "new_followers"}
    assert tl.warnings == ()


def test_malformed_value_names_line_and_column(tmp_path: Path) -> None:
    rows = [f"{m * 60},{m}" for m in range(5)] + ["300,abc"]
    path = write(tmp_path, "timeline.csv", csv_text("t,orders", rows))
    with pytest.raises(InputError) as err:
        parse_timeline(path)
    assert str(err.value) == "timeline.csv line 7: 'orders' is 'abc', expected a number"


def test_not_a_number_and_infinity_are_refused(tmp_path: Path) -> None:
    for bad in ("nan", "inf", "1_000"):
        path = write(tmp_path, "t.csv", csv_text("t,likes", ["0,1", f"60,{bad}"]))
        with pytest.raises(InputError, match=r"t.csv line 3: 'likes' is"):
            parse_timeline(path)


def test_negative_value_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", csv_text("t,orders", ["0,1", "60,2", "120,-3"]))
    with pytest.raises(InputError, match=r"^t.csv line 4: 'orders' is -3; metrics cannot be "):
        parse_timeline(path)


def test_row_with_too_many_values_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", csv_text("t,orders", ["0,1", "60,2,9"]))
    with pytest.raises(InputError, match=r"t.csv line 3: 3 values but the header has 2"):
        parse_timeline(path)


def test_uneven_spacing_names_the_line_that_breaks_it(tmp_path: Path) -> None:
    rows = ["0,1", "60,1", "120,1", "240,1", "300,1"]  # minute 180 is missing
    path = write(tmp_path, "t.csv", csv_text("t,orders", rows))
    with pytest.raises(InputError, match=r"t.csv line 5: t=240 is 120 s after the previous"):
        parse_timeline(path)


def test_rows_within_tolerance_of_the_grid_are_accepted(tmp_path: Path) -> None:
    rows = ["0,1", "60.4,1", "119.8,1", "180,1"]
    tl = parse_timeline(write(tmp_path, "t.csv", csv_text("t,orders", rows)))
    orders = tl.series("orders")
    assert tl.bucket == pytest.approx(60, abs=0.5)
    assert orders is not None
    assert np.allclose(orders[:240], 1 / 60, rtol=0.02)  # one order a minute, all along


def test_rows_out_of_order_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", csv_text("t,orders", ["0,1", "120,1", "60,1"]))
    with pytest.raises(InputError, match=r"line 4: t=60 does not come after"):
        parse_timeline(path)


def test_buckets_wider_than_a_minute_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", csv_text("t,orders", ["0,1", "300,1", "600,1"]))
    with pytest.raises(InputError, match=r"rows are 300 s apart; expected buckets of 1 s to 60"):
        parse_timeline(path)


def test_missing_t_column_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", csv_text("minute,orders", ["0,1"]))
    with pytest.raises(InputError, match=r"t.csv line 1: no 't' column"):
        parse_timeline(path)


def test_elapsed_clock_times_are_read_as_seconds(tmp_path: Path) -> None:
    tl = parse_timeline(write(tmp_path, "t.csv", csv_text("t,orders", ["0:00,1", "1:00,2"])))
    assert [r.t for r in tl.rows] == [0, 60]
    late = timeline_from_rows([{"t": "1:00:00"}, {"t": "1:01:00"}])
    assert [r.t for r in late.rows] == [3600, 3660]


def test_timeline_past_the_recording_is_refused() -> None:
    tl = timeline_from_rows([{"t": m * 60, "orders": 1} for m in range(121)])
    assert tl.end == 7260
    with pytest.raises(InputError) as err:
        tl.check_within(3600)
    assert str(err.value) == ("the timeline runs to 7260 s but the recording is 3600 s; "
                              "export the timeline of this session's recording")
    tl.check_within(7201)  # the last bucket starts inside the recording: fine


def test_json_list_and_rows_object(tmp_path: Path) -> None:
    rows = [{"t": 0, "comments": 4, "pinned_product": 17}, {"t": 60, "comments": None}]
    for payload in (rows, {"rows": rows}):
        tl = parse_timeline(write(tmp_path, "timeline.json", json.dumps(payload)))
        comments = tl.series("comments")
        assert comments is not None and comments[0] == pytest.approx(4 / 60)
        assert math.isnan(comments[90])
        assert tl.pins[0] == "17"


def test_json_errors_name_the_row(tmp_path: Path) -> None:
    path = write(tmp_path, "timeline.json", json.dumps([{"t": 0}, {"t": 60, "gmv": "12,5"}]))
    with pytest.raises(InputError, match=r"^timeline.json row 2: 'gmv' is '12,5', expected"):
        parse_timeline(path)


def test_stored_rows_validate_like_the_file_with_line_numbers() -> None:
    rows: list[dict[str, object]] = [{"t": 0, "orders": 1}, {"t": 60, "orders": 2},
                                     {"t": 120, "orders": "x"}]
    with pytest.raises(InputError) as err:
        timeline_from_rows(rows)
    assert str(err.value) == "timeline line 3: 'orders' is 'x', expected a number"
    with pytest.raises(InputError, match=r"^session 7 line 1: 'likes' is -1"):
        timeline_from_rows([{"t": 0, "likes": -1}], source_name="session 7")
    with pytest.raises(InputError, match=r"line 2: 'orders' is True, expected a number"):
        timeline_from_rows([{"t": 0}, {"t": 60, "orders": True}])


def test_stored_rows_warn_about_unknown_keys() -> None:
    tl = timeline_from_rows([{"t": 0, "orders": 1, "note": "x"}, {"t": 60, "orders": 2}])
    assert tl.warnings == ("timeline: column 'note' is not a timeline metric and was ignored",)


def test_empty_and_missing_files_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is empty"):
        parse_timeline(write(tmp_path, "t.csv", "\n"))
    with pytest.raises(InputError, match="has no rows"):
        parse_timeline(write(tmp_path, "t.csv", "t,orders\n"))
    with pytest.raises(InputError, match="not found"):
        parse_timeline(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="has no rows"):
        timeline_from_rows([])


def test_a_timeline_starting_late_is_unknown_before_its_first_row() -> None:
    tl = timeline_from_rows([{"t": 30, "comments": 60}, {"t": 90, "comments": 60}])
    comments = tl.series("comments")
    assert comments is not None and tl.seconds == 150
    assert np.isnan(comments[:30]).all() and comments[30] == pytest.approx(1)


def test_the_display_names_of_a_per_minute_export_are_read(tmp_path: Path) -> None:
    header = "Waktu,Tayangan,Penonton,Klik produk,GMV (Rp),Pesanan,Komentar,Produk disematkan"
    tl = parse_timeline(write(tmp_path, "export.csv", csv_text(
        header, ["0:00,100,40,3,15000,1,5,Tas A", "1:00,120,45,9,45000,3,7,Tas A"])))
    assert tl.columns == {"views", "viewers", "product_clicks", "gmv", "orders", "comments"}
    assert tl.has_pins and tl.pin_changes() == ((0.0, "Tas A"),) and tl.warnings == ()
    english = "Time,Views,Viewers,Product Clicks,GMV,Orders,Comments,Pinned product"
    en = parse_timeline(write(tmp_path, "en.csv", csv_text(
        english, ["0,100,40,3,15000,1,5,Tas A", "60,120,45,9,45000,3,7,Tas A"])))
    assert en.columns == tl.columns and en.rows[1].values == tl.rows[1].values


def test_semicolon_and_tab_separated_exports_are_read(tmp_path: Path) -> None:
    for sep in (";", "\t"):
        text = csv_text(sep.join(["t", "orders", "gmv"]), [sep.join(["0", "1", "10.5"]),
                                                           sep.join(["60", "2", "0"])])
        tl = parse_timeline(write(tmp_path, "t.csv", text))
        assert tl.columns == {"orders", "gmv"} and tl.rows[0].raw["gmv"] == "10.5"
