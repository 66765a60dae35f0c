"""Captions sent with an upload, end to end: the API (raw body, the tus ``Upload-Metadata``
header) -> the ingest job -> a teaser asked for over the API -> the render job. The
teaser shows the transcript's cues, cut to its moments: each drawn caption image on
screen from its start (2 frames in), and not 2 frames before it."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from PIL import Image

from api import create_app
from api.auth import create_key
from domain.captions import cut_to_segments, parse_captions
from tests.footage import speech_wav
from tests.integration import test_jobs_support as support
from tests.integration.test_jobs_support import Stack
from worker import caption_images, design
from worker.editlist import EditList
from worker.ffmpeg import binary

redis_server, stack = support.redis_server, support.stack  # fixtures
pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("stack", ["sqlite"], indirect=True)]

PHRASES = ["Halo kak, selamat datang di LIVE kami.", "Nah kak, ini dia yang ditunggu!",
           "Bahannya lembut dan adem dipakai.", "Diskon tiga puluh persen hanya saat LIVE.",
           "Stoknya terbatas ya kak.", "Yuk langsung checkout sekarang juga."]
BACKGROUND = (48, 80, 128)
LAYOUT = design.load_layout("standard_9x16")
# Mean difference from the expected picture where two caption states differ: the x264
# encode of white text on a dark plate over blue footage lands at 40-45; the other state
# at 130 and more.
TOLERANCE = 60


def _vtt_time(t: float) -> str:
    return f"00:00:{int(t):02d}.{round((t % 1) * 1000):03d}"


@pytest.fixture
def app(stack: Stack) -> Iterator[Flask]:
    """The API on the stack's database, Redis and media store (what the worker reads)."""
    app = create_app(config={"DATABASE_URL": f"sqlite:///{stack.root / 'cuplik.db'}",
                             "REDIS_URL": stack.redis.url,
                             "MEDIA_ROOT": str(stack.root / "media"), "TESTING": True})
    yield app
    app.extensions["jobs"].connection.close()
    app.extensions["db"].dispose()


def _recording(tmp: Path) -> tuple[Path, list[tuple[float, float]]]:
    """A portrait recording: a seller speaking (espeak-ng) over a flat picture with
    something moving at the top, so the captions sit on an even colour."""
    wav = tmp / "talk.wav"
    spans = speech_wav(wav, PHRASES, pause=0.7, seconds=18)
    colour = "0x" + bytes(BACKGROUND).hex()
    out = tmp / "talk.mp4"
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c={colour}:s=360x640:r=30:d=18", "-f", "lavfi", "-i",
                    "testsrc2=s=160x120:r=30:d=18", "-i", str(wav), "-filter_complex",
                    "[0:v][1:v]overlay=100:30,format=yuv420p[v]", "-map", "[v]", "-map",
                    "2:a", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-c:a",
                    "aac", "-t", "18", str(out)], check=True)
    return out, spans


def _frames(path: Path, times: list[float], width: int, height: int, fps: int
            ) -> dict[float, np.ndarray]:
    wanted = sorted({round(t * fps) for t in times})
    select = "+".join(f"eq(n,{n})" for n in wanted)
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-i", str(path), "-vf",
                          f"select='{select}'", "-fps_mode", "passthrough", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    arr = np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width, 3)
    assert len(arr) == len(wanted)
    by_n = dict(zip(wanted, arr, strict=True))
    return {t: by_n[round(t * fps)] for t in times}


