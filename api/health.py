"""``GET /healthz``: is the database reachable, is Redis reachable."""

from __future__ import annotations

from flask import Blueprint, jsonify
from spectree import Response as Resp

from api.deps import db, jobs
from api.openapi import Answer, Model, spec

bp = Blueprint("health", __name__)


class Health(Model):
    """Reachability of what the service needs; ``status`` "ok" only when all are."""

    status: str
    database: bool
    redis: bool


@bp.get("/healthz")
@spec.validate(resp=Resp(HTTP_200=Health, HTTP_503=Health), tags=["ops"], security={})
def healthz() -> Answer:
    """200 when the database and Redis answer, 503 (same body) otherwise."""
    database = db().ping()
    try:
        redis = jobs().ping()
    except Exception:  # no gateway configured or Redis unreachable: report, do not raise
        redis = False
    ok = database and redis
    body = Health(status="ok" if ok else "unavailable", database=database, redis=redis)
    return jsonify(body.model_dump()), 200 if ok else 503
