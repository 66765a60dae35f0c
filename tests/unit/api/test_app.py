"""The app factory, authentication, problem+json and the OpenAPI document."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask.testing import FlaskClient

from api import create_app
from store.db import Database
from tests.unit.api.conftest import FakeGateway, make_key


def test_factory_uses_test_config_and_caps_uploads(tmp_path: Path) -> None:
    app = create_app(config={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                      "MEDIA_ROOT": str(tmp_path / "m"), "MAX_UPLOAD_BYTES": 1234,
                      "JOBS": FakeGateway()})
    assert app.config["MAX_CONTENT_LENGTH"] == 1234
    assert (tmp_path / "x.db").exists()  # migrated on start
    app.extensions["db"].dispose()


def test_request_without_key_is_401_problem(client: FlaskClient) -> None:
    response = client.get("/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "Authorization: Bearer" in response.get_json()["detail"]


def test_wrong_key_is_401(client: FlaskClient) -> None:
    response = client.get("/v1/me", headers={"Authorization": "Bearer cpk_nope"})
    assert response.status_code == 401
    assert "not valid" in response.get_json()["detail"]


def test_key_identifies_the_seller(client: FlaskClient, alice: dict[str, str]) -> None:
    body = client.get("/v1/me", headers=alice).get_json()
    assert body["name"] == "alice" and body["ops"] is False


def test_keys_are_stored_hashed(db: Database, alice: dict[str, str]) -> None:
    from sqlalchemy import select

    from store.models import ApiKey

    key = alice["Authorization"].split()[1]
    with db.session() as s:
        stored = s.scalars(select(ApiKey.key_hash)).all()
    assert key not in stored and len(stored[0]) == 64


def test_ops_routes_refuse_seller_keys(client: FlaskClient, alice: dict[str, str]) -> None:
    response = client.post("/v1/ops/regenerations", json={"status": ["failed"]}, headers=alice)
    assert response.status_code == 403
    assert "ops" in response.get_json()["detail"]


def test_unknown_route_is_a_problem(client: FlaskClient, alice: dict[str, str]) -> None:
    response = client.get("/v1/nothing-here", headers=alice)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_invalid_body_names_the_field(client: FlaskClient, alice: dict[str, str]) -> None:
    response = client.post("/v1/teasers", json={"footage_id": "x", "target_seconds": "long"},
                           headers=alice)
    assert response.status_code == 422
    body = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert "target_seconds" in body["detail"]


def test_openapi_is_generated_from_the_models(client: FlaskClient) -> None:
    doc = client.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert "/v1/teasers" in doc["paths"] and "/v1/plans" in doc["paths"]
    schemas = doc["components"]["schemas"]
    assert any(name.startswith("TeaserIn") for name in schemas)
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_app_serves_the_whole_document(tmp_path: Path) -> None:
    """A second app in one process (the studio's tests, a fleet's workers) serves every
    nested model too, not references to schemas the document no longer holds."""
    def served(name: str) -> tuple[int, set[str]]:
        app = create_app(config={"DATABASE_URL": f"sqlite:///{tmp_path / name}.db",
                                 "MEDIA_ROOT": str(tmp_path / name), "TESTING": True})
        doc = app.test_client().get("/openapi.json").get_json()
        app.extensions["db"].dispose()
        refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(doc)))
        return len(doc["components"]["schemas"]), refs - set(doc["components"]["schemas"])

    first, second = served("one"), served("two")
    assert first[1] == set() and second == first


def test_healthz_reports_database_and_redis(client: FlaskClient, gateway: FakeGateway) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok", "database": True, "redis": True}
    gateway.up = False
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["redis"] is False


def test_privacy_off_says_what_happens(client: FlaskClient, db: Database) -> None:
    headers = make_key(db, "carol")
    body = client.put("/v1/me/privacy", json={"show_live_metrics_and_recordings": False},
                      headers=headers).get_json()
    assert body["show_in_hub"] is False and "24 hours" in body["note"]
