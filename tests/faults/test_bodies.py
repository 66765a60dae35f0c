"""Point 3 of issue 13: a body that is not one JSON object gets a 4xx problem naming what
is wrong, before any route runs; nothing is queued, nothing is saved, never a 5xx."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Teaser
from tests.unit.api.conftest import FakeGateway, ready_footage
from tests.unit.api.helpers import session_body, timeline

JSON = {"Content-Type": "application/json"}


def _ready_teasers(client: FlaskClient, db: Database, headers: dict[str, str]) -> list[str]:
    footage_id = ready_footage(client, db, headers)
    ids = [client.post("/v1/teasers", json={"footage_id": footage_id},
                       headers=headers).get_json()["id"] for _ in range(2)]
    with db.session() as s:
        for teaser_id in ids:
            row = s.get(Teaser, teaser_id)
            assert row is not None
            row.status, row.video_path = TeaserStatus.READY, f"teasers/{teaser_id}/r1.mp4"
    return ids


def test_a_regeneration_body_that_is_not_an_object_regenerates_nothing(
    client: FlaskClient, db: Database, alice: dict[str, str], ops: dict[str, str],
    gateway: FakeGateway,
) -> None:
    ids = _ready_teasers(client, db, alice)
    gateway.renders.clear()
    for body in ["oops", "[]", '"all"', "null", ""]:
        response = client.post("/v1/ops/regenerations", data=body, headers={**ops, **JSON})
        assert response.status_code == 400, (body, response.get_json())
        assert response.mimetype == "application/problem+json"
        assert "JSON object" in response.get_json()["detail"]
    assert gateway.renders == []
    with db.session() as s:
        assert all(s.get(Teaser, t).revision == 1 for t in ids)  # type: ignore[union-attr]


def test_a_form_encoded_body_is_415_naming_the_type(client: FlaskClient,
                                                   alice: dict[str, str]) -> None:
    response = client.post("/v1/plans", data={"title": "x"}, headers=alice)
    assert response.status_code == 415
    detail = response.get_json()["detail"]
    assert "application/json" in detail and "application/x-www-form-urlencoded" in detail


def test_deeply_nested_json_is_400_naming_the_depth(client: FlaskClient,
                                                    alice: dict[str, str]) -> None:
    deep = '{"title": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = client.post("/v1/plans", data=deep, headers={**alice, **JSON})
    assert response.status_code == 400
    assert "nested 50001 levels deep, more than the 32 allowed" in response.get_json()["detail"]


def test_brackets_inside_strings_do_not_count_as_nesting(client: FlaskClient,
                                                         alice: dict[str, str]) -> None:
    body = session_body(title="[[[[" * 20 + '\\"{{{{' * 20)
    response = client.post("/v1/sessions", data=json.dumps(body), headers={**alice, **JSON})
    assert response.status_code == 201, response.get_json()


def test_a_number_too_large_for_json_clients_is_400(client: FlaskClient,
                                                     alice: dict[str, str]) -> None:
    rows = timeline(3)
    rows[1]["gmv"] = 10**30
    response = client.post("/v1/sessions", data=json.dumps(session_body(timeline=rows)),
                           headers={**alice, **JSON})
    assert response.status_code == 400
    assert "larger than 9,007,199,254,740,991" in response.get_json()["detail"]


def test_totals_too_large_for_the_database_are_422_and_nothing_is_saved(
    client: FlaskClient, alice: dict[str, str],
) -> None:
    rows = [{"t": 60 * m, "gmv": 2**53 - 1} for m in range(1100)]
    response = client.post("/v1/sessions", data=json.dumps(session_body(timeline=rows)),
                           headers={**alice, **JSON})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["code"] == "number_too_large"
    assert client.get("/v1/sessions", headers=alice).get_json()["items"] == []


def test_json_that_is_not_strict_json_is_400(client: FlaskClient,
                                             alice: dict[str, str]) -> None:
    for body in ['{"title": NaN}', '{"title": Infinity}', '{"x": 1e999}',
                 b'{"title": "\xff"}', '{"title": "x"']:
        response = client.post("/v1/plans", data=body, headers={**alice, **JSON})
        assert response.status_code == 400, (body, response.get_json())
        assert response.mimetype == "application/problem+json"


def test_a_json_body_over_its_limit_is_413_far_below_the_upload_limit(
    client: FlaskClient, alice: dict[str, str],
) -> None:
    body = b'{"title": "' + b"x" * (1024 * 1024) + b'"}'
    response = client.post("/v1/plans", data=body, headers={**alice, **JSON})
    assert response.status_code == 413
    assert "1,048,576 bytes for JSON" in response.get_json()["detail"]


def test_a_chunked_json_body_is_cut_off_at_the_limit(client: FlaskClient,
                                                     alice: dict[str, str]) -> None:
    endless = _Endless(b'{"title": "')
    response = client.post("/v1/plans", headers={**alice, **JSON}, environ_overrides={
        "wsgi.input": endless, "wsgi.input_terminated": True,  # as gunicorn does
        "CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"})
    assert response.status_code == 413, (response.get_json(), endless.served)
    assert endless.served < 2 * 1024 * 1024  # stopped reading near the limit


class _Endless:
    """A body with no length that never ends (a chunked request that keeps coming)."""

    def __init__(self, head: bytes) -> None:
        self.head, self.served = head, 0

    def read(self, size: int = -1) -> bytes:
        size = 65536 if size is None or size < 0 else min(size, 65536)
        chunk, self.head = (self.head, b"") if self.head else (b"x" * size, b"")
        self.served += len(chunk)
        return chunk


def test_uploads_still_take_large_non_json_bodies(client: FlaskClient,
                                                  alice: dict[str, str]) -> None:
    response = client.post("/v1/footage", data=b"\x00" * (2 * 1024 * 1024),
                           headers={**alice, "Content-Type": "video/mp4"})
    assert response.status_code == 202, response.get_json()
