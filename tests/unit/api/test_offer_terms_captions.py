"""Promotion-tool terms through the catalogue, and timed transcripts (captions) sent with a
session or an upload: kept when good, refused up front with the line or term that is
wrong (nothing stored)."""

from __future__ import annotations

import io
from pathlib import Path

from flask.testing import FlaskClient

from store.db import Database
from store.models import Footage, LiveSession
from tests.unit.api.conftest import FakeGateway
from tests.unit.api.helpers import session_body

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nNah <00:00:01.500>kak, ini dia!\n"


def test_promotion_tool_terms_round_trip(client: FlaskClient, alice: dict[str, str]) -> None:
    body = {"promotion_tools": [
        {"id": "v1", "kind": "voucher", "terms": {"amount_off": 2_000_000,
                                                   "min_spend": 10_000_000,
                                                   "ends_at": "2024-11-23T20:30:00+07:00"}},
        {"id": "d1", "kind": "discount", "terms": {"percent_off": 30}},
        {"id": "f1", "kind": "free_shipping"}]}
    response = client.put("/v1/catalogue", headers=alice, json=body)
    assert response.status_code == 200, response.get_json()
    tools = {t["id"]: t for t in client.get("/v1/catalogue", headers=alice).get_json()
             ["promotion_tools"]}
    assert tools["v1"]["terms"] == {"percent_off": None, "amount_off": 2_000_000,
                                    "min_spend": 10_000_000,
                                    "ends_at": "2024-11-23T13:30:00Z"}
    assert tools["d1"]["terms"]["percent_off"] == 30 and tools["f1"]["terms"] is None
    # sent again without terms: the terms are gone (upsert replaces the tool)
    client.put("/v1/catalogue", headers=alice, json={"promotion_tools": [
        {"id": "d1", "kind": "discount"}]})
    tools = {t["id"]: t for t in client.get("/v1/catalogue", headers=alice).get_json()
             ["promotion_tools"]}
    assert tools["d1"]["terms"] is None and tools["v1"]["terms"]["amount_off"] == 2_000_000


def test_bad_terms_are_refused_naming_the_tool_and_nothing_is_saved(
        client: FlaskClient, alice: dict[str, str]) -> None:
    for terms, says in (({"percent_off": 20, "amount_off": 500}, "not both"),
                        ({"percent_off": 10}, "free shipping takes no"),
                        ({"ends_at": "2024-11-23T20:30:00"}, "time zone")):
        response = client.put("/v1/catalogue", headers=alice, json={"promotion_tools": [
            {"id": "ok", "kind": "voucher"},
            {"id": "bad", "kind": "free_shipping" if "shipping" in says else "voucher",
             "terms": terms}]})
        assert response.status_code == 422, (terms, response.get_json())
        assert says in response.get_json()["detail"], response.get_json()
    assert client.get("/v1/catalogue", headers=alice).get_json()["promotion_tools"] == []
    response = client.put("/v1/catalogue", headers=alice, json={"promotion_tools": [
        {"id": "x", "kind": "discount", "terms": {"percent_off": 150}}]})
    assert response.status_code == 422


def test_session_captions_are_kept_or_refused_naming_the_line(
        client: FlaskClient, alice: dict[str, str], db: Database) -> None:
    response = client.post("/v1/sessions", headers=alice, json=session_body(captions=VTT))
    assert response.status_code == 201, response.get_json()
    with db.session() as s:
        live = s.get(LiveSession, response.get_json()["id"])
        assert live is not None and live.captions == VTT
    bad = client.post("/v1/sessions", headers=alice, json=session_body(
        captions="WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nhi\n"))
    assert bad.status_code == 422
    problem = bad.get_json()
    assert problem["code"] == "captions_invalid" and "line 3" in problem["detail"]
    assert "-->" in problem["detail"]  # says what a timing line looks like
    assert len(client.get("/v1/sessions", headers=alice).get_json()["items"]) == 1


def test_upload_carries_its_captions_in_the_form(client: FlaskClient, alice: dict[str, str],
                                                 db: Database, tmp_path: Path) -> None:
    response = client.post("/v1/footage", headers=alice, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"x" * 5000), "live.mp4"),
                                 "captions": VTT})
    assert response.status_code == 202, response.get_json()
    with db.session() as s:
        footage = s.get(Footage, response.get_json()["id"])
        assert footage is not None and footage.captions == VTT
    as_file = client.post("/v1/footage", headers=alice, content_type="multipart/form-data",
                          data={"file": (io.BytesIO(b"x" * 5000), "live.mp4"),
                                "captions": (io.BytesIO(VTT.encode()), "live.vtt")})
    assert as_file.status_code == 202
    stored = list((tmp_path / "media").rglob("*"))
    bad = client.post("/v1/footage", headers=alice, content_type="multipart/form-data",
                      data={"file": (io.BytesIO(b"x" * 5000), "live.mp4"),
                            "captions": "1\n00:00:05,000 --> 00:00:02,000\nhi\n"})
    assert bad.status_code == 422 and "ends" in bad.get_json()["detail"]
    assert list((tmp_path / "media").rglob("*")) == stored  # the refused video is not kept


def test_seller_picks_another_poster_frame(client: FlaskClient, alice: dict[str, str],
                                           db: Database, gateway: FakeGateway) -> None:
    from domain.lifecycle import TeaserStatus
    from store.models import Teaser
    from tests.unit.api.conftest import ready_footage

    footage_id = ready_footage(client, db, alice)
    teaser = client.post("/v1/teasers", headers=alice, json={"footage_id": footage_id})
    teaser_id = teaser.get_json()["id"]
    early = client.put(f"/v1/teasers/{teaser_id}/poster", headers=alice, json={"at_s": 2.0})
    assert early.status_code == 409  # not rendered yet
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        row.status, row.video_path, row.poster_path = TeaserStatus.READY, "t/v.mp4", "t/p.jpg"
        row.report = {"duration_s": 12.0, "segments": []}
    past = client.put(f"/v1/teasers/{teaser_id}/poster", headers=alice, json={"at_s": 12.5})
    assert past.status_code == 422 and "0 to 12.00" in past.get_json()["detail"]
    picked = client.put(f"/v1/teasers/{teaser_id}/poster", headers=alice, json={"at_s": 3.5})
    assert picked.status_code == 202, picked.get_json()
    body = picked.get_json()
    assert body["revision"] == 2 and body["status"] == "queued"
    assert body["links"]["poster"]  # the current poster is served until the new one is made
    assert gateway.renders[-1] == (teaser_id, 2, "interactive")
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None and row.params["poster_at"] == 3.5
