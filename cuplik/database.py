"""``cuplik db upgrade``: create or migrate the database schema (Alembic, newest revision)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Subcommands of ``cuplik db``."""
    sub = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = sub.add_parser("upgrade", help="migrate the schema to the newest revision")
    up.add_argument("--revision", default="head", help="target revision (default: head)")


def run(args: argparse.Namespace) -> int:
    """Migrate DATABASE_URL's schema; prints where."""
    from store.db import Database

    url = args.settings.database_url
    db = Database(url)
    try:
        db.upgrade(args.revision)
    finally:
        db.dispose()
    shown = db.engine.url.render_as_string(hide_password=True)
    print(f"database {shown} is at revision {args.revision}", file=sys.stderr)
    return 0
