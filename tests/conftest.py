"""Settings every test shares."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from store import settings


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Decoded music beds (``worker.music.bed_pcm``) go to a cache of the test run's
    own, not the user's ~/.cache; services the tests start inherit it."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    settings.use(settings.load_settings())  # what a command does first
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``limits(max_pixels=...)``: this test's process runs with those limits changed (as a
    worker started with MAX_PIXELS=... would); the next test has the usual ones."""
    def change(**values: Any) -> None:
        now = settings.current()
        monkeypatch.setattr(settings, "_current",
                            replace(now, limits=replace(now.limits, **values)))
    return change
