"""Rate limits per API key: at most RATE_LIMIT_PER_MINUTE requests in each minute (a
fixed window), then 429 with ``Retry-After`` (seconds until the next minute). The count is
kept in Redis when the app has one, so every API process shares it; in memory otherwise
(one process, tests)."""

from __future__ import annotations

import threading
from typing import Any

from flask import Response, current_app, g
from redis import Redis

from api.auth import caller
from api.deps import now
from api.problems import Problem

WINDOW_S = 60


class MemoryCounter:
    """Counts per (key, window) in this process."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, window: int) -> int:
        with self._lock:
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
            return count


class RedisCounter:
    """Counts per (key, window) in Redis (INCR + EXPIRE in one round trip)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def hit(self, key: str, window: int) -> int:
        name = f"cuplik:rate:{key}:{window}"
        with self.connection.pipeline() as pipe:
            pipe.incr(name)
            pipe.expire(name, WINDOW_S * 2)
            count, _ = pipe.execute()
        return int(count)


def _counter() -> Any:
    ext = current_app.extensions
    if "rate_counter" not in ext:
        url = current_app.config.get("REDIS_URL")
        if url:
            ext["rate_counter"] = RedisCounter(Redis.from_url(url, socket_timeout=2))
        else:
            ext["rate_counter"] = MemoryCounter()
    return ext["rate_counter"]


def check() -> None:
    """Count this request against its key; 429 over the limit. A Redis outage does not
    block requests (the limit is then not enforced, and the error is logged)."""
    limit = int(current_app.config.get("RATE_LIMIT_PER_MINUTE") or 0)
    if limit <= 0:
        return
    who = caller()
    now_s = now().timestamp()
    window = int(now_s // WINDOW_S)
    try:
        count = _counter().hit(who.key_id or who.seller_id, window)
    except Exception:
        current_app.logger.warning("rate limit not checked", exc_info=True)
        return
    g.rate = (limit, max(0, limit - count), (window + 1) * WINDOW_S)
    if count > limit:
        retry = max(1, int((window + 1) * WINDOW_S - now_s + 0.999))
        raise Problem(429, "Too many requests", f"This API key made more than {limit} "
                      f"requests this minute; retry in {retry} s.", code="rate_limited",
                      headers={"Retry-After": str(retry), **_headers()})


def _headers() -> dict[str, str]:
    limit, left, reset = g.get("rate", (None, None, None))
    if limit is None:
        return {}
    return {"RateLimit-Limit": str(limit), "RateLimit-Remaining": str(left),
            "RateLimit-Reset": str(max(0, int(reset - now().timestamp())))}


def annotate(response: Response) -> Response:
    """Tell the caller how much of its limit is left."""
    for name, value in _headers().items():
        response.headers.setdefault(name, value)
    return response
