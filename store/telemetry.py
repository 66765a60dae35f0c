"""What the service counts for ``GET /metrics`` (Prometheus, the ``prometheus_client``
library).

The counters and histograms here are written by whichever process does the work: the
gunicorn processes (requests), the worker and its work horses (renders, ingests,
failures, reconciler actions). With ``PROMETHEUS_MULTIPROC_DIR`` set (``cuplik serve``
sets it for itself and its worker; set it for a ``cuplik worker`` on the same machine)
each process writes its own file there and ``/metrics`` adds them up. What is a state
rather than an event (teasers by state, queue depth, disk free) is read when scraped
(``api/scrape.py``).

A work horse is a fresh process per job; keyed by its pid, 1,000 jobs would leave 1,000
files to add up on every scrape. One worker's horses run one after another, never two at
once, so they share one file: ``use_worker_files()`` names it after the worker.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import Counter, Histogram, values

# Seconds: an HTTP answer is milliseconds; a render is seconds to minutes.
_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_JOB_BUCKETS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0)

http_requests = Counter("cuplik_http_requests", "HTTP requests answered, by route and status",
                        ["method", "route", "status"])
http_seconds = Histogram("cuplik_http_request_seconds", "Time to answer an HTTP request",
                         ["method", "route"], buckets=_HTTP_BUCKETS)
render_seconds = Histogram("cuplik_render_seconds",
                           "Render job time (row loaded to teaser verified), by output size",
                           ["size"], buckets=_JOB_BUCKETS)
ingest_seconds = Histogram("cuplik_ingest_seconds",
                           "Ingest job time (probe, checks, analysis), by recording size",
                           ["size"], buckets=_JOB_BUCKETS)
job_failures = Counter("cuplik_job_failures", "Failed job runs, by job kind and reason code",
                       ["kind", "reason"])
regenerations = Counter("cuplik_regenerations",
                        "Teasers made again (a regeneration batch's item, a seller's edit, a "
                        "new poster), by the work it took: remux (the sound mixed again over "
                        "the same picture), poster, unchanged, or render (in full)", ["work"])
reconciler_actions = Counter("cuplik_reconciler_actions",
                             "What the reconciler did to unfinished work", ["action"])

_WORKER_PID: int | None = None


def multiprocess_dir() -> Path | None:
    """Where the processes' metric files are (``PROMETHEUS_MULTIPROC_DIR``), if set."""
    raw = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(raw) if raw else None


def prepare_multiprocess_dir(path: Path) -> Path:
    """Make ``path`` the (empty) metric directory of this process and its children:
    counts of an earlier run are not this run's. Call before any metric is written."""
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    if not getattr(values.ValueClass, "_multiprocess", False):
        values.ValueClass = values.MultiProcessValue()
    return path


def _identity() -> str | int:
    pid = os.getpid()
    if _WORKER_PID is None or pid == _WORKER_PID:
        return pid
    return f"{_WORKER_PID}horse"  # never a pid: distinct from every running process


def use_worker_files() -> None:
    """In a worker: its work horses (forked one at a time) share one metric file."""
    global _WORKER_PID
    if multiprocess_dir() is None:
        return
    _WORKER_PID = os.getpid()
    values.ValueClass = values.MultiProcessValue(
        process_identifier=_identity)


def size_label(width: int | None, height: int | None) -> str:
    """An output or recording size as a label: "720x1280" as it is for our outputs, a
    recording by its short side ("1080p"), so odd sizes do not each make a series."""
    if not width or not height:
        return "unknown"
    if (width, height) in ((720, 1280), (1080, 1920)):
        return f"{width}x{height}"
    short = min(width, height)
    for limit, name in ((360, "360p"), (480, "480p"), (720, "720p"), (1080, "1080p"),
                        (1440, "1440p")):
        if short <= limit:
            return name
    return "2160p"
