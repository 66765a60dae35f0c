"""Registering webhook endpoints: the secret once, events checked, private hosts refused
unless allowed, deliveries visible, another seller's endpoint is 404."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from store.db import Database
from store.models import WebhookDelivery


def test_endpoint_is_created_with_its_secret_shown_once(
    app: Flask, client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
) -> None:
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    response = client.post("/v1/webhooks", headers=alice, json={
        "url": "http://127.0.0.1:9/hooks", "events": ["teaser.ready", "teaser.failed"]})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 30
    with db.session() as s:
        s.add(WebhookDelivery(endpoint_id=created["id"], event="teaser.ready",
                              payload={"id": "d"}, status="failed", attempts=6,
                              last_status_code=500, last_error="the endpoint answered HTTP 500"))
    shown = client.get(created["links"]["self"], headers=alice).get_json()
    assert shown["secret"] is None
    assert [(d["status"], d["attempts"], d["last_status_code"]) for d in shown["deliveries"]] \
        == [("failed", 6, 500)]
    assert [w["id"] for w in client.get("/v1/webhooks", headers=alice).get_json()["items"]] \
        == [created["id"]]
    assert client.get(created["links"]["self"], headers=bob).status_code == 404
    assert client.delete(created["links"]["self"], headers=bob).status_code == 404
    assert client.delete(created["links"]["self"], headers=alice).status_code == 204
    assert client.get("/v1/webhooks", headers=alice).get_json()["items"] == []


def test_unknown_events_and_bad_urls_are_refused(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    unknown = client.post("/v1/webhooks", headers=alice, json={
        "url": "https://hooks.example.com/x", "events": ["teaser.posted"]})
    assert unknown.status_code == 422 and "events" in unknown.get_json()["detail"]
    for url, words in [("ftp://hooks.example.com/x", "http"),
                       ("http://user:pw@hooks.example.com/x", "password"),
                       ("http://127.0.0.1:8000/x", "private or local"),
                       ("http://10.1.2.3/x", "private or local")]:
        response = client.post("/v1/webhooks", headers=alice,
                               json={"url": url, "events": ["teaser.ready"]})
        assert response.status_code == 422, url
        assert response.get_json()["field"] == "url" and words in response.get_json()["detail"]
