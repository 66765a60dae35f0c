"""``cuplik serve``: the whole service on one machine.

settings -> Redis (an embedded redis-server under ``VAR_DIR/redis`` unless ``REDIS_URL``)
-> database migrated to the newest schema -> one ``cuplik worker`` child process (restarted
if it dies) -> the Flask app under gunicorn (one process per core by default, each with a few
threads: one Python process tops out near 250 reads/s here, measured). SIGINT/SIGTERM
stop the HTTP server, then
the worker (warm: it gets a few seconds to finish its job; the reconciler re-queues
anything cut short), then Redis.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from cuplik.workers import DRAIN_SECONDS

log = logging.getLogger("cuplik.serve")

# The worker drains on SIGTERM (cuplik.workers): its job finishes or is handed back.
WORKER_STOP_SECONDS = DRAIN_SECONDS + 10.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``cuplik serve``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    parser.add_argument("--http-workers", type=int, default=os.cpu_count() or 2,
                        help="HTTP server processes (default: one per core)")
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per HTTP server process (4)")
    parser.add_argument("--no-worker", action="store_true",
                        help="do not start a worker (run `cuplik worker` elsewhere)")


class WorkerProcess:
    """A ``cuplik worker`` child, restarted with a back-off if it exits on its own."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="worker-watch", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._watcher.start()

    def _spawn(self) -> None:
        from cuplik.embedded_redis import die_with_parent

        self.process = subprocess.Popen([sys.executable, "-m", "cuplik.cli", "worker"],
                                        env=self.env, stdin=subprocess.DEVNULL,
                                        preexec_fn=die_with_parent)
        log.info("worker started (pid %s)", self.process.pid)

    def _watch(self) -> None:
        delay = 1.0
        while not self._stopping.is_set():
            proc = self.process
            if proc is not None and proc.poll() is not None:
                if self._stopping.is_set():
                    return
                log.warning("worker exited with %s; restarting in %.0f s", proc.returncode, delay)
                if self._stopping.wait(delay):
                    return
                self._spawn()
                delay = min(delay * 2, 30.0)
            self._stopping.wait(0.5)

    def stop(self) -> None:
        """SIGTERM (RQ's warm shutdown), SIGKILL after ``WORKER_STOP_SECONDS``."""
        self._stopping.set()
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            log.warning("worker did not stop in %.0f s; killing it", WORKER_STOP_SECONDS)
            proc.kill()
            proc.wait(timeout=5)


def _stop_on_signals() -> None:
    def handler(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _http_server(factory: Any, options: dict[str, Any]) -> Any:
    """A gunicorn arbiter serving ``factory()`` (called in each server process after
    the fork, so no database or Redis connection is shared across processes)."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return factory()

    return Server()


def run(args: argparse.Namespace) -> int:
    """Start everything and serve until SIGINT/SIGTERM; exit 0 on a clean stop."""
    from api import create_app
    from cuplik.embedded_redis import start_embedded_redis
    from store import logs, telemetry
    from store.db import init_db
    from store.queues import JobGateway

    logs.configure()
    _stop_on_signals()
    # Everything the service and its children create (database, uploads, renders, Redis'
    # files) is its own: 0600 files, 0700 directories, not readable by other local users.
    os.umask(0o077)
    settings = args.settings
    var_dir = Path(settings.var_dir).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    var_dir.chmod(0o700)  # also a VAR_DIR made before, by an older version
    # Every process of ours (gunicorn's, the worker and its horses) counts into its own
    # file here; /metrics adds them up (store.telemetry). The children inherit it.
    telemetry.prepare_multiprocess_dir(
        Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or var_dir / "metrics"))
    redis_server = None
    worker: WorkerProcess | None = None
    try:
        if settings.redis_url:
            redis_url = settings.redis_url
        else:
            redis_server = start_embedded_redis(var_dir)
            redis_url = redis_server.url
            # For operators: `rq info --url "$(cat var/redis/url)"` (owner-only file).
            url_file = Path(redis_server.data_dir) / "url"
            url_file.touch(mode=0o600)
            url_file.write_text(redis_url + "\n")
            log.info("embedded redis-server on %s:%s, data in %s", redis_server.host,
                     redis_server.port, redis_server.data_dir)
        init_db(settings.database_url).dispose()
        if not args.no_worker:
            env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": settings.database_url,
                   "MEDIA_ROOT": str(Path(settings.media_root).resolve()),
                   "VAR_DIR": str(var_dir)}
            worker = WorkerProcess(env)
            worker.start()
        served = replace(settings, redis_url=redis_url,
                         media_root=Path(settings.media_root).resolve())

        def factory() -> Any:
            return create_app(served, {"AUTO_MIGRATE": False, "JOBS": JobGateway(redis_url)})

        server = _http_server(factory, {
            "bind": f"{args.host}:{args.port}", "workers": max(1, args.http_workers),
            "worker_class": "gthread", "threads": max(1, args.threads),
            # A process takes at most as many connections again as it has threads, so
            # one whose threads are all held (by slow bodies, until api.slow_bodies cuts
            # them off) leaves new connections to the others or the listen backlog:
            # whatever it queued runs in the next round, never two rounds behind.
            "worker_connections": 2 * max(1, args.threads),
            "timeout": 300, "graceful_timeout": 10, "loglevel": "warning",
            "forwarded_allow_ips": "", "proc_name": "cuplik-api",
            "when_ready": lambda _arbiter: print(
                f"cuplik serving on http://{args.host}:{args.port}", flush=True)})
        try:
            server.run()  # gunicorn handles SIGINT/SIGTERM: it stops its processes, exits
        except (KeyboardInterrupt, SystemExit):
            log.info("stopping")
    finally:
        # Children are stopped even if start-up failed half-way.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if worker is not None:
            worker.stop()
        if redis_server is not None:
            redis_server.stop()
    return 0
