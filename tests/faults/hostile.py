"""Hostile recordings, generated small and quick (ffmpeg lavfi, then patched by hand)."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

from worker.ffmpeg import binary


def encode(path: Path, source: str, *, extra: list[str] | None = None,
           audio: bool = False, seconds: float = 4.0) -> Path:
    """``source`` (a lavfi video graph) encoded to ``path`` with x264 ultrafast."""
    args = [binary(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", source]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=f=440:d={seconds}", "-c:a", "aac", "-shortest"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *(extra or []),
             str(path)]
    subprocess.run(args, check=True)
    return path


def lying_duration_mkv(path: Path, *, holds_s: float, states_s: float) -> Path:
    """A Matroska file holding ``holds_s`` seconds whose header states ``states_s``:
    the Segment Info Duration (EBML id 0x4489, an 8-byte float of milliseconds) patched."""
    encode(path, f"testsrc2=s=64x64:r=2:d={holds_s}", extra=["-g", "2"])
    data = bytearray(path.read_bytes())
    at = data.find(b"\x44\x89\x88")
    assert at > 0, "no 8-byte Duration element"
    data[at + 3:at + 11] = struct.pack(">d", states_s * 1000.0)
    path.write_bytes(bytes(data))
    return path


def truncated_faststart_mp4(path: Path, *, seconds: float, keep: float) -> Path:
    """A fast-start MP4 (index first) cut after ``keep`` of its bytes, as an upload cut
    off mid-transfer: the header still states the whole duration."""
    encode(path, f"testsrc2=s=160x90:r=15:d={seconds}", audio=True, seconds=seconds,
           extra=["-movflags", "+faststart", "-g", "15"])
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    return path
