"""``cuplik reconcile``: one reconciler pass — re-queue or fail teasers and uploads whose
job is gone or stuck — and print what it did."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``cuplik reconcile``."""
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    """Run one pass against DATABASE_URL and REDIS_URL; exit 0 (2 without REDIS_URL)."""
    from store.db import Database
    from store.queues import JobGateway
    from worker.reconciler import Reconciler

    settings = args.settings
    if not settings.redis_url:
        print("cuplik reconcile: set REDIS_URL to the Redis the workers use", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    gateway = JobGateway(settings.redis_url)
    try:
        report = Reconciler(db, gateway).run_once()
    finally:
        db.dispose()
        gateway.connection.close()
    if args.json:
        print(json.dumps({"checked": report.checked,
                          "requeued_teasers": report.requeued_teasers,
                          "failed_teasers": report.failed_teasers,
                          "requeued_footage": report.requeued_footage,
                          "rejected_footage": report.rejected_footage}))
    else:
        print(report.summary())
    return 0
