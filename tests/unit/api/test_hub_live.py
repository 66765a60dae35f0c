"""A session is live only until its plan's end (or 12 h after its start without a
plan); then it is ended, and its estimates give way to the figures once recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from tests.unit.api.conftest import Clock
from tests.unit.api.helpers import START, catalogue, plan_body, platform, session_body, timeline


def _live_session(client: FlaskClient, headers: dict[str, str], **changes: Any) -> str:
    body = session_body(username="glowshop", ended_at=None, timeline=timeline(10, {4: 500_000}))
    body.update(changes)
    response = platform(client).post("/v1/sessions", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def _listed(client: FlaskClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    response = client.get("/v1/hub/sessions", headers=headers)
    assert response.status_code == 200, response.get_json()
    return {i["id"]: i for i in response.get_json()["items"]}


def test_a_session_without_an_end_is_not_live_three_days_later(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str], clock: Clock
) -> None:
    session = _live_session(client, alice, started_at="2024-11-20T10:00:00+07:00")
    now = _listed(client, bob)[session]  # the clock says 12.00 WIB: two hours in
    assert now["live"] and now["estimated"]
    clock.at += timedelta(days=3)
    later = _listed(client, bob)[session]
    assert not later["live"]  # ended 12 h after its start, listed two days after that
    assert later["estimated"]  # no final figures recorded: still the live estimates


def test_a_planned_session_is_live_until_the_plans_end(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str], clock: Clock
) -> None:
    catalogue(client, alice)
    plan = client.post("/v1/plans", json=plan_body(), headers=alice).get_json()  # 90 min
    session = _live_session(client, alice, plan_id=plan["id"], started_at=START)
    start = datetime.fromisoformat(START)
    clock.at = start + timedelta(minutes=89)
    assert _listed(client, bob)[session]["live"]
    clock.at = start + timedelta(minutes=90)
    assert session not in _listed(client, bob)  # ended: back two days after the end (T-2)
    clock.at = start + timedelta(minutes=90, days=2)
    assert not _listed(client, bob)[session]["live"]


def test_recorded_figures_replace_the_estimates(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str], clock: Clock
) -> None:
    session = _live_session(client, alice, started_at="2024-11-20T10:00:00+07:00")
    estimate = _listed(client, bob)[session]
    assert estimate["estimated"] and estimate["gmv"]["amount_minor"] == 590_000
    final = platform(client).put(f"/v1/sessions/{session}/figures", headers=alice, json={
        "ended_at": "2024-11-20T12:30:00+07:00", "timeline": timeline(150, {4: 500_000}),
        "products": [{"product_id": "p1", "gmv": 400_000, "units": 8}]})
    assert final.status_code == 200, final.get_json()
    assert final.get_json()["ended_at"] == "2024-11-20T05:30:00+00:00"
    assert final.get_json()["metrics"]["gmv"]["amount_minor"] == 1_990_000
    assert session not in _listed(client, bob)  # ended 12.30 WIB: listed from T-2
    clock.at = datetime.fromisoformat("2024-11-22T12:30:00+07:00")
    listed = _listed(client, bob)[session]
    assert not listed["live"] and not listed["estimated"]
    assert listed["gmv"]["amount_minor"] == 1_990_000 and listed["top_products"][0]["units"] == 8
    detail = client.get(f"/v1/hub/sessions/{session}", headers=bob).get_json()
    duration = {c["number"]: c for c in detail["checks"]}[17]
    assert duration["outcome"] == "passed" and duration["evidence"] == "lasted 150 minutes"


def test_figures_must_end_after_the_start_and_name_a_session(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    session = _live_session(client, alice, started_at="2024-11-20T10:00:00+07:00")
    body = {"ended_at": "2024-11-20T09:00:00+07:00", "timeline": timeline(3)}
    early = platform(client).put(f"/v1/sessions/{session}/figures", headers=alice, json=body)
    assert early.status_code == 422 and "ended_at must come after" in early.get_json()["detail"]
    body["ended_at"] = "2024-11-20T11:00:00+07:00"
    assert platform(client).put("/v1/sessions/nope/figures", headers=alice,
                                json=body).status_code == 404
    assert client.put(f"/v1/sessions/{session}/figures", headers=bob, json=body).status_code == 403
    bad = platform(client).put(f"/v1/sessions/{session}/figures", headers=alice,
                     json={**body, "timeline": [{"t": 60}, {"t": 0}]})
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid_timeline"
    unchanged = client.get(f"/v1/sessions/{session}", headers=alice).get_json()
    assert unchanged["ended_at"] is None and unchanged["metrics"]["gmv"]["amount_minor"] == 590_000
