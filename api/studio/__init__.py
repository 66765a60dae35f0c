"""The seller studio at ``/studio``: server-rendered pages (Jinja) over the same JSON API
that integrating teams use (``api/studio/client.py``), Bahasa Indonesia by default,
English too, with a little JavaScript for upload progress, job progress and the player.

Signing in takes an API key once; after that an HttpOnly, SameSite session cookie
carries the key's hash, and every form and every changing call carries a CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from api.studio import client
from api.studio.words import LANGS, coded, field_label, word

bp = Blueprint("studio", __name__, url_prefix="/studio", template_folder="templates",
               static_folder="static")
OPEN_PAGES = frozenset({"studio.sign_in", "studio.static"})


def _secret(app: Flask) -> str:
    """The ``SECRET_KEY`` setting, else one kept (0600) in the media store that every API
    process shares, so sessions survive restarts and span processes."""
    given = app.config.get("SECRET_KEY")
    if given:
        return given
    path = Path(app.config["MEDIA_ROOT"]) / ".studio-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_text().strip()


def install(app: Flask) -> None:
    """Mount the studio on ``app``, with the secret its session cookies are signed with
    (Flask opens the session before any ``before_request`` runs, so a secret set there
    came too late for the first request a process answers: a sign-in sent to a freshly
    started process failed with a 500)."""
    app.secret_key = app.secret_key or _secret(app)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_NAME"] = "cuplik_studio"
    from api.studio import pages, steering  # noqa: F401  (their routes join bp first)

    app.register_blueprint(bp)


def lang() -> str:
    """The page language: chosen by the seller, else their account's, else Indonesian."""
    return str(g.get("lang") or "id")


def t(key: str) -> str:
    """A studio word in the page language."""
    return word(key, lang())


@bp.before_request
def _gate() -> ResponseReturnValue | None:
    chosen = request.args.get("lang")
    if chosen in LANGS:
        session["lang"] = chosen
    g.lang = session.get("lang", "id")
    if request.endpoint in OPEN_PAGES:
        return None
    if not session.get("key_hash"):
        return redirect(url_for("studio.sign_in", next=request.full_path))
    if request.method not in ("GET", "HEAD"):
        sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf", "")
        if not hmac.compare_digest(str(sent), str(session.get("csrf", ""))):
            abort(400, description=t("csrf"))
    return None


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"t": t, "lang": lang, "coded": lambda code, text: coded(code, lang(), text),
            "invalid": invalid, "faults": faults,
            "field_label": lambda name: field_label(name, lang()),
            "csrf_token": lambda: session.get("csrf", ""),
            "signed_in": lambda: bool(session.get("key_hash")),
            "is_ops": lambda: bool(session.get("ops")),
            "lang_url": _lang_url}


def faults(answer: client.Answer | None) -> list[dict[str, str]]:
    """The inputs a refusal names, each with its message: the field errors of a request
    check, else the one field of a rule's refusal (with the refusal's own words)."""
    if answer is None or answer.ok:
        return []
    listed = answer.body.get("errors")
    if isinstance(listed, list) and listed:
        return [{"field": str(e.get("field") or ""), "message": str(e.get("message") or "")}
                for e in listed if isinstance(e, dict)]
    return [{"field": answer.field, "message": answer.message}] if answer.field else []


def invalid(answer: client.Answer | None, *names: str) -> Markup:
    """``aria-invalid`` and the tie to the refusal's message for an input that answers
    for any of ``names`` (an API field, or its parent: ``preferences`` marks
    ``preferences.visibility``'s input too; ``*`` one the refusal names no field for, a
    check of the body as a whole), nothing for the others."""
    found = faults(answer)
    named = {f["field"] for f in found}
    whole = "*" in names and answer is not None and not answer.ok and (
        not found or "" in named)
    hit = whole or any(f == n or f.startswith(n + ".") or n.startswith(f + ".")
                       for f in named for n in names if f and n)
    return Markup(' aria-invalid="true" aria-describedby="problem"') if hit else Markup("")


def _lang_url(code: str) -> str:
    args: dict[str, Any] = {**request.args, **(request.view_args or {}), "lang": code}
    return url_for(request.endpoint or "studio.overview", **args)


def sign_in_with(key: str) -> bool:
    """Start a studio session for ``key`` if the API accepts it."""
    session.clear()
    session["key_hash"] = hashlib.sha256(key.strip().encode()).hexdigest()
    me = client.get("/me")
    if not me.ok:
        session.clear()
        return False
    session["csrf"] = secrets.token_urlsafe(24)
    session["ops"] = bool(me.body.get("ops"))
    session["lang"] = g.lang if "lang" in request.args else me.body.get("lang", "id")
    session["seller"] = me.body.get("name", "")
    session.permanent = False
    current_app.logger.info("studio sign-in for seller %s", me.body.get("seller_id"))
    return True
