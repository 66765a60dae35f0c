"""Errors a program can act on: a stable ``code`` per kind, the ``field`` at fault, and
a request id in the body, the ``X-Request-Id`` header and the logs."""

from __future__ import annotations

import logging
from typing import NoReturn

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.unit.api.conftest import ready_footage
from tests.unit.api.helpers import catalogue, plan_body


def test_every_answer_has_a_request_id_and_problems_repeat_it(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    ok = client.get("/v1/plans", headers=alice)
    assert len(ok.headers["X-Request-Id"]) == 32
    given = client.get("/v1/plans/nope", headers={**alice, "X-Request-Id": "trace-123"})
    assert given.headers["X-Request-Id"] == "trace-123"
    assert given.get_json()["request_id"] == "trace-123"
    assert given.get_json()["code"] == "not_found"
    hostile = client.get("/v1/plans", headers={**alice, "X-Request-Id": "a b <script>"})
    assert len(hostile.headers["X-Request-Id"]) == 32


def test_validation_errors_name_the_field(client: FlaskClient, alice: dict[str, str]) -> None:
    response = client.post("/v1/teasers", json={"footage_id": "f", "target_seconds": 500},
                           headers=alice)
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == "invalid_request"
    assert body["field"] == "target_seconds"


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("get", "/v1/nowhere", 404, "no_such_route"),
    ("put", "/v1/plans", 405, "method_not_allowed"),
    ("get", "/v1/teasers/missing", 404, "not_found"),
])
def test_http_errors_have_stable_codes(
    client: FlaskClient, alice: dict[str, str], method: str, path: str, status: int,
    code: str,
) -> None:
    response = getattr(client, method)(path, headers=alice)
    assert response.status_code == status and response.get_json()["code"] == code


def test_rule_refusals_carry_their_rule_code_and_field(
    client: FlaskClient, db, alice: dict[str, str]
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = client.post("/v1/plans", json=plan_body(), headers=alice).get_json()
    body = {"footage_id": footage_id, "plan_id": plan["id"]}
    for _ in range(4):
        client.post("/v1/teasers", json=body, headers=alice)
    fifth = client.post("/v1/teasers", json=body, headers=alice).get_json()
    assert fifth["code"] == "teaser_refused" and "at most 4" in fifth["detail"]


def test_an_unexpected_error_is_logged_with_the_request_id(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    def boom() -> NoReturn:
        raise RuntimeError("disk on fire")

    app.add_url_rule("/boom", "boom", boom)
    with caplog.at_level(logging.INFO):
        response = client.get("/boom", headers={"X-Request-Id": "rid-500"})
    assert response.status_code == 500 and response.get_json()["code"] == "internal_error"
    assert "rid-500" in response.get_json()["detail"]
    assert "disk on fire" not in response.get_data(as_text=True)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and all(getattr(r, "request_id", None) == "rid-500" for r in errors)
    assert any(getattr(r, "request_id", None) == "rid-500" for r in caplog.records
               if r.name == "api.access")
