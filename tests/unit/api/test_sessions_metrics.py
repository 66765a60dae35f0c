"""Past sessions, the source picker, posting a teaser, teaser figures, the overview and
recommended actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from domain.lifecycle import FootageStatus, TeaserStatus
from store.db import Database
from store.models import Footage, Teaser
from tests.unit.api.conftest import Clock, ready_footage
from tests.unit.api.helpers import catalogue, plan_body, platform, session_body, timeline


def test_session_metrics_are_exact_and_zero_division_is_no_data(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    rows = [{"t": 0, "views": 100, "room_impressions": 100, "room_enters": 15, "gmv": 150_000}]
    response = client.post("/v1/sessions", json=session_body(timeline=rows), headers=alice)
    assert response.status_code == 201, response.get_json()
    m = response.get_json()["metrics"]
    assert m["gmv"] == {"amount_minor": 150_000, "currency": "IDR", "amount": "1500.00"}
    assert m["enter_room_rate_pct"] == "15.00"
    assert m["gpm"] is None and m["click_to_order_rate_pct"] is None


def test_timeline_row_without_t_is_refused(client: FlaskClient, alice: dict[str, str]) -> None:
    response = client.post("/v1/sessions", json=session_body(timeline=[{"views": 3}]),
                           headers=alice)
    assert response.status_code == 422
    assert response.get_json()["detail"].startswith("timeline line 1: no 't' (seconds from")


@pytest.mark.parametrize(("rows", "says"), [
    ([{"t": 0, "orders": 1}, {"t": 60, "orders": -3}],
     "timeline line 2: 'orders' is -3; metrics cannot be negative"),
    ([{"t": 0, "gmv": "abc"}], "timeline line 1: 'gmv' is 'abc', expected a number"),
    ([{"t": 60}, {"t": 0}], "timeline line 2: t=0 does not come after the previous row's t=60"),
])
def test_a_timeline_the_teaser_job_would_refuse_is_refused_up_front(
        client: FlaskClient, alice: dict[str, str], rows: list[dict[str, object]],
        says: str) -> None:
    response = client.post("/v1/sessions", json=session_body(timeline=rows), headers=alice)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["code"] == "invalid_timeline" and problem["detail"].startswith(says)
    assert "nothing was saved" in problem["detail"]
    assert client.get("/v1/sessions", headers=alice).get_json()["items"] == []


def test_source_picker_sorts_by_gmv_or_interaction(
    client: FlaskClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    rich = client.post("/v1/sessions", json=session_body(
        timeline=[{"t": 0, "views": 1000, "gmv": 900_000, "comments": 10}]),
        headers=alice).get_json()
    chatty = client.post("/v1/sessions", json=session_body(
        timeline=[{"t": 0, "views": 100, "gmv": 1_000, "comments": 80}]),
        headers=alice).get_json()
    by_gmv = client.get("/v1/sessions?sort=gmv", headers=alice).get_json()["items"]
    assert [s["id"] for s in by_gmv] == [rich["id"], chatty["id"]]
    by_chat = client.get("/v1/sessions?sort=interaction", headers=alice).get_json()["items"]
    assert [s["id"] for s in by_chat] == [chatty["id"], rich["id"]]
    assert client.get("/v1/sessions", headers=bob).get_json()["items"] == []
    assert client.get(f"/v1/sessions/{rich['id']}", headers=bob).status_code == 404


def test_an_export_headed_gmv_is_stored_with_its_gmv_and_sorts_by_it(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    # before: 201 with GMV 0 (the totals read only "gmv"), sorted below every other session
    exported = client.post("/v1/sessions", json=session_body(timeline=[
        {"Waktu": "0:00", "GMV": "900000", "Tayangan": 1000},
        {"Waktu": "1:00", "GMV": 100_000, "Tayangan": 500}]), headers=alice)
    assert exported.status_code == 201, exported.get_json()
    assert exported.get_json()["metrics"]["gmv"]["amount_minor"] == 1_000_000
    assert exported.get_json()["metrics"]["views"] == 1500
    small = client.post("/v1/sessions", json=session_body(
        timeline=[{"t": 0, "gmv": 5_000, "views": 10}]), headers=alice).get_json()
    by_gmv = client.get("/v1/sessions?sort=gmv", headers=alice).get_json()["items"]
    assert [s["id"] for s in by_gmv] == [exported.get_json()["id"], small["id"]]


def test_a_fractional_counter_is_refused_naming_its_line(
        client: FlaskClient, alice: dict[str, str]) -> None:
    response = client.post("/v1/sessions", json=session_body(
        timeline=[{"t": 0, "orders": 1}, {"t": 60, "orders": "2.5"}]), headers=alice)
    assert response.status_code == 422
    assert response.get_json()["detail"].startswith(
        "timeline line 2: 'orders' is 2.5, expected a whole number")


def test_session_without_recording_cannot_make_a_teaser(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    session = client.post("/v1/sessions", json=session_body(), headers=alice).get_json()
    response = client.post("/v1/teasers", json={"session_id": session["id"]}, headers=alice)
    assert response.status_code == 409 and "no recording" in response.get_json()["detail"]


def _ready_plan_teaser(client: FlaskClient, db: Database, headers: dict[str, str]) -> str:
    catalogue(client, headers)
    footage_id = ready_footage(client, db, headers)
    plan = client.post("/v1/plans", json=plan_body(), headers=headers).get_json()
    teaser_id = client.post("/v1/teasers", json={"footage_id": footage_id,
                                                 "plan_id": plan["id"]},
                            headers=headers).get_json()["id"]
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        row.status, row.video_path = TeaserStatus.READY, f"teasers/{teaser_id}/r1.mp4"
    return str(teaser_id)


PREFS = {"visibility": "everyone", "allow_comments": True, "allow_duet": False,
         "allow_stitch": False}


def test_posting_needs_caption_and_preferences(
    client: FlaskClient, db: Database, alice: dict[str, str]
) -> None:
    teaser_id = _ready_plan_teaser(client, db, alice)
    url = f"/v1/teasers/{teaser_id}/posting"
    no_caption = client.put(url, headers=alice, json={"preferences": PREFS,
                                                      "post_at": "2024-11-22T19:00:00+07:00"})
    assert no_caption.status_code == 409 and "caption" in no_caption.get_json()["detail"]
    too_long = client.put(url, headers=alice, json={"caption": "x" * 2201, "preferences": PREFS,
                                                    "post_at": "2024-11-22T19:00:00+07:00"})
    assert "2,200" in too_long.get_json()["detail"]
    after_start = client.put(url, headers=alice, json={"caption": "Join us!", "preferences": PREFS,
                                                       "post_at": "2024-11-23T20:00:00+07:00"})
    assert after_start.status_code == 409 and "before the LIVE" in after_start.get_json()["detail"]
    ok = client.put(url, headers=alice, json={"caption": "Join us!", "preferences": PREFS,
                                              "post_at": "2024-11-22T19:00:00+07:00"})
    assert ok.status_code == 200, ok.get_json()
    assert [p["slot"] for p in ok.get_json()["recommended_posts"]] == ["day_before",
                                                                       "hour_before"]


def test_a_refused_post_names_its_field_in_the_sellers_language(
    client: FlaskClient, db: Database, alice: dict[str, str]
) -> None:
    teaser_id = _ready_plan_teaser(client, db, alice)
    url = f"/v1/teasers/{teaser_id}/posting"
    indonesian = {**alice, "Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}
    # before: English only and no field, whatever the seller reads
    too_long = client.put(url, headers=indonesian, json={
        "caption": "x" * 2201, "preferences": PREFS, "post_at": "2024-11-22T19:00:00+07:00"})
    problem = too_long.get_json()
    assert too_long.status_code == 409 and problem["field"] == "caption"
    assert problem["detail"].startswith("Keterangan berisi 2.201 karakter; persingkat")
    late = client.put(url, headers=indonesian, json={
        "caption": "Yuk!", "preferences": PREFS, "post_at": "2024-11-23T20:00:00+07:00"})
    assert late.get_json()["field"] == "post_at"
    assert "sebelum LIVE dimulai" in late.get_json()["detail"]
    english = client.put(url, headers=alice, json={
        "preferences": PREFS, "post_at": "2024-11-22T19:00:00+07:00"})
    assert english.get_json()["detail"].startswith("Write a caption")
    assert english.get_json()["field"] == "caption"


def test_teaser_figures_count_from_48_hours_after_posting(
    client: FlaskClient, db: Database, alice: dict[str, str], clock: Clock
) -> None:
    teaser_id = _ready_plan_teaser(client, db, alice)
    client.put(f"/v1/teasers/{teaser_id}/posting", headers=alice, json={
        "caption": "Join us!", "preferences": PREFS, "post_at": "2024-11-20T13:00:00+07:00"})
    clock.at = clock.at + timedelta(days=3)
    perf = client.get("/v1/metrics/teasers", headers=alice).get_json()
    assert perf["posted_from_uploads"] == 1 and perf["views"] is None
    # the platform sends the figures (a seller key cannot: tests/unit/api/test_roles.py)
    ack = platform(client).post(f"/v1/teasers/{teaser_id}/metrics", headers=alice, json={
        "hours": [
        {"at": "2024-11-22T14:00:00+07:00", "views": 900, "new_viewers": 300,
         "new_followers": 12}]})
    assert ack.get_json()["stored_hours"] == 1
    perf = client.get("/v1/metrics/teasers", headers=alice).get_json()
    assert (perf["views"], perf["new_viewers"], perf["new_followers"]) == (900, 300, 12)


def test_overview_compares_only_for_last_7_days(
    client: FlaskClient, alice: dict[str, str]
) -> None:
    client.post("/v1/sessions", json=session_body(timeline=timeline(3)), headers=alice)
    affiliate = platform(client).post("/v1/sessions", headers=alice, json=session_body(
        timeline=timeline(3), account_type="affiliate"))
    assert affiliate.status_code == 201, affiliate.get_json()
    body = client.get("/v1/metrics/overview", headers=alice).get_json()
    assert body["sessions"] == 1  # the affiliate creator's session is not the seller's GMV
    assert body["current"]["gmv"]["amount_minor"] == 30_000
    assert body["previous"]["gmv"]["amount_minor"] == 0 and body["changes_pct"]["gmv"] is None
    custom = client.get("/v1/metrics/overview?period=custom&from=2024-11-18T00:00:00%2B07:00"
                        "&to=2024-11-20T00:00:00%2B07:00", headers=alice).get_json()
    assert custom["previous"] is None and custom["sessions"] == 1
    missing = client.get("/v1/metrics/overview?period=custom", headers=alice)
    assert missing.status_code == 422


def test_actions_list_what_the_next_plan_misses_and_drop_done_items(
    client: FlaskClient, db: Database, alice: dict[str, str]
) -> None:
    catalogue(client, alice)
    client.post("/v1/plans", json=plan_body(), headers=alice)
    kinds = [a["kind"] for a in client.get("/v1/actions", headers=alice).get_json()["items"]]
    assert kinds[0] == "post_teaser" and "add_teasers" in kinds
    assert "schedule_day_before_post" in kinds


def test_a_recording_uploaded_after_the_session_is_attached_and_cut_from(
        client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str]) -> None:
    session = client.post("/v1/sessions", json=session_body(), headers=alice).get_json()
    url = f"/v1/sessions/{session['id']}/recording"
    footage_id = ready_footage(client, db, alice)
    # Another seller can neither attach to this session nor attach this upload.
    assert client.put(url, json={"footage_id": footage_id}, headers=bob).status_code == 404
    theirs = ready_footage(client, db, bob)
    response = client.put(url, json={"footage_id": theirs}, headers=alice)
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"

    response = client.put(url, json={"footage_id": footage_id}, headers=alice)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["footage_id"] == footage_id
    assert response.get_json()["recording_ready"] is True
    teaser = client.post("/v1/teasers", json={"session_id": session["id"]}, headers=alice)
    assert teaser.status_code == 202, teaser.get_json()


def test_a_rejected_upload_is_not_attached(
        client: FlaskClient, db: Database, alice: dict[str, str]) -> None:
    session = client.post("/v1/sessions", json=session_body(), headers=alice).get_json()
    footage_id = ready_footage(client, db, alice)
    with db.session() as s:
        row = s.get(Footage, footage_id)
        assert row is not None
        row.status, row.reason = FootageStatus.REJECTED, "The file has no video stream."
    response = client.put(f"/v1/sessions/{session['id']}/recording",
                          json={"footage_id": footage_id}, headers=alice)
    assert response.status_code == 422
    assert response.get_json()["detail"].startswith("That upload was rejected: The file has no")
    got = client.get(f"/v1/sessions/{session['id']}", headers=alice).get_json()
    assert got["footage_id"] is None
