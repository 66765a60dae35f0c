"""A teaser's whole life over HTTP: listed, deleted, re-linked to a new plan after the old
one was deleted (the only way to reschedule), and what a plan counts and refuses."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Footage, LiveSession, Teaser
from tests.unit.api.conftest import Clock, FakeGateway, ready_footage
from tests.unit.api.helpers import catalogue, plan_body, platform, session_body, timeline

LATER_START = "2024-11-30T20:00:00+07:00"  # a Saturday a week later, 20.00 WIB


def _plan(client: FlaskClient, headers: dict[str, str], **changes: object) -> dict:
    response = client.post("/v1/plans", json=plan_body(**changes), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _teaser(client: FlaskClient, headers: dict[str, str], **body: object) -> dict:
    response = client.post("/v1/teasers", json=body, headers=headers)
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def _kept(video: Path) -> list[Path]:
    return [video, video.with_suffix(".jpg"), video.with_suffix(".json"),
            video.with_suffix(".voice.flac")]


def _rendered(db: Database, tmp_path: Path, teaser_id: str, status=TeaserStatus.READY) -> Path:
    """What the render job leaves: files on disk (the video, its poster, its edit list and
    voice stem), the row ready (or failed)."""
    video = tmp_path / "media" / "teasers" / f"{teaser_id}.mp4"
    video.parent.mkdir(parents=True, exist_ok=True)
    for kept in _kept(video):
        kept.write_bytes(b"kept")
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        row.status = status
        if status is TeaserStatus.READY:
            row.video_path = f"teasers/{teaser_id}.mp4"
            row.poster_path = f"teasers/{teaser_id}.jpg"
    return video


def test_deleting_a_plan_unlinks_its_teasers_and_renders_them_again_without_the_sticker(
    client: FlaskClient, db: Database, alice: dict[str, str], gateway: FakeGateway,
    tmp_path: Path,
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = _plan(client, alice)
    teaser = _teaser(client, alice, footage_id=footage_id, plan_id=plan["id"], slot="day_before")
    assert teaser["sticker_text"] == "LIVE Besok 19.00 WIB"
    video = _rendered(db, tmp_path, teaser["id"])
    response = client.delete(f"/v1/plans/{plan['id']}", headers=alice)
    assert response.status_code == 200
    answer = response.get_json()["teasers"]
    assert answer["action"] == "unlinked" and answer["rerendered"] == [teaser["id"]]
    assert "PUT /v1/teasers/{id}/plan" in answer["message"]
    after = client.get(f"/v1/teasers/{teaser['id']}", headers=alice).get_json()
    assert after["plan_id"] is None and after["slot"] is None and after["sticker_text"] is None
    assert after["status"] == "queued" and after["revision"] == 2
    assert "video" not in after["links"]
    assert [f for f in _kept(video) if f.exists()] == []  # the old sticker is gone
    assert gateway.renders[-1] == (teaser["id"], 2, "interactive")


def test_deleting_a_plan_with_teasers_delete_removes_them_and_their_files(
    client: FlaskClient, db: Database, alice: dict[str, str], tmp_path: Path,
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = _plan(client, alice)
    teaser = _teaser(client, alice, footage_id=footage_id, plan_id=plan["id"])
    video = _rendered(db, tmp_path, teaser["id"])
    response = client.delete(f"/v1/plans/{plan['id']}?teasers=delete", headers=alice)
    assert response.status_code == 200
    assert response.get_json()["teasers"]["ids"] == [teaser["id"]]
    assert client.get(f"/v1/teasers/{teaser['id']}", headers=alice).status_code == 404
    assert [f for f in _kept(video) if f.exists()] == []


def test_teaser_relinked_to_a_new_plan_is_rendered_again_with_the_new_sticker(
    client: FlaskClient, db: Database, alice: dict[str, str], gateway: FakeGateway,
    tmp_path: Path,
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    old = _plan(client, alice)
    teaser = _teaser(client, alice, footage_id=footage_id, plan_id=old["id"])
    _rendered(db, tmp_path, teaser["id"])
    new = _plan(client, alice, start=LATER_START)
    response = client.put(f"/v1/teasers/{teaser['id']}/plan", headers=alice,
                          json={"plan_id": new["id"], "slot": "day_before"})
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["plan_id"] == new["id"] and body["sticker_text"] == "LIVE Besok 20.00 WIB"
    assert body["status"] == "queued" and body["revision"] == 2
    assert gateway.renders[-1] == (teaser["id"], 2, "interactive")
    with db.session() as s:
        row = s.get(Teaser, teaser["id"])
        assert row is not None and row.params["plan_start"].startswith("2024-11-30T13:00")
    # the old plan no longer lists it; the new one does
    assert client.get(f"/v1/plans/{old['id']}", headers=alice).get_json()["teasers"] == []
    assert client.get(f"/v1/plans/{new['id']}", headers=alice).get_json()["teasers"] == [
        teaser["id"]]
    # and linking to no plan takes the sticker off
    off = client.put(f"/v1/teasers/{teaser['id']}/plan", headers=alice, json={"plan_id": None})
    assert off.status_code == 202 and off.get_json()["sticker_text"] is None


def test_posted_teaser_keeps_its_plan(
    client: FlaskClient, db: Database, alice: dict[str, str], clock: Clock, tmp_path: Path,
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = _plan(client, alice)
    teaser = _teaser(client, alice, footage_id=footage_id, plan_id=plan["id"])
    _rendered(db, tmp_path, teaser["id"])
    with db.session() as s:
        row = s.get(Teaser, teaser["id"])
        assert row is not None
        row.post_at = clock.at - timedelta(hours=1)
    other = _plan(client, alice, start=LATER_START)
    response = client.put(f"/v1/teasers/{teaser['id']}/plan", headers=alice,
                          json={"plan_id": other["id"]})
    assert response.status_code == 409 and response.get_json()["code"] == "teaser_posted"


def test_teasers_are_listed_newest_first_filtered_and_paged(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
    clock: Clock, tmp_path: Path,
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = _plan(client, alice)
    made = []
    for i in range(3):
        clock.at += timedelta(seconds=1)
        made.append(_teaser(client, alice, footage_id=footage_id,
                            plan_id=plan["id"] if i == 0 else None)["id"])
    _rendered(db, tmp_path, made[1])
    _teaser(client, bob, footage_id=ready_footage(client, db, bob))
    everything = client.get("/v1/teasers", headers=alice).get_json()
    assert everything["total"] == 3
    assert {t["id"] for t in everything["items"]} == set(made)
    page = client.get("/v1/teasers?limit=2", headers=alice).get_json()
    assert len(page["items"]) == 2 and "offset=2" in page["links"]["next"]
    rest = client.get(page["links"]["next"], headers=alice).get_json()
    assert len(rest["items"]) == 1 and "next" not in rest["links"]
    assert {t["id"] for t in page["items"] + rest["items"]} == set(made)
    ready = client.get("/v1/teasers?status=ready", headers=alice).get_json()
    assert [t["id"] for t in ready["items"]] == [made[1]]
    linked = client.get(f"/v1/teasers?plan_id={plan['id']}", headers=alice).get_json()
    assert [t["id"] for t in linked["items"]] == [made[0]]
    unlinked = client.get("/v1/teasers?unlinked=true", headers=alice).get_json()
    assert {t["id"] for t in unlinked["items"]} == set(made[1:])
    bad = client.get("/v1/teasers?status=done", headers=alice)
    assert bad.status_code == 422 and "status" in bad.get_json()["detail"]


def test_footage_is_listed_by_status_and_paged(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
) -> None:
    ready = ready_footage(client, db, alice)
    for _ in range(2):
        client.post("/v1/footage", data=b"x" * 100, headers={**alice, "Content-Type": "video/mp4"})
    ready_footage(client, db, bob)
    mine = client.get("/v1/footage", headers=alice).get_json()
    assert mine["total"] == 3 and all(f["id"] for f in mine["items"])
    only_ready = client.get("/v1/footage?status=ready", headers=alice).get_json()
    assert [f["id"] for f in only_ready["items"]] == [ready]
    page = client.get("/v1/footage?limit=1&offset=1", headers=alice).get_json()
    assert len(page["items"]) == 1 and page["links"]["next"].endswith("offset=2")


def test_teaser_is_deleted_with_its_files_and_only_by_its_seller(
    client: FlaskClient, db: Database, alice: dict[str, str], bob: dict[str, str],
    tmp_path: Path,
) -> None:
    teaser = _teaser(client, alice, footage_id=ready_footage(client, db, alice))
    video = _rendered(db, tmp_path, teaser["id"])
    assert client.delete(f"/v1/teasers/{teaser['id']}", headers=bob).status_code == 404
    assert client.delete(f"/v1/teasers/{teaser['id']}", headers=alice).status_code == 204
    assert client.get(f"/v1/teasers/{teaser['id']}", headers=alice).status_code == 404
    assert [f for f in _kept(video) if f.exists()] == []


def test_teaser_for_a_live_or_completed_plan_is_refused(
    client: FlaskClient, db: Database, alice: dict[str, str], clock: Clock,
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = _plan(client, alice)
    clock.at = clock.at + timedelta(days=3, hours=7, minutes=30)  # 19.30 WIB on the LIVE day
    live = client.post("/v1/teasers", json={"footage_id": footage_id, "plan_id": plan["id"]},
                       headers=alice)
    assert live.status_code == 409 and live.get_json()["code"] == "plan_not_upcoming"
    assert "is live now" in live.get_json()["detail"]
    clock.at = clock.at + timedelta(days=1)
    ended = client.post("/v1/teasers", json={"footage_id": footage_id, "plan_id": plan["id"]},
                        headers=alice)
    assert ended.status_code == 409 and "has ended" in ended.get_json()["detail"]


def test_readiness_counts_a_teaser_once_it_is_ready(
    client: FlaskClient, db: Database, alice: dict[str, str], tmp_path: Path,
) -> None:
    catalogue(client, alice)
    plan = _plan(client, alice, promotion_tool_ids=["d1"])
    teaser = _teaser(client, alice, footage_id=ready_footage(client, db, alice),
                     plan_id=plan["id"])
    queued = client.get(f"/v1/plans/{plan['id']}", headers=alice).get_json()
    assert queued["ready"] is False and [m["code"] for m in queued["missing"]] == ["add_teasers"]
    assert queued["teaser_states"] == {teaser["id"]: "queued"}
    _rendered(db, tmp_path, teaser["id"])
    assert client.get(f"/v1/plans/{plan['id']}", headers=alice).get_json()["ready"] is True


def test_plan_shows_its_failed_auto_teasers_and_actions_say_what_to_do(
    client: FlaskClient, db: Database, alice: dict[str, str], tmp_path: Path,
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    client.post("/v1/sessions", json=session_body(footage_id=footage_id), headers=alice)
    plan = _plan(client, alice, promotion_tool_ids=["d1"], auto_teasers=True)
    for teaser_id in plan["teasers"]:
        _rendered(db, tmp_path, teaser_id, status=TeaserStatus.FAILED)
    shown = client.get(f"/v1/plans/{plan['id']}", headers=alice).get_json()
    assert shown["ready"] is False
    assert sorted(shown["auto_teasers"]["failed"]) == sorted(plan["teasers"])
    assert "failed to render" in shown["auto_teasers"]["message"]
    actions = client.get("/v1/actions", headers=alice).get_json()["items"]
    assert {a["ref_id"] for a in actions if a["kind"] == "replace_failed_teaser"} == set(
        plan["teasers"])


def test_auto_teasers_skip_affiliate_sessions_and_recordings_shorter_than_the_timeline(
    client: FlaskClient, db: Database, alice: dict[str, str],
) -> None:
    catalogue(client, alice)
    # the biggest GMV is an affiliate creator's session: not the shop's
    big = ready_footage(client, db, alice)
    affiliate = platform(client).post("/v1/sessions", json=session_body(
        footage_id=big, account_type="affiliate", timeline=timeline(10, {4: 9_000_000})),
        headers=alice)
    assert affiliate.status_code == 201, affiliate.get_json()
    # the next one's recording (5 min) is far shorter than its 60-minute timeline
    short = ready_footage(client, db, alice)
    long_session = client.post("/v1/sessions", json=session_body(
        timeline=timeline(60, {4: 5_000_000})), headers=alice).get_json()
    with db.session() as s:
        row = s.get(Footage, short)
        assert row is not None
        row.probe = {**(row.probe or {}), "duration": 300.0}
    with db.session() as s:
        live = s.get(LiveSession, long_session["id"])
        assert live is not None
        live.footage_id = short  # as attached before this rule existed
    good = ready_footage(client, db, alice)
    chosen = client.post("/v1/sessions", json=session_body(footage_id=good), headers=alice)
    plan = _plan(client, alice, auto_teasers=True)
    teasers = [client.get(f"/v1/teasers/{t}", headers=alice).get_json() for t in plan["teasers"]]
    assert teasers and {t["source"]["session_id"] for t in teasers} == {
        chosen.get_json()["id"]}


def test_attaching_a_recording_far_shorter_than_the_timeline_is_refused(
    client: FlaskClient, db: Database, alice: dict[str, str],
) -> None:
    footage_id = ready_footage(client, db, alice, duration=300.0)  # 5 minutes
    session = client.post("/v1/sessions", json=session_body(timeline=timeline(60)),
                          headers=alice).get_json()
    response = client.put(f"/v1/sessions/{session['id']}/recording", headers=alice,
                          json={"footage_id": footage_id})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "recording_too_short" and body["field"] == "footage_id"
    assert "300 s" in body["detail"] and "3600 s" in body["detail"]
    same = client.post("/v1/sessions", headers=alice,
                       json=session_body(timeline=timeline(60), footage_id=footage_id))
    assert same.status_code == 422 and same.get_json()["code"] == "recording_too_short"
    # a recording that covers it (a minute short of the export's last bucket) is fine
    ok = ready_footage(client, db, alice, duration=3540.0)
    assert client.put(f"/v1/sessions/{session['id']}/recording", headers=alice,
                      json={"footage_id": ok}).status_code == 200


def test_a_plan_slot_takes_one_teaser(
    client: FlaskClient, db: Database, alice: dict[str, str],
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = _plan(client, alice)
    first = _teaser(client, alice, footage_id=footage_id, plan_id=plan["id"], slot="hour_before")
    again = client.post("/v1/teasers", headers=alice, json={
        "footage_id": footage_id, "plan_id": plan["id"], "slot": "hour_before"})
    assert again.status_code == 409 and again.get_json()["teaser_id"] == first["id"]
    assert again.get_json()["code"] == "slot_taken"


def _schedule(client: FlaskClient, headers: dict[str, str], teaser_id: str, at: str):
    return client.put(f"/v1/teasers/{teaser_id}/posting", headers=headers, json={
        "caption": "LIVE malam ini!", "post_at": at, "preferences": {
            "visibility": "everyone", "allow_comments": True, "allow_duet": False,
            "allow_stitch": False}})


def test_slot_teasers_are_scheduled_only_when_their_sticker_is_true(
    client: FlaskClient, db: Database, alice: dict[str, str], clock: Clock, tmp_path: Path,
) -> None:
    catalogue(client, alice)
    footage_id = ready_footage(client, db, alice)
    plan = _plan(client, alice)  # Saturday 23 Nov 19.00 WIB
    day = _teaser(client, alice, footage_id=footage_id, plan_id=plan["id"], slot="day_before")
    hour = _teaser(client, alice, footage_id=footage_id, plan_id=plan["id"], slot="hour_before")
    for t in (day, hour):
        _rendered(db, tmp_path, t["id"])
    on_the_day = _schedule(client, alice, day["id"], "2024-11-23T09:00:00+07:00")
    assert on_the_day.status_code == 409 and "2024-11-22" in on_the_day.get_json()["detail"]
    assert _schedule(client, alice, day["id"], "2024-11-22T19:00:00+07:00").status_code == 200
    a_day_early = _schedule(client, alice, hour["id"], "2024-11-22T18:00:00+07:00")
    assert a_day_early.status_code == 409 and "2 hours" in a_day_early.get_json()["detail"]
    assert _schedule(client, alice, hour["id"], "2024-11-23T18:00:00+07:00").status_code == 200
    # once posted, it cannot be moved back into the future
    clock.at = clock.at + timedelta(days=2, hours=8)  # Friday 20.00 WIB: posted an hour ago
    moved = _schedule(client, alice, day["id"], "2024-11-22T23:00:00+07:00")
    assert moved.status_code == 409 and "already posted" in moved.get_json()["detail"]
    # and the plan flags the recommended time already past
    posts = client.get(f"/v1/plans/{plan['id']}", headers=alice).get_json()["recommended_posts"]
    assert {p["slot"]: p["passed"] for p in posts} == {"day_before": True, "hour_before": False}
