"""Request bodies: a JSON route gets one JSON object of bounded size, depth and numbers,
or a precise 4xx problem before the route runs; never a guess, never a 500.

Before, a body that was not JSON (``oops``, a form) was read as ``{}`` by the validator:
``{}`` to ``POST /v1/ops/regenerations`` means "every teaser". Now:

- over ``JSON_BODY_LIMIT`` bytes (far below the upload limit): 413, checked on the
  declared length before reading and while reading a chunked body;
- not ``application/json``: 415;
- not JSON, not an object, nested deeper than ``MAX_DEPTH``, a number that does not fit
  a 64-bit column, ``NaN``/``Infinity``: 400;
- empty, on a route that validates a JSON body: 400 (send ``{}`` to mean "no fields").

Upload routes stream their body to disk instead: they are marked ``@streamed_body``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from flask import current_app, request

from api.openapi import spec
from api.problems import Problem
from domain.wording import number_id

JSON_BODY_LIMIT = 1024 * 1024  # the largest JSON body of any route (a long timeline) is ~100 KiB
MAX_DEPTH = 32
MAX_INT = 2**53 - 1  # exact in every JSON client (JavaScript); sums still fit 64-bit columns
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

F = TypeVar("F", bound=Callable[..., Any])


def streamed_body(view: F) -> F:
    """Mark a view that reads its own (large, non-JSON) body: no JSON checks, the upload
    limit instead of the JSON limit."""
    view.streamed_body = True  # type: ignore[attr-defined]
    return view


def declared_chunks(stream: Any, declared: int | None, size: int) -> Iterator[bytes]:
    """A streamed body as chunks of ``size``, read to its Content-Length (``declared``)
    when it has one, not to the end of the stream: reading past a body exactly at the
    size limit counts as going over it."""
    left = declared
    while left is None or left > 0:
        chunk = stream.read(size if left is None else min(size, left))
        if not chunk:
            return
        if left is not None:
            left -= len(chunk)
        yield chunk


def json_body_limit() -> int:
    """The JSON body limit of this app (``JSON_BODY_LIMIT`` config overrides)."""
    return int(current_app.config.get("JSON_BODY_LIMIT") or JSON_BODY_LIMIT)


def check_body() -> None:
    """``before_request``: refuse a body its route cannot take, with the reason."""
    if request.method not in WRITE_METHODS or request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "streamed_body", False):
        return
    limit = json_body_limit()
    request.max_content_length = limit  # Werkzeug stops reading a chunked body there too
    if request.content_length is not None and request.content_length > limit:
        raise body_too_large(limit)
    raw = request.get_data(cache=True)
    if request.content_length is None and len(raw) >= limit:
        raise body_too_large(limit)  # a chunked body Werkzeug stopped reading at the limit
    if not raw:
        if _takes_json(view):
            raise Problem(400, "Invalid JSON body", "This route needs a JSON object as the "
                          "request body; send {} to give no fields.", code="empty_body",
                          indonesian="Rute ini butuh objek JSON sebagai isi permintaan; kirim "
                                     "{} jika tidak ada kolom yang diisi.")
        return
    if not request.is_json:
        raise Problem(415, "Unsupported media type", f"Send the body as JSON with "
                      f"'Content-Type: application/json' (got {request.mimetype or 'none'!r}).",
                      code="unsupported_media_type",
                      indonesian="Kirim isi permintaan sebagai JSON dengan 'Content-Type: "
                                 f"application/json' (yang dikirim: "
                                 f"{request.mimetype or 'none'!r}).")
    parse_json_object(raw)  # the validator reads the same bytes again, known good now


def body_too_large(limit: int) -> Problem:
    """413 naming the JSON limit."""
    return Problem(413, "Payload too large", f"The request body is larger than the limit of "
                   f"{limit:,} bytes for JSON; send a smaller body (videos go to "
                   "POST /v1/footage).", code="body_too_large",
                   indonesian=f"Isi permintaan melebihi batas {number_id(limit)} byte untuk "
                              "JSON; kirim yang lebih kecil (video dikirim ke POST "
                              "/v1/footage).")


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """``raw`` as a JSON object, or a 400 problem saying what is wrong with it."""
    def bad(why: str, why_id: str) -> Problem:
        return Problem(400, "Invalid JSON body", f"The request body {why}; send one JSON "
                       "object.", code="invalid_json",
                       indonesian=f"Isi permintaan {why_id}; kirim satu objek JSON.")

    def whole(text: str) -> int:
        value = int(text)
        if abs(value) > MAX_INT:
            shown = f"{text[:24]}{'...' if len(text) > 24 else ''}"
            raise _Refused(f"has the number {shown}, larger than {MAX_INT:,}",
                           f"berisi angka {shown}, lebih besar dari {number_id(MAX_INT)}")
        return value

    def finite(text: str) -> float:
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise _Refused(f"has the number {text[:24]}, too large to be a number here",
                           f"berisi angka {text[:24]}, terlalu besar untuk menjadi angka di "
                           "sini")
        return value

    def constant(text: str) -> Any:
        raise _Refused(f"has {text}, which is not a number in JSON",
                       f"berisi {text}, yang bukan angka dalam JSON")

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad("is not UTF-8 text", "bukan teks UTF-8") from None
    depth = _depth(text)
    if depth > MAX_DEPTH:
        raise bad(f"is nested {depth} levels deep, more than the {MAX_DEPTH} allowed",
                  f"bersarang {depth} tingkat, lebih dari {MAX_DEPTH} yang diizinkan")
    try:
        value = json.loads(text, parse_int=whole, parse_float=finite, parse_constant=constant)
    except _Refused as exc:
        raise bad(str(exc), exc.indonesian) from None
    except (ValueError, RecursionError) as exc:
        raise bad(f"is not valid JSON ({str(exc)[:80]})",
                  f"bukan JSON yang valid ({str(exc)[:80]})") from None
    if not isinstance(value, dict):
        raise bad(f"is a JSON {_kind(value)}, not an object",
                  f"berupa {_KIND_ID[_kind(value)]} JSON, bukan objek")
    return value


class _Refused(ValueError):
    def __init__(self, message: str, indonesian: str) -> None:
        super().__init__(message)
        self.indonesian = indonesian


_KIND_ID = {"array": "larik", "string": "teks", "boolean": "boolean", "null": "null",
            "number": "angka"}


def _depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings, so a deeply nested body is
    refused before the parser recurses into it."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def _takes_json(view: Callable[..., Any]) -> bool:
    metadata = spec.get_function_metadata(view)
    return metadata is not None and getattr(metadata, "json", None) is not None
