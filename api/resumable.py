"""``/v1/footage/uploads``: resumable uploads, so a phone on a weak network does not start
a long recording over when its connection drops (the tus protocol's core, over our API).

1. ``POST /v1/footage/uploads`` ``{"size": bytes, "filename": ..., "captions": ...}``
   -> 201 with the upload's id and ``offset`` 0. ``captions``, the recording's timed
   transcript (WebVTT or SRT; or the tus ``Upload-Metadata`` header's ``captions``), is
   checked here, before any byte is sent, and kept with the footage it becomes.
2. ``PATCH /v1/footage/uploads/{id}`` with ``Upload-Offset: <offset>`` and the next bytes
   as the body (any length) -> 204 with the new ``Upload-Offset``. Whatever arrived
   before a connection was cut is kept; a chunk sent for another offset is 409 naming
   where the upload stands.
3. ``GET /v1/footage/uploads/{id}`` -> where it stands (after a cut: resume from there).
4. The chunk that completes it answers 201 with the footage (``uploaded``, ingest queued,
   as ``POST /v1/footage``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from pydantic import Field
from spectree import Response as Resp

from api.auth import caller
from api.bodies import declared_chunks, streamed_body
from api.deps import media
from api.footage import (
    FILENAME_MAX,
    FootageOut,
    accept_upload,
    captions_text,
    check_free_space,
    checked_captions,
    disk_full,
    footage_out,
    upload_metadata,
    upload_too_large,
)
from api.openapi import Answer, Model, example, spec
from api.problems import Problem, not_found
from domain.captions import MAX_CAPTIONS_CHARS
from domain.wording import number_id
from store.media import CHUNK_BYTES, DiskFull, ResumeConflict, UploadTooLarge

bp = Blueprint("resumable", __name__, url_prefix="/footage/uploads")


class UploadIn(Model):
    """A resumable upload to open: the whole file's size in bytes, its name (metadata),
    and the recording's timed transcript (optional)."""

    model_config = example(size=734_003_200, filename="live-2024-11-19.mp4")

    size: int = Field(gt=0)
    filename: str | None = Field(None, max_length=FILENAME_MAX)
    captions: str | None = Field(None, max_length=MAX_CAPTIONS_CHARS, description=(
        "the recording's timed transcript, WebVTT or SRT: the teaser shows it as captions"))


class UploadOut(Model):
    """Where a resumable upload stands: ``offset`` bytes of ``size`` received."""

    id: str
    size: int
    offset: int
    links: dict[str, str]


def _out(upload_id: str, size: int, offset: int) -> UploadOut:
    return UploadOut(id=upload_id, size=size, offset=offset,
                     links={"self": url_for("v1.resumable.get_upload", upload_id=upload_id)})


def _owned(upload_id: str) -> tuple[dict[str, object], int]:
    found = media().resumable(upload_id)
    if found is None or found[0].get("seller_id") != caller().seller_id:
        raise not_found("upload", upload_id)
    return found


@bp.post("")
@spec.validate(json=UploadIn, resp=Resp(HTTP_201=UploadOut), tags=["footage"])
def create_upload() -> Answer:
    """Open a resumable upload of ``size`` bytes; send the bytes with PATCH."""
    body: UploadIn = request.context.json  # type: ignore[attr-defined]
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    if body.size > limit:
        raise upload_too_large(limit, field="size")
    tus = upload_metadata(request.headers.get("Upload-Metadata")).get("captions")
    # Checked before any byte is sent: a seller on a weak network learns it now.
    captions = checked_captions(body.captions if body.captions is not None
                                else captions_text(tus) if tus is not None else None)
    store = media()
    check_free_space(store, body.size)
    upload_id = store.create_resumable({"seller_id": caller().seller_id, "size": body.size,
                                        "filename": body.filename, "captions": captions})
    out = _out(upload_id, body.size, 0)
    return out, 201, {"Location": out.links["self"], "Upload-Offset": "0"}


@bp.get("/<upload_id>")
@spec.validate(resp=Resp(HTTP_200=UploadOut), tags=["footage"])
def get_upload(upload_id: str) -> Answer:
    """How many bytes of the upload have arrived: resume from ``offset``."""
    meta, offset = _owned(upload_id)
    return _out(upload_id, int(str(meta["size"])), offset), 200, {"Upload-Offset": str(offset)}


@bp.patch("/<upload_id>")
@streamed_body
@spec.validate(resp=Resp(HTTP_201=FootageOut), tags=["footage"])
def append_upload(upload_id: str) -> Answer:
    """Append the body at ``Upload-Offset``; 204 while incomplete, 201 with the footage
    once the last byte is in."""
    meta, current = _owned(upload_id)
    size = int(str(meta["size"]))
    raw = request.headers.get("Upload-Offset", "")
    if not raw.isdigit():
        raise Problem(400, "Invalid request", "Send the Upload-Offset header: the byte the "
                      f"body starts at (this upload stands at {current}).",
                      code="missing_upload_offset", offset=current,
                      indonesian="Kirim header Upload-Offset: byte tempat isi permintaan ini "
                                 f"dimulai (unggahan ini sudah sampai byte {current}).")
    store = media()
    chunks = declared_chunks(request.stream, request.content_length, CHUNK_BYTES)
    try:
        offset = store.append_resumable(upload_id, int(raw), chunks, size)
    except ResumeConflict as exc:
        raise Problem(409, "Conflict", f"This upload stands at byte {exc.offset}, not "
                      f"{raw}; send the bytes from {exc.offset} on.", code="offset_mismatch",
                      offset=exc.offset, headers={"Upload-Offset": str(exc.offset)},
                      indonesian=f"Unggahan ini sudah sampai byte {exc.offset}, bukan {raw}; "
                                 f"kirim byte mulai dari {exc.offset}.") from None
    except UploadTooLarge:
        # The chunks before the one that went past the size were kept: say where it stands.
        stands = _owned(upload_id)[1]
        raise Problem(413, "Payload too large", f"The body goes past the upload's size of "
                      f"{size:,} bytes; send only the {size - stands:,} bytes from byte "
                      f"{stands} on.", code="upload_too_large", offset=stands,
                      headers={"Upload-Offset": str(stands)},
                      indonesian=f"Isi permintaan ini melewati ukuran unggahan, "
                                 f"{number_id(size)} byte; kirim hanya "
                                 f"{number_id(size - stands)} byte sisanya, mulai dari byte "
                                 f"{stands}.") from None
    except DiskFull as exc:
        raise disk_full(exc) from None
    if offset < size:
        return "", 204, {"Upload-Offset": str(offset)}
    relative = store.finish_resumable(upload_id)
    filename, captions = meta.get("filename"), meta.get("captions")
    # The captions were checked when the upload was opened: the bytes that came since
    # are never refused for them.
    row = accept_upload(caller().seller_id, relative, str(filename) if filename else None,
                        size, str(captions) if captions else None)
    return footage_out(row), 201, {"Upload-Offset": str(offset),
                                   "Location": url_for("v1.footage.get_footage",
                                                       footage_id=row.id)}
