"""What every stage of ``make eval`` hands back (a table and its goals) and how it is printed.

A stage (``eval.ranking``, and the render stage beside it) returns a ``Stage``: a title,
column names, one row per input class plus a total row, and the goals it checked. ``make
eval`` prints every stage's table and exits non-zero when a goal is missed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Goal:
    """One goal: ``value`` measured, ``target`` as text ("≥ 95 %"), ``met`` whether it holds."""

    name: str
    value: str
    target: str
    met: bool


@dataclass(frozen=True)
class Stage:
    """A stage's table: ``rows`` are lists of cells already formatted as text."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    goals: Sequence[Goal]
    notes: Sequence[str] = field(default=())

    @property
    def met(self) -> bool:
        return all(g.met for g in self.goals)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def percent(share: float | None) -> str:
    """``97.2 %``, or ``–`` where the class has nothing to measure."""
    return "–" if share is None else f"{100 * share:.1f} %"


def render(stage: Stage) -> str:
    """The stage as a Markdown table (it reads in a terminal and in the README alike),
    then its goals and notes."""
    widths = [max(len(str(c)), *(len(str(r[i])) for r in stage.rows))
              for i, c in enumerate(stage.columns)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) \
            + " |"

    out = [f"### {stage.title}", "", line(stage.columns),
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in stage.rows]
    out.append("")
    for g in stage.goals:
        out.append(f"- {'PASS' if g.met else 'FAIL'} {g.name}: {g.value} (goal {g.target})")
    out += [f"- {n}" for n in stage.notes]
    return "\n".join(out)


def dumps(stages: Sequence[Stage]) -> str:
    """All stages as JSON (the baseline file)."""
    return json.dumps([s.to_json() for s in stages], ensure_ascii=False, indent=1)
