"""``/v1/footage``: streamed uploads of offline footage, then an ingest job that probes
and validates it (``ready``) or says why it cannot be used (``rejected``).

Upload the file as the raw request body (``Content-Type: video/mp4`` or
``application/octet-stream``, name in ``X-Filename`` or ``?filename=``), or as the
``file`` part of a multipart form. The recording's timed transcript (WebVTT or SRT, shown
as the teaser's captions) comes with it on every path: a ``captions`` field or file part
of the form; with a raw body, the ``Upload-Metadata`` header as the tus protocol writes
it (``captions <base64 of the UTF-8 text>``, pairs separated by commas); on a resumable
upload, the ``captions`` field when it is opened (``api.resumable``). It is checked
before any byte of the video is stored. The body goes to disk in 1 MiB chunks under a
uuid name; the client's file name is kept as metadata only.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Iterator
from typing import Any, Literal

from flask import Blueprint, current_app, request, url_for
from spectree import Response as Resp
from sqlalchemy import select

from api.auth import caller, owned_or_404, scope
from api.bodies import declared_chunks, streamed_body
from api.convert import iso
from api.deps import db, jobs, media
from api.openapi import Answer, Model, spec
from api.paging import Page, PageQuery, page_of
from api.problems import Problem, accepted_language
from domain.captions import MAX_CAPTIONS_CHARS, parse_captions
from domain.lifecycle import FootageStatus
from domain.wording import number_id
from store.media import CHUNK_BYTES, DiskFull, MediaStore, UploadIncomplete, UploadTooLarge
from store.models import Footage

bp = Blueprint("footage", __name__, url_prefix="/footage")
log = logging.getLogger(__name__)
FILENAME_MAX = 255


class FootageOut(Model):
    """An upload and where it stands; ``reason`` says why it was rejected (in Indonesian
    when the request's Accept-Language puts it first); ``has_captions``, whether a timed
    transcript came with it (its teasers show it)."""

    id: str
    status: str
    reason: str | None
    has_captions: bool = False
    original_filename: str | None
    size_bytes: int
    duration_s: float | None
    width: int | None
    height: int | None
    has_audio: bool | None
    created_at: str
    updated_at: str
    links: dict[str, str]


def footage_out(row: Footage) -> FootageOut:
    """JSON of a footage row."""
    probe = row.probe or {}
    return FootageOut(
        id=row.id, status=str(row.status),
        reason=(row.reason_id or row.reason) if accepted_language() == "id" else row.reason,
        has_captions=bool(row.captions),
        original_filename=row.original_filename, size_bytes=row.size_bytes,
        duration_s=probe.get("duration"), width=probe.get("width"),
        height=probe.get("height"), has_audio=probe.get("has_audio"),
        created_at=iso(row.created_at) or "", updated_at=iso(row.updated_at) or "",
        links={"self": url_for("v1.footage.get_footage", footage_id=row.id)},
    )


def _chunks() -> tuple[Iterator[bytes], str | None]:
    """The upload's bytes as chunks, and the client's file name (metadata only)."""
    if request.mimetype == "multipart/form-data":
        part = request.files.get("file")
        if part is None:
            raise Problem(422, "Invalid request", "Send the video in a form field named "
                          "'file', or as the raw request body.", code="missing_file",
                          field="file",
                          indonesian="Kirim videonya di kolom formulir bernama 'file', atau "
                                     "sebagai isi permintaan.")
        stream = part.stream
        name = part.filename
    else:
        stream = request.stream
        tus = upload_metadata(request.headers.get("Upload-Metadata")).get("filename")
        name = (request.headers.get("X-Filename") or request.args.get("filename")
                or (tus.decode("utf-8", "replace") if tus else None))
    declared = None if request.mimetype == "multipart/form-data" else request.content_length
    return (declared_chunks(stream, declared, CHUNK_BYTES),
            (name or None) and str(name)[:FILENAME_MAX])


def _captions() -> str | None:
    """The timed transcript sent beside the video (a ``captions`` text field or file part
    of a multipart form, or the ``Upload-Metadata`` header's ``captions`` with a raw
    body), checked; None without one."""
    if request.mimetype != "multipart/form-data":
        raw = upload_metadata(request.headers.get("Upload-Metadata")).get("captions")
        return checked_captions(None if raw is None else captions_text(raw))
    text: str | None = request.form.get("captions")
    part = request.files.get("captions")
    if part is not None:
        text = captions_text(part.stream.read(MAX_CAPTIONS_CHARS * 4 + 1))
    return checked_captions(text)


def captions_text(raw: bytes) -> str:
    """A transcript's bytes as text, or the 422 one that is not UTF-8 gets."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(422, "Invalid request", "The captions are not UTF-8 text; send "
                      "a WebVTT or SRT file.", code="captions_invalid",
                      field="captions",
                      indonesian="Teks takarirnya bukan teks UTF-8; kirim berkas WebVTT atau "
                                 "SRT.") from None


