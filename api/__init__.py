"""cuplik's HTTP API: ``create_app`` builds the Flask app (JSON in and out, problem+json
errors, Bearer keys, OpenAPI at /openapi.json)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, g

from store.models import utcnow

# One blueprint per resource, all under /v1 and all behind the API key.
RESOURCES = (
    "api.footage",
    "api.resumable",
    "api.sessions",
    "api.plans",
    "api.teasers",
    "api.teaser_lifecycle",
    "api.posting",
    "api.metrics",
    "api.hub",
    "api.ops",
    "api.catalogue",
    "api.me",
    "api.campaigns",
    "api.webhooks",
    "api.music",
    "api.keys",
)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The app: defaults, then the environment (cuplik.settings), then ``test_config``.

    Config keys: DATABASE_URL, DATABASE_SCHEMA (PostgreSQL schema, for tests), REDIS_URL,
    MEDIA_ROOT, MAX_UPLOAD_BYTES (also Flask's MAX_CONTENT_LENGTH), MIN_FREE_DISK_BYTES
    (uploads are refused with 507 under it), JSON_BODY_LIMIT, TEMPLATE_VERSION,
    AUTO_MIGRATE (default True), JOBS (a gateway object; default: store.queues.JobGateway
    on REDIS_URL, created on first use), NOW (a callable returning aware UTC now).
    """
    from cuplik.settings import load_settings
    from store.db import Database
    from store.media import MediaStore

    settings = load_settings()
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE_URL=settings.database_url,
        DATABASE_SCHEMA=None,
        REDIS_URL=settings.redis_url,
        MEDIA_ROOT=str(settings.media_root),
        MAX_UPLOAD_BYTES=settings.max_upload_bytes,
        MIN_FREE_DISK_BYTES=settings.min_free_disk_bytes,
        TEMPLATE_VERSION=settings.template_version,
        AUTO_MIGRATE=True,
        JOBS=None,
        NOW=utcnow,
        # Webhook URLs on this machine or a private network are refused unless this is on.
        WEBHOOK_ALLOW_PRIVATE=os.environ.get("WEBHOOK_ALLOW_PRIVATE", "") == "1",
        # Requests per API key per minute (0: no limit).
        RATE_LIMIT_PER_MINUTE=int(os.environ.get("RATE_LIMIT_PER_MINUTE", "18000")),
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_BYTES"])
    from api.slow_bodies import guard_slow_bodies

    app.wsgi_app = guard_slow_bodies(app.wsgi_app)  # type: ignore[method-assign]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    database = Database(app.config["DATABASE_URL"], schema=app.config["DATABASE_SCHEMA"])
    if app.config["AUTO_MIGRATE"]:
        database.upgrade()
    app.extensions["db"] = database
    app.extensions["media"] = MediaStore(app.config["MEDIA_ROOT"])
    app.extensions["jobs"] = app.config["JOBS"]
    app.extensions["clock"] = app.config["NOW"]

    from api import downloads, health, idempotency, openapi, problems, ratelimit, request_id
    from api.auth import authenticate
    from api.bodies import check_body
    from api.deps import db

    request_id.install(app)
    problems.register_error_handlers(app)
    openapi.install(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(downloads.bp)  # signed URLs: no API key

    v1 = Blueprint("v1", __name__, url_prefix="/v1")

    @v1.before_request
    def _authenticate() -> None:
        with db().session() as session:
            g.caller = authenticate(session)

    v1.before_request(ratelimit.check)
    v1.before_request(check_body)  # before idempotency: it reads the body
    v1.before_request(idempotency.begin)
    v1.after_request(idempotency.finish)
    v1.after_request(ratelimit.annotate)

    for name in RESOURCES:
        v1.register_blueprint(importlib.import_module(name).bp)
    app.register_blueprint(v1)

    from api import studio

    studio.install(app)
    return app
