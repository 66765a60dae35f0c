"""Every variable of the README's table is read by store.settings, once, and a malformed
number stops with its name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from store.settings import load_settings

README = Path(__file__).resolve().parents[2] / "README.md"
# Read by a library itself, in every process (prometheus_client's multiprocess mode).
LIBRARY_VARIABLES = {"PROMETHEUS_MULTIPROC_DIR"}


def _table_variables() -> set[str]:
    text = README.read_text().split("## Configuration (environment variables)")[1]
    table = text.split("\n## ")[0]
    return {name for row in table.splitlines() if row.startswith("| `")
            for name in re.findall(r"`([A-Z_]+)`", row.split("|")[1])}


def test_every_variable_in_the_readme_changes_the_settings() -> None:
    given = {"VAR_DIR": "/srv/c", "DATABASE_URL": "sqlite:////srv/x.db",
             "REDIS_URL": "redis://r:6379/2", "MEDIA_ROOT": "/m", "MAX_UPLOAD_BYTES": "7",
             "MAX_DURATION_S": "60.5", "MAX_PIXELS": "100", "MAX_FPS": "30",
             "MIN_FREE_DISK_BYTES": "9", "FFMPEG_MEMORY_LIMIT_BYTES": "11",
             "FFMPEG_BINARY": "/opt/ffmpeg", "RATE_LIMIT_PER_MINUTE": "0",
             "WEBHOOK_ALLOW_PRIVATE": "1", "TEMPLATE_VERSION": "t9", "SECRET_KEY": "k",
             "XDG_CACHE_HOME": "/cache"}
    assert _table_variables() - LIBRARY_VARIABLES == set(given)
    default, s = load_settings({}), load_settings(given)
    assert (s.database_url, s.redis_url, s.media_root, s.var_dir, s.cache_dir) == (
        "sqlite:////srv/x.db", "redis://r:6379/2", Path("/m"), Path("/srv/c"),
        Path("/cache/cuplik"))
    assert (s.limits.max_upload_bytes, s.limits.max_duration_s, s.limits.max_pixels,
            s.limits.max_fps, s.limits.ffmpeg_memory_bytes, s.limits.ffmpeg_binary) == (
        7, 60.5, 100, 30.0, 11, "/opt/ffmpeg")
    assert (s.min_free_disk_bytes, s.rate_limit_per_minute, s.webhook_allow_private,
            s.template_version, s.secret_key) == (9, 0, True, "t9", "k")
    assert default.rate_limit_per_minute == 18_000 and default.webhook_allow_private is False
    assert load_settings({"VAR_DIR": "/srv/c"}).media_root == Path("/srv/c/media")


@pytest.mark.parametrize(("name", "raw"), [("MAX_PIXELS", "lots"), ("MAX_FPS", "-1"),
                                           ("MAX_UPLOAD_BYTES", "0")])
def test_a_malformed_number_is_named(name: str, raw: str) -> None:
    with pytest.raises(ValueError, match=name):
        load_settings({name: raw})
