"""Media files on disk under MEDIA_ROOT, always under names we choose.

Uploads: ``uploads/<uuid>.bin`` (the client's file name never reaches a path); teaser
renders: ``teasers/<teaser_id>/r<revision>.mp4`` and ``.jpg``, with the edit list the
render was made from beside them (``.json``: what a regeneration compares with) and its
voice stem (``.voice.flac``: what a music change mixes, ``worker.stem``). Paths stored in
the database are relative to the root, so the media store can move between machines.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

CHUNK_BYTES = 1024 * 1024
# A temporary file (dot-named: an upload's ``.part``, a render's ``.r<n>.*``) untouched for
# this long has no writer left: uploads stall out in a minute, renders time out in 15.
STALE_PARTIAL_S = 30 * 60
# A resumable upload a phone has not touched for this long is given up.
RESUMABLE_TTL_S = 24 * 3600
_ID = re.compile(r"^[0-9a-f]{32}$")
VOICE_STEM = ".voice.flac"  # the suffix of a render's voice stem, beside its video


class UploadTooLarge(Exception):
    """The stream went past the size limit; the partial file has been removed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"upload exceeds {limit} bytes")
        self.limit = limit


class UploadIncomplete(Exception):
    """The body ended before its declared length (the client was cut off); the partial
    file has been removed."""

    def __init__(self, received: int, expected: int) -> None:
        super().__init__(f"upload ended after {received} of {expected} bytes")
        self.received, self.expected = received, expected


class ResumeConflict(Exception):
    """A resumable upload's chunk was sent for another offset than where it stands."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"the upload stands at byte {offset}")
        self.offset = offset


class DiskFull(OSError):
    """The media store's disk has no room left (ENOSPC/EDQUOT), naming the path."""

    def __init__(self, path: Path, free: int) -> None:
        super().__init__(errno.ENOSPC, f"the disk holding {path} is full ({free:,} bytes free)")
        self.path, self.free = path, free


def _is_disk_full(error: OSError) -> bool:
    return error.errno in (errno.ENOSPC, errno.EDQUOT)


