"""Session figures: what the export did not carry is "no data" (never 0 %), impossible
figures are refused, a column nobody knows is a warning in the answer."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.unit.api.helpers import session_body, timeline


def _without(column: str, minutes: int = 10) -> list[dict]:
    return [{k: v for k, v in row.items() if k != column} for row in timeline(minutes)]


def test_a_missing_customers_column_is_no_data_not_zero_percent(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    response = client.post("/v1/sessions", headers=alice,
                           json=session_body(timeline=_without("customers")))
    assert response.status_code == 201, response.get_json()
    metrics = response.get_json()["metrics"]
    assert metrics["conversion_rate_pct"] is None
    assert metrics["enter_room_rate_pct"] == "15.00"  # the columns it has still count
    with_count = client.post("/v1/sessions", headers=alice,
                             json=session_body(timeline=_without("customers"), customers=40))
    assert with_count.get_json()["metrics"]["conversion_rate_pct"] == "5.00"


def test_customers_outnumbering_viewers_is_refused(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    response = client.post("/v1/sessions", headers=alice,
                           json=session_body(viewers=100, customers=500))
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == "impossible_data"
    assert "customers 500 > viewers 100" in body["detail"]
    assert client.get("/v1/sessions", headers=alice).get_json()["items"] == []


def test_an_unknown_timeline_column_is_a_warning_in_the_answer(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    rows = [{**row, "gifts": 3} for row in timeline(10)]
    response = client.post("/v1/sessions", headers=alice, json=session_body(timeline=rows))
    assert response.status_code == 201
    assert any("'gifts'" in w and "ignored" in w for w in response.get_json()["warnings"])
    again = client.get(response.get_json()["links"]["self"], headers=alice).get_json()
    assert again["warnings"] == response.get_json()["warnings"]
