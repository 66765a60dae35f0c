"""What an operator reads from a real ``cuplik serve`` (gunicorn, its worker, embedded
Redis) after real work: ``/metrics`` scraped after a real ingest and render, the JSON log
lines one request id ties together from the HTTP request to the ffmpeg run,
``/v1/ops/queues`` with the workers and a failed render by reason, and neither the API
key nor a caption anywhere in the logs."""

from __future__ import annotations

import json
import os
import sqlite3
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from cuplik.local_service import LocalService, local_service
from tests.footage import make_clip

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CAPTION_WORD = "Rahasiakapsi"  # in the recording's transcript
POSTING_WORD = "Takbolehdilog"  # in the post's caption
PREFERENCES = {"visibility": "everyone", "allow_comments": True, "allow_duet": False,
               "allow_stitch": False}
CAPTIONS = f"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n{CAPTION_WORD} serum diskon\n"


def call(base: str, method: str, path: str, *, key: str | None = None, body: Any = None,
         data: bytes | None = None, headers: dict[str, str] | None = None
         ) -> tuple[int, dict[str, str], bytes]:
    hdrs = dict(headers or {})
    if key:
        hdrs["Authorization"] = f"Bearer {key}"
    if body is not None:
        data, hdrs["Content-Type"] = json.dumps(body).encode(), "application/json"
    req = urllib.request.Request(base + path, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def upload(svc: LocalService, key: str, clip: Path) -> dict[str, Any]:
    """A multipart upload with a timed transcript, waited for until ready."""
    boundary = uuid.uuid4().hex
    body = b"".join([
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"captions\"\r\n\r\n".encode(),
        CAPTIONS.encode(), b"\r\n",
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"live.mp4\"\r\nContent-Type: video/mp4\r\n\r\n".encode(),
        clip.read_bytes(), f"\r\n--{boundary}--\r\n".encode()])
    status, _, raw = call(svc.base, "POST", "/v1/footage", key=key, data=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 202, raw
    return poll(svc, f"/v1/footage/{json.loads(raw)['id']}", key, {"ready", "rejected"})


def poll(svc: LocalService, path: str, key: str, done: set[str],
         timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status, _, raw = call(svc.base, "GET", path, key=key)
        body = json.loads(raw)
        assert status == 200, body
        if body["status"] in done:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.3)


def samples(svc: LocalService) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, headers, raw = call(svc.base, "GET", "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(raw.decode())
            for s in family.samples}


def json_lines(log: Path) -> list[dict[str, Any]]:
    """The service's structured lines (gunicorn's own start-up line is not ours)."""
    out = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))  # every line of ours parses
    return out


