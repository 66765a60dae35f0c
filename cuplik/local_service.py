"""``cuplik serve`` as a child process: started on a free port, waited for until it is
healthy, stopped cleanly. The demo, the service benchmark and the end-to-end tests drive
the service this way, over HTTP only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cuplik.embedded_redis import free_port


class ServiceDidNotStart(RuntimeError):
    """``cuplik serve`` exited or stayed unhealthy; the message ends with its log's tail."""


@dataclass(frozen=True)
class LocalService:
    """A running ``cuplik serve``: where it answers, its process, and the environment it
    runs with."""

    base: str
    process: subprocess.Popen[bytes]
    env: Mapping[str, str]
    cwd: Path | None

    def create_key(self, seller: str, *, ops: bool = False) -> str:
        """A new API key for ``seller`` (``cuplik keys create``, as an operator would)."""
        argv = [sys.executable, "-m", "cuplik.cli", "keys", "create", "--seller", seller]
        out = subprocess.run([*argv, *(["--ops"] if ops else [])], env=dict(self.env),
                             cwd=self.cwd, capture_output=True, text=True, timeout=60,
                             check=True)
        return out.stdout.split()[0]


@contextmanager
def local_service(log: Path, *, env: Mapping[str, str] | None = None,
                  args: Sequence[str] = (), cwd: Path | None = None,
                  timeout: float = 90.0) -> Iterator[LocalService]:
    """Run ``cuplik serve --port <free> *args`` (output appended to ``log``) until the
    block ends; SIGTERM stops its worker and Redis, SIGKILL after 30 s. Raises
    ServiceDidNotStart when it is not healthy (Redis and database up) within ``timeout``."""
    port = free_port()
    env = dict(os.environ if env is None else env)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cuplik.cli", "serve", "--port", str(port), *args],
            env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    service = LocalService(base=f"http://127.0.0.1:{port}", process=proc, env=env, cwd=cwd)
    try:
        _wait_healthy(service.base, proc, log, timeout)
        yield service
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path,
                  timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                body = json.loads(resp.read() or b"{}")
                if resp.status == 200 and body.get("redis") and body.get("database"):
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            state = (f"exited with {proc.returncode}" if proc.poll() is not None
                     else f"not healthy after {timeout:.0f} s")
            tail = log.read_text(errors="replace")[-3000:]
            raise ServiceDidNotStart(f"cuplik serve {state}; its log ({log}) ends:\n{tail}")
        time.sleep(0.25)