def checked_captions(text: str | None) -> str | None:
    """``text`` when it is a transcript the teaser can show, None when it is empty; a
    transcript that cannot be read is the 422 naming its line (``domain.captions``)."""
    if text is None or not text.strip():
        return None
    parse_captions(text)  # a DomainError: 422 naming the line
    return text


def upload_metadata(header: str | None) -> dict[str, bytes]:
    """The tus protocol's ``Upload-Metadata`` header as {key: value}: comma-separated
    pairs, each a key and its value in base64 (a key alone: an empty value). A value
    that is not base64 is a 400 naming its key."""
    found: dict[str, bytes] = {}
    for pair in (header or "").split(","):
        if not pair.strip():
            continue
        key, _, value = pair.strip().partition(" ")
        try:
            found[key] = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise Problem(400, "Invalid request", f"The Upload-Metadata header's {key!r} "
                          "value is not base64; write each pair as the key, a space and "
                          "the value in base64 (e.g. 'captions V0VCVlRU...').",
                          code="invalid_upload_metadata", field=key,
                          indonesian=f"Nilai {key!r} di header Upload-Metadata bukan base64; "
                                     "tulis tiap pasangan sebagai kunci, spasi, lalu nilainya "
                                     "dalam base64 (mis. 'captions V0VCVlRU...').") from None
    return found


@bp.post("")
@streamed_body
@spec.validate(resp=Resp(HTTP_202=FootageOut), tags=["footage"])
def upload_footage() -> Answer:
    """Store an upload and queue its ingest; 202 with the footage id (poll it)."""
    who = caller()
    store = media()
    check_free_space(store, request.content_length or 0)
    relative = store.new_upload_path()
    limit = int(request.max_content_length or 0) or 1 << 62
    chunks, filename = _chunks()
    # A raw body must arrive whole: a client cut off before its Content-Length (the
    # server sees the end of the stream, not an error) is not a complete upload.
    expected = None if request.mimetype == "multipart/form-data" else request.content_length
    captions = _captions()  # checked before the video is stored
    try:
        size = store.write_stream(relative, chunks, limit, expected=expected)
    except UploadTooLarge:
        raise upload_too_large(limit, field="file") from None
    except UploadIncomplete as exc:
        raise Problem(400, "Upload incomplete", f"The upload ended after {exc.received:,} of "
                      f"its {exc.expected:,} bytes (the connection was cut); nothing was "
                      "stored. Upload it again, or use a resumable upload "
                      "(POST /v1/footage/uploads) on a weak network.",
                      code="upload_incomplete", field="file",
                      indonesian=f"Unggahan terhenti setelah {number_id(exc.received)} dari "
                                 f"{number_id(exc.expected)} byte (koneksinya terputus); tidak "
                                 "ada yang disimpan. Unggah lagi, atau pakai unggahan yang bisa "
                                 "dilanjutkan (POST /v1/footage/uploads) di jaringan "
                                 "lemah.") from None
    except DiskFull as exc:
        raise disk_full(exc) from None
    if size == 0:
        store.remove(relative)
        raise Problem(422, "Invalid request", "The upload is empty; send the video file as "
                      "the request body.", code="empty_upload", field="file",
                      indonesian="Unggahannya kosong; kirim berkas videonya sebagai isi "
                                 "permintaan.")
    row = accept_upload(who.seller_id, relative, filename, size, captions)
    location = url_for("v1.footage.get_footage", footage_id=row.id)
    return footage_out(row), 202, {"Location": location}


