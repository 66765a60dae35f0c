"""Level-1 categories: a known list (Indonesian and English names), matched without
regard to case, checked when a session is written."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from tests.unit.api.conftest import Clock
from tests.unit.api.helpers import platform, session_body, timeline


def _session(client: FlaskClient, headers: dict[str, str], category: str) -> str:
    response = platform(client).post("/v1/sessions", headers=headers, json=session_body(
        category=category, timeline=timeline(10, {4: 500_000}), username="glowshop"))
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def test_hub_categories_are_a_known_list_in_indonesian_and_english(
    client: FlaskClient, bob: dict[str, str]
) -> None:
    response = client.get("/v1/hub/categories", headers=bob)
    assert response.status_code == 200, response.get_json()
    items = {c["code"]: c for c in response.get_json()["items"]}
    assert items["bags"]["name_id"] == "Tas" and items["bags"]["name_en"] == "Bags"
    assert items["beauty"]["name_id"] == "Kecantikan & Perawatan Pribadi"
    assert items["beauty"]["name_en"] == "Beauty & Personal Care"
    assert items["phones_electronics"]["name_id"] == "Ponsel & Elektronik"
    # check 10: bags, fashion and beauty need every detail kind, other categories two
    assert items["bags"]["product_details"] == "every_kind"
    assert items["furniture"]["product_details"] == "at_least_two"


def test_category_filter_ignores_case_and_takes_either_name(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str], clock: Clock
) -> None:
    first, second = _session(client, alice, "Beauty"), _session(client, alice, "beauty")
    _session(client, alice, "Tas")
    clock.at += timedelta(days=2)
    for asked in ("beauty", "Beauty", "BEAUTY", "Kecantikan & Perawatan Pribadi",
                  "beauty & personal care"):
        response = client.get("/v1/hub/sessions", headers=bob, query_string={"category": asked})
        assert response.status_code == 200, response.get_json()
        assert sorted(i["id"] for i in response.get_json()["items"]) == sorted([first, second])
        assert {i["category"] for i in response.get_json()["items"]} == {"beauty"}


def test_unknown_category_filter_is_refused_with_the_list(
    client: FlaskClient, bob: dict[str, str]
) -> None:
    response = client.get("/v1/hub/sessions?category=Beuaty", headers=bob)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "unknown_category"
    assert "'Beuaty'" in problem["detail"] and "/v1/hub/categories" in problem["detail"]


def test_session_category_is_checked_when_written(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    refused = client.post("/v1/sessions", headers=alice, json=session_body(category="Bagz"))
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "unknown_category"
    assert "Bagz" in refused.get_json()["detail"]
    assert client.get("/v1/sessions", headers=alice).get_json()["items"] == []  # nothing saved
    stored = client.post("/v1/sessions", headers=alice, json=session_body(category="TAS"))
    assert stored.status_code == 201 and stored.get_json()["category"] == "bags"
