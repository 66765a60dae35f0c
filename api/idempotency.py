"""``Idempotency-Key`` on POST: the same key and body within 24 hours replays the first
answer (``Idempotent-Replayed: true``); the same key with another body is a 409; two
requests with one key at the same time make one resource (the second waits for the
first's answer and replays it).

The claim is a row whose primary key is (seller, key): the database, not this process,
decides which of two concurrent requests runs. Only successful answers (< 400) are kept;
a refused or failed request frees its key so the caller can fix and retry with it. A
claim whose request died without answering is taken over after ``ABANDONED``.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from flask import Response, g, json, request
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from api.auth import caller
from api.deps import db, now
from api.problems import Problem
from store.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
ABANDONED = timedelta(seconds=120)
WAIT_S = 15.0  # how long a concurrent retry waits for the first request's answer
KEY_MAX = 255
HASHED_BODY_MAX = 16 * 1024 * 1024  # JSON bodies are hashed; uploads by their headers


def _fingerprint() -> str:
    """What makes two requests "the same": method, path, query and body (an upload's
    body is streamed to disk, so it is represented by its length, type and file name)."""
    digest = hashlib.sha256(f"{request.method} {request.path}?{request.query_string.decode()}"
                            .encode())
    length = request.content_length
    if request.is_json and length is not None and length <= HASHED_BODY_MAX:
        digest.update(request.get_data(cache=True))
    else:
        meta = [str(length), request.mimetype,
                request.headers.get("X-Filename", ""), request.args.get("filename", "")]
        digest.update("\n".join(meta).encode())
    return digest.hexdigest()


def _key() -> str | None:
    value = request.headers.get(HEADER)
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > KEY_MAX or not value.isprintable():
        raise Problem(422, "Invalid request", f"{HEADER} must be 1 to {KEY_MAX} printable "
                      "characters (a UUID is a good choice).", code="invalid_idempotency_key",
                      field=HEADER)
    return value


def _replay(row: IdempotencyKey) -> Response:
    response = Response(json.dumps(row.response_body), status=row.status_code,
                        mimetype="application/json")
    for name, value in (row.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def begin() -> Response | None:
    """Before a POST runs: claim its key, or answer for it (replay / 409)."""
    if request.method != "POST":
        return None
    key = _key()
    if key is None:
        return None
    seller, fingerprint = caller().seller_id, _fingerprint()
    deadline = time.monotonic() + WAIT_S
    while True:
        at = now()
        try:
            with db().session() as s:
                s.add(IdempotencyKey(seller_id=seller, key=key, fingerprint=fingerprint,
                                     created_at=at))
                s.flush()
                s.execute(delete(IdempotencyKey).where(  # this seller's expired keys
                    IdempotencyKey.seller_id == seller, IdempotencyKey.created_at < at - KEEP))
            g.idempotency = (seller, key)
            return None
        except IntegrityError:
            pass  # someone holds this key: look at what they did
        with db().session() as s:
            row = s.get(IdempotencyKey, (seller, key))
            if row is None:
                continue  # freed between our insert and this read: claim it again
            if row.created_at < at - KEEP or (row.status_code is None
                                              and row.created_at < at - ABANDONED):
                s.delete(row)  # expired, or its request died: start over
                continue
            if row.fingerprint != fingerprint:
                raise Problem(409, "Conflict", f"This {HEADER} was used for a different "
                              "request in the last 24 hours. Use a new key for a new "
                              "request; resend the same body to get the first answer.",
                              code="idempotency_key_reused", field=HEADER)
            if row.status_code is not None:
                return _replay(row)
        if time.monotonic() > deadline:
            raise Problem(409, "Conflict", "A request with this Idempotency-Key is still "
                          "running; retry in a moment to get its answer.",
                          code="idempotency_key_in_progress", headers={"Retry-After": "1"})
        time.sleep(0.05)


def finish(response: Response) -> Response:
    """After the claimed POST: keep a successful answer for replays; free the key of a
    refused or failed one."""
    claim = g.pop("idempotency", None)
    if claim is None:
        return response
    with db().session() as s:
        if response.status_code >= 400 or not response.is_json:
            s.execute(delete(IdempotencyKey).where(IdempotencyKey.seller_id == claim[0],
                                                   IdempotencyKey.key == claim[1]))
            return response
        row = s.get(IdempotencyKey, claim)
        if row is not None:
            row.status_code = response.status_code
            row.response_body = response.get_json()
            row.response_headers = {k: v for k, v in response.headers.items()
                                    if k in ("Location",)}
    return response