def upload_too_large(limit: int, **extra: Any) -> Problem:
    """413 for an upload over the size limit of ``limit`` bytes (``extra``: the field)."""
    return Problem(413, "Payload too large", f"The upload is larger than the limit of "
                   f"{limit:,} bytes. Trim or compress the recording, then upload it again.",
                   code="upload_too_large",
                   indonesian=f"Unggahan melebihi batas {number_id(limit)} byte. Potong atau "
                              "kompres rekamannya, lalu unggah lagi.", **extra)


def accept_upload(seller_id: str, relative: str, filename: str | None, size: int,
                  captions: str | None = None) -> Footage:
    """Record a stored upload as ``uploaded`` (with its checked ``captions``) and queue
    its ingest."""
    with db().session() as s:
        row = Footage(seller_id=seller_id, path=relative, original_filename=filename,
                      size_bytes=size, captions=captions)
        s.add(row)
    _enqueue_ingest(row)
    return row


def check_free_space(store: MediaStore, incoming: int) -> None:
    """507 while the media store's free space, less what is coming, is under the
    ``MIN_FREE_DISK_BYTES`` threshold: renders and ingests need room too."""
    threshold = int(current_app.config.get("MIN_FREE_DISK_BYTES") or 0)
    free = store.free_bytes()
    if free - incoming < threshold:
        log.error("refusing an upload: %s has %d bytes free, under the threshold of %d "
                  "(MIN_FREE_DISK_BYTES)", store.root, free, threshold)
        raise Problem(507, "Insufficient storage", "The service is short of storage right "
                      "now, so it cannot take new uploads; nothing was stored. Try again "
                      "later.", code="insufficient_storage",
                      indonesian="Penyimpanan layanan sedang hampir penuh, jadi belum bisa "
                                 "menerima unggahan baru; tidak ada yang disimpan. Coba lagi "
                                 "nanti.")


def disk_full(exc: DiskFull) -> Problem:
    """507 for a write the disk had no room for; ops get the path in the log."""
    log.error("disk full while storing an upload: %s", exc)
    return Problem(507, "Insufficient storage", "The service ran out of storage while "
                   "storing the upload; nothing was stored. Try again later.",
                   code="insufficient_storage",
                   indonesian="Penyimpanan layanan penuh saat menyimpan unggahan; tidak ada "
                              "yang disimpan. Coba lagi nanti.")


def _enqueue_ingest(row: Footage) -> None:
    # The row is committed first: if Redis is down the reconciler queues it later, so an
    # accepted upload is never lost.
    try:
        job_id = jobs().enqueue_ingest(row.id)
    except Exception:
        log.warning("ingest of footage %s not queued; the reconciler will", row.id,
                    exc_info=True)
        return
    with db().session() as s:
        stored = s.get(Footage, row.id)
        if stored is not None:
            stored.job_id = job_id
            row.job_id = job_id


@bp.get("/<footage_id>")
@spec.validate(resp=Resp(HTTP_200=FootageOut), tags=["footage"])
def get_footage(footage_id: str) -> Answer:
    """An upload's status, probe summary and rejection reason."""
    with db().session() as s:
        return footage_out(owned_or_404(s, Footage, footage_id, "footage"))


class FootageQuery(PageQuery):
    """Filter by status (optional) and the page."""

    status: Literal["uploaded", "ready", "rejected"] | None = None


class FootageList(Page[FootageOut]):
    """One page of uploads, newest first; ``links.next`` while there are more."""


@bp.get("")
@spec.validate(query=FootageQuery, resp=Resp(HTTP_200=FootageList), tags=["footage"])
def list_footage() -> Answer:
    """The caller's uploads, newest first, optionally by status; paged."""
    q: FootageQuery = request.context.query  # type: ignore[attr-defined]
    query = select(Footage)
    seller = scope()
    if seller is not None:
        query = query.where(Footage.seller_id == seller)
    if q.status is not None:
        query = query.where(Footage.status == FootageStatus(q.status))
    with db().session() as s:
        return FootageList(**page_of(s, query, (Footage.created_at.desc(), Footage.id.desc()),
                                     q, "v1.footage.list_footage", footage_out))
