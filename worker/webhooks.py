"""The webhook send job: POST one delivery's signed JSON to its endpoint. A 2xx answer
marks it ``delivered``; anything else is recorded on the row and raised, so RQ retries
with back-off (``store.webhooks.RETRY_INTERVALS``) until the last try marks it ``failed``.
Redirects are not followed (the signature is for the registered URL)."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from typing import Any

from rq import get_current_job

from store.models import WebhookDelivery, WebhookEndpoint, utcnow
from store.webhooks import SIGNATURE_HEADER, body_of, sign
from worker.jobs import context

log = logging.getLogger(__name__)
TIMEOUT_S = 10.0
USER_AGENT = "cuplik-webhooks/1"


class DeliveryFailed(Exception):
    """The endpoint did not answer 2xx (or could not be reached)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def send(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body``; the HTTP status (raises ``OSError`` when nothing answered)."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _opener.open(request, timeout=TIMEOUT_S) as response:
            response.read(65536)
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def deliver_webhook(delivery_id: str) -> dict[str, Any]:
    """Send delivery ``delivery_id`` once (RQ calls it again on failure)."""
    db = context().db
    with db.session() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status == "delivered":
            return {"skipped": "already delivered or gone"}
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
        if endpoint is None:
            return {"skipped": "endpoint deleted"}
        url, secret, payload, event = endpoint.url, endpoint.secret, delivery.payload, \
            delivery.event
    body = body_of(payload)
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               SIGNATURE_HEADER: sign(secret, body), "X-Cuplik-Event": event,
               "X-Cuplik-Delivery": delivery_id}
    status: int | None = None
    error: str | None = None
    try:
        status = send(url, body, headers)
        if not 200 <= status < 300:
            error = f"the endpoint answered HTTP {status}"
    except OSError as exc:  # refused, timed out, DNS: the endpoint could not be reached
        error = f"could not reach the endpoint: {exc}"
    job = get_current_job()
    final = job is None or not job.retries_left
    with db.session() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            return {"skipped": "gone"}
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error = status, error
        if error is None:
            delivery.status, delivery.delivered_at = "delivered", utcnow()
        elif final:
            delivery.status = "failed"
    if error is not None:
        log.info("webhook %s to %s: %s", delivery_id, url, error)
        raise DeliveryFailed(error)
    return {"delivery_id": delivery_id, "status": status}
