"""Webhook events: recorded as delivery rows in the same transaction as the change they
report (so an event is never lost nor sent for a change that was rolled back), then
queued on the ``batch`` queue, where ``worker.webhooks.deliver_webhook`` sends them and RQ
retries a failed send with back-off.

Each delivery is the JSON ``{"id", "event", "created_at", "data"}``, signed with the
endpoint's secret: ``X-Cuplik-Signature: sha256=<hex HMAC-SHA256 of the raw body>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from rq import Queue, Retry
from rq.serializers import JSONSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.models import (
    RegenerationBatch,
    RegenerationItem,
    Teaser,
    WebhookDelivery,
    WebhookEndpoint,
    new_id,
)

log = logging.getLogger(__name__)

EVENTS = ("teaser.ready", "teaser.failed", "footage.ready", "footage.rejected",
          "regeneration.finished")
SIGNATURE_HEADER = "X-Cuplik-Signature"
DELIVER_FUNC = "worker.webhooks.deliver_webhook"
QUEUE = "batch"
# Back-off between sends: 10 s, 1 min, 5 min, 30 min, 2 h; then the delivery is failed.
RETRY_INTERVALS = (10, 60, 300, 1800, 7200)


def sign(secret: str, body: bytes) -> str:
    """The signature header value for ``body``: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed) for a delivery."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def record_event(session: Session, seller_id: str, event: str, data: dict[str, Any],
                 at: datetime) -> list[str]:
    """Add a delivery of ``event`` for each of the seller's endpoints that asked for it;
    returns their ids (queue them with ``enqueue`` once the session is committed)."""
    assert event in EVENTS, event
    ids: list[str] = []
    for endpoint in session.scalars(select(WebhookEndpoint).where(
            WebhookEndpoint.seller_id == seller_id)):
        if event not in endpoint.events:
            continue
        delivery_id = new_id()
        session.add(WebhookDelivery(
            id=delivery_id, endpoint_id=endpoint.id, event=event, created_at=at,
            payload={"id": delivery_id, "event": event, "created_at": at.isoformat(),
                     "data": data}))
        ids.append(delivery_id)
    return ids


def enqueue(connection: Any, delivery_ids: Iterable[str]) -> None:
    """Queue the sends (job id ``webhook-<delivery id>``); never raises: a delivery that
    could not be queued stays ``pending`` in the database."""
    ids = list(delivery_ids)
    if not ids or connection is None:
        return
    try:
        queue = Queue(QUEUE, connection=connection, serializer=JSONSerializer)
        for delivery_id in ids:
            queue.enqueue_call(DELIVER_FUNC, args=[delivery_id], job_id=f"webhook-{delivery_id}",
                               timeout=60, ttl=7 * 86400, result_ttl=86400,
                               failure_ttl=7 * 86400,
                               retry=Retry(max=len(RETRY_INTERVALS),
                                           interval=list(RETRY_INTERVALS)),
                               description=f"webhook delivery {delivery_id}")
    except Exception:
        log.warning("webhook deliveries %s not queued", ids, exc_info=True)


def teaser_data(teaser: Any) -> dict[str, Any]:
    """What a teaser event carries (fetch the teaser for the rest, and its download URL)."""
    links = {"self": f"/v1/teasers/{teaser.id}"}
    if teaser.video_path:
        links.update(video=f"/v1/teasers/{teaser.id}/video",
                     poster=f"/v1/teasers/{teaser.id}/poster")
    return {"teaser_id": teaser.id, "status": str(teaser.status), "revision": teaser.revision,
            "plan_id": teaser.plan_id, "error": teaser.error, "links": links}


def footage_data(footage: Any) -> dict[str, Any]:
    """What a footage event carries."""
    return {"footage_id": footage.id, "status": str(footage.status), "reason": footage.reason,
            "links": {"self": f"/v1/footage/{footage.id}"}}


def teaser_ended(session: Session, teaser: Any, at: datetime) -> list[str]:
    """Record ``teaser.ready`` / ``teaser.failed`` for a teaser whose run just ended, and
    ``regeneration.finished`` for each batch this render was the last of."""
    event = "teaser.ready" if str(teaser.status) == "ready" else "teaser.failed"
    ids = record_event(session, teaser.seller_id, event, teaser_data(teaser), at)
    return ids + _batches_finished(session, teaser.id, teaser.revision, at)


def _batches_finished(session: Session, teaser_id: str, revision: int,
                      at: datetime) -> list[str]:
    ids: list[str] = []
    batch_ids = session.scalars(select(RegenerationItem.batch_id).where(
        RegenerationItem.teaser_id == teaser_id, RegenerationItem.revision == revision)).all()
    for batch_id in batch_ids:
        session.flush()
        open_items = session.scalar(
            select(RegenerationItem.teaser_id)
            .join(Teaser, Teaser.id == RegenerationItem.teaser_id)
            .where(RegenerationItem.batch_id == batch_id,
                   RegenerationItem.revision == Teaser.revision,
                   Teaser.status.in_(["queued", "running"])).limit(1))
        if open_items is not None:
            continue
        # Whoever sets finished_at first sends the event: exactly once per batch.
        won = session.execute(update(RegenerationBatch).where(
            RegenerationBatch.id == batch_id, RegenerationBatch.finished_at.is_(None))
            .values(finished_at=at), execution_options={"synchronize_session": False})
        batch = session.get(RegenerationBatch, batch_id)
        if won.rowcount == 1 and batch is not None and batch.created_by:  # type: ignore[attr-defined]
            ids += record_event(session, batch.created_by, "regeneration.finished",
                                {"batch_id": batch_id,
                                 "links": {"self": f"/v1/ops/regenerations/{batch_id}"}}, at)
    return ids