def test_an_uploads_captions_are_drawn_in_its_teaser_at_their_times(
        app: Flask, stack: Stack, tmp_path: Path) -> None:
    source, spans = _recording(tmp_path)
    vtt = "WEBVTT\n\n" + "\n".join(f"{_vtt_time(a - 0.05)} --> {_vtt_time(b + 0.05)}\n{text}\n"
                                   for (a, b), text in zip(spans, PHRASES, strict=True))
    client = app.test_client()
    with app.extensions["db"].session() as s:
        key = {"Authorization": f"Bearer {create_key(s, 'toko-captions')}"}
    meta = "filename " + base64.b64encode(b"live.mp4").decode() + ",captions " + \
        base64.b64encode(vtt.encode()).decode()
    upload = client.post("/v1/footage", data=source.read_bytes(),
                         headers={**key, "Content-Type": "video/mp4", "Upload-Metadata": meta})
    assert upload.status_code == 202, upload.get_json()
    footage_id = upload.get_json()["id"]
    stack.drain()
    assert client.get(f"/v1/footage/{footage_id}", headers=key).get_json()["status"] == "ready"
    asked = client.post("/v1/teasers", headers=key, json={
        "footage_id": footage_id, "target_seconds": 12, "music": "none"})
    assert asked.status_code == 202, asked.get_json()
    stack.drain()
    teaser = client.get(f"/v1/teasers/{asked.get_json()['id']}", headers=key).get_json()
    assert teaser["status"] == "ready", teaser
    row = stack.teaser(teaser["id"])
    video = stack.media.absolute(row.video_path)
    edit = EditList.load(stack.media.absolute(stack.media.edit_list_of(row.video_path)))

    # The teaser's captions are the upload's cues, cut to its moments, in output time.
    assert edit.captions, edit.segments
    starts = np.cumsum([0.0] + [round(s.duration * edit.output.fps) / edit.output.fps
                                for s in edit.segments[:-1]])
    assert edit.captions == cut_to_segments(parse_captions(vtt), [
        (s.start, s.end, float(o)) for s, o in zip(edit.segments, starts, strict=True)])
    for cue in edit.captions:
        assert any(cue.text in text for text in PHRASES), cue.text
    shown = {c.text for c in edit.captions}
    print(f"\nsegments {[(s.start, s.end) for s in edit.segments]}, captions {sorted(shown)}")
    w, h, fps = edit.output.width, edit.output.height, edit.output.fps
    total = sum(round(s.duration * fps) for s in edit.segments) / fps
    drawn = tmp_path / "drawn"
    drawn.mkdir()
    ov, states = caption_images.captions_overlay(edit.captions, w, h, total, fps, LAYOUT, drawn)
    assert ov is not None and states
    images = [img for f, img in caption_images.caption_frames(edit.captions, w, h, LAYOUT)
              if f.start < total]
    probes = [s.start + 2 / fps for s in states] + [s.start - 2 / fps for s in states
                                                    if s.start - 2 / fps > 0]
    frames = _frames(video, [round(t, 4) for t in probes], w, h, fps)
    blank = Image.new("RGBA", images[0].size, (0, 0, 0, 0))

    def expect(frame: np.ndarray, img: Image.Image) -> np.ndarray:
        """``img`` laid on the footage's colour as this frame decodes it."""
        bg = np.median(frame[ov.y:ov.y + ov.h, 2:6].reshape(-1, 3), axis=0)
        rgba = np.asarray(img).astype(float)
        a = rgba[:, :, 3:] / 255.0
        return rgba[:, :, :3] * a + bg * (1 - a)

    def errors(frame: np.ndarray, now: Image.Image, other: Image.Image) -> tuple[float, float]:
        """Mean differences of the frame from ``now`` and from ``other`` where they differ."""
        region = frame[ov.y:ov.y + ov.h, ov.x:ov.x + ov.w].astype(float)
        a, b = expect(frame, now), expect(frame, other)
        differ = np.abs(a - b).max(axis=2) > 100
        assert differ.sum() > 50
        return (float(np.abs(region - a)[differ].mean()),
                float(np.abs(region - b)[differ].mean()))

    for k, state in enumerate(states):
        prev = images[k - 1] if k and states[k - 1].end >= state.start - 1e-3 else blank
        now_err, prev_err = errors(frames[round(state.start + 2 / fps, 4)], images[k], prev)
        assert now_err < TOLERANCE and now_err < prev_err - 30, (state.text, now_err, prev_err)
        before = round(state.start - 2 / fps, 4)
        if before in frames:
            now_err, prev_err = errors(frames[before], images[k], prev)
            assert prev_err < TOLERANCE and prev_err < now_err - 30, (state.text, now_err, prev_err)
