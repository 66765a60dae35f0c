"""The rows of a LIVE session's metric timeline, as the platform exports them: read and
checked, one rule set for the API (refusing a bad session up front) and the teaser job
(``worker.timeline`` expands the rows to per-second arrays).

One row per bucket (usually one minute): ``t`` = seconds from the recording's start
(or elapsed time as ``1:02:03``), then any of ``METRICS`` and ``pinned_product``. An
absent column or an empty cell is *unknown*, never zero. Errors name the line (or row)
and the column a seller has to fix; unknown columns become warnings.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from domain.errors import InvalidValue

#: Metric columns the platform's per-bucket export can carry.
METRICS: tuple[str, ...] = (
    "views", "viewers", "room_impressions", "room_enters", "product_impressions",
    "product_clicks", "gmv", "orders", "items_sold", "customers", "comments", "likes",
    "shares", "new_followers", "interacting_viewers",
)
#: Metrics that describe a state during the bucket (held), not events in it (spread).
LEVELS: frozenset[str] = frozenset({"viewers"})
PIN = "pinned_product"
MIN_BUCKET, MAX_BUCKET = 1.0, 60.0
#: A row may sit this fraction of a bucket away from the even grid (exports round ``t``).
SPACING_TOLERANCE = 0.1
#: A single-row timeline cannot show its spacing; assume the platform's per-minute export.
DEFAULT_BUCKET = 60.0

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_CLOCK = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)")


class InvalidTimeline(InvalidValue):
    """A timeline row or column a seller has to fix; the message says which. The field
    at fault is the timeline itself (the form's file or the body's ``timeline``)."""

    code = "invalid_timeline"

    def __init__(self, message: str, *, indonesian: str, field: str = "timeline") -> None:
        super().__init__(message, field=field, indonesian=indonesian)


@dataclass(frozen=True)
class Where:
    """Where a row is, for a message: ``"timeline.csv line 3"`` and its Indonesian."""

    en: str
    id: str


@dataclass(frozen=True)
class TimelineRow:
    """One bucket as exported. ``values`` holds the known metrics as floats (for ranking);
    ``raw`` keeps each known cell's original text so exact money (``gmv``) can be built
    from it as a Decimal by ``domain.metrics``. ``line`` is where the row came from."""

    line: int
    t: float
    width: float
    values: Mapping[str, float]
    raw: Mapping[str, str]
    pinned_product: str | None = None


@dataclass(frozen=True)
class TimelineRows:
    """Checked rows: every row's bucket width, the metric columns present, whether pins
    were exported, the common bucket width, and warnings for the seller."""

    source_name: str
    rows: tuple[TimelineRow, ...]
    columns: frozenset[str]
    has_pins: bool
    bucket: float
    warnings: tuple[str, ...]


def read_file(path: str | Path) -> TimelineRows:
    """Read and check a timeline file: CSV with a header row (``,``, ``;`` or tab between
    columns), or JSON (a list of row objects, or ``{"rows": [...]}``). Raises
    InvalidTimeline naming the file, the line and the column at fault."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InvalidTimeline(f"{name} not found; upload the session's timeline export",
                              indonesian=f"{name} tidak ditemukan; unggah ekspor timeline "
                                         "sesi ini") from None
    except UnicodeDecodeError:
        raise InvalidTimeline(f"{name} is not UTF-8 text; export the timeline as CSV or "
                              "JSON", indonesian=f"{name} bukan teks UTF-8; ekspor timeline "
                                                 "sebagai CSV atau JSON") from None
    stripped = text.lstrip()
    if not stripped:
        raise InvalidTimeline(f"{name} is empty; export the session's timeline with its rows",
                              indonesian=f"{name} kosong; ekspor timeline sesi ini beserta "
                                         "baris-barisnya")
    if path.suffix.lower() == ".json" or stripped[0] in "[{":
        return _from_json_text(text, name)
    return _from_csv_text(text, name)


