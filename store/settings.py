"""The service's settings: every environment variable the README lists, read once.

The commands (``cuplik serve``, ``worker``, ``reconcile``, ``render``, ``demo``) call
:func:`load_settings` and hand the result on: to ``create_app(settings)`` for the API, to
:func:`use` for the worker's process (its jobs, limits and ffmpeg children read
:func:`current`). Nothing else reads the environment for these.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from domain.teasers import TEMPLATE_VERSION


@dataclass(frozen=True)
class Limits:
    """What a recording may be (checked from its headers, before decoding) and what each
    ffmpeg child may take."""

    max_upload_bytes: int = 2 * 1024**3  # a LIVE recording of a few hours at phone bitrate
    max_duration_s: float = 4 * 3600.0
    max_pixels: int = 3840 * 2160  # 8.3 Mpx a frame, as Mastodon: 4K UHD, either way up
    max_fps: float = 120.0
    ffmpeg_memory_bytes: int = 3 * 1024**3  # address space of each ffmpeg child
    ffmpeg_binary: str | None = None  # None: the one the imageio-ffmpeg wheel ships


@dataclass(frozen=True)
class Settings:
    """Where the service keeps its facts (database), work (Redis) and files (media), and
    the limits it works within. ``redis_url`` None: start an embedded redis-server under
    ``var_dir``."""

    database_url: str = "sqlite:///var/cuplik.db"
    redis_url: str | None = None
    media_root: Path = Path("var/media")
    var_dir: Path = Path("var")
    cache_dir: Path = Path("~/.cache/cuplik").expanduser()
    limits: Limits = field(default_factory=Limits)
    min_free_disk_bytes: int = 1024**3  # room kept for renders and ingests
    # The render template new teasers are made with; the API stores it on each teaser and
    # the worker records it on each verified render: one value for both.
    template_version: str = TEMPLATE_VERSION
    rate_limit_per_minute: int = 18_000  # requests per API key per minute; 0: none
    webhook_allow_private: bool = False
    secret_key: str | None = None  # the studio's cookie key; None: one kept in the media store


def _number(env: Mapping[str, str], name: str, default: float, kind: type = int) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name} must be {what}, got {raw!r}") from None
    if value < 0 or (value == 0 and name != "RATE_LIMIT_PER_MINUTE"):
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    """Settings from ``env`` (the README's table): DATABASE_URL (default SQLite under
    VAR_DIR), REDIS_URL (default: embedded), MEDIA_ROOT (default VAR_DIR/media), VAR_DIR
    (default ./var), XDG_CACHE_HOME, MAX_UPLOAD_BYTES, MAX_DURATION_S, MAX_PIXELS, MAX_FPS,
    FFMPEG_MEMORY_LIMIT_BYTES, FFMPEG_BINARY, MIN_FREE_DISK_BYTES, TEMPLATE_VERSION,
    RATE_LIMIT_PER_MINUTE, WEBHOOK_ALLOW_PRIVATE, SECRET_KEY. A malformed number is a
    ``ValueError`` naming the variable."""
    d, dl = Settings(), Limits()
    var_dir = Path(env.get("VAR_DIR") or d.var_dir)
    cache = env.get("XDG_CACHE_HOME")
    limits = Limits(
        max_upload_bytes=int(_number(env, "MAX_UPLOAD_BYTES", dl.max_upload_bytes)),
        max_duration_s=float(_number(env, "MAX_DURATION_S", dl.max_duration_s, float)),
        max_pixels=int(_number(env, "MAX_PIXELS", dl.max_pixels)),
        max_fps=float(_number(env, "MAX_FPS", dl.max_fps, float)),
        ffmpeg_memory_bytes=int(_number(env, "FFMPEG_MEMORY_LIMIT_BYTES",
                                        dl.ffmpeg_memory_bytes)),
        ffmpeg_binary=env.get("FFMPEG_BINARY") or None,
    )
    return Settings(
        database_url=env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'cuplik.db'}",
        redis_url=env.get("REDIS_URL") or None,
        media_root=Path(env.get("MEDIA_ROOT") or var_dir / "media"),
        var_dir=var_dir,
        cache_dir=Path(cache) / "cuplik" if cache else d.cache_dir,
        limits=limits,
        min_free_disk_bytes=int(_number(env, "MIN_FREE_DISK_BYTES", d.min_free_disk_bytes)),
        template_version=env.get("TEMPLATE_VERSION") or d.template_version,
        rate_limit_per_minute=int(_number(env, "RATE_LIMIT_PER_MINUTE",
                                          d.rate_limit_per_minute)),
        webhook_allow_private=env.get("WEBHOOK_ALLOW_PRIVATE", "") == "1",
        secret_key=env.get("SECRET_KEY") or None,
    )


_current: Settings | None = None


def use(settings: Settings) -> None:
    """Make ``settings`` this process's (a command does this once, before any work; a
    forked work horse inherits it)."""
    global _current
    _current = settings


def current() -> Settings:
    """This process's settings: what :func:`use` was given, else the environment's, read
    on first use (a process started without a command, e.g. a test's in-process worker)."""
    global _current
    if _current is None:
        _current = load_settings()
    return _current
