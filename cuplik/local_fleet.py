"""A fleet of ``cuplik worker`` processes on this machine, each in its own process group
(as separate machines would be: a signal to one never reaches another), sharing Redis,
the database and the media store through their environment. The fleet test and the
throughput benchmark drive workers this way."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cuplik.workers import DRAIN_SECONDS


@dataclass(frozen=True)
class LocalFleet:
    """Running workers by name (``fleet-1`` ...), their processes, and where each logs."""

    names: tuple[str, ...]
    processes: tuple[subprocess.Popen[bytes], ...]
    logs: tuple[Path, ...]

    def kill(self, index: int) -> None:
        """SIGKILL worker ``index`` and everything it started: a machine lost."""
        proc = self.processes[index]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM every worker (they drain), SIGKILL what is left after the drain."""
        for proc in self.processes:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=DRAIN_SECONDS + 10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)


@contextmanager
def local_fleet(count: int, env: Mapping[str, str], log_dir: Path, *,
                args: Sequence[str] = (), cwd: Path | None = None,
                prefix: str = "fleet") -> Iterator[LocalFleet]:
    """Start ``count`` workers with ``env`` (REDIS_URL, DATABASE_URL, MEDIA_ROOT) until
    the block ends; each logs to ``log_dir/<name>.log``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    names = tuple(f"{prefix}-{i + 1}" for i in range(count))
    logs = tuple(log_dir / f"{name}.log" for name in names)
    procs: list[subprocess.Popen[bytes]] = []
    fleet = LocalFleet(names, (), logs)
    try:
        for name, log in zip(names, logs, strict=True):
            with log.open("ab") as out:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "cuplik.cli", "worker", "--name", name, *args],
                    env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                    stderr=subprocess.STDOUT, start_new_session=True))
        fleet = LocalFleet(names, tuple(procs), logs)
        yield fleet
    finally:
        LocalFleet(names, tuple(procs), logs).stop()
