"""The teaser's sound as a listener hears it, on real speech (espeak-ng, Indonesian):
the music under the voice and in its pauses, -14 LUFS / <= -1 dBTP on every kind of
source (ffmpeg's ebur128 measures), the voice faded at every join and at both ends."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Required, TypedDict

import numpy as np
import pytest

from tests.footage import make_clip, speech_wav
from worker import music
from worker.editlist import EditList, Output, Segment, Source
from worker.ffmpeg import binary
from worker.loudness import RATE, integrated
from worker.mix import read_bed
from worker.render import RenderResult, render

pytestmark = pytest.mark.integration

PHRASES = ["Halo kak, selamat datang di LIVE kami.", "Nah kak, ini dia yang ditunggu!",
           "Diskon tiga puluh persen hanya hari ini.", "Yuk langsung checkout sekarang."]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sound")


@pytest.fixture(scope="module")
def spoken(work: Path) -> tuple[Path, list[tuple[float, float]]]:
    """14 s of a seller speaking four phrases with 1.2 s pauses, on a still picture."""
    spans = speech_wav(work / "spoken.wav", PHRASES, pause=1.2, seconds=14)
    return make_clip(work / "spoken.mp4", seconds=14, size="320x180", video="color=c=gray",
                     voice=work / "spoken.wav"), spans


def _edit(src: Path, seconds: float, segments: tuple[Segment, ...], music_name: str | None,
          *, has_audio: bool = True) -> EditList:
    return EditList(source=Source(str(src), 320, 180, seconds, has_audio),
                    segments=segments, output=Output(720, 1280), music=music_name, arrow=None)


def _render(work: Path, name: str, edit: EditList) -> RenderResult:
    return render(edit, work / f"{name}.mp4", work / f"{name}.jpg")


def _ebur128(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) by ffmpeg's ebur128."""
    proc = subprocess.run([binary(), "-nostdin", "-hide_banner", "-i", str(path), "-vn", "-af",
                           "ebur128=peak=true", "-f", "null", "-"],
                          capture_output=True, text=True, check=True)
    summary = proc.stderr[proc.stderr.rindex("Summary:"):]
    lufs = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert lufs is not None and peak is not None, summary
    return float(lufs.group(1)), float(peak.group(1))


def _audio(path: Path) -> np.ndarray:
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le",
                          "-ac", "2", "-ar", str(RATE), "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.float32).reshape(-1, 2)


def test_music_sits_12_to_18_db_under_speech_and_breathes_in_the_pauses(
        work: Path, spoken: tuple[Path, list[tuple[float, float]]]) -> None:
    src, spans = spoken
    edit = _edit(src, 14.0, (Segment(0.0, 14.0, 1.0, "a"),), "chill")
    out = _audio(_render(work, "breathes", edit).video)
    bed = read_bed(music.bed_pcm("chill", work), len(out))
    # The bed's share of the teaser by projection (speech does not correlate with it),
    # the voice what is left; the loudness of each as BS.1770 hears it.
    lag = _lag(out, bed)
    bed = np.roll(bed, lag, axis=0)

    def gain(i: int, j: int) -> float:
        return float((out[i:j] * bed[i:j]).sum() / (bed[i:j] ** 2).sum())

    def levels(a: float, b: float) -> tuple[float, float]:
        i, j = int(a * RATE), int(b * RATE)
        g = gain(i, j)
        music_part, voice_part = g * bed[i:j], out[i:j] - g * bed[i:j]
        return integrated(voice_part) or -70.0, integrated(music_part) or -70.0

    for start, end in spans[1:]:
        voice, under = levels(start, end)
        assert 12.0 <= voice - under <= 18.0, (start, voice, under)  # heard, not on top
    def gain_db(a: float, b: float) -> float:
        return float(20 * np.log10(gain(int(a * RATE), int(b * RATE))))

    # The gain on the bed (not its loudness, which the music's own bars move) comes up
    # between phrases ...
    for (_, end), (start, _) in zip(spans[1:-1], spans[2:], strict=True):
        in_pause, under = gain_db(end + 0.6, start - 0.2), gain_db(end - 1.0, end)
        assert in_pause - under >= 5.0, (end, in_pause, under)
    # ... and stays put between the words of a phrase: no swell, no pumping
    start, end = spans[1]
    steps = [gain_db(t, t + 0.8) for t in np.arange(start, end - 0.8, 0.1)]
    assert max(steps) - min(steps) < 3.0, steps  # the old compressor swung 24 dB


