"""Paged lists, written once: the ``limit``/``offset`` a list route takes, the page it
answers (its items, the total, where it stands, ``links.self`` and, while more rows
follow, ``links.next``), and the query that reads one page of rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from flask import url_for
from pydantic import Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.openapi import Model

Row = TypeVar("Row")
Item = TypeVar("Item")


class PageQuery(Model):
    """Which page: up to ``limit`` rows from ``offset`` on."""

    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class Page(Model, Generic[Item]):
    """One page of a list; ``links.next`` while there are more."""

    items: list[Item]
    total: int
    limit: int
    offset: int
    links: dict[str, str]


def page_of(session: Session, query: Select[Row], order: Sequence[Any],
            asked: PageQuery, endpoint: str, out: Callable[[Row], Item]) -> dict[str, Any]:
    """The page ``asked`` of ``query``'s rows in ``order``, each shown by ``out``, as the
    fields of a :class:`Page` of the list route ``endpoint``."""
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(*order).limit(asked.limit).offset(asked.offset)).all()
    return {"items": [out(row) for row in rows], "total": total, "limit": asked.limit,
            "offset": asked.offset, "links": page_links(endpoint, asked, total)}


def page_links(endpoint: str, query: PageQuery, total: int) -> dict[str, str]:
    """``self`` and, while more rows follow, ``next`` for a paged list: the filters given,
    then the page."""
    args = {k: v for k, v in query.model_dump(exclude={"limit", "offset"}).items()
            if v is not None}
    limit, offset = query.limit, query.offset
    links = {"self": url_for(endpoint, **args, limit=limit, offset=offset)}
    if offset + limit < total:
        links["next"] = url_for(endpoint, **args, limit=limit, offset=offset + limit)
    return links
