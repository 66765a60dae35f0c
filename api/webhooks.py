"""``/v1/webhooks``: register an endpoint for events (``teaser.ready``, ``teaser.failed``,
``footage.ready``, ``footage.rejected``, ``regeneration.finished``), see its last
deliveries, delete it.

Every delivery is a POST of JSON ``{"id", "event", "created_at", "data"}`` with
``X-Cuplik-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by the secret>``,
``X-Cuplik-Event`` and ``X-Cuplik-Delivery`` (the id, for de-duplication: a delivery can
arrive twice). Answer 2xx within 10 s; anything else is retried with back-off (10 s,
1 min, 5 min, 30 min, 2 h), then the delivery is marked failed.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from typing import Literal
from urllib.parse import urlsplit

from flask import Blueprint, current_app, request, url_for
from pydantic import Field
from spectree import Response as Resp
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import caller, owned_or_404
from api.convert import iso
from api.deps import db, now
from api.openapi import Answer, Model, example, spec
from api.problems import Problem
from store.models import WebhookDelivery, WebhookEndpoint
from store.webhooks import EVENTS

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
Event = Literal["teaser.ready", "teaser.failed", "footage.ready", "footage.rejected",
                "regeneration.finished"]
MAX_ENDPOINTS = 10
SHOWN_DELIVERIES = 20


class WebhookIn(Model):
    """Where to deliver, and which events."""

    model_config = example(url="https://hooks.example.com/cuplik",
                           events=["teaser.ready", "teaser.failed"])

    url: str = Field(min_length=1, max_length=2048,
                     examples=["https://hooks.example.com/cuplik"])
    events: list[Event] = Field(min_length=1, max_length=len(EVENTS),
                                examples=[["teaser.ready", "teaser.failed"]])


class DeliveryOut(Model):
    """One delivery and how it went."""

    id: str
    event: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: str
    delivered_at: str | None


class WebhookOut(Model):
    """An endpoint; ``secret`` only in the answer that created it; ``deliveries``: the
    latest first."""

    id: str
    url: str
    events: list[str]
    secret: str | None = None
    created_at: str
    deliveries: list[DeliveryOut]
    links: dict[str, str]


class WebhookList(Model):
    """The caller's endpoints."""

    items: list[WebhookOut]


def _refuse(detail: str) -> Problem:
    return Problem(422, "Invalid request", detail, code="invalid_webhook_url", field="url")


def check_url(url: str) -> None:
    """An http(s) URL with a host that is not this machine nor a private network (unless
    WEBHOOK_ALLOW_PRIVATE, for tests and closed set-ups)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refuse("Give an http:// or https:// URL with a host name.")
    if parts.username or parts.password:
        raise _refuse("Put no user name or password in the URL; verify deliveries by their "
                      "X-Cuplik-Signature instead.")
    if current_app.config.get("WEBHOOK_ALLOW_PRIVATE"):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise _refuse(f"The host {parts.hostname!r} cannot be resolved.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise _refuse(f"The host {parts.hostname!r} is a private or local address "
                          f"({address}); webhooks go to public endpoints.")


def _deliveries(s: Session, endpoint_id: str) -> list[DeliveryOut]:
    rows = s.scalars(select(WebhookDelivery)
                     .where(WebhookDelivery.endpoint_id == endpoint_id)
                     .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
                     .limit(SHOWN_DELIVERIES))
    return [DeliveryOut(id=d.id, event=d.event, status=d.status,  # type: ignore[arg-type]
                        attempts=d.attempts,
                        last_status_code=d.last_status_code, last_error=d.last_error,
                        created_at=iso(d.created_at) or "", delivered_at=iso(d.delivered_at))
            for d in rows]


def webhook_out(row: WebhookEndpoint, deliveries: list[DeliveryOut],
                secret: str | None = None) -> WebhookOut:
    """JSON of an endpoint."""
    return WebhookOut(id=row.id, url=row.url, events=list(row.events), secret=secret,
                      created_at=iso(row.created_at) or "", deliveries=deliveries,
                      links={"self": url_for("v1.webhooks.get_webhook", webhook_id=row.id)})


@bp.post("")
@spec.validate(json=WebhookIn, resp=Resp(HTTP_201=WebhookOut), tags=["webhooks"])
def create_webhook() -> Answer:
    """Register an endpoint; 201 with its ``secret`` (shown only now: keep it to verify
    the ``X-Cuplik-Signature`` of each delivery)."""
    body: WebhookIn = request.context.json  # type: ignore[attr-defined]
    check_url(body.url)
    who = caller()
    secret = "whsec_" + secrets.token_urlsafe(32)
    with db().session() as s:
        count = len(s.scalars(select(WebhookEndpoint.id).where(
            WebhookEndpoint.seller_id == who.seller_id)).all())
        if count >= MAX_ENDPOINTS:
            raise Problem(409, "Conflict", f"An account can have at most {MAX_ENDPOINTS} "
                          "webhook endpoints; delete one first.", code="too_many_webhooks")
        row = WebhookEndpoint(seller_id=who.seller_id, url=body.url,
                              events=sorted(set(body.events)), secret=secret, created_at=now())
        s.add(row)
        s.flush()
        out = webhook_out(row, [], secret)
    return out, 201, {"Location": out.links["self"]}


@bp.get("")
@spec.validate(resp=Resp(HTTP_200=WebhookList), tags=["webhooks"])
def list_webhooks() -> Answer:
    """The caller's endpoints with their latest deliveries."""
    with db().session() as s:
        rows = s.scalars(select(WebhookEndpoint).where(
            WebhookEndpoint.seller_id == caller().seller_id)
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)).all()
        return WebhookList(items=[webhook_out(r, _deliveries(s, r.id)) for r in rows])


@bp.get("/<webhook_id>")
@spec.validate(resp=Resp(HTTP_200=WebhookOut), tags=["webhooks"])
def get_webhook(webhook_id: str) -> Answer:
    """An endpoint and its last 20 deliveries (status, attempts, last answer)."""
    with db().session() as s:
        row = owned_or_404(s, WebhookEndpoint, webhook_id, "webhook")
        return webhook_out(row, _deliveries(s, row.id))


@bp.delete("/<webhook_id>")
@spec.validate(resp=Resp(HTTP_204=None), tags=["webhooks"])
def delete_webhook(webhook_id: str) -> Answer:
    """Stop delivering to an endpoint (pending deliveries are dropped)."""
    with db().session() as s:
        s.delete(owned_or_404(s, WebhookEndpoint, webhook_id, "webhook"))
    return "", 204
