"""``cuplik serve``: the whole service on one machine.

settings -> Redis (an embedded redis-server under ``VAR_DIR/redis`` unless ``REDIS_URL``)
-> database migrated to the newest schema -> one ``cuplik worker`` child process (restarted
if it dies) -> the Flask app under waitress. SIGINT/SIGTERM stop the HTTP server, then
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
from pathlib import Path
from typing import Any

log = logging.getLogger("cuplik.serve")

WORKER_STOP_SECONDS = 10.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``cuplik serve``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    parser.add_argument("--threads", type=int, default=8, help="HTTP worker threads (8)")
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


def run(args: argparse.Namespace) -> int:
    """Start everything and serve until SIGINT/SIGTERM; exit 0 on a clean stop."""
    from waitress.server import create_server

    from api import create_app
    from api.gateway import JobGateway
    from cuplik.embedded_redis import start_embedded_redis
    from cuplik.settings import load_settings
    from store.db import init_db

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    _stop_on_signals()
    settings = load_settings()
    var_dir = Path(settings.var_dir).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    redis_server = None
    worker: WorkerProcess | None = None
    try:
        if settings.redis_url:
            redis_url = settings.redis_url
        else:
            redis_server = start_embedded_redis(var_dir)
            redis_url = redis_server.url
            log.info("embedded redis-server on %s:%s, data in %s", redis_server.host,
                     redis_server.port, redis_server.data_dir)
        init_db(settings.database_url).dispose()
        if not args.no_worker:
            env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": settings.database_url,
                   "MEDIA_ROOT": str(Path(settings.media_root).resolve()),
                   "VAR_DIR": str(var_dir)}
            worker = WorkerProcess(env)
            worker.start()
        app = create_app({"REDIS_URL": redis_url, "JOBS": JobGateway(redis_url),
                          "MEDIA_ROOT": str(Path(settings.media_root).resolve()),
                          "AUTO_MIGRATE": False})
        server = create_server(app, host=args.host, port=args.port, threads=args.threads,
                               ident="cuplik", clear_untrusted_proxy_headers=True)
        print(f"cuplik serving on http://{args.host}:{args.port}", flush=True)
        try:
            server.run()
        except KeyboardInterrupt:
            log.info("stopping")
        finally:
            server.close()
    finally:
        # Children are stopped even if start-up failed half-way.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if worker is not None:
            worker.stop()
        if redis_server is not None:
            redis_server.stop()
    return 0
