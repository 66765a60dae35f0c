"""API keys: random, stored as sha256, compared in constant time, only from the
``Authorization: Bearer`` header.

A key of 32 random bytes has 256 bits of entropy, so a plain sha256 is as good as a
slow hash here (nobody can brute-force the pre-image) and lets us look a key up by its
hash. The lookup is by hash; ``hmac.compare_digest`` then confirms it so timing does not
depend on how much of the key matched. Keys are looked up on every request (one indexed
read), so a revoked key stops working at once in every process.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TypeVar

from flask import g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import now
from api.problems import Problem, not_found
from domain.accounts import Actor, Role
from store.models import ApiKey, Seller
from store.repos import owned

T = TypeVar("T")

KEY_PREFIX = "cpk_"
# The studio's in-process calls carry the signed-in key's hash here (api/studio/client.py);
# it is a WSGI environ key, so no HTTP client can set it.
STUDIO_KEY_HASH = "cuplik.studio.key_hash"


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


def generate_key() -> str:
    """A new random key (shown once, never stored in clear)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Caller:
    """Who is calling: the seller behind the key and whether it is an ops key."""

    seller_id: str
    seller_name: str
    is_ops: bool
    time_zone: str
    lang: str
    currency: str
    key_id: str = ""

    @property
    def actor(self) -> Actor:
        """The domain's view of the caller."""
        return Actor(Role.OPS if self.is_ops else Role.SELLER, self.seller_id)


def create_key(session: Session, seller_name: str, *, ops: bool = False) -> str:
    """Create (if needed) the seller ``seller_name`` and a new key for it; returns the
    clear key, which is not stored anywhere."""
    seller = session.scalar(select(Seller).where(Seller.name == seller_name))
    if seller is None:
        seller = Seller(name=seller_name)
        session.add(seller)
        session.flush()
    return new_key(session, seller.id, ops=ops)[1]


def new_key(session: Session, seller_id: str, *, ops: bool = False) -> tuple[ApiKey, str]:
    """A new key row for ``seller_id`` (flushed) and the clear key, shown once."""
    key = generate_key()
    row = ApiKey(seller_id=seller_id, key_hash=hash_key(key), prefix=key[:10], is_ops=ops)
    session.add(row)
    session.flush()
    return row, key


def _unauthorized(detail: str, error: str = "invalid_token") -> Problem:
    # RFC 6750: say which scheme to use, and why this attempt failed.
    challenge = 'Bearer realm="cuplik"'
    if error:
        challenge += f', error="{error}"'
    return Problem(401, "Unauthorized", detail, code="unauthorized",
                   headers={"WWW-Authenticate": challenge})


def _request_key_hash() -> str:
    """The hash of the key the request presents: its Bearer header, or the studio
    session's key for the studio's in-process calls."""
    if STUDIO_KEY_HASH in request.environ:
        digest = str(request.environ[STUDIO_KEY_HASH])
        if not digest:
            raise _unauthorized("Sign in to the studio with your API key.")
        return digest
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise _unauthorized(
            "Send your API key as 'Authorization: Bearer <key>'. Create one with "
            "`cuplik keys create --seller NAME`.", error=""
        )
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Use the form 'Authorization: Bearer <key>'.", "invalid_request")
    return hash_key(token.strip())


def authenticate(session: Session) -> Caller:
    """The caller of the current request, or a 401 problem saying what is wrong."""
    digest = _request_key_hash()
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
    if row is None or not hmac.compare_digest(row.key_hash, digest):
        raise _unauthorized("This API key is not valid. Check it, or create a new one.")
    if row.revoked_at is not None and row.revoked_at <= now():
        raise _unauthorized("This API key was revoked. Create a new one.")
    seller = row.seller
    return Caller(seller.id, seller.name, row.is_ops, seller.time_zone, seller.lang,
                  seller.currency, row.id)


def caller() -> Caller:
    """The authenticated caller of this request (set by the v1 blueprint's hook)."""
    return g.caller


def scope() -> str | None:
    """The seller whose resources the caller may see; ``None`` for ops (every seller)."""
    who = caller()
    return None if who.is_ops else who.seller_id


def owned_or_404(session: Session, model: type[T], ident: str, kind: str) -> T:
    """The row ``ident`` of ``model`` if the caller may see it; otherwise the same 404 as
    for a missing one, so other tenants' ids cannot be probed."""
    row = owned(session, model, ident, scope())
    if row is None:
        raise not_found(kind, ident)
    return row


def require_ops() -> Caller:
    """The caller, if it holds an ops key; otherwise a 403 problem."""
    who = caller()
    if not who.is_ops:
        raise Problem(403, "Forbidden", "This route is for ops keys only; seller keys cannot "
                      "use it. Ask ops to run it.", code="ops_only",
                      indonesian="Rute ini hanya untuk kunci ops; kunci penjual tidak bisa "
                                 "memakainya. Minta tim ops menjalankannya.")
    return who
