"""Dependencies point inward (DESIGN.md): the API never imports the media stack; it
enqueues jobs by dotted name through its one gateway."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.domain.test_purity import _imports

ROOT = Path(__file__).resolve().parents[2]
MEDIA_STACK = {"worker", "cv2", "ffmpeg", "av", "numpy", "imageio_ffmpeg", "PIL"}


@pytest.mark.parametrize("path", sorted((ROOT / "api").rglob("*.py")), ids=str)
def test_api_never_imports_the_media_stack(path: Path) -> None:
    assert not (_imports(path) & MEDIA_STACK), f"{path} imports {_imports(path) & MEDIA_STACK}"


@pytest.mark.parametrize("path", sorted((ROOT / "store").rglob("*.py")), ids=str)
def test_store_never_imports_the_media_stack(path: Path) -> None:
    assert not (_imports(path) & (MEDIA_STACK | {"api"}))
