"""Queries the API and the jobs share. Each takes a Session; none commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.lifecycle import FootageStatus
from store.models import Footage

T = TypeVar("T")


def owned(session: Session, model: type[T], ident: str, seller_id: str | None) -> T | None:
    """Row ``ident`` of ``model`` if it belongs to ``seller_id`` (``None``: ops, any
    seller); another seller's row is ``None`` exactly like a missing one."""
    row = session.get(model, ident)
    if row is None:
        return None
    if seller_id is not None and getattr(row, "seller_id", None) != seller_id:
        return None
    return row


def footage_ready(session: Session, footage_ids: Sequence[str]) -> set[str]:
    """Which of ``footage_ids`` are ingested and ready to cut from."""
    if not footage_ids:
        return set()
    rows = session.scalars(
        select(Footage.id).where(Footage.id.in_(footage_ids),
                                 Footage.status == FootageStatus.READY)
    )
    return set(rows)
