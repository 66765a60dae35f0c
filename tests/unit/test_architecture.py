"""Dependencies point inward (DESIGN.md): ``domain`` ← ``store`` ← ``api`` and ``worker``
← ``cuplik`` (the commands, the composition root). The API never imports the media stack
and enqueues jobs by dotted name through ``store.queues``; the worker never imports the API,
so no worker process loads Flask; nothing but the commands imports ``cuplik``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.domain.test_purity import _imports

ROOT = Path(__file__).resolve().parents[2]
MEDIA_STACK = {"worker", "cv2", "ffmpeg", "av", "numpy", "imageio_ffmpeg", "PIL"}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("api"), ids=str)
def test_api_never_imports_the_media_stack(path: Path) -> None:
    assert not (_imports(path) & MEDIA_STACK), f"{path} imports {_imports(path) & MEDIA_STACK}"


@pytest.mark.parametrize("path", _modules("store"), ids=str)
def test_store_never_imports_the_media_stack(path: Path) -> None:
    assert not (_imports(path) & (MEDIA_STACK | {"api", "flask"}))


@pytest.mark.parametrize("path", _modules("worker"), ids=str)
def test_worker_never_imports_the_api(path: Path) -> None:
    assert not (_imports(path) & {"api", "flask"}), f"{path} imports {_imports(path)}"


@pytest.mark.parametrize("path", _modules("api") + _modules("worker") + _modules("store")
                         + _modules("domain"), ids=str)
def test_nothing_below_the_commands_imports_them(path: Path) -> None:
    assert "cuplik" not in _imports(path), f"{path} imports the composition root"


def test_a_worker_process_never_loads_flask() -> None:
    code = ("import sys, worker.jobs, worker.reconciler, worker.webhooks, cuplik.workers; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'api')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]", f"a worker process loads {out}"
