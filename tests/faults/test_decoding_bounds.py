"""Point 1 of issue 13: no upload can tie up the worker. Picture size, frame rate and
duration are bounded by policy from the headers, before any decoding; decoding itself is
bounded when a header lies (``-t`` at the stated duration, a frame count, a memory limit
on every ffmpeg child); each refusal names the limit."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from store.settings import current
from tests.faults.hostile import encode, lying_duration_mkv
from tests.integration import test_jobs_support as support
from tests.integration.test_jobs_support import Stack, add_footage, add_seller
from worker import analysis
from worker.errors import InputError
from worker.ffmpeg import MemoryLimitError
from worker.frames import AudioBlock, VideoFrame
from worker.limits import check_limits

redis_server, stack = support.redis_server, support.stack  # fixtures

pytestmark = pytest.mark.integration
SQLITE = pytest.mark.parametrize("stack", ["sqlite"], indirect=True)


def test_a_picture_over_8_3_megapixels_is_refused_from_its_header(tmp_path: Path) -> None:
    big = encode(tmp_path / "big.mp4", "color=c=gray:s=4000x2200:r=1:d=4")
    started = time.monotonic()
    with pytest.raises(InputError, match=r"4000x2200 \(8\.8 Mpx\), over the limit of "
                                         r"8\.3 Mpx per frame"):
        check_limits(big)
    assert time.monotonic() - started < 5  # headers only: nothing decoded


def test_a_frame_rate_over_the_limit_is_refused_from_its_header(tmp_path: Path) -> None:
    fast = encode(tmp_path / "fast.mp4", "testsrc2=s=64x64:r=240:d=4")
    with pytest.raises(InputError, match="240 frames per second, over the limit of 120"):
        check_limits(fast)


@SQLITE
def test_an_upload_over_the_picture_limit_is_rejected_naming_the_limit(
        stack: Stack, tmp_path: Path) -> None:
    big = encode(tmp_path / "big.mp4", "color=c=gray:s=4000x2200:r=1:d=4")
    footage_id = add_footage(stack, add_seller(stack), big)
    stack.gateway.enqueue_ingest(footage_id)
    stack.drain()
    row = stack.footage(footage_id)
    assert row.status.value == "rejected"
    assert "over the limit of 8.3 Mpx per frame" in row.reason
    assert row.analysis_path is None  # refused before the analysis decoded anything


def test_decoding_stops_at_the_duration_the_header_states(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The header says 10 s; the file holds 10 minutes (it used to be decoded in full).
    liar = lying_duration_mkv(tmp_path / "liar.mkv", holds_s=600, states_s=10)
    assert check_limits(liar).duration == pytest.approx(10.0)
    decoded: list[float] = []
    real = analysis.read_media

    def spy(*args: Any, **kwargs: Any) -> Iterator[VideoFrame | AudioBlock]:  # passed on
        for item in real(*args, **kwargs):
            decoded.append(item.t)
            yield item

    monkeypatch.setattr(analysis, "read_media", spy)
    result = analysis.analyse(liar)
    assert result.duration == pytest.approx(10.0)
    assert decoded and max(decoded) <= 11.0


def test_an_ffmpeg_child_over_its_memory_limit_is_stopped_naming_the_limit(
        tmp_path: Path, limits: Callable[..., None]) -> None:
    clip = encode(tmp_path / "hd.mp4", "testsrc2=s=1920x1080:r=10:d=4")
    usual = current().limits.ffmpeg_memory_bytes
    limits(ffmpeg_memory_bytes=48 * 1024 * 1024)
    with pytest.raises(MemoryLimitError, match="memory limit of 48 MiB") as caught:
        analysis.analyse(clip)
    assert isinstance(caught.value, InputError)  # the same file would do it again: no retry
    limits(ffmpeg_memory_bytes=usual)
    assert analysis.analyse(clip).duration == pytest.approx(4.0, abs=0.2)  # the default fits
