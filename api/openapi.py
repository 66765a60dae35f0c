"""Request/response validation (spectree + pydantic 2) and the generated OpenAPI document.

Routes are decorated with ``spec.validate(...)``; the OpenAPI document at
``/openapi.json`` is generated from those models, never written by hand. A request that
fails validation becomes a 422 problem naming each wrong field.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify
from pydantic import BaseModel, ConfigDict
from spectree import SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData

from api.problems import Problem

API_VERSION = "1.0.0"


def _field_messages(errors: Any) -> list[dict[str, str]]:
    out = []
    for err in errors if isinstance(errors, list) else []:
        loc = ".".join(str(part) for part in err.get("loc", ()))
        out.append({"field": loc, "message": err.get("msg", "invalid")})
    return out


def _before(req: Any, resp: Any, error: Exception | None, instance: Any, adapter: Any) -> None:
    """Turn spectree's validation error into a problem+json 422."""
    if error is None:
        return
    fields = _field_messages(adapter.validation_errors(error))
    summary = "; ".join(f"{f['field'] or 'body'}: {f['message']}" for f in fields[:5])
    raise Problem(422, "Invalid request", f"Fix these fields and send again: {summary}.",
                  code="invalid_request", field=fields[0]["field"] if fields else None,
                  errors=fields)


spec = SpecTree(
    "flask",
    title="cuplik API",
    description=(
        "Teasers for LIVE-selling sellers. Authenticate with `Authorization: Bearer <key>` "
        "(create one with `cuplik keys create --seller NAME`). Errors are "
        "application/problem+json."
    ),
    version=API_VERSION,
    mode="normal",
    annotations=False,
    before=_before,
    validation_error_status=422,
    security_schemes=[
        SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer")),
    ],
    security={"bearer": []},
)


class Model(BaseModel):
    """Base of request and response models: unknown fields are refused in requests."""

    model_config = ConfigDict(extra="forbid")


def install(app: Flask) -> None:
    """Serve ``/openapi.json`` for ``app`` (generated from the validated routes)."""

    @app.get("/openapi.json")
    def openapi_document() -> Response:
        # The SpecTree instance is module-level (decorators need it at import time); point
        # it at this app so the document lists this app's routes.
        if getattr(spec, "app", None) is not current_app._get_current_object():  # type: ignore[attr-defined]
            spec.app = current_app._get_current_object()  # type: ignore[attr-defined]
            spec.__dict__.pop("_spec", None)
        return jsonify(spec.spec)
