"""Request/response validation (spectree + pydantic 2) and the generated OpenAPI document.

Routes are decorated with ``spec.validate(...)``; the OpenAPI document at
``/openapi.json`` is generated from those models, never written by hand. A request that
fails validation becomes a 422 problem naming each wrong field.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict
from spectree import SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

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
        SecurityScheme(name="bearer",
                       data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer")),
    ],
    security={"bearer": []},
)


class Model(BaseModel):
    """Base of request and response models: unknown fields are refused in requests."""

    model_config = ConfigDict(extra="forbid")


#: What a validated route returns: a Flask answer, or a response model (with a status and
#: headers) that spectree serialises and checks against the route's declared responses.
Answer = (ResponseReturnValue | Model | tuple[Model, int]
          | tuple[Model, int, Mapping[str, Any]])


def example(**body: Any) -> ConfigDict:
    """A request model's config with ``body`` as its example (the document shows it on
    the request; the contract test checks it against the schema)."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [body]})


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error (RFC 9457): ``code`` is stable per kind of error, ``detail`` "
                   "says what to do, ``field`` names the input at fault.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "code": {"type": "string", "examples": ["invalid_request", "not_found"]},
        "field": {"type": ["string", "null"]},
        "request_id": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}}}},
    },
    "additionalProperties": True,
}
PROBLEM_STATUSES = {
    "400": "Bad request", "401": "No valid API key (see WWW-Authenticate)",
    "403": "Not allowed for this key", "404": "No such resource in your account",
    "409": "Conflicts with the resource's state (the detail says what to do)",
    "413": "Body too large", "415": "Unsupported body type",
    "422": "Invalid input (``field`` names it)", "429": "Rate limited (see Retry-After)",
    "500": "Our fault; quote the request id",
}
BINARY = {"video": "video/mp4", "poster": "image/jpeg"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}}


def _binary(media_type: str) -> dict[str, Any]:
    return {media_type: {"schema": {"type": "string", "format": "binary"}}}


def _request_example(op: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Show a JSON request body's example (its model's, see ``example``) on the request."""
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None or "$ref" not in content.get("schema", {}):
        return
    examples = schemas[content["schema"]["$ref"].rsplit("/", 1)[-1]].get("examples")
    if examples:
        content["example"] = examples[0]


def complete(doc: dict[str, Any]) -> dict[str, Any]:
    """What the models alone do not say: every error is problem+json (replacing spectree's
    own validation-error shape), the upload body, the binary video/poster answers with
    Range (206/416), the Idempotency-Key header on POSTs, each request body's example."""
    # The studio's HTML pages are the web app, not the API: not in its contract.
    doc["paths"] = {p: item for p, item in doc["paths"].items() if not p.startswith("/studio")}
    schemas = doc["components"]["schemas"]
    doc["components"]["schemas"] = {
        k: v for k, v in schemas.items() if not k.startswith("ValidationError")}
    doc["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
    for path, item in doc["paths"].items():
        for method, op in item.items():
            _request_example(op, doc["components"]["schemas"])
            responses = op.setdefault("responses", {})
            responses.pop("422", None)
            if path == "/metrics":  # for the operator's scraper: no key, plain text
                op["security"] = []
                op["responses"] = {"200": {
                    "description": "Every cuplik metric in the Prometheus text format",
                    "content": {"text/plain": {"schema": {"type": "string"}}}},
                    "500": _problem(PROBLEM_STATUSES["500"])}
                continue
            if path == "/healthz":
                responses["500"] = _problem(PROBLEM_STATUSES["500"])
                continue
            for status, description in PROBLEM_STATUSES.items():
                responses.setdefault(status, _problem(description))
            if method == "post":
                op.setdefault("parameters", []).append({
                    "name": "Idempotency-Key", "in": "header", "required": False,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    "description": "Same key and body within 24 h: the first answer again; "
                                   "same key, other body: 409."})
            kind = path.rsplit("/", 1)[-1]
            if path.startswith("/v1/downloads/"):
                op["security"] = []
                for p in op.get("parameters", []):
                    if p["name"] == "kind":
                        p["schema"] = {"type": "string", "enum": list(BINARY)}
                op["parameters"] += [
                    {"name": n, "in": "query", "required": True, "schema": schema}
                    for n, schema in (("expires", {"type": "integer"}),
                                      ("signature", {"type": "string"}))]
                responses.pop("401", None)
                content = {**_binary("video/mp4"), **_binary("image/jpeg")}
                kind = "download"
            elif kind in BINARY and path.startswith("/v1/teasers/"):
                content = _binary(BINARY[kind])
            else:
                continue
            responses["200"] = {"description": "The file", "content": content}
            responses["206"] = {"description": "The requested byte range", "content": content}
            responses["410"] = _problem("The file is missing from the media store")
            responses["416"] = _problem("Range outside the file (Content-Range: bytes */len)")
    upload = doc["paths"].get("/v1/footage", {}).get("post")
    if upload is not None:
        upload["requestBody"] = {"required": True, "content": {
            **_binary("video/mp4"), **_binary("video/quicktime"),
            **_binary("application/octet-stream"),
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}},
                "example": {"file": "(the recording's bytes: MP4, MOV, WebM or MKV)"}}}}
        upload.setdefault("parameters", []).append({
            "name": "X-Filename", "in": "header", "required": False,
            "schema": {"type": "string", "maxLength": 255},
            "description": "The file's name (metadata only)"})
    return doc


def install(app: Flask) -> None:
    """Serve ``/openapi.json`` for ``app`` (generated from the validated routes)."""

    @app.get("/openapi.json")
    def openapi_document() -> Response:
        # spectree deletes each model's nested definitions from its registry as it lifts
        # them into a document: keep the registry as it was before the first document, so
        # the next app's document has them too.
        if "_registered_models" not in spec.__dict__:
            spec.__dict__["_registered_models"] = copy.deepcopy(spec.models)
        # The SpecTree instance is module-level (decorators need it at import time); point
        # it at this app so the document lists this app's routes.
        if getattr(spec, "app", None) is not current_app._get_current_object():  # type: ignore[attr-defined]
            spec.app = current_app._get_current_object()  # type: ignore[attr-defined]
            spec.models = copy.deepcopy(spec.__dict__["_registered_models"])
            spec.__dict__.pop("_spec", None)
            spec.__dict__.pop("_completed", None)
        if "_completed" not in spec.__dict__:
            spec.__dict__["_completed"] = complete(copy.deepcopy(spec.spec))
        return jsonify(spec.__dict__["_completed"])
