"""The ``cuplik`` command. Each subcommand lives in its own module exposing
``add_arguments(parser)`` and ``run(args) -> int``; modules load only when used, so
``cuplik serve`` never imports the media stack and ``cuplik render`` never imports Flask."""

from __future__ import annotations

import argparse
import importlib
import sys

from store.settings import load_settings, use

COMMANDS: dict[str, tuple[str, str]] = {
    "render": ("cuplik.render_command", "cut and render a teaser from a recording"),
    "demo": ("cuplik.demo", "generate a sample session and make its teasers"),
    "serve": ("cuplik.serve", "run the API (with an embedded Redis and a worker by default)"),
    "worker": ("cuplik.workers", "run a worker on the interactive and batch queues"),
    "reconcile": ("cuplik.reconcile", "re-queue or fail teasers whose job is gone or stuck"),
    "keys": ("cuplik.keys", "create API keys"),
    "db": ("cuplik.database", "create or upgrade the database schema"),
}


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="cuplik", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = argv[0] if argv and argv[0] in COMMANDS else None
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        if name == chosen:
            importlib.import_module(module).add_arguments(p)
    args = parser.parse_args(argv)
    try:
        # The environment, read once here and handed on as ``args.settings``; also this
        # process's (and its forked work horses') store.settings.current().
        args.settings = load_settings()
    except ValueError as exc:
        print(f"cuplik: {exc}", file=sys.stderr)
        return 2
    use(args.settings)
    result: int = importlib.import_module(COMMANDS[args.command][0]).run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
