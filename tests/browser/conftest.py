"""The studio's browser fixtures (a real service with its worker, a seller, Chromium),
defined in test_studio.py and shared with the other browser test modules."""

from __future__ import annotations

import contextlib

import pytest

# without Chromium or Playwright each browser module says so and skips
with contextlib.suppress(pytest.skip.Exception):
    from tests.browser.test_studio import browser, page, seller, service  # noqa: F401
