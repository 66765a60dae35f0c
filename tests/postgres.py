"""The PostgreSQL the integration tests use: ``TEST_POSTGRES_URL`` (default the local
server's ``test`` database), each test in a schema of its own, dropped afterwards.

When it cannot be reached the tests that need it fail under CI (``CI`` set: a database
that should be there is missing) and skip, saying why, on a developer's machine."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from store.db import Database

URL = os.environ.get("TEST_POSTGRES_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    """``URL`` once it answers; else fail (CI) or skip (here) naming it."""
    probe = Database(URL)
    try:
        reachable = probe.ping()
    finally:
        probe.dispose()
    if not reachable:
        why = (f"PostgreSQL at {URL} is not reachable; start it or set TEST_POSTGRES_URL "
               "to one that is")
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    return URL


@contextlib.contextmanager
def private_schema(prefix: str = "t") -> Iterator[tuple[str, str]]:
    """``(url, schema)``: a fresh schema on the test PostgreSQL, dropped afterwards."""
    url = postgres_url()
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        yield url, schema
    finally:
        admin = Database(url)
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
