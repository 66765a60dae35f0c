"""Verification of a finished teaser: what a viewer's player needs from the MP4 and its
poster, checked on the files themselves before they are swapped in."""

from __future__ import annotations

from pathlib import Path

import av
from PIL import Image

from worker import graph
from worker.editlist import EditList
from worker.errors import VerifyError

DURATION_TOLERANCE_S = 0.5


def verify(video: Path, poster: Path, edit: EditList) -> tuple[int, int, float]:
    """Check the render is what a viewer needs: H.264 yuv420p at the edit list's size and
    frame rate, AAC stereo 48 kHz, the index before the data (fast start), the right
    length, a decodable first frame, and a 9:16 JPEG poster. Returns (width, height,
    duration); raises ``VerifyError`` saying what is wrong."""
    out = edit.output
    problems: list[str] = []
    if not video.is_file() or video.stat().st_size == 0:
        raise VerifyError("the render wrote no video")
    try:
        with av.open(str(video)) as container:
            if not container.streams.video or not container.streams.audio:
                raise VerifyError("the rendered teaser lacks a picture or a sound track")
            vs, aud = container.streams.video[0], container.streams.audio[0]
            width, height = vs.codec_context.width, vs.codec_context.height
            if vs.codec_context.name != "h264" or vs.codec_context.pix_fmt != "yuv420p":
                problems.append(f"video is {vs.codec_context.name} "
                                f"{vs.codec_context.pix_fmt}, not h264 yuv420p")
            if (width, height) != (out.width, out.height):
                problems.append(f"size is {width}x{height}, not {out.width}x{out.height}")
            rate = float(vs.average_rate or 0)
            if abs(rate - out.fps) > 0.5:
                problems.append(f"frame rate is {rate:.2f}, not {out.fps}")
            ac = aud.codec_context
            if ac.name != "aac" or ac.sample_rate != graph.RATE or ac.channels != 2:
                problems.append(f"audio is {ac.name} {ac.sample_rate} Hz "
                                f"{ac.channels} ch, not AAC 48 kHz stereo")
            duration = float(container.duration or 0) / av.time_base
            # Each stream on its own: silence padding can make the file look complete
            # while its picture stops early.
            for kind, stream in (("teaser", None), ("picture", vs), ("sound", aud)):
                length = duration if stream is None else (
                    float(stream.duration * stream.time_base)
                    if stream.duration and stream.time_base else duration)
                if abs(length - edit.duration) > DURATION_TOLERANCE_S:
                    problems.append(f"the {kind} lasts {length:.2f} s, the edit list says "
                                    f"{edit.duration:.2f} s")
            if next(container.decode(video=0), None) is None:
                problems.append("no picture decodes")
    except av.error.FFmpegError as exc:
        raise VerifyError(f"the rendered teaser does not play back: {exc}") from exc
    if not moov_before_mdat(video):
        problems.append("the index (moov) is not at the front: no fast start")
    try:
        with Image.open(poster) as img:
            img.verify()
        with Image.open(poster) as img:
            if img.format != "JPEG" or img.size != (out.width, out.height):
                problems.append(f"poster is {img.format} {img.size}, not a "
                                f"{out.width}x{out.height} JPEG")
    except (OSError, SyntaxError) as exc:
        problems.append(f"poster is unreadable ({exc})")
    if problems:
        raise VerifyError("render verification failed: " + "; ".join(problems))
    return width, height, round(duration, 3)


def moov_before_mdat(path: Path) -> bool:
    """True when the MP4's ``moov`` box precedes its ``mdat`` (playable while loading)."""
    with path.open("rb") as f:
        offset, size = 0, path.stat().st_size
        while offset + 8 <= size:
            f.seek(offset)
            header = f.read(16)
            box_size = int.from_bytes(header[:4], "big")
            kind = header[4:8]
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if box_size == 1:
                box_size = int.from_bytes(header[8:16], "big")
            elif box_size == 0:
                return False
            if box_size < 8:
                return False
            offset += box_size
    return False