def _lag(out: np.ndarray, bed: np.ndarray) -> int:
    """Samples the bed is delayed by in the decoded teaser (AAC priming), from -2048 on."""
    a, b = out[RATE:3 * RATE, 0], bed[RATE - 2048:3 * RATE + 2048, 0]
    corr = np.correlate(b, a, mode="valid")
    return 2048 - int(np.argmax(np.abs(corr)))


class Kind(TypedDict, total=False):
    """A kind of teaser: its cuts and music; a 5.1 source or another sound than speech."""
    segments: Required[tuple[tuple[float, float], ...]]
    music: Required[str | None]
    channels: int
    audio: str | None


CLASSES = {
    "speech with music": Kind(segments=((0.3, 6.0), (7.0, 13.0)), music="upbeat"),
    "speech": Kind(segments=((0.3, 6.0), (7.0, 13.0)), music=None),
    "5-second": Kind(segments=((4.0, 9.0),), music="warm"),
    "5.1 speech": Kind(segments=((0.3, 9.0),), music="chill", channels=6),
    "music only": Kind(segments=((0.5, 4.5), (5.0, 9.0)), music="warm", audio="silence"),
    "no sound track": Kind(segments=((0.5, 8.5),), music="upbeat", audio=None),
}


@pytest.mark.parametrize("kind", list(CLASSES))
def test_every_kind_of_teaser_is_at_minus_14_lufs_under_minus_1_dbtp(
        work: Path, spoken: tuple[Path, list[tuple[float, float]]], kind: str) -> None:
    spec = CLASSES[kind]
    src, _ = spoken
    if "channels" in spec:
        src = make_clip(work / "spoken51.mp4", seconds=14, size="320x180",
                        video="color=c=gray", voice=work / "spoken.wav", channels=6)
    elif "audio" in spec:
        src = make_clip(work / f"{kind}.mp4".replace(" ", "_"), seconds=10, size="320x180",
                        audio=spec["audio"])
    segments = tuple(Segment(s, e, 1.0, "x") for s, e in spec["segments"])
    edit = _edit(src, 14.0, segments, spec["music"],
                 has_audio=spec.get("audio", "speech") is not None)
    result = _render(work, kind.replace(" ", "_").replace(".", ""), edit)
    lufs, peak = _ebur128(result.video)
    assert lufs == pytest.approx(-14.0, abs=1.0), (kind, lufs, result.mix)
    assert peak <= -1.0, (kind, peak)
    if kind == "speech":
        _assert_voice_faded_at_joins_and_ends(result)


def _assert_voice_faded_at_joins_and_ends(result: RenderResult) -> None:
    """Cut in the middle of phrases: still no click, the voice comes down to almost
    nothing within a few ms of each join and at both ends."""
    out = _audio(result.video)[:, 0]
    join = int(round(5.7 * 30) / 30 * RATE)  # the first segment's frame-rounded end

    def rms_db(i: int, j: int) -> float:
        return float(10 * np.log10(np.mean(out[max(0, i):j] ** 2) + 1e-12))

    around = rms_db(join - int(0.08 * RATE), join + int(0.08 * RATE))
    assert rms_db(join - 96, join + 96) < around - 12  # +-2 ms at the join
    assert rms_db(0, 96) < around - 20 and rms_db(len(out) - 96, len(out)) < around - 20
