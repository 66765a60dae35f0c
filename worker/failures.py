"""A failed job run, as ops see it: one reason code (a word to count and alert on), the
failure counter, the code in the job's meta (``GET /v1/ops/queues`` counts the failed
jobs by it) and one log line with what went wrong; and as the seller sees it: what the
teaser page says about a failed render, in English and Indonesian (``render_failure``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rq.timeouts import JobTimeoutException

from store import telemetry
from worker.errors import InputError, RenderError, VerifyError
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


MAX_ERROR_CHARS = 2000


def detail(exc: BaseException) -> str:
    """The short text of an exception, for a row (an error, a rejection reason): an
    FfmpegError's message without ffmpeg's stderr tail (that is in the RQ failure and the
    worker log, for ops)."""
    text = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
    return text[:MAX_ERROR_CHARS]


@dataclass(frozen=True)
class SellerWords:
    """What a seller reads about a failed render, in English and in Indonesian."""

    english: str
    indonesian: str


# The failure kinds a render really has, each as (what went wrong, what to do once no
# retry is left), English then Indonesian.
_TIMEOUT = (("Making the teaser took too long and was stopped.",
             "Ask for the teaser again in a few minutes; if it keeps happening, contact "
             "support."),
            ("Pembuatan teaser terlalu lama, jadi dihentikan.",
             "Minta teasernya lagi beberapa menit lagi; jika terus terjadi, hubungi tim "
             "dukungan."))
_UNDECODABLE = (("The recording could not be decoded: the video tool stopped on it, so part "
                 "of the file may be damaged, or its picture too large to read.",
                 "Export the recording again (at most 3840x2160) and upload it, then ask for "
                 "the teaser again."),
                ("Rekamannya tidak bisa dibaca: alat video berhenti saat memprosesnya, jadi "
                 "mungkin sebagian berkasnya rusak, atau gambarnya terlalu besar untuk dibaca.",
                 "Ekspor ulang rekamannya (maksimal 3840x2160) lalu unggah, kemudian minta "
                 "teasernya lagi."))
_UNVERIFIED = (("The finished teaser did not pass its checks (it would not play properly "
                "everywhere), so it was not kept.",
                "Ask for the teaser again; if it fails again, contact support."),
               ("Teaser yang sudah jadi tidak lolos pemeriksaan (tidak akan bisa diputar "
                "dengan baik di semua tempat), jadi tidak disimpan.",
                "Minta teasernya lagi; jika gagal lagi, hubungi tim dukungan."))
_CRASH = (("Making the teaser stopped because of a problem on our side.",
           "Ask for the teaser again in a few minutes; if it keeps failing, contact support."),
          ("Pembuatan teaser berhenti karena ada masalah di sisi kami.",
           "Minta teasernya lagi beberapa menit lagi; jika terus gagal, hubungi tim "
           "dukungan."))
_RETRYING = ("It is being tried again automatically.",
             "Teaser ini sedang dicoba lagi secara otomatis.")
_DETAILS = ("Details for support: {}", "Rincian untuk tim dukungan: {}")


def render_failure(exc: BaseException, *, final: bool) -> SellerWords:
    """What the teaser page says about a render run that ended in ``exc``: a source the
    service cannot use in the error's own words (it says what to do); otherwise what went
    wrong (it took too long, the recording could not be decoded, the result failed its
    checks, something broke on our side), then what to do (``final``: no retry is left)
    or that it is being tried again, then the error itself for support."""
    if isinstance(exc, InputError) and not isinstance(exc, MemoryLimitError):
        english = detail(exc)
        return SellerWords(english, (exc.indonesian or
                                     f"Sumber teaser ini tidak bisa dipakai: {english}"
                                     )[:MAX_ERROR_CHARS])
    code = reason_code(exc)
    kind = (_TIMEOUT if code == "timeout" else
            _UNDECODABLE if code in ("memory_limit", "ffmpeg_failed") else
            _UNVERIFIED if isinstance(exc, VerifyError) else _CRASH)
    # an exception of no named kind: its class says most to support
    said = detail(exc) if code != "internal" else f"{exc.__class__.__name__}: {detail(exc)}"
    english, indonesian = (
        f"{what} {todo if final else retrying} {details.format(said)}"[:MAX_ERROR_CHARS]
        for (what, todo), retrying, details in zip(kind, _RETRYING, _DETAILS, strict=True))
    return SellerWords(english, indonesian)


def interrupted(attempts: int, trouble: str) -> SellerWords:
    """What the teaser page says when the reconciler gives up on a render whose run kept
    ending without a result (its worker killed ``attempts`` times: ``trouble``)."""
    return SellerWords(
        f"The render was interrupted {attempts} times ({trouble}); ask for the teaser again, "
        "and contact support if it keeps failing.",
        f"Pembuatan teaser terputus {attempts} kali; minta teasernya lagi, dan hubungi tim "
        f"dukungan jika terus gagal. Rincian untuk tim dukungan: {trouble}.")
