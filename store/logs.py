"""Structured logs: one JSON object per line on stderr, for every process of the service
(API, workers, their work horses).

Each line carries the request id of the work it belongs to: the API binds it for the
request (``api.request_id``), the gateway puts it in the job's meta, the worker binds it
for the job, so one id follows a teaser from ``POST /v1/teasers`` through the render job
to the ffmpeg runs. A line never carries an API key: anything shaped like one (or like
a Bearer credential) is masked, whatever the message.

Standard library only: the gateway and the worker import it too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("cuplik_request_id", default=None)

# Everything a LogRecord has of its own; any other attribute came in through ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "request_id", "taskName"}
# API keys (api/auth.py: "cpk_" + urlsafe base64) and any Bearer credential.
_SECRET = re.compile(r"cpk_[A-Za-z0-9_-]+|(?i:bearer)\s+[^\s\"',]+")
MASK = "[redacted]"


def current_request_id() -> str | None:
    """The request id bound in this context (a request, a job), or None."""
    return request_id_var.get()


@contextlib.contextmanager
def bound_request_id(request_id: str | None) -> Iterator[None]:
    """Bind ``request_id`` to every log line written inside the block."""
    token = request_id_var.set(request_id)
    try:
        yield
    finally:
        request_id_var.reset(token)


def redact(text: str) -> str:
    """``text`` with anything shaped like an API key or a Bearer credential masked."""
    return _SECRET.sub(MASK, text)


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "request_id", ...extra, "exc"}`` per line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or current_request_id()
        if rid and rid != "-":
            line["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(_scrubbed(line), default=str, ensure_ascii=False)


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(v) for v in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact(str(value))


def _with_request_id(factory: Any) -> Any:
    def record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        made: logging.LogRecord = factory(*args, **kwargs)
        if not hasattr(made, "request_id") or made.request_id in (None, "-"):
            made.request_id = current_request_id() or "-"
        return made

    record.cuplik_request_id = True  # type: ignore[attr-defined]
    return record


def install_request_ids() -> None:
    """Every log record made from now on carries ``request_id`` (once per process)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "cuplik_request_id", False):
        logging.setLogRecordFactory(_with_request_id(factory))


def configure(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the whole process (replaces any handler of the root)."""
    install_request_ids()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
