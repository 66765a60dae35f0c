"""store.logs: one JSON object per line, the request id on it, never an API key."""

from __future__ import annotations

import json
import logging

from store.logs import JsonFormatter, bound_request_id, install_request_ids


def _line(logger: logging.Logger, *args: object, **kwargs: object) -> dict[str, object]:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    logger.addHandler(handler)
    try:
        logger.warning(*args, **kwargs)  # type: ignore[arg-type]
    finally:
        logger.removeHandler(handler)
    (record,) = records
    return json.loads(JsonFormatter().format(record))


def test_a_line_carries_its_request_id_and_extra_fields() -> None:
    install_request_ids()
    log = logging.getLogger("test.logs")
    with bound_request_id("rid-42"):
        line = _line(log, "render of %s done", "t1", extra={"event": "x", "seconds": 1.5})
    assert line["request_id"] == "rid-42" and line["message"] == "render of t1 done"
    assert (line["event"], line["seconds"], line["level"], line["logger"]) == (
        "x", 1.5, "warning", "test.logs")
    with bound_request_id(None):  # whatever earlier tests of this process left bound
        outside = _line(log, "no request here")
    assert "request_id" not in outside


def test_an_api_key_or_bearer_credential_never_reaches_a_line() -> None:
    log = logging.getLogger("test.logs")
    key = "cpk_Zm9vYmFyYmF6cXV4LWtleS1zZWNyZXQ"
    line = _line(log, "saw %s", f"Authorization: Bearer {key}", extra={"header": key})
    text = json.dumps(line)
    assert key not in text and "[redacted]" in text
