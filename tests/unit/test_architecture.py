"""Dependencies point inward (DESIGN.md): the API never imports the media stack; it
enqueues jobs by dotted name through its one gateway."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEDIA_STACK = {"worker", "cv2", "ffmpeg", "av", "numpy", "imageio_ffmpeg", "PIL"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "api").rglob("*.py")), ids=str)
def test_api_never_imports_the_media_stack(path: Path) -> None:
    assert not (_imports(path) & MEDIA_STACK), f"{path} imports {_imports(path) & MEDIA_STACK}"


@pytest.mark.parametrize("path", sorted((ROOT / "store").rglob("*.py")), ids=str)
def test_store_never_imports_the_media_stack(path: Path) -> None:
    assert not (_imports(path) & (MEDIA_STACK | {"api"}))
