"""The voice stem kept beside a render: its voice as the mix took it (cut from the
recording, faded at the joins: ``worker.mix.voice_stem``), losslessly, as 24-bit FLAC
(``r3.voice.flac`` beside ``r3.mp4`` and its edit list).

A regeneration that changes only the music mixes the new bed under this stem instead of
seeking and decoding the segments of a recording that can be hours long, and gets the
very samples a full render would have mixed. A stem says which cut it is of (``key_of``):
one that does not match the edit list, or is missing (a render from before stems were
kept) or unreadable, is not used, and the voice is decoded from the recording again.
Read and written in this process (PyAV): no ffmpeg child.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from pathlib import Path

import av
import numpy as np

from store.media import VOICE_STEM
from worker.editlist import EditList
from worker.loudness import RATE, SUB, sub_powers
from worker.mix import STEM_SCALE

log = logging.getLogger(__name__)

SUFFIX = VOICE_STEM
KEY_TAG = "cuplik_voice"
POWERS_TAG = "cuplik_powers"  # the stem's 100 ms K-weighted powers (the mix's first step)
VERSION = 1  # of how a stem is made: a stem of another version is not used
_SHIFT = 8  # FLAC's 24-bit samples travel as the top 24 bits of 32-bit ones
_FRAME = 4608


def stem_path(video: Path) -> Path:
    """Where the voice stem of the teaser ``video`` is kept (beside it)."""
    return video.with_name(video.stem + SUFFIX)


def key_of(edit: EditList) -> str:
    """What the voice of ``edit`` is cut from: the recording (by name: the store may move
    it), the segments' times and the frame rate their lengths are rounded to."""
    cut = [VERSION, Path(edit.source.path).name, edit.source.has_audio, edit.output.fps,
           RATE, [(s.start, s.end) for s in edit.segments]]
    return hashlib.sha256(json.dumps(cut).encode()).hexdigest()[:24]


def save(voice: np.ndarray, path: Path, key: str, powers: np.ndarray | None = None) -> None:
    """Write ``voice`` ((n, 2) float32 on ``worker.mix``'s stem grid) to ``path`` as 24-bit
    stereo FLAC tagged with ``key`` and with its ``sub_powers`` (``powers`` when the
    caller has them; so a music change need not measure the voice again)."""
    samples = np.rint(voice * np.float32(STEM_SCALE)).astype(np.int32) << _SHIFT
    powers = np.asarray(sub_powers(voice) if powers is None else powers, dtype="<f8")
    with av.open(str(path), "w", format="flac") as container:
        container.metadata[KEY_TAG] = key
        container.metadata[POWERS_TAG] = base64.b64encode(powers.tobytes()).decode()
        stream = container.add_stream("flac", rate=RATE, layout="stereo", format="s32")
        stream.codec_context.options = {"bits_per_raw_sample": "24"}
        for start in range(0, len(samples), _FRAME):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(samples[start:start + _FRAME]).reshape(1, -1),
                format="s32", layout="stereo")
            frame.sample_rate = RATE
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def load(path: Path, key: str, n: int) -> tuple[np.ndarray, np.ndarray | None] | None:
    """The stem at ``path`` ((n, 2) float32, exactly the samples saved) and its
    ``sub_powers`` as saved (None in a stem saved without them) when it is the stem of
    ``key`` and ``n`` samples long; None otherwise (missing, another cut's, unreadable:
    the caller decodes the voice from the recording)."""
    if not path.is_file():
        return None
    try:
        with av.open(str(path)) as container:
            if container.metadata.get(KEY_TAG) != key:
                log.warning("voice stem %s is of another cut: not used", path.name)
                return None
            powers = _powers(container.metadata.get(POWERS_TAG), n)
            parts = [_interleaved(frame) for frame in container.decode(audio=0)]
    except (av.error.FFmpegError, ValueError) as exc:
        log.warning("voice stem %s is unreadable (%s): not used", path.name, exc)
        return None
    samples = np.concatenate(parts) if parts else np.zeros((0, 2), np.int32)
    if len(samples) != n:
        log.warning("voice stem %s has %d samples, not %d: not used", path.name,
                    len(samples), n)
        return None
    voice = (samples >> _SHIFT).astype(np.float32)
    voice *= np.float32(1 / STEM_SCALE)
    return voice, powers


def _powers(tag: str | None, n: int) -> np.ndarray | None:
    """The saved ``sub_powers`` of an ``n``-sample stem; None when absent or malformed."""
    if not tag:
        return None
    try:
        powers = np.frombuffer(base64.b64decode(tag, validate=True), dtype="<f8")
    except (binascii.Error, ValueError):
        return None
    return powers.astype(np.float64) if len(powers) == n // SUB else None


def _interleaved(frame: av.AudioFrame) -> np.ndarray:
    """A decoded frame's samples as (k, 2)."""
    samples = frame.to_ndarray()
    return samples.T if frame.format.is_planar else samples.reshape(-1, 2)
