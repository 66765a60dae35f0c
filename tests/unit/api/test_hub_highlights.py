"""The hub's highlights read every fact the service holds for a check and say which fact
decided it; a check stays unknown only when no such fact exists."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Teaser
from tests.unit.api.conftest import Clock, make_key, seller_id
from tests.unit.api.helpers import START, catalogue, plan_body, platform, session_body, timeline

PLAN_SESSION = {"started_at": START, "ended_at": "2024-11-23T20:30:00+07:00"}


def _session(client: FlaskClient, headers: dict[str, str], **changes: Any) -> str:
    body = session_body(username="glowshop",
                        products=[{"product_id": "p1", "gmv": 400_000, "units": 8}])
    body.update(changes)
    response = platform(client).post("/v1/sessions", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def _check(client: FlaskClient, headers: dict[str, str], session_id: str,
           number: int) -> dict[str, Any]:
    response = client.get(f"/v1/hub/sessions/{session_id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    checks = {c["number"]: c for c in response.get_json()["checks"]}
    return checks[number]


def _pinned(minutes: int, pinned: int) -> list[dict[str, Any]]:
    rows = timeline(minutes, {4: 500_000})
    for m, row in enumerate(rows):
        row["pinned_product"] = "p1" if m < pinned else None
    return rows


def test_product_specs_use_the_sessions_category(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str], clock: Clock
) -> None:
    two_details = "Bahan kulit asli, warna coklat."
    bag = _session(client, alice, category="Tas", transcript=two_details)
    sofa = _session(client, alice, category="Furnitur", transcript=two_details)
    clock.at += timedelta(days=2)
    bag_check, sofa_check = _check(client, bob, bag, 10), _check(client, bob, sofa, 10)
    # bags need every detail kind (seed 001: "Untuk Produk Tas, Fashion, & Kecantikan")
    assert bag_check["outcome"] == "failed"
    assert "Tas / Bags needs every detail kind, missing origin, variant" in bag_check["evidence"]
    assert sofa_check["outcome"] == "passed"  # other categories: at least two details
    assert bag_check["decided_by"] == sofa_check["decided_by"] == ["category", "transcript"]


def test_product_shown_is_decided_by_the_timelines_product_pins(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str], clock: Clock
) -> None:
    half = _session(client, alice, timeline=_pinned(10, 5))
    never = _session(client, alice, timeline=_pinned(10, 0))
    no_pins = _session(client, alice, timeline=timeline(10, {4: 500_000}))
    clock.at += timedelta(days=2)
    shown = _check(client, bob, half, 21)
    assert shown["outcome"] == "passed" and "pinned 50% of the timeline" in shown["evidence"]
    assert shown["decided_by"] == ["timeline_product_pins"]
    assert _check(client, bob, never, 21)["outcome"] == "failed"
    unknown = _check(client, bob, no_pins, 21)
    assert unknown["outcome"] == "unknown" and unknown["decided_by"] == []


def test_promotions_are_decided_by_the_plans_and_the_catalogues_tools(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
    clock: Clock,
) -> None:
    catalogue(client, alice)  # voucher v1 bound to p1, shop-wide discount d1
    plan = client.post("/v1/plans", json=plan_body(promotion_tool_ids=["d1"]), headers=alice)
    assert plan.status_code == 201, plan.get_json()
    sold_p1 = _session(client, alice)
    sold_p2 = _session(client, alice, products=[{"product_id": "p2", "gmv": 9_000, "units": 1}])
    planned = _session(client, alice, plan_id=plan.get_json()["id"], **PLAN_SESSION,
                       products=[{"product_id": "p2", "gmv": 9_000, "units": 1}])
    carol = make_key(db, "carol")  # a shop with no catalogue and no plan here
    unknown = _session(client, carol)
    clock.at = datetime.fromisoformat(START) + timedelta(days=3)

    bound = _check(client, bob, sold_p1, 13)
    assert bound["outcome"] == "passed" and "voucher" in bound["evidence"]
    assert bound["decided_by"] == ["catalogue_promotion_tools"]
    none_bound = _check(client, bob, sold_p2, 13)
    assert none_bound["outcome"] == "failed"
    assert "bound to products it sold: none" in none_bound["evidence"]
    on_plan = _check(client, bob, planned, 13)
    assert on_plan["outcome"] == "passed" and "on the session's plan: discount" in on_plan[
        "evidence"]
    assert on_plan["decided_by"] == ["plan_promotion_tools", "catalogue_promotion_tools"]
    assert _check(client, bob, unknown, 13)["outcome"] == "unknown"


def _posted_teaser(db: Database, seller: str, post_at: str, plan_id: str | None = None) -> None:
    with db.session() as s:
        s.add(Teaser(seller_id=seller, source_kind="footage", status=TeaserStatus.READY,
                     plan_id=plan_id, post_at=datetime.fromisoformat(post_at)))


def test_teaser_in_advance_is_decided_by_this_services_teaser_records(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
    clock: Clock,
) -> None:
    carol = make_key(db, "carol")
    teased = _session(client, alice)  # starts 2024-11-19 19:00 WIB
    _posted_teaser(db, seller_id(client, alice), "2024-11-18T19:00:00+07:00")
    catalogue(client, carol)
    other_plan = client.post("/v1/plans", json=plan_body(), headers=carol).get_json()["id"]
    # carol's only teaser advertised another LIVE (her plan for Saturday)
    _posted_teaser(db, seller_id(client, carol), "2024-11-18T19:00:00+07:00", other_plan)
    not_teased = _session(client, carol)
    clock.at += timedelta(days=2)

    passed = _check(client, bob, teased, 29)
    assert passed["outcome"] == "passed"
    assert passed["evidence"] == "1 teaser(s) posted within 7 days before the start"
    assert passed["decided_by"] == ["teaser_records", "session_start_and_end"]
    failed = _check(client, bob, not_teased, 29)
    assert failed["outcome"] == "failed" and failed["evidence"].startswith("0 teaser(s)")


def test_peak_hours_use_the_zone_the_session_took_place_in(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str], clock: Clock
) -> None:
    evening = _session(client, alice, started_at="2024-11-19T20:30:00+07:00",
                       ended_at="2024-11-19T22:00:00+07:00")  # 20.30 WIB: peak (17-21)
    moved = client.patch("/v1/me", json={"time_zone": "Asia/Jayapura"}, headers=alice)
    assert moved.status_code == 200, moved.get_json()  # 20.30 WIB is 22.30 WIT
    clock.at += timedelta(days=2)
    peak = _check(client, bob, evening, 18)
    assert peak["outcome"] == "passed"
    assert peak["evidence"] == "started 20:30 Asia/Jakarta; peak 17:00-21:00"
    assert peak["decided_by"] == ["session_start_and_end", "session_time_zone"]


def test_a_session_takes_its_zone_from_the_body_or_its_plan(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str], clock: Clock
) -> None:
    makassar = _session(client, alice, time_zone="Asia/Makassar")  # 19.00 WIB = 20.00 WITA
    catalogue(client, alice)
    plan = client.post("/v1/plans", json=plan_body(time_zone="Asia/Jayapura"), headers=alice)
    planned = _session(client, alice, plan_id=plan.get_json()["id"], **PLAN_SESSION)
    stored = client.get(f"/v1/sessions/{planned}", headers=alice).get_json()
    assert (stored["time_zone"], stored["plan_id"]) == ("Asia/Jayapura", plan.get_json()["id"])
    unzoned = client.get(f"/v1/sessions/{_session(client, alice)}", headers=alice).get_json()
    assert unzoned["time_zone"] == "Asia/Jakarta"  # the seller's zone when it was recorded
    clock.at = datetime.fromisoformat(START) + timedelta(days=3)
    assert "started 20:00 Asia/Makassar" in _check(client, bob, makassar, 18)["evidence"]
    assert "started 21:00 Asia/Jayapura" in _check(client, bob, planned, 18)["evidence"]
    bad = client.post("/v1/sessions", json=session_body(time_zone="Mars/Olympus"), headers=alice)
    assert bad.status_code == 422 and bad.get_json()["code"] == "unknown_time_zone"
    strange = client.post("/v1/sessions", json=session_body(plan_id="nope"), headers=alice)
    assert strange.status_code == 404
