"""A request id on every answer (``X-Request-Id``) and in every log line written while
the request runs: the caller's own id when it sends a sane one, a fresh one otherwise.
Problem bodies carry it too, so a caller can quote it and ops find the logs; the jobs the
request queues carry it on (``store.logs``)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request

from store.logs import install_request_ids, request_id_var

HEADER = "X-Request-Id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
access_log = logging.getLogger("api.access")


def current() -> str | None:
    """The id of the request being served (``None`` outside a request)."""
    return g.get("request_id") if has_request_context() else None


def install(app: Flask) -> None:
    """Give each request an id, answer it in the header, log one access line."""
    install_request_ids()

    @app.before_request
    def _assign() -> None:
        given = request.headers.get(HEADER, "")
        g.request_id = given if _SANE.match(given) else uuid.uuid4().hex
        # A stack: the studio's in-process /v1 calls run inside its request and share
        # its ``g`` (one app context), so each request undoes only its own binding.
        g.setdefault("request_id_tokens", []).append(request_id_var.set(g.request_id))
        g.request_started = time.monotonic()

    @app.after_request
    def _answer(response: Response) -> Response:
        rid = g.get("request_id")
        if rid:
            response.headers[HEADER] = rid
            took = (time.monotonic() - g.get("request_started", time.monotonic())) * 1000
            access_log.info("%s %s %s %.0f ms", request.method, request.path,
                            response.status_code, took,
                            extra={"event": "http_request", "method": request.method,
                                   "path": request.path, "status": response.status_code,
                                   "ms": round(took, 1)})
        return response

    @app.teardown_request
    def _unbind(_exc: BaseException | None) -> None:
        tokens = g.get("request_id_tokens")
        if tokens:
            try:
                request_id_var.reset(tokens.pop())
            except ValueError:  # set in another context: this one must not keep the id
                request_id_var.set(None)
