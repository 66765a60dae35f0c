"""The studio's sign-in on a process that has answered nothing yet."""

from __future__ import annotations

from flask.testing import FlaskClient

from store.db import Database
from tests.unit.api.conftest import make_key


def test_a_sign_in_sent_to_a_fresh_process_signs_in(client: FlaskClient, db: Database) -> None:
    key = make_key(db, "toko")["Authorization"].removeprefix("Bearer ")
    first = client.post("/studio/signin", data={"key": key})  # the process's first request
    assert first.status_code == 302 and first.headers["Location"].endswith("/studio/overview")
    assert client.get("/studio/overview").status_code == 200
