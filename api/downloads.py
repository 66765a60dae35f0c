"""Signed, expiring download URLs: ``/v1/downloads/teasers/{id}/{video|poster}?expires=
<unix s>&signature=<hex>``, fetched without the API key, so a ``<video>`` tag or an upload
tool can load a teaser. The signature is HMAC-SHA256 over the teaser, the file kind, the
stored file and the expiry, with a key made once and kept in the database; the expiry, or
a new render replacing the file, ends the URL. Teasers carry fresh ones in ``links``."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Blueprint, current_app, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError

from api.deps import db, now
from api.problems import Problem
from store.models import AppSecret

bp = Blueprint("downloads", __name__, url_prefix="/v1/downloads")
SECRET_NAME = "download_signing"
KINDS = {"video": "video_path", "poster": "poster_path"}


def _key() -> bytes:
    ext = current_app.extensions
    if "download_key" not in ext:
        with db().session() as s:
            row = s.get(AppSecret, SECRET_NAME)
            value = row.value if row else None
        if value is None:
            try:
                with db().session() as s:
                    value = secrets.token_hex(32)
                    s.add(AppSecret(name=SECRET_NAME, value=value, created_at=now()))
            except IntegrityError:  # another process made it first: use theirs
                with db().session() as s:
                    row = s.get(AppSecret, SECRET_NAME)
                    assert row is not None
                    value = row.value
        ext["download_key"] = value.encode()
    return ext["download_key"]


def _signature(teaser_id: str, kind: str, path: str, expires: int) -> str:
    message = f"{teaser_id}:{kind}:{path}:{expires}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def signed_url(teaser_id: str, kind: str, path: str, ttl_s: int | None = None) -> str:
    """A URL for the teaser's ``kind`` file (stored at ``path``) that works without a key
    until it expires (DOWNLOAD_URL_TTL_S, default an hour)."""
    ttl = int(ttl_s or current_app.config.get("DOWNLOAD_URL_TTL_S") or 3600)
    expires = int(now().timestamp()) + ttl
    return url_for("downloads.download", teaser_id=teaser_id, kind=kind, expires=expires,
                   signature=_signature(teaser_id, kind, path, expires))


@bp.get("/teasers/<teaser_id>/<kind>")
def download(teaser_id: str, kind: str) -> ResponseReturnValue:
    """The file behind a signed URL (Range requests work as on the keyed routes)."""
    # here, not at the top: api.teasers signs its links with this module
    from api.teasers import serve_file
    from store.models import Teaser

    if kind not in KINDS:
        raise Problem(404, "Not found", "Download 'video' or 'poster'.", code="not_found")
    try:
        expires = int(request.args.get("expires", ""))
    except ValueError:
        expires = 0
    given = request.args.get("signature", "")
    with db().session() as s:
        row = s.get(Teaser, teaser_id)
    path = (getattr(row, KINDS[kind]) if row is not None else None) or ""
    expected = _signature(teaser_id, kind, path, expires)
    if row is None or not path or not hmac.compare_digest(given, expected):
        raise Problem(403, "Forbidden", "This download link is not valid (or the teaser was "
                      "rendered again since): get a fresh link from GET /v1/teasers/{id}.",
                      code="invalid_signature")
    left = expires - int(now().timestamp())
    if left <= 0:
        raise Problem(403, "Forbidden", "This download link has expired; get a fresh one "
                      "from GET /v1/teasers/{id}.", code="link_expired")
    return serve_file(row, KINDS[kind], "video/mp4" if kind == "video" else "image/jpeg",
                      max_age=min(left, 3600))
