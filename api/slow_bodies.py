"""Request bodies that arrive too slowly are cut off, so a client sending a few bytes a
second cannot hold a request thread forever (ten of them made ``/healthz`` time out).

A WSGI middleware wraps ``wsgi.input``: reads go to the server in small pieces, so
progress is seen, and one watchdog thread per process looks at every body being read
once a second. A body that has made no progress for ``stall_s``, or whose average rate
is under ``min_rate`` bytes/s after ``grace_s``, has its socket's reading side shut
down (gunicorn gives the socket as ``gunicorn.socket``): the blocked read returns, the
request gets a 408 problem, and what the route was writing is discarded as incomplete.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import RequestTimeout

PIECE = 16 * 1024  # progress is visible at this granularity
MIN_RATE = 4 * 1024  # bytes/s on average: a 2G phone does ten times that
GRACE_S = 10.0
STALL_S = 20.0


class _Body:
    """``wsgi.input`` that reads in small pieces and knows when it was cut off."""

    def __init__(self, stream: Any, sock: socket.socket | None) -> None:
        self.stream, self.sock = stream, sock
        self.started = self.last = time.monotonic()
        self.received = 0
        self.cut_reason: str | None = None

    def read(self, size: int | None = -1) -> bytes:
        out = []
        want = -1 if size is None or size < 0 else size
        while want != 0:
            piece = self.stream.read(PIECE if want < 0 else min(PIECE, want))
            self._seen(piece)
            if not piece:
                break
            out.append(piece)
            if want > 0:
                want -= len(piece)
        return b"".join(out)

    def readline(self, size: int | None = -1) -> bytes:
        line = self.stream.readline(PIECE if size is None or size < 0 else min(size, PIECE))
        self._seen(line)
        return line

    def __iter__(self) -> Any:
        while line := self.readline():
            yield line

    def _seen(self, data: bytes) -> None:
        if self.cut_reason is not None:
            raise RequestTimeout(self.cut_reason)
        if data:
            self.received += len(data)
            self.last = time.monotonic()

    def too_slow(self, now: float, min_rate: float, grace_s: float, stall_s: float
                 ) -> str | None:
        if now - self.last > stall_s:
            return (f"The request body stalled: nothing arrived for {stall_s:.0f} s. Send it "
                    "again on a steadier connection, or use a resumable upload.")
        elapsed = now - self.started
        if elapsed > grace_s and self.received / elapsed < min_rate:
            return (f"The request body arrived at {self.received / elapsed / 1024:.1f} KiB/s, "
                    f"under the minimum of {min_rate / 1024:.0f} KiB/s; it was cut off and "
                    "nothing was stored. Use a resumable upload on a weak network.")
        return None


class _Watchdog:
    """One thread per process while bodies are being read, cutting slow ones off."""

    def __init__(self, min_rate: float, grace_s: float, stall_s: float) -> None:
        self.min_rate, self.grace_s, self.stall_s = min_rate, grace_s, stall_s
        self.bodies: set[_Body] = set()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def watch(self, body: _Body) -> None:
        with self.lock:
            self.bodies.add(body)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="slow-bodies",
                                               daemon=True)
                self.thread.start()

    def forget(self, body: _Body) -> None:
        with self.lock:
            self.bodies.discard(body)

    def _run(self) -> None:
        while True:
            time.sleep(1.0)
            now = time.monotonic()
            with self.lock:
                bodies = list(self.bodies)
                if not bodies:
                    self.thread = None  # nothing to watch: the next body starts another
                    return
            for body in bodies:
                reason = body.too_slow(now, self.min_rate, self.grace_s, self.stall_s)
                if reason is not None and body.cut_reason is None:
                    body.cut_reason = reason
                    if body.sock is not None:
                        with contextlib.suppress(OSError):
                            body.sock.shutdown(socket.SHUT_RD)  # the blocked read returns


def guard_slow_bodies(wsgi_app: Callable[..., Iterable[bytes]], *, min_rate: float = MIN_RATE,
                      grace_s: float = GRACE_S, stall_s: float = STALL_S
                      ) -> Callable[..., Iterable[bytes]]:
    """``wsgi_app`` with every request body under the watchdog."""
    watchdog = _Watchdog(min_rate, grace_s, stall_s)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD", "OPTIONS"):
            return wsgi_app(environ, start_response)
        body = _Body(environ["wsgi.input"], environ.get("gunicorn.socket"))
        environ["wsgi.input"] = body
        watchdog.watch(body)
        try:
            return wsgi_app(environ, start_response)
        finally:
            watchdog.forget(body)

    return app
