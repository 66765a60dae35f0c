"""The fault suite (``pytest -m faults``): hostile bodies, files and process deaths, each
small and quick. The API fixtures are those of the API unit tests (real app, SQLite)."""

from __future__ import annotations

import pytest

from tests.unit.api.conftest import (  # noqa: F401  (fixtures)
    alice,
    app,
    bob,
    client,
    clock,
    db,
    gateway,
    ops,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.faults)
