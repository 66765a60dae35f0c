"""A request's id is bound only while it runs: after a studio page (which calls /v1 in the
same process, inside its own request) nothing is left bound for the next work."""

from __future__ import annotations

from flask.testing import FlaskClient

from store.db import Database
from store.logs import current_request_id
from tests.unit.api.conftest import make_key


def test_no_request_id_is_left_bound_after_a_studio_page(client: FlaskClient,
                                                         db: Database) -> None:
    key = make_key(db, "toko")["Authorization"].removeprefix("Bearer ")
    # before: the studio page's id stayed bound, so the next job queued outside any
    # request carried it, and its log lines claimed that request
    assert client.post("/studio/signin", data={"key": key}).status_code == 302
    assert current_request_id() is None
    assert client.get("/studio/overview").status_code == 200
    assert current_request_id() is None
