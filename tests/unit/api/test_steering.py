"""Steering a teaser (``/v1/teasers/{id}/edit``): the seller sees the moments and the
ranking's other candidates, swaps one in, moves a cut, changes music or the sticker's
language; a refused edit names the field and the rule, and the served version stays."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Teaser
from tests.unit.api.conftest import FakeGateway, ready_footage
from tests.unit.api.helpers import catalogue, plan_body

SEGMENTS = [{"start": 100.0, "end": 115.0, "score": 3.1, "reason": "product pinned: Serum"},
            {"start": 400.0, "end": 412.0, "score": 2.0, "reason": "comments 3.0x usual"},
            {"start": 900.0, "end": 913.0, "score": 1.8, "reason": "orders here: 9"}]
CANDIDATES = [{"start": 2000.0, "end": 2010.0, "score": 2.5, "reason": "GMV 4.0x usual"},
              {"start": 50.0, "end": 60.0, "score": 1.2, "reason": "likes 2.0x usual"}]


def _ready_teaser(client: FlaskClient, db: Database, headers: dict[str, str],
                  **body: Any) -> str:
    footage_id = ready_footage(client, db, headers)  # a recording of 3600 s
    created = client.post("/v1/teasers", headers=headers, json={"footage_id": footage_id,
                                                                 **body})
    assert created.status_code == 202, created.get_json()
    teaser_id = str(created.get_json()["id"])
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        row.status, row.video_path, row.poster_path = TeaserStatus.READY, "t/v.mp4", "t/p.jpg"
        row.report = {"duration_s": 40.0, "segments": SEGMENTS, "candidates": CANDIDATES}
    return teaser_id


def _cuts(*pairs: tuple[float, float]) -> dict[str, Any]:
    return {"segments": [{"start": a, "end": b} for a, b in pairs]}


def test_seller_sees_the_moments_the_candidates_and_the_rules(
        client: FlaskClient, alice: dict[str, str], db: Database) -> None:
    teaser_id = _ready_teaser(client, db, alice)
    edit = client.get(f"/v1/teasers/{teaser_id}/edit", headers=alice).get_json()
    assert [m["reason"] for m in edit["segments"]] == [m["reason"] for m in SEGMENTS]
    assert [c["start"] for c in edit["candidates"]] == [2000.0, 50.0]
    assert edit["rules"] == {"min_segment_s": 6.0, "max_segments": 4, "min_total_s": 35.0,
                             "max_total_s": 45.0, "recording_s": 3600.0}
    assert edit["music"] == "auto" and edit["lang"] == "id"


def test_swapping_in_a_candidate_renders_a_new_revision_and_keeps_serving_the_old(
        client: FlaskClient, alice: dict[str, str], db: Database,
        gateway: FakeGateway) -> None:
    teaser_id = _ready_teaser(client, db, alice)
    swapped = client.put(f"/v1/teasers/{teaser_id}/edit", headers=alice,
                         json=_cuts((100, 115), (2000, 2010), (900, 913)))
    assert swapped.status_code == 202, swapped.get_json()
    body = swapped.get_json()
    assert body["revision"] == 2 and body["status"] == "queued"
    assert body["links"]["video"] and body["links"]["poster"]  # the old version still plays
    assert gateway.renders[-1] == (teaser_id, 2, "interactive")
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        assert row.params["cuts"] == [[100, 115], [2000, 2010], [900, 913]]
        assert row.video_path == "t/v.mp4"


def test_an_edit_that_breaks_a_rule_names_the_field_and_the_rule(
        client: FlaskClient, alice: dict[str, str], db: Database,
        gateway: FakeGateway) -> None:
    teaser_id = _ready_teaser(client, db, alice)
    cases = [
        (_cuts((100, 104), (400, 420), (900, 915)), "segments.0.end", "segment_too_short",
         "at least 6 s"),
        (_cuts((100, 120), (3590, 3610)), "segments.1.end", "outside_recording",
         "after the recording ends at 3600.0 s"),
        (_cuts((-2, 20), (400, 420)), "segments.0.start", "outside_recording", "before"),
        (_cuts((100, 120), (110, 130)), "segments.1.start", "segments_overlap", "overlap"),
        (_cuts((100, 110), (400, 410)), "segments", "teaser_length", "35 to 45 s"),
        (_cuts((100, 125), (400, 425)), "segments", "teaser_length", "Shorten"),
        (_cuts(*[(k * 100.0, k * 100 + 8.0) for k in range(1, 6)]), "segments",
         "segment_count", "1 to 4 moments"),
    ]
    for body, field, rule, words in cases:
        refused = client.put(f"/v1/teasers/{teaser_id}/edit", headers=alice, json=body)
        problem = refused.get_json()
        assert refused.status_code == 422, (body, problem)
        assert (problem["field"], problem["rule"]) == (field, rule), problem
        assert words in problem["detail"], problem
    unknown = client.put(f"/v1/teasers/{teaser_id}/edit", headers=alice,
                         json={"music": "no-such-bed"})
    assert unknown.status_code == 422 and unknown.get_json()["field"] == "music"
    assert len(gateway.renders) == 1  # only the first render: nothing refused was queued
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None and row.revision == 1 and "cuts" not in row.params


def test_music_and_sticker_language_change_and_nothing_changed_is_200(
        client: FlaskClient, alice: dict[str, str], db: Database) -> None:
    catalogue(client, alice)
    plan_id = client.post("/v1/plans", headers=alice, json=plan_body()).get_json()["id"]
    teaser_id = _ready_teaser(client, db, alice, plan_id=plan_id)
    same = client.put(f"/v1/teasers/{teaser_id}/edit", headers=alice,
                      json={"music": "auto", "lang": "id"})
    assert same.status_code == 200 and same.get_json()["revision"] == 1
    before = same.get_json()["sticker_text"]
    english = client.put(f"/v1/teasers/{teaser_id}/edit", headers=alice,
                         json={"lang": "en", "music": "none"})
    assert english.status_code == 202, english.get_json()
    body = english.get_json()
    assert before.startswith("LIVE Sabtu") and body["sticker_text"].startswith("LIVE Sat")
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None and row.params["music"] == "none"
        assert "cuts" not in row.params  # the ranking chooses the same moments again


def test_a_teaser_not_rendered_yet_or_of_another_seller_cannot_be_edited(
        client: FlaskClient, alice: dict[str, str], bob: dict[str, str], db: Database) -> None:
    footage_id = ready_footage(client, db, alice)
    queued = client.post("/v1/teasers", headers=alice, json={"footage_id": footage_id})
    teaser_id = queued.get_json()["id"]
    early = client.put(f"/v1/teasers/{teaser_id}/edit", headers=alice, json={"music": "none"})
    assert early.status_code == 409 and early.get_json()["code"] == "teaser_not_ready"
    ready = _ready_teaser(client, db, alice)
    assert client.get(f"/v1/teasers/{ready}/edit", headers=bob).status_code == 404
    assert client.put(f"/v1/teasers/{ready}/edit", headers=bob,
                      json={"music": "none"}).status_code == 404


def test_the_edit_route_is_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    edit = paths["/v1/teasers/{teaser_id}/edit"]
    assert set(edit) >= {"get", "put"}
    assert "422" in edit["put"]["responses"]


def test_a_refusal_is_in_the_language_the_request_accepts(
        client: FlaskClient, alice: dict[str, str], db: Database) -> None:
    teaser_id = _ready_teaser(client, db, alice)
    body = _cuts((100, 104), (400, 420), (900, 915))
    english = client.put(f"/v1/teasers/{teaser_id}/edit", headers=alice, json=body)
    indonesian = client.put(f"/v1/teasers/{teaser_id}/edit", json=body, headers={
        **alice, "Accept-Language": "id-ID,id;q=0.9,en;q=0.5"})
    assert english.get_json()["detail"].startswith("Moment 1 lasts 4.0 s")
    assert indonesian.get_json()["detail"].startswith("Momen 1 hanya 4.0 dtk; tiap momen "
                                                      "minimal 6 dtk")
    assert indonesian.get_json()["field"] == english.get_json()["field"] == "segments.0.end"


def test_a_teaser_asked_at_another_length_is_steered_by_the_rules_of_that_length(
        client: FlaskClient, alice: dict[str, str], db: Database) -> None:
    teaser_id = _ready_teaser(client, db, alice, target_seconds=20)
    edit = client.get(f"/v1/teasers/{teaser_id}/edit", headers=alice).get_json()
    assert (edit["rules"]["min_total_s"], edit["rules"]["max_total_s"]) == (15.0, 25.0)
    kept = client.put(f"/v1/teasers/{teaser_id}/edit", headers=alice,
                      json=_cuts((100, 112), (400, 410)))  # 22 s: a 20 s teaser's length
    assert kept.status_code == 202, kept.get_json()
    long = client.put(f"/v1/teasers/{teaser_id}/edit", headers=alice,
                      json=_cuts((100, 115), (400, 412), (900, 913)))  # 40 s
    assert long.status_code == 422 and long.get_json()["field"] == "segments"
