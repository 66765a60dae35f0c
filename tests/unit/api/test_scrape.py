"""GET /metrics: what an operator's Prometheus scrapes."""

from __future__ import annotations

from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from store.db import Database
from tests.unit.api.conftest import ready_footage


def _samples(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for s in family.samples}


def test_metrics_count_requests_by_route_template_and_teasers_by_state(
        client: FlaskClient, db: Database, alice: dict[str, str]) -> None:
    key = ("cuplik_http_requests_total",
           (("method", "POST"), ("route", "/v1/teasers"), ("status", "202")))
    before = _samples(client).get(key, 0.0)
    footage_id = ready_footage(client, db, alice)
    for _ in range(2):
        answer = client.post("/v1/teasers", json={"footage_id": footage_id}, headers=alice)
        assert answer.status_code == 202
    teaser_id = answer.get_json()["id"]
    assert client.get(f"/v1/teasers/{teaser_id}", headers=alice).status_code == 200
    samples = _samples(client)
    assert samples[key] - before == 2
    # The route is the template, not the path: one series for every teaser id.
    assert not [k for k in samples if teaser_id in str(k)]
    assert samples[("cuplik_http_request_seconds_count",
                    (("method", "GET"), ("route", "/v1/teasers/<teaser_id>")))] >= 1
    assert samples[("cuplik_teasers", (("state", "queued"),))] == 2
    assert samples[("cuplik_teasers", (("state", "ready"),))] == 0
    assert samples[("cuplik_media_free_bytes", ())] > 0
