"""The committed music beds are what tools/music_beds.py makes: byte for byte, at their
stated loudness (so they are ours, and can be made again)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tools.music_beds import generate
from worker.music import BED_LUFS, MUSIC_DIR

pytestmark = pytest.mark.integration


def test_the_tool_makes_the_committed_beds_again(tmp_path: Path) -> None:
    written = generate(tmp_path)
    committed = json.loads((MUSIC_DIR / "beds.json").read_text())
    assert sorted(p.stem for p in written) == sorted(committed)
    for path in written:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == committed[path.stem]["sha256"]
        assert committed[path.stem]["lufs"] == pytest.approx(BED_LUFS, abs=0.2)
