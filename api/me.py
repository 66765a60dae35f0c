"""``/v1/me``: who the key belongs to, the seller's settings, and hub privacy."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, request
from pydantic import Field
from spectree import Response as Resp

from api.auth import caller
from api.convert import iso
from api.creators import CreatorOut, creator_out
from api.deps import db, now
from api.openapi import Answer, Model, example, spec
from api.problems import platform_fact
from domain.accounts import AccountType, ensure_linkable
from domain.money import parse_currency
from domain.timezones import resolve_zone
from domain.wording import parse_language
from store.models import Seller

bp = Blueprint("me", __name__, url_prefix="/me")

PRIVACY_OFF_NOTE = (
    "Your LIVE metrics and recordings leave the Inspiration Hub within 24 hours. While this "
    "is off you cannot browse the hub's LIVE list either; short videos stay browsable."
)


class MeOut(Model):
    """The caller's seller and settings."""

    seller_id: str
    name: str
    ops: bool
    account_type: str
    time_zone: str
    lang: str
    currency: str
    show_in_hub: bool
    privacy_changed_at: str | None
    creator: CreatorOut | None = Field(None, description=(
        "what the platform reports of you as a creator (affiliate age and followers)"))
    note: str | None = None


class MeIn(Model):
    """Settings a seller may change; linking an account checks it is an official one."""

    model_config = example(time_zone="Asia/Makassar", lang="en", currency="IDR")

    time_zone: str | None = None
    lang: str | None = None
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    account_type: Literal["official", "affiliate", "marketing"] | None = None
    has_unresolved_sanction: bool = False


class PrivacyIn(Model):
    """"Show my LIVE metrics and recordings" in the Inspiration Hub."""

    model_config = example(show_live_metrics_and_recordings=False)

    show_live_metrics_and_recordings: bool


def _out(row: Seller, is_ops: bool, note: str | None = None) -> MeOut:
    return MeOut(seller_id=row.id, name=row.name, ops=is_ops, account_type=row.account_type,
                 time_zone=row.time_zone, lang=row.lang, currency=row.currency,
                 show_in_hub=row.show_in_hub, privacy_changed_at=iso(row.privacy_changed_at),
                 creator=creator_out(row, now().date()), note=note)


def _seller() -> Seller:
    with db().session() as s:
        row = s.get(Seller, caller().seller_id)
        assert row is not None
        return row


@bp.get("")
@spec.validate(resp=Resp(HTTP_200=MeOut), tags=["me"])
def get_me() -> Answer:
    """The caller's seller and settings."""
    return _out(_seller(), caller().is_ops)


@bp.patch("")
@spec.validate(json=MeIn, resp=Resp(HTTP_200=MeOut), tags=["me"])
def patch_me() -> Answer:
    """Change time zone, language, currency or the linked account type."""
    body: MeIn = request.context.json  # type: ignore[attr-defined]
    if body.time_zone is not None:
        resolve_zone(body.time_zone)
    if body.currency is not None:
        parse_currency(body.currency)
    lang = parse_language(body.lang).value if body.lang is not None else None
    if not caller().is_ops:
        for name in ("account_type", "has_unresolved_sanction"):
            if name in body.model_fields_set:
                raise platform_fact("The account type and sanctions come from the platform; "
                                    "ops set them (PUT /v1/ops/sellers/{id}/account).", name)
    if body.account_type is not None:
        ensure_linkable(AccountType(body.account_type), body.has_unresolved_sanction)
    with db().session() as s:
        row = s.get(Seller, caller().seller_id)
        assert row is not None
        row.time_zone = body.time_zone or row.time_zone
        row.lang = lang or row.lang
        row.currency = body.currency or row.currency
        row.account_type = body.account_type or row.account_type
    return _out(row, caller().is_ops)


@bp.put("/privacy")
@spec.validate(json=PrivacyIn, resp=Resp(HTTP_200=MeOut), tags=["me", "hub"])
def put_privacy() -> Answer:
    """Turn "show my LIVE metrics and recordings" on or off."""
    body: PrivacyIn = request.context.json  # type: ignore[attr-defined]
    with db().session() as s:
        row = s.get(Seller, caller().seller_id)
        assert row is not None
        if row.show_in_hub != body.show_live_metrics_and_recordings:
            row.show_in_hub = body.show_live_metrics_and_recordings
            row.privacy_changed_at = now()
    note = None if row.show_in_hub else PRIVACY_OFF_NOTE
    return _out(row, caller().is_ops, note)
