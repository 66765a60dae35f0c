"""What the platform's feeds of campaigns and missions share: items with an aware time
window and unique ids, published whole by ops, and a seller's sign-up (a campaign
registration or a mission join) recorded once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from api.auth import caller
from api.deps import db, now
from api.problems import Problem, not_found

FEED_LIMIT = 1000


def aware(value: datetime | None, name: str) -> None:
    """Refuse a naive ``value`` of the field ``name`` (a feed's windows are instants)."""
    if value is not None and value.tzinfo is None:
        raise ValueError(f"{name}: include a time zone, e.g. 2024-11-23T00:00:00+07:00")


def unique_ids(items: Sequence[Any]) -> None:
    """Refuse a feed that carries one id twice."""
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"id {item.id!r} appears twice in the feed")
        seen.add(item.id)


def utc(value: datetime) -> datetime:
    """``value`` in UTC, as stored."""
    return value.astimezone(UTC)


def sign_up_once(platform: type[Any], item_id: str, kind: str,
                 record: Callable[[str], Any], is_open: Callable[[Any, datetime], bool],
                 refusal: Callable[[Any, datetime], Problem]) -> tuple[datetime, int]:
    """Record the caller's registration (or join) of a platform item once: its time and
    201 when new, the first time and 200 when repeated; 404 for an unknown item, 409
    (``refusal``) when it is not open now."""
    seller_id, at = caller().seller_id, now()
    with db().session() as s:
        row = s.get(platform, item_id)
        if row is None:
            raise not_found(kind, item_id)
        done = s.get(type(record(seller_id)), (seller_id, item_id))
        if done is not None:
            return done.created_at, 200
        if not is_open(row, at):
            raise refusal(row, at)
    try:
        with db().session() as s:
            entry = record(seller_id)
            entry.created_at = at
            s.add(entry)
    except IntegrityError:  # a concurrent request signed up first
        return at, 200
    return at, 201
