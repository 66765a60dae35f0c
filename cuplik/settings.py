"""Settings from the environment: one frozen dataclass read once by the composition root."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from domain.teasers import TEMPLATE_VERSION

DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024**3  # a LIVE recording of a few hours at phone bitrate
DEFAULT_MIN_FREE_DISK_BYTES = 1024**3  # room kept for renders and ingests: no uploads under it
# The render template new teasers are made with; one definition, shared by API and worker.
DEFAULT_TEMPLATE_VERSION = TEMPLATE_VERSION


@dataclass(frozen=True)
class Settings:
    """Where the service keeps its facts (database), work (Redis) and files (media).

    ``redis_url`` None means "start an embedded redis-server under ``var_dir``".
    """

    database_url: str
    redis_url: str | None
    media_root: Path
    var_dir: Path
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    min_free_disk_bytes: int = DEFAULT_MIN_FREE_DISK_BYTES
    template_version: str = DEFAULT_TEMPLATE_VERSION


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of bytes, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    """Settings from ``env``: DATABASE_URL (default sqlite under VAR_DIR), REDIS_URL
    (default None: embedded), MEDIA_ROOT (default VAR_DIR/media), MAX_UPLOAD_BYTES,
    MIN_FREE_DISK_BYTES,
    VAR_DIR (default ./var), TEMPLATE_VERSION."""
    var_dir = Path(env.get("VAR_DIR") or "var")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'cuplik.db'}"
    media_root = Path(env.get("MEDIA_ROOT") or var_dir / "media")
    return Settings(
        database_url=database_url,
        redis_url=env.get("REDIS_URL") or None,
        media_root=media_root,
        var_dir=var_dir,
        max_upload_bytes=_int(env, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES),
        min_free_disk_bytes=_int(env, "MIN_FREE_DISK_BYTES", DEFAULT_MIN_FREE_DISK_BYTES),
        template_version=env.get("TEMPLATE_VERSION") or DEFAULT_TEMPLATE_VERSION,
    )
