"""Every request body in the OpenAPI document comes with an example an integrating team
can send as it is, and each example is valid against its own schema (the fuzz run sends
them too, as its explicit cases)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from api import create_app
from tests.unit.api.conftest import FakeGateway


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root: Path = tmp_path_factory.mktemp("examples")
    app = create_app(config={"DATABASE_URL": f"sqlite:///{root / 'doc.db'}",
                             "MEDIA_ROOT": str(root / "media"), "JOBS": FakeGateway(),
                             "TESTING": True})
    body: dict[str, Any] = app.test_client().get("/openapi.json").get_json()
    app.extensions["db"].dispose()
    return body


def _bodies(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", media_type, content)
            for path, item in doc["paths"].items() for method, op in item.items()
            for media_type, content in op.get("requestBody", {}).get("content", {}).items()]


def test_every_request_body_has_an_example_valid_against_its_schema(
    document: dict[str, Any],
) -> None:
    bodies = _bodies(document)
    assert len({op for op, _, _ in bodies}) > 20
    missing = sorted({op for op, _, _ in bodies} - {
        op for op, _, content in bodies if "example" in content or content.get("examples")})
    assert not missing, f"request bodies without an example: {missing}"
    invalid = []
    for op, media_type, content in bodies:
        examples = [content["example"]] if "example" in content else [
            e["value"] for e in (content.get("examples") or {}).values()]
        validator = jsonschema_rs.Draft202012Validator(
            {**content["schema"], "components": document["components"]})
        for example in examples:
            errors = [e.message for e in validator.iter_errors(example)]
            if errors:
                invalid.append(f"{op} ({media_type}): {errors[:3]}")
    assert not invalid, "\n".join(invalid)