def test_an_operator_reads_metrics_logs_and_queues_after_real_work(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "DATABASE_URL", "MEDIA_ROOT", "PROMETHEUS_MULTIPROC_DIR")}
    env.update(VAR_DIR=str(var), PYTHONPATH=str(ROOT))
    log = tmp_path / "serve.log"
    clip = make_clip(tmp_path / "live.mp4", seconds=20, size="640x360", fps=30)
    with local_service(log, env=env, cwd=ROOT, args=["--http-workers", "2"]) as svc:
        key, ops = svc.create_key("toko-ops-view"), svc.create_key("ops-team", ops=True)
        footage = upload(svc, key, clip)
        assert footage["status"] == "ready", footage
        broken = upload(svc, key, clip)

        rid = "rid-" + uuid.uuid4().hex[:12]
        status, headers, raw = call(svc.base, "POST", "/v1/teasers", key=key, body={
            "footage_id": footage["id"], "target_seconds": 8}, headers={"X-Request-Id": rid})
        assert status == 202 and headers["X-Request-Id"] == rid, raw
        teaser = poll(svc, f"/v1/teasers/{json.loads(raw)['id']}", key, {"ready", "failed"})
        assert teaser["status"] == "ready", teaser
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        status, _, raw = call(svc.base, "PUT", f"/v1/teasers/{teaser['id']}/posting", key=key,
                              body={"caption": f"{POSTING_WORD} nanti malam LIVE!",
                                    "preferences": PREFERENCES, "post_at": tomorrow})
        assert status == 200, raw

        # A render that fails: the recording vanished from storage after its upload.
        with sqlite3.connect(var / "cuplik.db") as conn:
            (path,) = conn.execute("select path from footage where id = ?",
                                   (broken["id"],)).fetchone()
        (var / "media" / path).unlink()
        status, _, raw = call(svc.base, "POST", "/v1/teasers", key=key, body={
            "footage_id": broken["id"], "target_seconds": 8})
        assert status == 202, raw
        failed = poll(svc, f"/v1/teasers/{json.loads(raw)['id']}", key, {"ready", "failed"})
        assert failed["status"] == "failed", failed

        seen = samples(svc)
        status, _, raw = call(svc.base, "GET", "/v1/ops/queues", key=ops)
        assert status == 200, raw
        queues = json.loads(raw)

    # /metrics, added up over both gunicorn processes, the worker and its work horses.
    assert seen[("cuplik_render_seconds_count", (("size", "720x1280"),))] == 1
    assert seen[("cuplik_render_seconds_sum", (("size", "720x1280"),))] > 0
    assert seen[("cuplik_ingest_seconds_count", (("size", "360p"),))] == 2
    assert seen[("cuplik_job_failures_total", (("kind", "render"), ("reason", "bad_input")))] == 1
    assert seen[("cuplik_http_requests_total", (("method", "POST"), ("route", "/v1/teasers"),
                                                ("status", "202")))] == 2
    assert seen[("cuplik_http_request_seconds_bucket",
                 (("le", "+Inf"), ("method", "GET"), ("route", "/v1/teasers/<teaser_id>")))] >= 2
    assert seen[("cuplik_teasers", (("state", "ready"),))] == 1
    assert seen[("cuplik_teasers", (("state", "failed"),))] == 1
    assert seen[("cuplik_queue_jobs", (("queue", "interactive"), ("state", "waiting")))] == 0
    assert seen[("cuplik_queue_jobs", (("queue", "interactive"), ("state", "failed")))] == 1
    assert seen[("cuplik_queue_oldest_job_age_seconds", (("queue", "batch"),))] == 0
    assert seen[("cuplik_workers", (("state", "idle"),))] == 1
    assert seen[("cuplik_media_free_bytes", ())] > 0

    # /v1/ops/queues: depth, oldest age, the worker and what it runs, failures by reason.
    interactive = next(q for q in queues["queues"] if q["name"] == "interactive")
    assert (interactive["waiting"], interactive["running"], interactive["failed"]) == (0, 0, 1)
    assert interactive["failed_by_reason"] == {"bad_input": 1}
    assert interactive["oldest_waiting_s"] is None
    (worker,) = queues["workers"]
    assert worker["state"] == "idle" and worker["current_job"] is None
    assert worker["queues"] == ["interactive", "batch"] and worker["successful_jobs"] >= 3
    assert queues["teasers"] == {"ready": 1, "failed": 1}

    # The logs: one JSON object per line; one request id from the HTTP request through
    # the render job to its ffmpeg runs.
    lines = json_lines(log)
    mine = [line for line in lines if line.get("request_id") == rid]
    access = [line for line in mine if line.get("event") == "http_request"]
    assert access and access[0]["path"] == "/v1/teasers" and access[0]["status"] == 202
    assert any(line["logger"].startswith("rq.") for line in mine), "the job's lines"
    runs = [line for line in mine if line.get("event") == "ffmpeg_run"]
    assert runs and all(line["logger"] == "worker.ffmpeg" for line in runs)
    assert any("ready" in line["message"] for line in mine if line["logger"] == "worker.jobs")
    failure = [line for line in lines if line.get("event") == "render_failed"]
    assert failure and failure[0]["reason"] == "bad_input" and failure[0]["final"] is True
    assert "missing from storage" in failure[0]["error"]
    text = log.read_text(errors="replace")
    for secret in (key, ops, CAPTION_WORD, POSTING_WORD):
        assert secret not in text
