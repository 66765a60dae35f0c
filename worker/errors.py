"""Errors of the media pipeline, split by what a retry can do about them."""

from __future__ import annotations


class InputError(ValueError):
    """The input is wrong (unreadable, too short, malformed timeline): retrying will not
    help. The message says what is wrong and what to do; the CLI exits 2 with it."""


class RenderError(RuntimeError):
    """Rendering or verifying the output failed for a reason that may be transient."""
