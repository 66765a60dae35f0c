"""Webhooks end to end on real Redis and both databases: a render or ingest that ends
records the event with its change, the batch queue sends it to a real HTTP server on
127.0.0.1, signed, and a failing endpoint is retried with back-off, then marked failed."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rq.job import Job
from rq.serializers import JSONSerializer

from store import webhooks
from store.models import RegenerationBatch, RegenerationItem, WebhookDelivery, WebhookEndpoint
from tests.integration import test_jobs_support as support
from tests.integration.test_jobs_support import (
    Stack,
    add_footage,
    add_seller,
    add_session,
    add_teaser,
)
from worker.reconciler import Reconciler

redis_server, stack = support.redis_server, support.stack  # fixtures

pytestmark = pytest.mark.integration
SECRET = "whsec_test"


@dataclass
class Receiver:
    """A local HTTP endpoint: answers the given codes in turn (then 200), keeps requests."""

    codes: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(({k: v for k, v in self.headers.items()}, body))
            self.send_response(state.codes.pop(0) if state.codes else 200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield state
    server.shutdown()
    server.server_close()


def _endpoint(stack: Stack, seller: str, url: str, events: list[str]) -> str:
    with stack.db.session() as s:
        row = WebhookEndpoint(seller_id=seller, url=url, events=events, secret=SECRET)
        s.add(row)
        s.flush()
        return row.id


def _deliveries(stack: Stack, endpoint_id: str) -> list[WebhookDelivery]:
    with stack.db.session() as s:
        return list(s.query(WebhookDelivery).filter_by(endpoint_id=endpoint_id))


def _verified(headers: dict[str, str], body: bytes) -> dict:
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Cuplik-Signature"], expected)
    return json.loads(body)


def test_teaser_failed_is_delivered_signed_to_a_local_server(
    stack: Stack, receiver: Receiver
) -> None:
    seller = add_seller(stack)
    endpoint = _endpoint(stack, seller, receiver.url, ["teaser.ready", "teaser.failed"])
    teaser_id = add_teaser(stack, seller, session_id=add_session(stack, seller, None))
    stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()  # the render fails fast, then the batch queue sends the webhook
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    payload = _verified(headers, body)
    assert payload["event"] == "teaser.failed" and headers["X-Cuplik-Event"] == "teaser.failed"
    assert payload["data"]["teaser_id"] == teaser_id
    assert "has no recording" in payload["data"]["error"]
    [delivery] = _deliveries(stack, endpoint)
    assert headers["X-Cuplik-Delivery"] == delivery.id == payload["id"]
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert delivery.last_status_code == 200


def test_footage_rejected_goes_only_to_endpoints_that_asked(
    stack: Stack, receiver: Receiver, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 4096)
    seller = add_seller(stack)
    wants = _endpoint(stack, seller, receiver.url, ["footage.rejected"])
    other = _endpoint(stack, seller, receiver.url, ["teaser.ready"])
    footage_id = add_footage(stack, seller, junk)
    stack.gateway.enqueue_ingest(footage_id)
    stack.drain()
    assert [json.loads(b)["event"] for _, b in receiver.received] == ["footage.rejected"]
    assert json.loads(receiver.received[0][1])["data"]["footage_id"] == footage_id
    assert len(_deliveries(stack, wants)) == 1 and _deliveries(stack, other) == []


def test_a_failing_endpoint_is_retried_then_marked_failed(
    stack: Stack, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller = add_seller(stack)
    endpoint = _endpoint(stack, seller, receiver.url, ["teaser.failed"])
    # the real back-off is on every delivery job...
    with stack.db.session() as s:
        ids = webhooks.record_event(s, seller, "teaser.failed", {"teaser_id": "x"},
                                    support.datetime.now(support.UTC))
    webhooks.enqueue(stack.gateway.connection, ids)
    job = Job.fetch(f"webhook-{ids[0]}", connection=stack.gateway.connection,
                    serializer=JSONSerializer)
    assert job.origin == "batch" and job.retries_left == len(webhooks.RETRY_INTERVALS)
    assert job.retry_intervals == [10, 60, 300, 1800, 7200]
    job.delete()
    # ...here without the waits, so the retries run now
    monkeypatch.setattr(webhooks, "RETRY_INTERVALS", (0, 0))
    receiver.codes = [500, 503, 500]
    teaser_id = add_teaser(stack, seller, session_id=add_session(stack, seller, None))
    stack.gateway.enqueue_render(teaser_id, 1)
    stack.drain()
    assert len(receiver.received) == 3
    [delivery] = [d for d in _deliveries(stack, endpoint) if d.id != ids[0]]
    assert delivery.status == "failed" and delivery.attempts == 3
    assert delivery.last_status_code == 500 and "HTTP 500" in (delivery.last_error or "")


def test_regeneration_finished_is_sent_once_when_its_last_render_ends(
    stack: Stack, receiver: Receiver
) -> None:
    seller, ops = add_seller(stack), add_seller(stack)
    _endpoint(stack, ops, receiver.url, ["regeneration.finished"])
    live = add_session(stack, seller, None)
    teasers = [add_teaser(stack, seller, session_id=live) for _ in range(2)]
    with stack.db.session() as s:
        batch = RegenerationBatch(selection={}, selection_key="k", template_version="1",
                                  created_by=ops)
        s.add(batch)
        s.flush()
        batch_id = batch.id
        s.add_all([RegenerationItem(batch_id=batch_id, teaser_id=t, revision=1)
                   for t in teasers])
    stack.gateway.enqueue_renders([(t, 1) for t in teasers])
    stack.drain()
    events = [json.loads(b) for _, b in receiver.received]
    assert [e["event"] for e in events] == ["regeneration.finished"]
    assert events[0]["data"]["batch_id"] == batch_id


def test_a_teaser_the_reconciler_gives_up_on_is_delivered_as_failed(
    stack: Stack, receiver: Receiver
) -> None:
    seller = add_seller(stack)
    _endpoint(stack, seller, receiver.url, ["teaser.failed"])
    teaser_id = add_teaser(stack, seller, session_id=add_session(stack, seller, None),
                           status="running", attempts=4, age=timedelta(minutes=5))
    assert Reconciler(stack.db, stack.gateway, max_attempts=4).run_once().failed_teasers \
        == [teaser_id]
    stack.drain()  # the batch queue sends it
    [(headers, body)] = receiver.received
    payload = _verified(headers, body)
    assert payload["event"] == "teaser.failed" and payload["data"]["teaser_id"] == teaser_id
    assert "interrupted 4 times" in payload["data"]["error"]
