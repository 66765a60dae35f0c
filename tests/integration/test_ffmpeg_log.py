"""A failed ffmpeg run leaves one log line an operator can act on: the command, ffmpeg's
last words, the request id of the work it was part of."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from store.logs import JsonFormatter, bound_request_id, install_request_ids
from worker import ffmpeg

pytestmark = pytest.mark.integration


def test_a_failed_ffmpeg_run_logs_its_command_and_stderr_tail(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    install_request_ids()
    missing = tmp_path / "gone.mp4"
    with bound_request_id("rid-ffmpeg"), caplog.at_level(logging.INFO, "worker.ffmpeg"), \
            pytest.raises(ffmpeg.FfmpegError):
        ffmpeg.run([*ffmpeg.user_input(missing), "-f", "null", "-"], timeout=30)
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "ffmpeg_failed" and line["request_id"] == "rid-ffmpeg"
    assert line["command"].startswith(ffmpeg.binary()) and str(missing) in line["command"]
    assert "No such file or directory" in line["stderr_tail"]
    assert line["returncode"] != 0
