"""cuplik's HTTP API: ``create_app`` builds the Flask app (JSON in and out, problem+json
errors, Bearer keys, OpenAPI at /openapi.json)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, g

from api import studio
from api.auth import authenticate
from api.bodies import check_body
from api.deps import db
from api.slow_bodies import guard_slow_bodies
from store.db import Database
from store.media import MediaStore
from store.models import utcnow
from store.settings import Settings, load_settings

# One blueprint per resource, all under /v1 and all behind the API key.
RESOURCES = (
    "api.footage",
    "api.resumable",
    "api.sessions",
    "api.plans",
    "api.teasers",
    "api.teaser_lifecycle",
    "api.steering",
    "api.posting",
    "api.metrics",
    "api.hub",
    "api.ops",
    "api.catalogue",
    "api.me",
    "api.campaigns",
    "api.missions",
    "api.creators",
    "api.webhooks",
    "api.music",
    "api.keys",
)


def create_app(settings: Settings | None = None,
               config: Mapping[str, Any] | None = None) -> Flask:
    """The app on ``settings`` (the command's; the environment's when None, as a bare
    gunicorn factory), then ``config`` for what a test or the command wires in.

    Config keys, from the settings: DATABASE_URL, REDIS_URL, MEDIA_ROOT, MAX_UPLOAD_BYTES
    (also Flask's MAX_CONTENT_LENGTH), MIN_FREE_DISK_BYTES (uploads are refused with 507
    under it), TEMPLATE_VERSION, RATE_LIMIT_PER_MINUTE, WEBHOOK_ALLOW_PRIVATE, SECRET_KEY;
    and DATABASE_SCHEMA (PostgreSQL schema, for tests), JSON_BODY_LIMIT, AUTO_MIGRATE
    (default True), JOBS (a gateway object; default: store.queues.JobGateway on REDIS_URL,
    created on first use), NOW (a callable returning aware UTC now).
    """
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE_URL=settings.database_url,
        DATABASE_SCHEMA=None,
        REDIS_URL=settings.redis_url,
        MEDIA_ROOT=str(settings.media_root),
        MAX_UPLOAD_BYTES=settings.limits.max_upload_bytes,
        MIN_FREE_DISK_BYTES=settings.min_free_disk_bytes,
        TEMPLATE_VERSION=settings.template_version,
        AUTO_MIGRATE=True,
        JOBS=None,
        NOW=utcnow,
        # Webhook URLs on this machine or a private network are refused unless this is on.
        WEBHOOK_ALLOW_PRIVATE=settings.webhook_allow_private,
        # Requests per API key per minute (0: no limit).
        RATE_LIMIT_PER_MINUTE=settings.rate_limit_per_minute,
        SECRET_KEY=settings.secret_key,
    )
    if config:
        app.config.from_mapping(config)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_BYTES"])

    app.wsgi_app = guard_slow_bodies(app.wsgi_app)  # type: ignore[method-assign]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    database = Database(app.config["DATABASE_URL"], schema=app.config["DATABASE_SCHEMA"])
    if app.config["AUTO_MIGRATE"]:
        database.upgrade()
    app.extensions["db"] = database
    app.extensions["media"] = MediaStore(app.config["MEDIA_ROOT"])
    app.extensions["jobs"] = app.config["JOBS"]
    app.extensions["clock"] = app.config["NOW"]

    from api import (
        downloads,
        health,
        idempotency,
        openapi,
        problems,
        ratelimit,
        request_id,
        scrape,
    )

    request_id.install(app)
    scrape.install(app)
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


    studio.install(app)
    return app
