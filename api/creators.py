"""``/v1/ops/creators/{id}``: what the platform reports of a creator's account, the facts
the affiliate rule needs (at least 18 years old, more than 5,000 followers; seed 002).

They are the platform's facts: a platform/ops key writes them, the creator reads them at
``GET /v1/me``. A creator who does not meet the rule is recorded all the same (it is what
the platform says), and its affiliate sessions stay out of the Inspiration Hub.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, request
from pydantic import Field
from spectree import Response as Resp

from api.auth import require_ops
from api.convert import creator_of
from api.deps import db, now
from api.openapi import Answer, Model, example, spec
from api.problems import Problem, not_found
from domain.accounts import affiliate_refusal, age_on
from store.models import Seller

bp = Blueprint("creators", __name__)


class CreatorIn(Model):
    """A creator's account as the platform knows it."""

    model_config = example(birth_date="2000-05-17", followers=12_500)

    birth_date: date = Field(description="the account holder's date of birth")
    followers: int = Field(ge=0, le=10**12)


class CreatorOut(Model):
    """The creator's reported facts and whether it may act as an affiliate creator now
    (``reason`` says what is missing)."""

    seller_id: str
    birth_date: str
    followers: int
    age: int
    affiliate_eligible: bool
    reason: str | None


def creator_out(row: Seller, today: date) -> CreatorOut | None:
    """JSON of what the platform reported of ``row`` as a creator (``None``: nothing)."""
    creator = creator_of(row)
    if creator is None:
        return None
    reason = affiliate_refusal(creator, today)
    return CreatorOut(seller_id=row.id, birth_date=creator.birth_date.isoformat(),
                      followers=creator.followers, age=age_on(creator.birth_date, today),
                      affiliate_eligible=reason is None, reason=reason)


@bp.put("/ops/creators/<seller_id>")
@spec.validate(json=CreatorIn, resp=Resp(HTTP_200=CreatorOut), tags=["ops"])
def put_creator(seller_id: str) -> Answer:
    """Record the platform's birth date and follower count of a creator; the answer says
    whether its affiliate sessions may be shown in the hub, and if not, why."""
    require_ops()
    body: CreatorIn = request.context.json  # type: ignore[attr-defined]
    today = now().date()
    if body.birth_date > today:
        raise Problem(422, "Invalid request", "birth_date is in the future.",
                      code="invalid_request", field="birth_date")
    with db().session() as s:
        row = s.get(Seller, seller_id)
        if row is None:
            raise not_found("seller", seller_id)
        row.birth_date, row.followers = body.birth_date, body.followers
        out = creator_out(row, today)
    assert out is not None
    return out
