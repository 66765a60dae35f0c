"""Cuts nobody hears, on real speech (espeak-ng, Indonesian) through the whole pipeline:
every cut point in a pause between phrases, dead air taken out of a segment, a punch-in
where two cuts of the same shot meet."""

from __future__ import annotations

import json
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.footage import make_clip, speech_wav
from worker.editlist import EditList
from worker.ffmpeg import binary
from worker.pipeline import TeaserInput, make_teaser

pytestmark = pytest.mark.integration

PHRASES = ["Halo kak, selamat datang di LIVE kami malam ini.",
           "Nah kak, ini dia yang ditunggu!", "Bahannya lembut dan adem dipakai.",
           "Diskon tiga puluh persen hanya saat LIVE.", "Stoknya terbatas ya kak.",
           "Yuk langsung checkout sekarang juga.", "Jangan lupa ikuti akun kami.",
           "Sampai jumpa besok malam jam tujuh."]


def _energy_db(wav: Path, t: float, half: float = 0.04) -> float:
    """The speech's level (dBFS) within ``half`` s of ``t`` in the source's own sound."""
    with wave.open(str(wav)) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(float) / 32768
    part = x[max(0, int((t - half) * rate)):int((t + half) * rate)]
    return float(10 * np.log10(np.mean(part ** 2) + 1e-12)) if len(part) else -120.0


def test_every_cut_falls_in_a_pause_so_no_word_is_lost(tmp_path: Path) -> None:
    wav = tmp_path / "talk.wav"
    spans = speech_wav(wav, PHRASES, pause=0.7, seconds=30)
    src = make_clip(tmp_path / "talk.mp4", seconds=30, size="480x270", voice=wav)
    report = make_teaser(TeaserInput(src, music="none", target_seconds=20), tmp_path / "t.mp4",
                                     tmp_path / "t.jpg", edit_list_path=tmp_path / "t.json")
    edit = EditList.load(tmp_path / "t.json")
    assert len(edit.segments) >= 2
    for seg in edit.segments:
        for t in (seg.start, seg.end):
            inside = [s for s in spans if s[0] < t < s[1]]
            assert _energy_db(wav, t) < -50 and not inside, (t, inside)
    assert not any("no pause" in n for n in report.notes), report.notes


def test_dead_air_is_taken_out_and_the_same_shot_cut_twice_is_punched_in(
        tmp_path: Path) -> None:
    # A seller speaks, then nothing happens for 4 s (nobody speaks, the picture does not
    # move), then speaks again: a portrait source, as LIVEs are recorded.
    wav = tmp_path / "gap.wav"
    first = speech_wav(tmp_path / "a.wav", PHRASES[:3], pause=0.6)
    a_end = first[-1][1]
    second = speech_wav(tmp_path / "b.wav", PHRASES[3:6], pause=0.6, lead=0.0)
    _join_wavs([tmp_path / "a.wav", tmp_path / "b.wav"], wav, gap=4.0)
    total = a_end + 0.6 + 4.0 + second[-1][1] + 1.0
    src = make_clip(tmp_path / "gap.mp4", seconds=round(total, 1), size="360x640",
                    video="smptebars", voice=wav)
    report = make_teaser(TeaserInput(src, music="none"), tmp_path / "t.mp4", tmp_path / "t.jpg",
                                     edit_list_path=tmp_path / "t.json")
    assert any("took out" in n for n in report.notes), report.notes
    edit = EditList.load(tmp_path / "t.json")
    assert len(edit.segments) == 2
    # the teaser has no silence longer than 1.5 s left in it
    assert _longest_silence(Path(report.output)) < 1.5
    # the two pieces are one shot: the second is framed tighter, and the picture changes
    one, two = edit.segments
    assert one.crop is None and two.crop is not None and two.crop.w < 360
    join = one.end - one.start
    before, after = _gray(Path(report.output), join - 0.3), _gray(Path(report.output), join + 0.3)
    assert np.abs(before - after).mean() > 5
    json.dumps(report.to_json())  # the notes travel in the report


def _join_wavs(parts: list[Path], out: Path, gap: float) -> None:
    chunks, rate = [], 22050
    for k, p in enumerate(parts):
        with wave.open(str(p)) as w:
            rate = w.getframerate()
            chunks.append(np.frombuffer(w.readframes(w.getnframes()), np.int16))
        if k < len(parts) - 1:
            chunks.append(np.zeros(int(gap * rate), np.int16))
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.concatenate(chunks).tobytes())


def _longest_silence(video: Path) -> float:
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-i", str(video), "-f", "f32le",
                          "-ac", "1", "-ar", "16000", "-"], capture_output=True, check=True).stdout
    x = np.frombuffer(raw, np.float32)
    frames = x[: len(x) // 400 * 400].reshape(-1, 400)
    quiet = 10 * np.log10((frames ** 2).mean(axis=1) + 1e-12) < -50
    longest = run = 0
    for q in quiet.tolist():
        run = run + 1 if q else 0
        longest = max(longest, run)
    return longest * 0.025


def _gray(video: Path, t: float) -> np.ndarray:
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-ss", f"{t:.3f}", "-i", str(video),
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).astype(float)
