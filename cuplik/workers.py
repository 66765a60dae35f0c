"""``cuplik worker``: an RQ worker on ``interactive`` then ``batch`` (a seller waiting on
one teaser is never starved by an ops batch), JSON serializer, the scheduler that runs
retries with back-off, and the reconciler every ``--reconcile-every`` seconds.

Each job runs in a forked work horse, so a job timeout or a crash kills only that job.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import signal
import sys
from typing import Any

from rq import Worker

log = logging.getLogger("cuplik.worker")

# Imported once in the worker so every forked horse starts with them loaded (a cold
# import of numpy/OpenCV/PyAV per job would add seconds to every teaser).
PRELOAD = ("worker.jobs", "worker.pipeline", "worker.probe", "worker.render", "worker.graph",
           "worker.ranking", "worker.timeline", "worker.analysis", "worker.footage_ranking",
           "worker.reframe", "worker.overlays", "worker.music", "numpy", "av", "cv2")


class ReconcilingWorker(Worker):
    """An RQ ``Worker`` whose periodic maintenance also runs our reconciler."""

    reconciler: Any = None

    def main_work_horse(self, job: Any, queue: Any) -> None:
        # RQ puts the horse in its own process group: a SIGKILLed worker (a machine lost,
        # OOM) left it rendering beside the reconciler's re-queue. Tie it to the worker;
        # its ffmpeg children are tied to it the same way (worker/ffmpeg.py).
        from cuplik.embedded_redis import die_with_parent
        from store.logs import bound_request_id

        parent = os.getppid()
        die_with_parent(signal.SIGKILL)
        if os.getppid() != parent:  # the worker died before we asked
            os._exit(1)
        # The id of the request that queued the job (or the job's own): on every line the
        # job and its ffmpeg runs log.
        with bound_request_id(job.meta.get("request_id") or job.id):
            super().main_work_horse(job, queue)

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        if self.reconciler is None:
            return
        try:
            report = self.reconciler.run_once()
            log.debug("reconciler: %s", report.summary())
        except Exception:  # a database blip must not stop the worker; next pass retries
            log.exception("reconciler pass failed")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``cuplik worker``."""
    parser.add_argument("--burst", action="store_true",
                        help="run the jobs that are queued now, then exit")
    parser.add_argument("--reconcile-every", type=int, default=30, metavar="SECONDS",
                        help="how often to re-queue lost or stuck work (default 30)")
    parser.add_argument("--name", default=None, help="worker name shown by `rq info`")


def build_worker(redis_url: str, database_url: str, media_root: Any, *,
                 reconcile_every: int = 30, name: str | None = None) -> ReconcilingWorker:
    """A worker on both queues with the job context and the reconciler wired in."""
    from rq.serializers import JSONSerializer

    from store.db import Database
    from store.media import MediaStore
    from store.queues import QUEUES, JobGateway
    from worker import jobs
    from worker.reconciler import HEARTBEAT_S, Reconciler

    gateway = JobGateway(redis_url)
    db = Database(database_url)
    media = MediaStore(media_root)
    swept = media.sweep_partials()  # what killed uploads and renders left behind
    if swept:
        log.warning("removed %d stale temporary files under %s", len(swept), media.root)
    jobs.configure(db, media)
    worker = ReconcilingWorker([gateway.queue(q) for q in QUEUES], connection=gateway.connection,
                               serializer=JSONSerializer, name=name,
                               maintenance_interval=reconcile_every,
                               # the heartbeat the reconciler tells live workers by
                               job_monitoring_interval=HEARTBEAT_S,
                               # The idle loop wakes every worker_ttl - 15 s to run maintenance.
                               worker_ttl=max(reconcile_every + 15, 35))
    worker.reconciler = Reconciler(db, gateway)
    return worker


def run(args: argparse.Namespace) -> int:
    """Run the worker until SIGINT/SIGTERM (or, with ``--burst``, until the queues are empty)."""
    from store import logs, telemetry

    logs.configure()
    telemetry.use_worker_files()
    os.umask(0o077)  # renders, analyses: owner-only, as cuplik serve's files
    settings = args.settings
    if not settings.redis_url:
        print("cuplik worker: set REDIS_URL to the Redis the API enqueues on "
              "(`cuplik serve` starts its own worker for the embedded Redis)", file=sys.stderr)
        return 2
    for module in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    worker = build_worker(settings.redis_url, settings.database_url, settings.media_root,
                          reconcile_every=args.reconcile_every, name=args.name)
    worker.work(burst=args.burst, with_scheduler=True, logging_level="INFO")
    return 0
