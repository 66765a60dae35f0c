"""The studio speaks to cuplik through the same JSON API as everyone else: each call is
dispatched in-process to the app's own ``/v1`` routes, authenticated as the signed-in
seller's key. No rule of the API is repeated here.

The key itself is never kept: the signed session cookie holds its sha256, which
``api.auth.authenticate`` accepts only from the WSGI environ of an in-process call (a
client cannot put a value there), so a revoked key ends the studio session at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, request, session
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from api.auth import STUDIO_KEY_HASH

_HOP_HEADERS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_X_CSRF_TOKEN")


@dataclass(frozen=True)
class Answer:
    """What an API call answered: status and JSON body (``{}`` when there was none)."""

    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status < 400

    @property
    def message(self) -> str:
        """The problem's own words (its ``detail``), for the seller."""
        return str(self.body.get("detail") or self.body.get("title") or "")

    @property
    def field(self) -> str | None:
        value = self.body.get("field")
        return str(value) if value else None


def _mark(environ: dict[str, Any]) -> dict[str, Any]:
    for name in _HOP_HEADERS:
        environ.pop(name, None)
    environ[STUDIO_KEY_HASH] = session.get("key_hash", "")
    # The domain's refusals come back in the page's language.
    environ["HTTP_ACCEPT_LANGUAGE"] = str(g.get("lang") or "id")
    rid = g.get("request_id")
    if rid:
        environ["HTTP_X_REQUEST_ID"] = rid
    return environ


def call(method: str, path: str, *, json_body: Any = None,
         query: dict[str, Any] | None = None) -> Answer:
    """Call ``/v1{path}`` as the signed-in seller and return its answer."""
    params = {k: v for k, v in (query or {}).items() if v not in (None, "")}
    builder = EnvironBuilder(path="/v1" + path, method=method, query_string=params,
                             json=json_body)
    try:
        environ = _mark(builder.get_environ())
    finally:
        builder.close()
    response = Response.from_app(current_app.wsgi_app, environ, buffered=True)
    data = response.get_data()
    body = json.loads(data) if data and (response.mimetype or "").endswith("json") else {}
    return Answer(response.status_code, body if isinstance(body, dict) else {"items": body})


def get(path: str, **query: Any) -> Answer:
    """GET ``/v1{path}``."""
    return call("GET", path, query=query)


def forward(path: str) -> Response:
    """Pass the browser's request (body streamed, Range kept) to ``/v1/{path}`` and its
    answer back unchanged: uploads with progress, job progress, the player."""
    environ = _mark(dict(request.environ))
    environ["PATH_INFO"] = "/v1/" + path
    environ["SCRIPT_NAME"] = ""
    return Response.from_app(current_app.wsgi_app, environ)
