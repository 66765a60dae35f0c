"""A LIVE session's metric timeline expanded to per-second arrays, for the ranking.

The rows are read (files and stored rows) and checked by ``domain.timeline``, the one
reader the API uses too; this module only expands them. A column that is absent, or a cell
left empty, is *unknown* (NaN in the arrays), never zero: a session exported without
comments did not have zero comments. Counts are spread evenly across their bucket so
per-second rates from 1 s and 60 s buckets are comparable; levels (``viewers``: how many
people are in the room) are held for the bucket. Errors name the line and the column a
seller has to fix (as InputError); unknown columns are reported in ``Timeline.warnings``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from domain.timeline import (
    LEVELS,
    InvalidTimeline,
    TimelineRow,
    TimelineRows,
    read_file,
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

    def check_within(self, duration: float) -> None:
        """Raise InputError when the timeline runs past a recording of ``duration`` s (its
        last bucket starts after the recording has ended): it belongs to another session."""
        if self.rows[-1].t >= duration + 1.0:
            raise InputError(
                f"the timeline runs to {seconds_text(self.end)} s but the recording is "
                f"{seconds_text(duration)} s; export the timeline of this session's recording",
                indonesian=f"linimasa berjalan sampai detik ke-{seconds_text(self.end)}, "
                           f"padahal rekamannya {seconds_text(duration)} detik; ekspor "
                           "linimasa dari rekaman sesi ini")


def parse_timeline(path: str | Path) -> Timeline:
    """Read a timeline file (CSV with a header row, or JSON: a list of row objects or
    ``{"rows": [...]}``) with ``domain.timeline``'s rules and expand it. Raises InputError
    naming the line and column at fault."""
    try:
        return _expanded(read_file(path))
    except InvalidTimeline as exc:
        raise InputError(str(exc), indonesian=exc.indonesian) from None


def timeline_from_rows(rows: list[dict[str, Any]], *, source_name: str = "timeline") -> Timeline:
    """Expand stored row objects (as the service keeps them in its database), checked by
    the same rules; errors say ``line`` = row index + 1."""
    try:
        return _expanded(rows_from_objects(rows, source_name=source_name))
    except InvalidTimeline as exc:
        raise InputError(str(exc), indonesian=exc.indonesian) from None


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
