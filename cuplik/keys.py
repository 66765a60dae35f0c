"""``cuplik keys create --seller NAME [--ops]``: print a new API key once (only its hash
is stored)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Subcommands of ``cuplik keys``."""
    sub = parser.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = sub.add_parser("create", help="create a key for a seller (created if new)")
    create.add_argument("--seller", required=True, help="seller (shop) name")
    create.add_argument("--ops", action="store_true", help="an ops key (acts across sellers)")


def run(args: argparse.Namespace) -> int:
    """Create the key on the configured database and print it."""
    from api.auth import create_key
    from store.db import init_db

    name = args.seller.strip()
    if not name:
        print("cuplik keys: --seller must not be empty", file=sys.stderr)
        return 2
    db = init_db(args.settings.database_url)
    try:
        with db.session() as s:
            key = create_key(s, name, ops=args.ops)
    finally:
        db.dispose()
    print(key)
    print(f"(key for {'ops ' if args.ops else ''}seller {name!r}; it is shown only once)",
          file=sys.stderr)
    return 0