def _from_json_text(text: str, name: str) -> TimelineRows:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidTimeline(f"{name} line {exc.lineno}: not valid JSON ({exc.msg})",
                              indonesian=f"{name} baris {exc.lineno}: bukan JSON yang valid "
                                         f"({exc.msg})") from None
    if isinstance(data, dict):
        if "rows" not in data:
            raise InvalidTimeline(f"{name}: expected a list of rows or an object with "
                                  "\"rows\"", indonesian=f"{name}: harus berupa daftar baris "
                                                          "atau objek dengan \"rows\"")
        data = data["rows"]
    if not isinstance(data, list):
        raise InvalidTimeline(f"{name}: expected a list of rows, got {type(data).__name__}",
                              indonesian=f"{name}: harus berupa daftar baris, bukan "
                                         f"{type(data).__name__}")
    return read_rows(((i + 1, r) for i, r in enumerate(data)), name, "row")


def _from_csv_text(text: str, name: str) -> TimelineRows:
    first = text.lstrip().split("\n", 1)[0]
    # Spreadsheets in comma-decimal locales export ";" (or tabs) between columns.
    delimiter = next((d for d in (",", ";", "\t") if d in first), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InvalidTimeline(f"{name} line 1: {exc}",
                              indonesian=f"{name} baris 1: CSV tidak terbaca ({exc})") from None
    width = len(header)

    def rows() -> Iterable[tuple[int, dict[str, Any]]]:
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue  # blank lines (often at the end of an export)
                if len(cells) != width:
                    raise InvalidTimeline(
                        f"{name} line {reader.line_num}: {len(cells)} values but the header "
                        f"has {width} columns",
                        indonesian=f"{name} baris {reader.line_num}: ada {len(cells)} nilai, "
                                   f"padahal judul kolom berisi {width} kolom")
                yield reader.line_num, dict(zip(header, cells, strict=True))
        except csv.Error as exc:
            raise InvalidTimeline(f"{name} line {reader.line_num}: {exc}",
                                  indonesian=f"{name} baris {reader.line_num}: CSV tidak "
                                             f"terbaca ({exc})") from None

    return read_rows(rows(), name, "line", header=header)


def rows_from_objects(rows: object, *, source_name: str = "timeline") -> TimelineRows:
    """Check stored row objects (a list of dicts, as the API takes and keeps them);
    errors say ``line`` = row index + 1."""
    if not isinstance(rows, list):
        raise InvalidTimeline(f"{source_name}: expected a list of rows, got "
                              f"{type(rows).__name__}",
                              indonesian=f"{source_name}: harus berupa daftar baris, bukan "
                                         f"{type(rows).__name__}")
    return read_rows(((i + 1, r) for i, r in enumerate(rows)), source_name, "line")


#: The names a per-minute export (or a seller's spreadsheet) gives the columns, in English
#: and in the seller center's Indonesian, after :func:`column_key`'s normalising.
ALIASES: Mapping[str, str] = {
    "time": "t", "waktu": "t", "elapsed": "t", "seconds": "t", "detik": "t",
    "tayangan": "views", "penayangan": "views", "penonton": "viewers",
    "impresi_ruang": "room_impressions", "impresi_ruang_live": "room_impressions",
    "room_entries": "room_enters", "masuk_ruang": "room_enters",
    "impresi_produk": "product_impressions", "klik_produk": "product_clicks",
    "gross_merchandise_value": "gmv", "pesanan": "orders", "order": "orders",
    "produk_terjual": "items_sold", "item_terjual": "items_sold",
    "pembeli": "customers", "pelanggan": "customers", "buyers": "customers",
    "komentar": "comments", "suka": "likes", "dibagikan": "shares",
    "bagikan": "shares", "pengikut_baru": "new_followers", "followers_gained": "new_followers",
    "penonton_yang_berinteraksi": "interacting_viewers",
    "pinned": "pinned_product", "produk_disematkan": "pinned_product",
    "produk_yang_disematkan": "pinned_product",
}


def column_key(name: object) -> str:
    """A column's key whatever the export calls it: ``"Product Clicks"``,
    ``"product-clicks"``, ``"Klik produk"`` -> ``"product_clicks"``; ``"GMV (Rp)"`` ->
    ``"gmv"`` (case, spacing, a unit in brackets and the display names in ``ALIASES``)."""
    text = re.sub(r"\s*[(\[][^)\]]*[)\]]\s*$", "", str(name).strip().lower())
    key = re.sub(r"[\s\-]+", "_", text.strip())
    return ALIASES.get(key, key)


def read_rows(items: Iterable[tuple[int, Any]], name: str, unit: str,
              header: Sequence[str] | None = None) -> TimelineRows:
    """Read ``(line, row object)`` pairs (with the CSV ``header`` when there is one).
    Raises InvalidTimeline naming ``name``, ``unit`` ("line" or "row"), the number and
    the column at fault."""
    known = set(METRICS) | {"t", PIN}
    columns: set[str] = set()
    unknown: dict[str, int] = {}
    has_pins = False
    if header is not None:
        seen: set[str] = set()
        for col in header:
            key = column_key(col)
            if key in seen:
                raise InvalidTimeline(f"{name} line 1: column {key!r} appears twice",
                                      indonesian=f"{name} baris 1: kolom {key!r} muncul dua "
                                                 "kali; hapus salah satunya")
            seen.add(key)
            if key not in known:
                unknown.setdefault(str(col).strip(), 1)
        if "t" not in seen:
            raise InvalidTimeline(
                f"{name} line 1: no 't' column; the first column must be 't', the seconds "
                "from the recording's start of each row",
                indonesian=f"{name} baris 1: tidak ada kolom 't'; kolom pertama harus 't', "
                           "yaitu detik sejak rekaman dimulai untuk tiap baris")
        has_pins = PIN in seen
        columns = {k for k in seen if k in METRICS}

    parsed: list[tuple[int, float, dict[str, float], dict[str, str], str | None]] = []
    for line, row in items:
        where = Where(f"{name} {unit} {line}", f"{name} baris {line}")
        if not isinstance(row, dict):
            raise InvalidTimeline(f"{where.en}: expected an object with 't' and metrics",
                                  indonesian=f"{where.id}: harus berupa objek berisi 't' dan "
                                             "metrik")
        values: dict[str, float] = {}
        raw: dict[str, str] = {}
        t: float | None = None
        pin: str | None = None
        for col, cell in row.items():
            key = column_key(col)
            if key == "t":
                t = _parse_t(cell, where)
            elif key == PIN:
                has_pins = True
                pin = None if cell is None else (str(cell).strip() or None)
            elif key in METRICS:
                columns.add(key)
                number = _parse_number(cell, key, where)
                if number is not None:
                    values[key] = number
                    raw[key] = str(cell).strip()
            elif header is None:
                unknown.setdefault(str(col).strip(), line)
        if t is None:
            raise InvalidTimeline(f"{where.en}: no 't' (seconds from the recording's start)",
                                  indonesian=f"{where.id}: tidak ada 't' (detik sejak rekaman "
                                             "dimulai)")
        parsed.append((line, t, values, raw, pin))
    if not parsed:
        raise InvalidTimeline(f"{name} has no rows; export the session's timeline with its "
                              "rows", indonesian=f"{name} tidak berisi baris; ekspor timeline "
                                                 "sesi ini beserta baris-barisnya")

    widths = _bucket_widths([(line, t) for line, t, *_ in parsed], name, unit)
    rows = tuple(
        TimelineRow(line=line, t=t, width=w, values=v, raw=r, pinned_product=p)
        for (line, t, v, r, p), w in zip(parsed, widths, strict=True)
    )
    warnings = tuple(
        f"{name}: column {col!r} is not a timeline metric and was ignored"
        for col in sorted(unknown)
    )
    if len(parsed) == 1:
        bucket = DEFAULT_BUCKET
        warnings += (f"{name} has a single row; assumed a {seconds_text(DEFAULT_BUCKET)} s "
                     "bucket",)
    else:
        bucket = float(statistics.median(b[1] - a[1] for a, b in pairwise(parsed)))
    return TimelineRows(source_name=name, rows=rows, columns=frozenset(columns),
                        has_pins=has_pins, bucket=bucket, warnings=warnings)


def _parse_t(cell: Any, where: Where) -> float:
    text = "" if cell is None else str(cell).strip()
    if isinstance(cell, bool) or not text:
        raise InvalidTimeline(f"{where.en}: 't' is empty, expected seconds from the "
                              "recording's start",
                              indonesian=f"{where.id}: 't' kosong; isi dengan detik sejak "
                                         "rekaman dimulai")
    clock = _CLOCK.fullmatch(text)
    if clock:  # "1:02:03" or "02:03", as some exports write elapsed time
        h, m, s = clock.groups()
        return int(h or 0) * 3600 + int(m) * 60 + float(s)
    if not _NUMBER.fullmatch(text):
        raise InvalidTimeline(f"{where.en}: 't' is {text!r}, expected seconds from the "
                              "recording's start",
                              indonesian=f"{where.id}: 't' berisi {text!r}; isi dengan detik "
                                         "sejak rekaman dimulai")
    value = float(text)
    if value < 0:
        raise InvalidTimeline(f"{where.en}: 't' is {text}, a time before the recording "
                              "started", indonesian=f"{where.id}: 't' bernilai {text}, waktu "
                                                    "sebelum rekaman dimulai")
    return value


def _parse_number(cell: Any, key: str, where: Where) -> float | None:
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise InvalidTimeline(f"{where.en}: {key!r} is {cell!r}, expected a number",
                              indonesian=f"{where.id}: {key!r} berisi {cell!r}; harus angka")
    if isinstance(cell, int | float):
        text = repr(cell)
        if not math.isfinite(cell):
            raise InvalidTimeline(f"{where.en}: {key!r} is {text}, expected a number",
                                  indonesian=f"{where.id}: {key!r} berisi {text}; harus angka")
    else:
        text = str(cell).strip()
        if not text:
            return None
        if not _NUMBER.fullmatch(text):
            raise InvalidTimeline(f"{where.en}: {key!r} is {text!r}, expected a number",
                                  indonesian=f"{where.id}: {key!r} berisi {text!r}; harus "
                                             "angka")
    value = float(text)
    if value < 0:
        raise InvalidTimeline(f"{where.en}: {key!r} is {text}; metrics cannot be negative",
                              indonesian=f"{where.id}: {key!r} bernilai {text}; metrik tidak "
                                         "boleh negatif")
    return value


def _bucket_widths(times: Sequence[tuple[int, float]], name: str, unit: str) -> list[float]:
    """Each row's bucket runs to the next row's ``t``; the last one gets the common width.
    Rows must be increasing and evenly spaced (within tolerance), 1 s to 60 s apart."""
    if len(times) == 1:
        return [DEFAULT_BUCKET]
    gaps = [b - a for (_, a), (_, b) in pairwise(times)]
    for ((_, before), (line, t)), gap in zip(pairwise(times), gaps, strict=True):
        if gap <= 0:
            raise InvalidTimeline(
                f"{name} {unit} {line}: t={seconds_text(t)} does not come after the "
                f"previous row's t={seconds_text(before)}; rows must be in time order",
                indonesian=f"{name} baris {line}: t={seconds_text(t)} tidak lebih besar dari "
                           f"t={seconds_text(before)} di baris sebelumnya; urutkan baris "
                           "menurut waktu")
    width = float(statistics.median(gaps))
    tol = SPACING_TOLERANCE * width
    if width < MIN_BUCKET - tol or width > MAX_BUCKET + tol:
        raise InvalidTimeline(
            f"{name}: rows are {seconds_text(width)} s apart; expected buckets of "
            f"{seconds_text(MIN_BUCKET)} s to {seconds_text(MAX_BUCKET)} s",
            indonesian=f"{name}: jarak antarbaris {seconds_text(width)} dtk; seharusnya "
                       f"{seconds_text(MIN_BUCKET)} sampai {seconds_text(MAX_BUCKET)} dtk")
    for (line, t), gap in zip(times[1:], gaps, strict=True):
        if abs(gap - width) > tol:
            raise InvalidTimeline(
                f"{name} {unit} {line}: t={seconds_text(t)} is {seconds_text(gap)} s after "
                f"the previous row, but rows are {seconds_text(width)} s apart; a row is "
                "missing or out of place — export the full timeline",
                indonesian=f"{name} baris {line}: t={seconds_text(t)} berjarak "
                           f"{seconds_text(gap)} dtk dari baris sebelumnya, padahal jarak "
                           f"antarbaris {seconds_text(width)} dtk; ada baris yang hilang atau "
                           "tidak pada tempatnya — ekspor ulang timeline selengkapnya")
    return [*gaps, width]


def seconds_text(x: float) -> str:
    """Seconds as a seller reads them: ``7260``, ``1.5``."""
    return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else f"{x:.1f}"
