"""A LIVE session's metric timeline: parsed, validated, and expanded to per-second arrays.

The platform exports one row per bucket (usually one minute): ``t`` = seconds from the
recording's start, then any of the metric columns below and ``pinned_product``. A column
that is absent, or a cell left empty, is *unknown* (NaN in the arrays), never zero: a
session exported without comments did not have zero comments.

Counts are spread evenly across their bucket so per-second rates from 1 s and 60 s
buckets are comparable; levels (``viewers``: how many people are in the room) are held
for the bucket. Errors name the line and the column a seller has to fix; unknown
columns are reported in ``Timeline.warnings`` (plain strings, never Python warnings).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from worker.errors import InputError

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


@dataclass(frozen=True, eq=False)
class Timeline:
    """A parsed timeline. ``per_second[name][i]`` is the metric's rate during second
    ``i`` (``i`` .. ``i+1`` s from the recording's start; NaN where unknown);
    ``pins[i]`` is the product pinned during that second (None: nothing pinned, or pins
    unknown when ``has_pins`` is False)."""

    source_name: str
    bucket: float
    rows: tuple[TimelineRow, ...]
    columns: frozenset[str]
    has_pins: bool
    per_second: Mapping[str, np.ndarray]
    pins: tuple[str | None, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def start(self) -> float:
        """Seconds from the recording's start where the first bucket begins."""
        return self.rows[0].t

    @property
    def end(self) -> float:
        """Seconds from the recording's start where the last bucket ends."""
        return self.rows[-1].t + self.rows[-1].width

    @property
    def seconds(self) -> int:
        """Length of the per-second arrays."""
        return len(self.pins)

    def series(self, name: str) -> np.ndarray | None:
        """The per-second array of ``name``, or None when the timeline does not carry it."""
        return self.per_second.get(name)

    def pin_changes(self) -> tuple[tuple[float, str], ...]:
        """``(t, product)`` for every bucket where a product becomes pinned (a new pin, or
        a different product than the bucket before)."""
        out: list[tuple[float, str]] = []
        previous: str | None = None
        for row in self.rows:
            if row.pinned_product and row.pinned_product != previous:
                out.append((row.t, row.pinned_product))
            previous = row.pinned_product
        return tuple(out)

    def domain_buckets(self, currency: str) -> list[dict[str, int]]:
        """The rows as ``domain.metrics.totals_from_timeline`` takes them: whole counters
        and ``gmv`` in exact minor units of ``currency`` (from the cell's text, never a
        float). Unknown cells are left out. Raises InputError naming the row's line."""
        from domain.errors import DomainError
        from domain.money import Money

        out: list[dict[str, int]] = []
        for row in self.rows:
            bucket: dict[str, int] = {}
            for key, value in row.values.items():
                try:
                    if key == "gmv":
                        bucket[key] = Money.of(row.raw[key], currency).amount
                        continue
                except DomainError as exc:
                    raise InputError(f"{self.source_name} line {row.line}: 'gmv' is "
                                     f"{row.raw[key]}; {exc.message}") from None
                if value != int(value):
                    raise InputError(f"{self.source_name} line {row.line}: {key!r} is "
                                     f"{row.raw[key]}, expected a whole number")
                bucket[key] = int(value)
            out.append(bucket)
        return out

    def check_within(self, duration: float) -> None:
        """Raise InputError when the timeline runs past a recording of ``duration`` s (its
        last bucket starts after the recording has ended): it belongs to another session."""
        if self.rows[-1].t >= duration + 1.0:
            raise InputError(
                f"the timeline runs to {_num(self.end)} s but the recording is "
                f"{_num(duration)} s; export the timeline of this session's recording"
            )


def parse_timeline(path: str | Path) -> Timeline:
    """Parse a timeline file: CSV with a header row, or JSON (a list of row objects, or
    ``{"rows": [...]}``). Raises InputError naming the line and column at fault."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{name} not found; upload the session's timeline export") from None
    except UnicodeDecodeError:
        raise InputError(f"{name} is not UTF-8 text; export the timeline as CSV or JSON") \
            from None
    stripped = text.lstrip()
    if not stripped:
        raise InputError(f"{name} is empty; export the session's timeline with its rows")
    if path.suffix.lower() == ".json" or stripped[0] in "[{":
        return _from_json_text(text, name)
    return _from_csv_text(text, name)


def timeline_from_rows(rows: list[dict[str, Any]], *, source_name: str = "timeline") -> Timeline:
    """Build a Timeline from stored row objects (as the service keeps them in its
    database), with the file parser's validation; errors say ``line`` = row index + 1."""
    if not isinstance(rows, list):
        raise InputError(f"{source_name}: expected a list of rows, got {type(rows).__name__}")
    return _build(((i + 1, r) for i, r in enumerate(rows)), source_name, "line")


def _from_json_text(text: str, name: str) -> Timeline:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if isinstance(data, dict):
        if "rows" not in data:
            raise InputError(f"{name}: expected a list of rows or an object with \"rows\"")
        data = data["rows"]
    if not isinstance(data, list):
        raise InputError(f"{name}: expected a list of rows, got {type(data).__name__}")
    return _build(((i + 1, r) for i, r in enumerate(data)), name, "row")


def _from_csv_text(text: str, name: str) -> Timeline:
    first = text.lstrip().split("\n", 1)[0]
    # Spreadsheets in comma-decimal locales export ";" (or tabs) between columns.
    delimiter = next((d for d in (",", ";", "\t") if d in first), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InputError(f"{name} line 1: {exc}") from None
    width = len(header)

    def rows() -> Iterable[tuple[int, dict[str, Any]]]:
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue  # blank lines (often at the end of an export)
                if len(cells) != width:
                    raise InputError(
                        f"{name} line {reader.line_num}: {len(cells)} values but the header "
                        f"has {width} columns"
                    )
                yield reader.line_num, dict(zip(header, cells, strict=True))
        except csv.Error as exc:
            raise InputError(f"{name} line {reader.line_num}: {exc}") from None

    return _build(rows(), name, "line", header=header)


def _column_key(name: str) -> str:
    """``"Product Clicks"`` -> ``"product_clicks"`` (exports differ in case and spacing)."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _build(items: Iterable[tuple[int, Any]], name: str, unit: str,
           header: Sequence[str] | None = None) -> Timeline:
    known = set(METRICS) | {"t", PIN}
    columns: set[str] = set()
    unknown: dict[str, int] = {}
    has_pins = False
    if header is not None:
        seen: set[str] = set()
        for col in header:
            key = _column_key(col)
            if key in seen:
                raise InputError(f"{name} line 1: column {key!r} appears twice")
            seen.add(key)
            if key not in known:
                unknown.setdefault(str(col).strip(), 1)
        if "t" not in seen:
            raise InputError(
                f"{name} line 1: no 't' column; the first column must be 't', the seconds "
                "from the recording's start of each row"
            )
        has_pins = PIN in seen
        columns = {k for k in seen if k in METRICS}

    parsed: list[tuple[int, float, dict[str, float], dict[str, str], str | None]] = []
    for line, row in items:
        where = f"{name} {unit} {line}"
        if not isinstance(row, dict):
            raise InputError(f"{where}: expected an object with 't' and metrics")
        values: dict[str, float] = {}
        raw: dict[str, str] = {}
        t: float | None = None
        pin: str | None = None
        for col, cell in row.items():
            key = _column_key(col)
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
            raise InputError(f"{where}: no 't' (seconds from the recording's start)")
        parsed.append((line, t, values, raw, pin))
    if not parsed:
        raise InputError(f"{name} has no rows; export the session's timeline with its rows")

    widths = _bucket_widths(parsed, name, unit)
    rows = tuple(
        TimelineRow(line=line, t=t, width=w, values=v, raw=r, pinned_product=p)
        for (line, t, v, r, p), w in zip(parsed, widths, strict=True)
    )
    warnings = tuple(
        f"{name}: column {col!r} is not a timeline metric and was ignored"
        for col in sorted(unknown)
    )
    bucket = float(np.median(np.diff([p[1] for p in parsed]))) if len(parsed) > 1 \
        else DEFAULT_BUCKET
    if len(parsed) == 1:
        warnings += (f"{name} has a single row; assumed a {_num(DEFAULT_BUCKET)} s bucket",)
    per_second, pins = _expand(rows, frozenset(columns), has_pins)
    return Timeline(source_name=name, bucket=bucket, rows=rows, columns=frozenset(columns),
                    has_pins=has_pins, per_second=per_second, pins=pins, warnings=warnings)


def _parse_t(cell: Any, where: str) -> float:
    text = "" if cell is None else str(cell).strip()
    if isinstance(cell, bool) or not text:
        raise InputError(f"{where}: 't' is empty, expected seconds from the recording's start")
    clock = _CLOCK.fullmatch(text)
    if clock:  # "1:02:03" or "02:03", as some exports write elapsed time
        h, m, s = clock.groups()
        return int(h or 0) * 3600 + int(m) * 60 + float(s)
    if not _NUMBER.fullmatch(text):
        raise InputError(f"{where}: 't' is {text!r}, expected seconds from the recording's start")
    value = float(text)
    if value < 0:
        raise InputError(f"{where}: 't' is {text}, a time before the recording started")
    return value


def _parse_number(cell: Any, key: str, where: str) -> float | None:
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise InputError(f"{where}: {key!r} is {cell!r}, expected a number")
    if isinstance(cell, int | float):
        text = repr(cell)
        if not math.isfinite(cell):
            raise InputError(f"{where}: {key!r} is {text}, expected a number")
    else:
        text = str(cell).strip()
        if not text:
            return None
        if not _NUMBER.fullmatch(text):
            raise InputError(f"{where}: {key!r} is {text!r}, expected a number")
    value = float(text)
    if value < 0:
        raise InputError(f"{where}: {key!r} is {text}; metrics cannot be negative")
    return value


def _bucket_widths(parsed: Sequence[tuple[int, float, Any, Any, Any]], name: str,
                   unit: str) -> list[float]:
    """Each row's bucket runs to the next row's ``t``; the last one gets the common width.
    Rows must be increasing and evenly spaced (within tolerance), 1 s to 60 s apart."""
    times = np.array([p[1] for p in parsed], dtype=float)
    if len(times) == 1:
        return [DEFAULT_BUCKET]
    gaps = np.diff(times)
    for i, gap in enumerate(gaps):
        if gap <= 0:
            line = parsed[i + 1][0]
            raise InputError(
                f"{name} {unit} {line}: t={_num(times[i + 1])} does not come after the "
                f"previous row's t={_num(times[i])}; rows must be in time order"
            )
    width = float(np.median(gaps))
    tol = SPACING_TOLERANCE * width
    if width < MIN_BUCKET - tol or width > MAX_BUCKET + tol:
        raise InputError(
            f"{name}: rows are {_num(width)} s apart; expected buckets of "
            f"{_num(MIN_BUCKET)} s to {_num(MAX_BUCKET)} s"
        )
    for i, gap in enumerate(gaps):
        if abs(gap - width) > tol:
            line = parsed[i + 1][0]
            raise InputError(
                f"{name} {unit} {line}: t={_num(times[i + 1])} is {_num(gap)} s after the "
                f"previous row, but rows are {_num(width)} s apart; a row is missing or "
                "out of place — export the full timeline"
            )
    return [*gaps.tolist(), width]


def _expand(rows: Sequence[TimelineRow], columns: frozenset[str],
            has_pins: bool) -> tuple[dict[str, np.ndarray], tuple[str | None, ...]]:
    """Per-second arrays on the grid 0..ceil(end): the integral of each bucket's density
    over each second (piecewise-linear cumulative sums, so buckets of any width and
    offset land correctly), divided by how much of the second is covered."""
    starts = np.array([r.t for r in rows], dtype=float)
    widths = np.array([r.width for r in rows], dtype=float)
    edges = np.append(starts, starts[-1] + widths[-1])
    n = int(math.ceil(edges[-1] - 1e-9))
    grid = np.arange(n + 1, dtype=float)

    def integral(density: np.ndarray) -> np.ndarray:
        cum = np.concatenate(([0.0], np.cumsum(density * widths)))
        return np.diff(np.interp(grid, edges, cum))

    covered = integral(np.ones(len(rows)))
    per_second: dict[str, np.ndarray] = {}
    for col in sorted(columns):
        values = np.array([r.values.get(col, np.nan) for r in rows], dtype=float)
        missing = np.isnan(values)
        density = np.where(missing, 0.0, values if col in LEVELS else values / widths)
        unknown = integral(missing.astype(float))
        with np.errstate(invalid="ignore", divide="ignore"):
            series = integral(density) / covered
        series[(covered <= 1e-9) | (unknown > 1e-9)] = np.nan
        per_second[col] = series

    pins: tuple[str | None, ...] = (None,) * n
    if has_pins:
        names = [r.pinned_product for r in rows]
        idx = np.searchsorted(edges, grid[:-1] + 0.5, side="right") - 1
        pins = tuple(names[i] if 0 <= i < len(rows) else None for i in idx.tolist())
    return per_second, pins


def _num(x: float) -> str:
    """Seconds as a seller reads them: ``7260``, ``1.5``."""
    return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else f"{x:.1f}"
