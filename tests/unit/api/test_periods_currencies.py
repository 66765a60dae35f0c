"""Periods and currencies: a range without ``period=custom`` is refused, never ignored;
totals are kept per currency, GMV sorts stay within one currency, and a currency is an
ISO 4217 code, not any three letters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.unit.api.conftest import Clock
from tests.unit.api.helpers import platform, session_body

FROM, TO = "2024-11-18T00:00:00+07:00", "2024-11-20T00:00:00+07:00"


def _session(client: FlaskClient, headers: dict[str, str], currency: str, gmv: int,
             **changes: Any) -> str:
    body = session_body(currency=currency, username="glowshop", timeline=[
        {"t": 60 * m, "views": 100, "viewers": 80, "gmv": gmv if m == 0 else 0, "orders": 1}
        for m in range(5)])
    body.update(changes)
    response = platform(client).post("/v1/sessions", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


@pytest.mark.parametrize("query", [
    {"from": FROM, "to": TO}, {"from": FROM}, {"to": TO},
    {"period": "last_7_days", "from": FROM, "to": TO},
])
def test_a_range_without_period_custom_is_refused_not_ignored(
    client: FlaskClient, alice: dict[str, str], query: dict[str, str]
) -> None:
    response = client.get("/v1/metrics/overview", headers=alice, query_string=query)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["code"] == "period_invalid"
    assert "period=custom" in problem["detail"] and "last 7 days" in problem["detail"]


def test_hub_range_needs_both_ends(client: FlaskClient, bob: dict[str, str]) -> None:
    response = client.get("/v1/hub/sessions", headers=bob, query_string={"from": FROM})
    assert response.status_code == 422
    assert "both 'from' and 'to'" in response.get_json()["detail"]


def test_overview_keeps_totals_per_currency(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    _session(client, alice, "IDR", 150_000)
    _session(client, alice, "IDR", 50_000)
    _session(client, alice, "MYR", 12_345)
    body = client.get("/v1/metrics/overview", headers=alice).get_json()
    assert body["sessions"] == 2 and body["current"]["gmv"]["amount_minor"] == 200_000
    by = {c["currency"]: c for c in body["by_currency"]}
    assert [c["currency"] for c in body["by_currency"]] == ["IDR", "MYR"]  # the shop's first
    assert by["MYR"]["sessions"] == 1
    assert by["MYR"]["current"]["gmv"] == {"amount_minor": 12_345, "currency": "MYR",
                                           "amount": "123.45"}
    assert by["IDR"]["current"] == body["current"]


def test_source_picker_sorts_gmv_within_each_currency(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    small_idr = _session(client, alice, "IDR", 100_000)
    big_idr = _session(client, alice, "IDR", 900_000)
    yen = _session(client, alice, "JPY", 50_000)  # ¥50,000: more than Rp 9,000
    usd = _session(client, alice, "USD", 200_000)
    items = client.get("/v1/sessions?sort=gmv", headers=alice).get_json()["items"]
    # the shop's currency first, then each other currency; highest GMV first within each
    assert [i["id"] for i in items] == [big_idr, small_idr, yen, usd]


def test_hub_lists_one_currency_and_names_the_others(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str], clock: Clock
) -> None:
    idr = _session(client, alice, "IDR", 150_000)
    myr = _session(client, alice, "MYR", 12_345)
    clock.at += timedelta(days=2)
    default = client.get("/v1/hub/sessions", headers=bob).get_json()
    assert [i["id"] for i in default["items"]] == [idr]
    assert default["currency"] == "IDR" and default["other_currencies"] == ["MYR"]
    ringgit = client.get("/v1/hub/sessions?currency=MYR", headers=bob).get_json()
    assert [i["id"] for i in ringgit["items"]] == [myr] and ringgit["other_currencies"] == ["IDR"]


@pytest.mark.parametrize("code", ["ABC", "XYZ", "RPH"])
def test_a_currency_must_be_an_iso_4217_code(
    client: FlaskClient, alice: dict[str, str], code: str
) -> None:
    session = client.post("/v1/sessions", json=session_body(currency=code), headers=alice)
    assert session.status_code == 422 and session.get_json()["code"] == "unknown_currency"
    assert f"'{code}'" in session.get_json()["detail"]
    assert "ISO 4217" in session.get_json()["detail"]
    hub = client.get(f"/v1/hub/sessions?currency={code}", headers=alice)
    assert hub.status_code == 422 and hub.get_json()["code"] == "unknown_currency"
    me = client.patch("/v1/me", json={"currency": code}, headers=alice)
    assert me.status_code == 422 and me.get_json()["code"] == "unknown_currency"
    assert client.get("/v1/me", headers=alice).get_json()["currency"] == "IDR"
