"""``cuplik worker``: an RQ worker on ``interactive`` then ``batch`` (a seller waiting on
one teaser is never starved by an ops batch), JSON serializer, the scheduler that runs
retries with back-off, and the reconciler every ``--reconcile-every`` seconds.

Each job runs in a forked work horse, so a job timeout or a crash kills only that job.

SIGTERM (a rolling deploy, ``cuplik serve`` stopping) drains the worker: it takes no new
job and lets the current one finish for up to ``--drain-seconds``; a job still running
then, or at a second SIGTERM, is handed back: its horse (and ffmpeg with it) is killed and
the job goes back to the front of its queue, its teaser to ``queued``, without using up
one of its attempts. Nothing is left half-done on a stopped worker.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import signal
import sys
import time
from typing import Any

from rq import Worker

from store.queues import RENDER_FUNC

log = logging.getLogger("cuplik.worker")

DRAIN_SECONDS = 25  # a 40 s teaser renders in well under this on two cores

# Imported once in the worker so every forked horse starts with them loaded (a cold
# import of numpy/OpenCV/PyAV per job would add seconds to every teaser).
PRELOAD = ("worker.jobs", "worker.pipeline", "worker.probe", "worker.render", "worker.graph",
           "worker.regeneration", "worker.ranking", "worker.timeline", "worker.analysis",
           "worker.footage_ranking", "worker.reframe", "worker.overlays", "worker.music",
           "worker.stem", "worker.verify", "worker.webhooks", "numpy", "av", "cv2",
           # imported on first use otherwise, in every horse: the poster's JPEG reader,
           # the ffmpeg wheel's lookup
           "av.subtitles.stream", "PIL.JpegImagePlugin", "imageio_ffmpeg")


class ReconcilingWorker(Worker):
    """An RQ ``Worker`` whose periodic maintenance also runs our reconciler, and which
    drains on SIGTERM (finish the job in ``drain_seconds`` or hand it back)."""

    reconciler: Any = None
    db: Any = None  # store.db.Database: a handed-back teaser goes back to queued
    drain_seconds: float = DRAIN_SECONDS
    _drain_deadline: float | None = None
    _running: tuple[Any, Any] | None = None  # (job, queue) of the horse at work
    _handing_back: str | None = None

    def fork_work_horse(self, job: Any, queue: Any) -> None:
        self._running = (job, queue)
        super().fork_work_horse(job, queue)

    def execute_job(self, job: Any, queue: Any) -> None:
        try:
            super().execute_job(job, queue)
        finally:
            self._running = None

    def handle_warm_shutdown_request(self) -> None:
        super().handle_warm_shutdown_request()
        self._drain_deadline = time.monotonic() + self.drain_seconds
        if self._running is not None and self.drain_seconds <= 0:
            self._stop_horse_to_hand_back(self._running[0])
        elif self._running is not None:
            log.info("draining: finishing %s (up to %.0f s) before stopping",
                     self._running[0].id, self.drain_seconds,
                     extra={"event": "worker_draining", "job_id": self._running[0].id})

    def maintain_heartbeats(self, job: Any, execution: Any) -> None:
        # Called every job_monitoring_interval while the horse works.
        super().maintain_heartbeats(job, execution)
        if self._drain_deadline is not None and time.monotonic() >= self._drain_deadline:
            self._stop_horse_to_hand_back(job)

    def request_force_stop(self, signum: int, frame: Any) -> None:
        # A second SIGTERM/SIGINT: stop now, but give the job back rather than orphan it.
        from datetime import timedelta

        from rq.utils import now

        asked = self._shutdown_requested_date
        if asked is not None and now() - asked < timedelta(seconds=1):
            return  # the same stop, delivered twice (RQ ignores it too)
        running = self._running
        if running is not None and self.horse_pid:
            self._stop_horse_to_hand_back(running[0])
            self.wait_for_horse()
            self._hand_back(*running, getattr(self, "execution", None))
            self._horse_pid = 0
        super().request_force_stop(signum, frame)

    def _stop_horse_to_hand_back(self, job: Any) -> None:
        if self._handing_back == job.id or not self.horse_pid:
            return
        log.warning("drain: %s did not finish in time; handing it back", job.id,
                    extra={"event": "job_handed_back", "job_id": job.id})
        self._handing_back = job.id
        self.kill_horse()  # its process group; ffmpeg dies with it (PR_SET_PDEATHSIG)

    def handle_job_failure(self, job: Any, queue: Any, started_job_registry: Any = None,
                           exc_string: str = "", execution: Any = None) -> None:
        if job.id == self._handing_back:  # the horse we killed to hand its job back
            self._hand_back(job, queue, execution)
            return
        super().handle_job_failure(job, queue, started_job_registry, exc_string, execution)

    def _hand_back(self, job: Any, queue: Any, execution: Any) -> None:
        """The job back at the front of its queue, its teaser queued, no attempt spent."""
        if self._handing_back is None:
            return
        self._handing_back = None
        with self.connection.pipeline() as pipe:
            self.cleanup_execution(job, pipeline=pipe, execution=execution)
            pipe.execute()
        queue.enqueue_job(job, at_front=True)
        if self.db is not None and job.func_name == RENDER_FUNC:
            from store import lifecycle
            from store.models import Teaser

            teaser_id, revision = job.args
            with self.db.session() as session:
                row = session.get(Teaser, teaser_id)
                if row is not None and row.revision == revision:
                    lifecycle.handed_back(row)

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
    parser.add_argument("--drain-seconds", type=float, default=DRAIN_SECONDS, metavar="SECONDS",
                        help="on SIGTERM, how long the current job may run on before it is "
                             f"handed back to the queue (default {DRAIN_SECONDS})")


def build_worker(redis_url: str, database_url: str, media_root: Any, *,
                 reconcile_every: int = 30, name: str | None = None,
                 drain_seconds: float = DRAIN_SECONDS) -> ReconcilingWorker:
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
    try:
        jobs.warm_statements(db)  # compiled once here, not in every forked horse
    except Exception:  # the database not up yet: each horse compiles its own, as before
        log.warning("the job statements were not compiled ahead", exc_info=True)
    worker = ReconcilingWorker([gateway.queue(q) for q in QUEUES], connection=gateway.connection,
                               serializer=JSONSerializer, name=name,
                               maintenance_interval=reconcile_every,
                               # the heartbeat the reconciler tells live workers by
                               job_monitoring_interval=HEARTBEAT_S,
                               # The idle loop wakes every worker_ttl - 15 s to run maintenance.
                               worker_ttl=max(reconcile_every + 15, 35))
    worker.reconciler = Reconciler(db, gateway)
    worker.db = db
    worker.drain_seconds = drain_seconds
    return worker


def warm_up() -> None:
    """Do once, here, what every forked horse would otherwise do again for its one job:
    import the media stack, find the ffmpeg binary (imageio-ffmpeg looks for it on every
    first call: 0.05 s), measure the music beds."""
    for module in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    try:
        from worker import ffmpeg
        from worker.mix import warm_beds

        ffmpeg.binary()
        warm_beds()
    except Exception:  # a bed that cannot be read fails its own renders, with the reason
        log.warning("the music beds were not measured ahead", exc_info=True)


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
    warm_up()
    worker = build_worker(settings.redis_url, settings.database_url, settings.media_root,
                          reconcile_every=args.reconcile_every, name=args.name,
                          drain_seconds=args.drain_seconds)
    worker.work(burst=args.burst, with_scheduler=True, logging_level="INFO")
    return 0
