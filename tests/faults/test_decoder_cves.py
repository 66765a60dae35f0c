"""Point 9 of issue 13: uploads are decoded only by the hardened ffmpeg child, with only
the demuxers and decoders the product needs, under lowered privileges; and CI fails when
the bundled ffmpeg is older than the fix of the newest known CVE in that code."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.faults.hostile import encode
from worker import ffmpeg
from worker.errors import InputError
from worker.probe import probe

CVES = Path(ffmpeg.__file__).with_name("ffmpeg_cves.json")


def _version(text: str) -> tuple[int, ...]:
    """(major, minor, patch) of an ``ffmpeg -version`` line (``n9.0.2-17-g...``, ``7.1``)."""
    found = re.search(r"ffmpeg version n?(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not found:
        raise AssertionError(f"cannot tell the release of this ffmpeg build: {text[:80]!r}")
    return tuple(int(part or 0) for part in found.groups())


def _required(cves: list[dict[str, str]], components: set[str]) -> tuple[tuple[int, ...], str]:
    """The release that fixed the newest CVE in ``components`` (and shared code)."""
    exposed = [c for c in cves if c["component"] in components | {"shared"}]
    newest = max(exposed, key=lambda c: _version("ffmpeg version " + c["fixed_in"]))
    return _version("ffmpeg version " + newest["fixed_in"]), newest["id"]


def _components() -> set[str]:
    return set(ffmpeg.ACCEPTED_FORMATS.split(",")) | set(ffmpeg.ACCEPTED_DECODERS.split(","))


def test_the_bundled_ffmpeg_has_every_known_fix_for_what_uploads_reach() -> None:
    listed = json.loads(CVES.read_text())["cves"]
    assert all(c["source"].startswith("https://") for c in listed)
    needed, cve = _required(listed, _components())
    line = subprocess.run([ffmpeg.binary(), "-version"], capture_output=True, text=True,
                          check=True).stdout.splitlines()[0]
    bundled = _version(line)
    assert bundled >= needed, (f"{line}: older than {'.'.join(map(str, needed))}, which "
                               f"fixed {cve}; upgrade imageio-ffmpeg (or FFMPEG_BINARY)")


def test_the_cve_check_fails_an_older_build() -> None:
    listed = json.loads(CVES.read_text())["cves"]
    needed, cve = _required(listed, _components())
    assert cve == "CVE-2026-40962" and needed == (8, 1, 0)
    assert _version("ffmpeg version 7.1.1-static https://johnvansickle.com") < needed
    assert _version("ffmpeg version n9.0.2-17-g2a571b6068-20260930") >= needed


def test_a_decoder_outside_the_allow_list_is_refused(tmp_path: Path) -> None:
    lossless = tmp_path / "ffv1.mkv"
    subprocess.run([ffmpeg.binary(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=s=64x64:r=10:d=4", "-c:v", "ffv1", str(lossless)], check=True)
    with pytest.raises(InputError, match="coded as ffv1, which is not accepted"):
        probe(lossless)
    # and ffmpeg itself will not open that decoder on an upload, whatever asks it to
    with pytest.raises(ffmpeg.FfmpegError) as caught:
        ffmpeg.run([*ffmpeg.user_input(lossless), "-f", "null", "-"], timeout=60)
    assert "not on whitelist" in caught.value.tail


def test_ffmpeg_children_run_with_lowered_privileges(tmp_path: Path) -> None:
    marker = tmp_path / "out.mkv"
    runner = threading.Thread(target=lambda: ffmpeg.run(
        ["-re", "-f", "lavfi", "-i", "testsrc2=s=64x64:r=10:d=3", "-f", "matroska",
         "-y", str(marker)], timeout=60), daemon=True)
    runner.start()
    status = limits = ""
    deadline = time.monotonic() + 20
    while not status and time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and str(marker).encode() in (entry / "cmdline") \
                        .read_bytes():
                    status = (entry / "status").read_text()
                    limits = (entry / "limits").read_text()
            except OSError:
                continue
        time.sleep(0.05)
    runner.join(timeout=30)
    assert re.search(r"NoNewPrivs:\s+1", status)
    assert re.search(r"Max core file size\s+0\s+0", limits)
    assert re.search(rf"Max address space\s+{ffmpeg.memory_limit_bytes()}\s", limits)
    assert re.search(rf"Max file size\s+{ffmpeg.OUTPUT_LIMIT_BYTES}\s", limits)


def test_the_worker_never_opens_an_upload_with_pyav_or_opencv(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import av
    import cv2

    from worker import analysis
    from worker.limits import check_limits

    upload = encode(tmp_path / "upload.bin", "testsrc2=s=320x180:r=15:d=4", audio=True,
                    extra=["-f", "mp4"])
    opened: list[object] = []
    real_open = av.open

    def spy_open(target: object, *a: Any, **k: Any) -> object:
        opened.append(target)
        return real_open(target, *a, **k)

    monkeypatch.setattr(av, "open", spy_open)
    monkeypatch.setattr(cv2, "VideoCapture", lambda *a, **k: opened.append(a))
    check_limits(upload)
    probe(upload)
    analysis.analyse(upload)
    paths = [str(t) for t in opened if isinstance(t, str | Path)]
    assert not [p for p in paths if "upload.bin" in p], paths
    assert opened  # PyAV did read something: ffmpeg's decoded stream on a pipe
