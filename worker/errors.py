"""Errors of the media pipeline, split by what a retry can do about them."""

from __future__ import annotations


class InputError(ValueError):
    """The input is wrong (unreadable, too short, malformed timeline): retrying will not
    help. The message says what is wrong and what to do; the CLI exits 2 with it.
    ``indonesian``: the same words for a seller reading Indonesian, where a seller meets
    the refusal (an upload's ingest: the footage page shows it)."""

    def __init__(self, message: str, *, indonesian: str | None = None) -> None:
        super().__init__(message)
        self.indonesian = indonesian


class RenderError(RuntimeError):
    """Rendering or verifying the output failed for a reason that may be transient."""


class VerifyError(RenderError):
    """The finished render is not what a viewer's player needs (``worker.verify``): it is
    not swapped in."""
