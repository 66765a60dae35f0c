"""``/v1/keys``: the caller's API keys. List them (prefixes only), create one (shown
once), revoke one (refused from the next request on, in every process), rotate one (a
new key now; the old one keeps working for ``grace_seconds``, default none)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, request, url_for
from pydantic import Field
from spectree import Response as Resp
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import caller, new_key
from api.convert import iso
from api.deps import db, now
from api.openapi import Answer, Model, example, spec
from api.problems import Problem, not_found
from store.models import ApiKey

bp = Blueprint("keys", __name__, url_prefix="/keys")


class KeyIn(Model):
    """A new key; ``ops`` only from an ops key."""

    model_config = example(ops=False)

    ops: bool = False


class RotateIn(Model):
    """How long the old key keeps working after the new one is made (0: not at all)."""

    model_config = example(grace_seconds=3600)

    grace_seconds: int = Field(0, ge=0, le=86400)


class KeyOut(Model):
    """A key: its first characters, whether it is an ops key, when it was made and
    revoked; ``key`` (the whole key) only in the answer that created it."""

    id: str
    prefix: str
    ops: bool
    created_at: str
    revoked_at: str | None
    current: bool
    key: str | None = None
    links: dict[str, str]


class KeyList(Model):
    """The caller's keys, newest first."""

    items: list[KeyOut]


def key_out(row: ApiKey, clear: str | None = None) -> KeyOut:
    """JSON of a key row."""
    return KeyOut(id=row.id, prefix=row.prefix, ops=row.is_ops,
                  created_at=iso(row.created_at) or "", revoked_at=iso(row.revoked_at),
                  current=row.id == caller().key_id, key=clear,
                  links={"self": url_for("v1.keys.revoke_key", key_id=row.id)})


def _own(s: Session, key_id: str) -> ApiKey:
    row = s.get(ApiKey, key_id)
    if row is None or row.seller_id != caller().seller_id:
        raise not_found("API key", key_id)
    return row


@bp.get("")
@spec.validate(resp=Resp(HTTP_200=KeyList), tags=["keys"])
def list_keys() -> Answer:
    """The caller's keys (never the keys themselves)."""
    with db().session() as s:
        rows = s.scalars(select(ApiKey).where(ApiKey.seller_id == caller().seller_id)
                         .order_by(ApiKey.created_at.desc(), ApiKey.id)).all()
        return KeyList(items=[key_out(r) for r in rows])


@bp.post("")
@spec.validate(json=KeyIn, resp=Resp(HTTP_201=KeyOut), tags=["keys"])
def create_key_route() -> Answer:
    """A new key for the caller's account; the answer is the only time it is shown."""
    body: KeyIn = request.context.json  # type: ignore[attr-defined]
    who = caller()
    if body.ops and not who.is_ops:
        raise Problem(403, "Forbidden", "Only an ops key can create an ops key.",
                      code="ops_only", field="ops")
    with db().session() as s:
        row, clear = new_key(s, who.seller_id, ops=body.ops)
        row.created_at = now()
        return key_out(row, clear), 201


@bp.delete("/<key_id>")
@spec.validate(resp=Resp(HTTP_204=None), tags=["keys"])
def revoke_key(key_id: str) -> Answer:
    """Revoke a key: refused from the next request on."""
    with db().session() as s:
        row = _own(s, key_id)
        if row.revoked_at is None or row.revoked_at > now():
            row.revoked_at = now()
    return "", 204


@bp.post("/<key_id>/rotate")
@spec.validate(json=RotateIn, resp=Resp(HTTP_201=KeyOut), tags=["keys"])
def rotate_key(key_id: str) -> Answer:
    """Replace a key: 201 with the new key; the old one stops after ``grace_seconds``."""
    body: RotateIn = request.context.json  # type: ignore[attr-defined]
    at = now()
    with db().session() as s:
        old = _own(s, key_id)
        if old.revoked_at is not None and old.revoked_at <= at:
            raise Problem(409, "Conflict", "This key is already revoked; create a new key "
                          "with POST /v1/keys instead.", code="key_revoked")
        row, clear = new_key(s, old.seller_id, ops=old.is_ops)
        row.created_at = at
        old.revoked_at = at + timedelta(seconds=body.grace_seconds)
        return key_out(row, clear), 201