class MediaStore:
    """Paths under ``root`` for uploads and teaser renders, plus a chunked writer."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    def absolute(self, relative: str) -> Path:
        """The absolute path of a stored relative path; refuses anything leaving the root."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"path {relative!r} leaves the media root")
        return path

    def new_upload_path(self) -> str:
        """A fresh relative path for an upload, named by a uuid."""
        return f"uploads/{uuid.uuid4().hex}.bin"

    def teaser_paths(self, teaser_id: str, revision: int) -> tuple[str, str]:
        """Relative (video, poster) paths of a teaser's revision."""
        if not _ID.match(teaser_id) or revision < 1:
            raise ValueError("teaser id must be a uuid hex and revision >= 1")
        base = f"teasers/{teaser_id}/r{revision}"
        return f"{base}.mp4", f"{base}.jpg"

    def edit_list_of(self, video: str) -> str:
        """Relative path of the edit list kept beside a teaser's video."""
        return video.rsplit(".", 1)[0] + ".json"

    def render_files(self, video: str | None, poster: str | None) -> list[str]:
        """Every file one render keeps: its video and poster and, beside the video, its
        edit list and voice stem (what to remove when the render is replaced or deleted)."""
        kept = [video, poster]
        if video:
            kept += [self.edit_list_of(video), self.voice_stem_of(video)]
        return [p for p in kept if p]

    def voice_stem_of(self, video: str) -> str:
        """Relative path of the voice stem kept beside a teaser's video."""
        return video.rsplit(".", 1)[0] + VOICE_STEM

    def write_stream(self, relative: str, chunks: Iterable[bytes], limit: int, *,
                     expected: int | None = None) -> int:
        """Write ``chunks`` to ``relative`` through a temporary file, never holding the
        whole upload in memory; returns the byte count. The partial file is removed and
        nothing stored when the stream goes past ``limit`` bytes (``UploadTooLarge``),
        ends short of ``expected`` (``UploadIncomplete``) or the disk fills (``DiskFull``)."""
        target = self.absolute(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.part")
        written = 0
        try:
            with open(tmp, "wb") as out:
                for chunk in chunks:
                    if not chunk:
                        continue
                    written += len(chunk)
                    if written > limit:
                        raise UploadTooLarge(limit)
                    out.write(chunk)
            if expected is not None and written != expected:
                raise UploadIncomplete(written, expected)
            os.replace(tmp, target)
        except OSError as exc:
            if _is_disk_full(exc):
                raise DiskFull(target.parent, self.free_bytes()) from exc
            raise
        finally:
            tmp.unlink(missing_ok=True)
        return written

    def free_bytes(self) -> int:
        """Free space on the media store's disk, in bytes."""
        self.root.mkdir(parents=True, exist_ok=True)
        return shutil.disk_usage(self.root).free

    def sweep_partials(self, older_than_s: float = STALE_PARTIAL_S) -> list[Path]:
        """Delete the temporary files a killed upload or render left under ``uploads/``
        and ``teasers/*/`` (dot-named, not modified for ``older_than_s``); returns them."""
        cutoff = time.time() - older_than_s
        gone = []
        resumable_cutoff = time.time() - max(older_than_s, RESUMABLE_TTL_S)
        for pattern in ("uploads/.*", "teasers/*/.*", "uploads/resumable/*"):
            for path in self.root.glob(pattern):
                limit = resumable_cutoff if "/resumable/" in path.as_posix() else cutoff
                try:
                    if path.is_file() and path.stat().st_mtime < limit:
                        path.unlink()
                        gone.append(path)
                except FileNotFoundError:
                    continue  # finished (renamed) or swept by another worker meanwhile
        return gone

    # --- resumable uploads: uploads/resumable/<id>.part (the bytes so far; its size is the
    # offset) beside <id>.json (who, how large, the client's name) -----------------------

    def create_resumable(self, meta: dict[str, object]) -> str:
        """A new resumable upload holding ``meta``; returns its id."""
        upload_id = uuid.uuid4().hex
        part, info = self._resumable(upload_id)
        part.parent.mkdir(parents=True, exist_ok=True)
        info.write_text(json.dumps(meta))
        part.touch()
        return upload_id

    def resumable(self, upload_id: str) -> tuple[dict[str, object], int] | None:
        """(meta, bytes received so far) of a resumable upload, or None."""
        if not _ID.match(upload_id):
            return None
        part, info = self._resumable(upload_id)
        try:
            return json.loads(info.read_text()), part.stat().st_size
        except (FileNotFoundError, ValueError):
            return None

    def append_resumable(self, upload_id: str, offset: int, chunks: Iterable[bytes],
                         size: int) -> int:
        """Append ``chunks`` at ``offset`` (which must be where the upload stands, or
        ``ResumeConflict``); the bytes that arrived are kept even when the stream is cut
        (that is the point), none past ``size`` (``UploadTooLarge``). Returns the new
        offset. One writer at a time (a lock on the file)."""
        part, _info = self._resumable(upload_id)
        with open(part, "ab") as out:
            fcntl.flock(out, fcntl.LOCK_EX)
            current = os.fstat(out.fileno()).st_size
            if current != offset:
                raise ResumeConflict(current)
            try:
                for chunk in chunks:
                    if current + len(chunk) > size:
                        raise UploadTooLarge(size)
                    out.write(chunk)
                    current += len(chunk)
            except OSError as exc:
                if _is_disk_full(exc):
                    out.truncate(offset)
                    raise DiskFull(part.parent, self.free_bytes()) from exc
                raise
            finally:
                out.flush()
                os.fsync(out.fileno())
        return current

    def finish_resumable(self, upload_id: str) -> str:
        """Move a complete resumable upload to a fresh upload path; returns that path."""
        part, info = self._resumable(upload_id)
        relative = self.new_upload_path()
        os.replace(part, self.absolute(relative))
        info.unlink(missing_ok=True)
        return relative

    def _resumable(self, upload_id: str) -> tuple[Path, Path]:
        base = self.root / "uploads" / "resumable" / upload_id
        return base.with_suffix(".part"), base.with_suffix(".json")

    def remove_partials_of(self, relative: str) -> None:
        """Delete the temporary files of one output (``.r3.*`` beside ``r3.mp4``): a run
        of the same revision that was killed left them; only one run of it is live."""
        target = self.absolute(relative)
        for path in target.parent.glob(f".{target.stem}.*"):
            path.unlink(missing_ok=True)

    def remove(self, relative: str | None) -> None:
        """Delete a stored file if present."""
        if relative:
            self.absolute(relative).unlink(missing_ok=True)
