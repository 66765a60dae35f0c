"""A failed job run, as ops see it: one reason code (a word to count and alert on), the
failure counter, the code in the job's meta (``GET /v1/ops/queues`` counts the failed
jobs by it) and one log line with what went wrong."""

from __future__ import annotations

import logging
from typing import Any

from rq.timeouts import JobTimeoutException

from store import telemetry
from worker.errors import InputError, RenderError
from worker.ffmpeg import DiskFullError, FfmpegError, FfmpegTimeout, MemoryLimitError

log = logging.getLogger(__name__)

# Most specific first: MemoryLimitError is an FfmpegError and an InputError.
_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (DiskFullError, "disk_full"),
    (MemoryLimitError, "memory_limit"),
    (FfmpegTimeout, "timeout"),
    (InputError, "bad_input"),
    (FfmpegError, "ffmpeg_failed"),
    (RenderError, "render_failed"),
)


def reason_code(exc: BaseException) -> str:
    """The reason code of an exception that ended a job run."""
    if isinstance(exc, JobTimeoutException):
        return "timeout"
    for kind, code in _CODES:
        if isinstance(exc, kind):
            return code
    return "internal"


def record(kind: str, exc: BaseException, job: Any | None, *, final: bool,
           **context: Any) -> str:
    """Count and log one failed run of a ``kind`` job ("render", "ingest"); returns the
    reason code, also saved in the job's meta."""
    code = reason_code(exc)
    telemetry.job_failures.labels(kind, code).inc()
    if job is not None:
        job.meta["reason"] = code
        job.save_meta()
    log.error("%s failed (%s)%s", kind, code, "" if final else "; it will be retried",
              extra={"event": f"{kind}_failed", "reason": code, "final": final,
                     "error": getattr(exc, "message", None) or str(exc),
                     "job_id": getattr(job, "id", None), **context},
              exc_info=code == "internal")
    return code
