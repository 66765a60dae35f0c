"""``GET /metrics``: the Prometheus text format for operators, and the request counts
behind it.

Events (requests, renders, failures, reconciler actions) are counted where they happen
(``store.telemetry``) and, under gunicorn and the workers, added up across processes from
``PROMETHEUS_MULTIPROC_DIR``. States are read at scrape time: teasers by state from the
database, each queue's jobs and oldest waiting job from Redis, the workers, the media
store's free disk. Like ``/healthz`` it takes no API key: it says how much work there is,
never whose; keep it on the internal network.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from api.deps import db, jobs, media
from domain.lifecycle import TeaserStatus
from store import queue_watch, telemetry
from store.models import Teaser
from store.queues import QUEUES

bp = Blueprint("scrape", __name__)
log = logging.getLogger(__name__)


class _State:
    """The collector of what is true at scrape time (reads the app's stores)."""

    def collect(self) -> Iterator[Metric]:
        teasers = GaugeMetricFamily("cuplik_teasers", "Teasers by state", labels=["state"])
        with db().session() as s:
            counts = dict(s.execute(select(Teaser.status, func.count())
                                    .group_by(Teaser.status)).all())
        for state in TeaserStatus:
            teasers.add_metric([str(state)], counts.get(state, 0))
        yield teasers
        disk = GaugeMetricFamily("cuplik_media_free_bytes", "Free disk space in the media store")
        disk.add_metric([], media().free_bytes())
        yield disk
        yield from self._queues()

    def _queues(self) -> Iterator[Metric]:
        try:
            connection = jobs().connection  # type: ignore[attr-defined]
            queues = queue_watch.queue_states(connection, QUEUES)
            workers = queue_watch.worker_states(connection)
        except Exception:  # Redis down: the rest of the page still answers
            log.warning("queue metrics unavailable", exc_info=True)
            return
        jobs_ = GaugeMetricFamily("cuplik_queue_jobs", "Jobs per queue and state",
                                  labels=["queue", "state"])
        oldest = GaugeMetricFamily("cuplik_queue_oldest_job_age_seconds",
                                   "How long the oldest waiting job has waited",
                                   labels=["queue"])
        failed = GaugeMetricFamily("cuplik_queue_failed_jobs",
                                   "Failed jobs kept in a queue's registry, by reason code",
                                   labels=["queue", "reason"])
        for q in queues:
            for state in ("waiting", "running", "scheduled", "failed"):
                jobs_.add_metric([q.name, state], getattr(q, state))
            oldest.add_metric([q.name], q.oldest_waiting_s or 0.0)
            for reason, count in sorted(q.failed_by_reason.items()):
                failed.add_metric([q.name, reason], count)
        by_state: dict[str, int] = {}
        for w in workers:
            by_state[w.state] = by_state.get(w.state, 0) + 1
        live = GaugeMetricFamily("cuplik_workers", "Registered workers by state",
                                 labels=["state"])
        for state, count in sorted(by_state.items()):
            live.add_metric([state], count)
        yield from (jobs_, oldest, failed, live)


@bp.get("/metrics")
def metrics() -> Response:
    """Every cuplik metric in the Prometheus text format."""
    registry = CollectorRegistry()
    if telemetry.multiprocess_dir() is not None:
        MultiProcessCollector(registry)
    else:
        registry.register(_Events())
    registry.register(_State())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


class _Events:
    """This process' own counters (no multiprocess directory: one process serves)."""

    def collect(self) -> Iterator[Metric]:
        for metric in REGISTRY.collect():
            if metric.name.startswith("cuplik_"):
                yield metric


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"


def install(app: Flask) -> None:
    """Serve ``/metrics`` and count every answer by route template and status."""
    app.register_blueprint(bp)

    @app.before_request
    def _started() -> None:
        g.metrics_started = time.monotonic()

    @app.after_request
    def _count(response: Response) -> Response:
        started: Any = g.get("metrics_started")
        if started is not None and request.path != "/metrics":
            route = _route()
            telemetry.http_requests.labels(request.method, route, str(response.status_code)).inc()
            telemetry.http_seconds.labels(request.method, route).observe(
                time.monotonic() - started)
        return response
