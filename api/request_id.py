"""A request id on every answer (``X-Request-Id``) and in every log line written while
the request runs: the caller's own id when it sends a sane one, a fresh one otherwise.
Problem bodies carry it too, so a caller can quote it and ops find the logs."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-Id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
access_log = logging.getLogger("api.access")


def current() -> str | None:
    """The id of the request being served (``None`` outside a request)."""
    return g.get("request_id") if has_request_context() else None


_base_factory = logging.getLogRecordFactory()


def _record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Every log record made while a request runs carries its id (``request_id``) and
    names it at the end of the message, so any formatter shows it."""
    record = _base_factory(*args, **kwargs)
    rid = current()
    record.request_id = rid or "-"
    if rid:
        record.msg = f"{record.msg} [request_id={rid}]"
    return record


def install(app: Flask) -> None:
    """Give each request an id, answer it in the header, log one access line."""
    if logging.getLogRecordFactory() is not _record:
        logging.setLogRecordFactory(_record)

    @app.before_request
    def _assign() -> None:
        given = request.headers.get(HEADER, "")
        g.request_id = given if _SANE.match(given) else uuid.uuid4().hex
        g.request_started = time.monotonic()

    @app.after_request
    def _answer(response: Response) -> Response:
        rid = g.get("request_id")
        if rid:
            response.headers[HEADER] = rid
            took = (time.monotonic() - g.get("request_started", time.monotonic())) * 1000
            access_log.info("%s %s %s %.0f ms", request.method, request.path,
                            response.status_code, took)
        return response
