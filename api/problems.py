"""Errors as ``application/problem+json`` (RFC 9457) with a detail a seller can act on.

Routes raise :class:`Problem`; domain rule violations (``DomainError``) map to 409 when
they conflict with the resource's state and 422 otherwise; HTTP errors from Flask and
Werkzeug (404 route, 405, 413 upload too large) get the same shape.

The ``detail`` is English, the API's language, unless the request's ``Accept-Language``
puts Indonesian first (the studio sends the seller's language): then a problem that has
Indonesian words (``indonesian=``, a domain rule's own, the request checks' through
``api.validation_words``) answers with them.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException

from api import validation_words
from api.request_id import current
from domain.errors import DomainError
from domain.wording import number_id

PROBLEM_MIME = "application/problem+json"
log = logging.getLogger(__name__)

# Domain errors that mean "the resource's current state forbids this".
CONFLICT_CODES = frozenset({"plan_details_locked", "teaser_refused"})
FORBIDDEN_CODES = frozenset({"hub_access_denied"})


class Problem(Exception):
    """An HTTP error with a specific ``detail`` (and the same in Indonesian, when given);
    ``extra`` members join the body."""

    def __init__(
        self, status: int, title: str, detail: str, *, code: str | None = None,
        headers: dict[str, str] | None = None, indonesian: str | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.indonesian = indonesian
        self.code = code or title.lower().replace(" ", "_")
        self.headers = headers or {}
        self.extra = extra


def not_found(kind: str, ident: str) -> Problem:
    """404 for a resource that does not exist or belongs to another seller (same answer,
    so ids of other tenants cannot be probed)."""
    return Problem(404, "Not found", f"No {kind} with id {ident!r} in your account.",
                   code="not_found",
                   indonesian=f"Tidak ada {_KINDS_ID.get(kind, kind)} dengan id {ident!r} di "
                              "akun Anda.")


# The resources ``not_found`` names, as a seller reads them in Indonesian.
_KINDS_ID = {"LIVE session": "sesi LIVE", "footage": "video unggahan", "teaser": "teaser",
             "plan": "rencana LIVE", "LIVE plan": "rencana LIVE", "upload": "unggahan",
             "hub session": "sesi Hub", "regeneration batch": "batch regenerasi",
             "seller": "penjual", "API key": "kunci API"}


def platform_fact(detail: str, field: str | None = None) -> Problem:
    """403 for a seller key writing a fact that only the platform reports (a platform/ops
    key writes it; the seller reads it)."""
    return Problem(403, "Forbidden", detail, code="platform_fact", field=field)


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response:
    """The problem+json response for ``problem``, its detail in the language the request
    accepts."""
    body = {
        "type": f"https://cuplik.dev/problems/{problem.code}",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "code": problem.code,
        **problem.extra,
    }
    if accepted_language() == "id":
        body.update(_in_indonesian(problem))

    rid = current()
    if rid:
        body["request_id"] = rid
    response = Response(json.dumps(body), status=problem.status, mimetype=PROBLEM_MIME)
    for name, value in {**problem.headers, **(headers or {})}.items():
        response.headers[name] = value
    return response


def _in_indonesian(problem: Problem) -> dict[str, Any]:
    """The members of ``problem``'s body that change for a reader of Indonesian: its
    detail, and each field error of a request check (``errors``)."""
    errors = problem.extra.get("errors")
    if problem.code == "invalid_request" and isinstance(errors, list) and errors:
        return {"detail": problem.indonesian or validation_words.invalid_request_detail(errors),
                "errors": [{**e, "message": validation_words.indonesian(e.get("message", ""))}
                           for e in errors]}
    return {"detail": problem.indonesian} if problem.indonesian else {}


def domain_problem(error: DomainError) -> Problem:
    """The problem a rule violation becomes; its message is the detail, unchanged (in
    Indonesian when the request asks for it), with the ``field`` at fault (and the
    ``rule`` broken) when the error names them."""
    extra = {name: value for name in ("field", "rule")
             if (value := getattr(error, name, None))}
    detail, indonesian = error.message, error.indonesian
    if error.code in FORBIDDEN_CODES:
        return Problem(403, "Forbidden", detail, code=error.code, indonesian=indonesian,
                       **extra)
    if error.code in CONFLICT_CODES:
        return Problem(409, "Conflict", detail, code=error.code, indonesian=indonesian,
                       **extra)
    return Problem(422, "Unprocessable content", detail, code=error.code,
                   indonesian=indonesian, **extra)


def accepted_language() -> str:
    """"id" when the request's ``Accept-Language`` puts Indonesian before English (the
    studio sends the seller's language), else "en", the API's language."""
    accept: LanguageAccept = request.accept_languages if request else LanguageAccept()
    # by primary tag, highest quality first: "id-ID, en;q=0.5" is Indonesian (Werkzeug's
    # best_match takes the exact "en" over the regional "id-ID")
    for tag, _quality in sorted(accept, key=lambda item: -item[1]):
        primary = tag.replace("_", "-").split("-", 1)[0].lower()
        if primary in ("id", "en"):
            return primary
    return "en"


def number_too_large() -> Problem:
    """422 for numbers that fit the JSON limits one by one but not a column together
    (totals of a long timeline)."""
    return Problem(422, "Number too large", "A number in the request, or a total computed "
                   "from it, is too large to store; check the figures (money is in minor "
                   "units) and send them again. Nothing was saved.", code="number_too_large",
                   indonesian="Ada angka di permintaan ini, atau total yang dihitung darinya, "
                              "yang terlalu besar untuk disimpan; periksa angkanya (uang "
                              "dalam satuan terkecil) lalu kirim lagi. Belum ada yang "
                              "tersimpan.")


def _is_overflow(error: BaseException) -> bool:
    """An integer too large for its column, as SQLite (OverflowError) or PostgreSQL
    (numeric_value_out_of_range, SQLSTATE 22003) reports it through SQLAlchemy."""
    orig = getattr(error, "orig", None)
    return isinstance(orig, OverflowError) or getattr(orig, "sqlstate", None) == "22003"


def register_error_handlers(app: Flask) -> None:
    """Route every error through problem+json."""

    @app.errorhandler(Problem)
    def _problem(error: Problem) -> Response:
        return problem_response(error)

    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> Response:
        return problem_response(domain_problem(error))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        status = error.code or 500
        detail = error.description or error.name
        code = error.name.lower().replace(" ", "_")
        indonesian = None
        if status == 404:
            detail = "No such route. See /openapi.json for the API's routes."
            indonesian = "Rute ini tidak ada. Lihat /openapi.json untuk daftar rute API."
            code = "no_such_route"
        elif status == 413:
            limit = request.max_content_length or app.config.get("MAX_CONTENT_LENGTH") or 0
            if limit < int(app.config.get("MAX_CONTENT_LENGTH") or 0):
                # here, not at the top: api.bodies builds its problems with this module
                from api.bodies import body_too_large

                return problem_response(body_too_large(limit))
            detail = (
                f"The upload is larger than the limit of {limit:,} bytes. Trim or compress "
                "the recording, then upload it again."
            )
            indonesian = (
                f"Unggahan ini melebihi batas {number_id(limit)} byte. Potong atau kompres "
                "rekamannya, lalu unggah lagi."
            )
        elif status == 405:
            detail = "This route does not accept that method. See /openapi.json."
            indonesian = "Rute ini tidak menerima metode tersebut. Lihat /openapi.json."
        elif status == 416:
            length = getattr(error, "length", None)
            detail = (f"The requested byte range is outside the file ({length:,} bytes); ask "
                      "for a range within it." if length else detail)
            indonesian = (f"Rentang byte yang diminta di luar file ({number_id(length)} byte); "
                          "minta rentang di dalamnya." if length else None)
            code = "range_not_satisfiable"
        # Allow (405), Content-Range (416), WWW-Authenticate (401) and the like carry meaning.
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
        return problem_response(Problem(status, error.name, detail, code=code,
                                        indonesian=indonesian), headers)

    @app.errorhandler(OverflowError)
    def _overflow(error: OverflowError) -> Response:
        return problem_response(number_too_large())

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if _is_overflow(error):
            return problem_response(number_too_large())
        log.exception("unhandled error: %s", error.__class__.__name__)

        return problem_response(
            Problem(500, "Internal server error",
                    "Something went wrong on our side; try again in a minute. If it keeps "
                    f"happening, tell support the request id {current() or ''}.",
                    code="internal_error",
                    indonesian="Ada yang salah di sisi kami; coba lagi sebentar lagi. Jika "
                               "terus terjadi, sampaikan id permintaan "
                               f"{current() or ''} ke tim dukungan.")
        )
