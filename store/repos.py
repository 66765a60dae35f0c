"""Queries the API and the jobs share. Each takes a Session; none commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.lifecycle import FootageStatus, TeaserStatus
from store.models import Footage, LiveSession, Teaser

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


def teaser_counts_by_plan(session: Session, plan_ids: Sequence[str]) -> dict[str, int]:
    """Teasers per plan that are not failed (queued, running or ready count)."""
    if not plan_ids:
        return {}
    rows = session.execute(
        select(Teaser.plan_id, func.count())
        .where(Teaser.plan_id.in_(plan_ids), Teaser.status != TeaserStatus.FAILED)
        .group_by(Teaser.plan_id)
    )
    return {plan_id: count for plan_id, count in rows if plan_id is not None}


def sessions_of(session: Session, seller_id: str) -> list[LiveSession]:
    """All sessions of a seller, newest first."""
    return list(session.scalars(
        select(LiveSession).where(LiveSession.seller_id == seller_id)
        .order_by(LiveSession.started_at.desc(), LiveSession.id)
    ))


def page(query: Any, limit: int, offset: int) -> Any:
    """``query`` limited to one page."""
    return query.limit(limit).offset(offset)
