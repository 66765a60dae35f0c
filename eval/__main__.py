"""``make eval``: every stage's table, then exit 1 when a goal is missed.

Stages run in order; each is a ``module:function`` returning an ``eval.table.Stage``,
listed in ``STAGES``: the ranking scoreboard on the main corpus and on a held-out one
(about a minute), the per-class render table (every input class end to end: about
40 minutes on this 2-core machine) and the moviepy comparison (a few minutes).
``--only NAME`` runs one stage (``--only ranking --only ranking-held-out`` leaves the
renders out), ``--json PATH`` also writes the tables as JSON
(``bench/baselines/eval.json``), ``--markdown PATH`` as Markdown.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from eval.table import dumps, render

STAGES: dict[str, str] = {"ranking": "eval.ranking:run",
                          "ranking-held-out": "eval.ranking:run_held_out",
                          "render": "eval.render:run",
                          "moviepy": "eval.versus_moviepy:run"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="make eval", description=__doc__)
    p.add_argument("--only", choices=sorted(STAGES), action="append",
                   help="run only this stage (repeatable)")
    p.add_argument("--json", type=Path, help="write the tables as JSON here")
    p.add_argument("--markdown", type=Path, help="write the tables as Markdown here")
    args = p.parse_args(argv)
    stages = []
    for name in args.only or list(STAGES):
        module, function = STAGES[name].split(":")
        stage = getattr(importlib.import_module(module), function)()
        print(render(stage), flush=True)
        print()
        stages.append(stage)
    if args.json:
        args.json.write_text(dumps(stages) + "\n")
    if args.markdown:
        args.markdown.write_text("\n\n".join(render(s) for s in stages) + "\n")
    missed = [g.name for s in stages for g in s.goals if not g.met]
    if missed:
        print(f"make eval: goals missed: {'; '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
