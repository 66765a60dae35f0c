"""``/v1/catalogue``: the shop's products and promotion tools as product management and
the promotions page know them (plans may feature only active products of the shop).
Not in the issue's route list: plans need a catalogue to check against, and this is the
smallest way for an integrating service to sync it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask import Blueprint, request
from pydantic import Field
from spectree import Response as Resp
from sqlalchemy import select

from api.auth import caller
from api.deps import db
from api.openapi import Answer, Model, example, spec
from domain.offers import check_terms
from domain.timezones import to_utc
from store.models import Product, PromotionToolRow

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")


class ProductIn(Model):
    """A catalogue product."""

    id: str = Field(min_length=1, max_length=64)
    name: str = Field("", max_length=255)
    active: bool = True


class TermsIn(Model):
    """What a teaser's offer line says of a tool (all optional): ``percent_off`` or
    ``amount_off``, ``min_spend`` (amounts in integer minor units of the shop's
    currency), ``ends_at`` (with its time zone)."""

    percent_off: int | None = Field(None, ge=1, le=100)
    amount_off: int | None = Field(None, gt=0)
    min_spend: int | None = Field(None, ge=0)
    ends_at: datetime | None = None


class ToolIn(Model):
    """A promotion tool; ``product_ids`` binds it to products (then it joins any plan
    featuring one of them by itself); ``terms`` word the LIVE-only offer on teasers."""

    id: str = Field(min_length=1, max_length=64)
    kind: Literal["discount", "voucher", "flash_sale", "bundle", "free_shipping"]
    product_ids: list[str] = Field(default_factory=list, max_length=1000)
    terms: TermsIn | None = None


class CatalogueIn(Model):
    """Products and tools to add or update (upsert by id); others are left as they are."""

    model_config = example(
        products=[{"id": "SKU-SERUM", "name": "Glow serum 30 ml"},
                  {"id": "SKU-TONER", "name": "Hydrating toner"}],
        promotion_tools=[{"id": "VOUCHER-10", "kind": "voucher", "product_ids": ["SKU-SERUM"],
                          "terms": {"percent_off": 10, "min_spend": 100_000}}])

    products: list[ProductIn] = Field(default_factory=list, max_length=5000)
    promotion_tools: list[ToolIn] = Field(default_factory=list, max_length=1000)


class CatalogueOut(Model):
    """The shop's whole catalogue."""

    products: list[ProductIn]
    promotion_tools: list[ToolIn]


def _out(seller_id: str) -> CatalogueOut:
    with db().session() as s:
        products = s.scalars(select(Product).where(Product.seller_id == seller_id)
                             .order_by(Product.id)).all()
        tools = s.scalars(select(PromotionToolRow).where(PromotionToolRow.seller_id == seller_id)
                          .order_by(PromotionToolRow.id)).all()
        return CatalogueOut(
            products=[ProductIn(id=p.id, name=p.name, active=p.active) for p in products],
            promotion_tools=[ToolIn(id=t.id, kind=t.kind, product_ids=list(t.product_ids),  # type: ignore[arg-type]
                                    terms=TermsIn.model_validate(t.terms) if t.terms else None)
                             for t in tools],
        )


def _terms_json(terms: TermsIn | None) -> dict[str, Any] | None:
    """Terms as stored: only those given, ``ends_at`` in UTC ISO 8601."""
    if terms is None:
        return None
    stored = terms.model_dump(exclude_none=True)
    if terms.ends_at is not None:
        stored["ends_at"] = to_utc(terms.ends_at).isoformat()
    return stored or None


@bp.put("")
@spec.validate(json=CatalogueIn, resp=Resp(HTTP_200=CatalogueOut), tags=["catalogue"])
def put_catalogue() -> Answer:
    """Add or update products and promotion tools of the caller's shop."""
    body: CatalogueIn = request.context.json  # type: ignore[attr-defined]
    seller_id = caller().seller_id
    for t in body.promotion_tools:  # all checked before anything is written
        if t.terms is not None:
            check_terms(t.kind, t.terms.percent_off, t.terms.amount_off, t.terms.min_spend,
                        t.terms.ends_at, t.id)
    with db().session() as s:
        for p in body.products:
            row = s.get(Product, (seller_id, p.id)) or Product(seller_id=seller_id, id=p.id)
            row.name, row.active = p.name, p.active
            s.add(row)
        for t in body.promotion_tools:
            tool = s.get(PromotionToolRow, (seller_id, t.id)) or PromotionToolRow(
                seller_id=seller_id, id=t.id)
            tool.kind, tool.product_ids = t.kind, list(dict.fromkeys(t.product_ids))
            tool.terms = _terms_json(t.terms)
            s.add(tool)
    return _out(seller_id)


@bp.get("")
@spec.validate(resp=Resp(HTTP_200=CatalogueOut), tags=["catalogue"])
def get_catalogue() -> Answer:
    """The caller's products and promotion tools."""
    return _out(caller().seller_id)
