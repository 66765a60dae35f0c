"""A LIVE session's metric timeline: parsed, validated, and expanded to per-second arrays.

The platform exports one row per bucket (usually one minute): ``t`` = seconds from the
recording's start, then any of the metric columns below and ``pinned_product``. A column
that is absent, or a cell left empty, is *unknown* (NaN in the arrays), never zero: a
session exported without comments did not have zero comments.

Counts are spread evenly across their bucket so per-second rates from 1 s and 60 s
buckets are comparable; levels (``viewers``: how many people are in the room) are held
for the bucket. The rows are read and checked by ``domain.timeline`` (the API uses the
same rules); errors name the line and the column a seller has to fix; unknown columns
are reported in ``Timeline.warnings`` (plain strings, never Python warnings).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from domain.timeline import (
    LEVELS,
    InvalidTimeline,
    TimelineRow,
    TimelineRows,
    read_rows,
    rows_from_objects,
    seconds_text,
)
from worker.errors import InputError


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
                f"the timeline runs to {seconds_text(self.end)} s but the recording is "
                f"{seconds_text(duration)} s; export the timeline of this session's recording"
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
    try:
        return _expanded(rows_from_objects(rows, source_name=source_name))
    except InvalidTimeline as exc:
        raise InputError(str(exc)) from None


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


def _build(items: Iterable[tuple[int, Any]], name: str, unit: str,
           header: Sequence[str] | None = None) -> Timeline:
    try:
        return _expanded(read_rows(items, name, unit, header))
    except InvalidTimeline as exc:
        raise InputError(str(exc)) from None


def _expanded(checked: TimelineRows) -> Timeline:
    per_second, pins = _expand(checked.rows, checked.columns, checked.has_pins)
    return Timeline(source_name=checked.source_name, bucket=checked.bucket,
                    rows=checked.rows, columns=checked.columns, has_pins=checked.has_pins,
                    per_second=per_second, pins=pins, warnings=checked.warnings)


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
