"""Picture and sound features on synthetic arrays (no ffmpeg)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from cuplik.samples import face_picture
from domain.recording import RecordingQuality
from worker import features as fx
from worker.analysis import SECOND_ARRAYS, Analysis

RATE = fx.AUDIO_RATE


def scene(w: int = 256, h: int = 144, seed: int = 1) -> np.ndarray:
    """A textured picture with edges (shelves, a product box, a face-sized blob)."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w), 110, np.uint8)
    for _ in range(25):
        x, y = int(rng.integers(0, w - 30)), int(rng.integers(0, h - 30))
        cv2.rectangle(img, (x, y), (x + int(rng.integers(8, 40)), y + int(rng.integers(8, 40))),
                      int(rng.integers(20, 235)), -1)
    return img


def synthetic_analysis(n: int, **over: object) -> Analysis:
    """An Analysis of ``n`` seconds of good, steady, sharp footage with nobody on it."""
    base: dict[str, object] = {
        "sharpness": np.full(n, 0.9), "brightness": np.full(n, 0.5), "dark": np.zeros(n),
        "blown": np.zeros(n), "motion": np.full(n, 0.02), "local_motion": np.full(n, 0.02),
        "shake": np.zeros(n), "face": np.zeros(n), "face_x": np.full(n, np.nan),
        "face_w": np.full(n, np.nan), "face_left": np.full(n, np.nan),
        "face_right": np.full(n, np.nan), "action_x": np.full(n, 0.5),
        "action_spread": np.full(n, 0.8), "speech": np.zeros(n), "loudness": np.full(n, -20.0),
        "silence": np.zeros(n)}
    base.update({k: v for k, v in over.items() if k in SECOND_ARRAYS})
    meta = {"start": 0.0, "duration": float(n), "frame_width": 256, "frame_height": 144,
            "mode": "full", "has_audio": True, "shot_changes": np.zeros(0),
            "quiet_times": np.zeros(0)}
    meta.update({k: v for k, v in over.items() if k not in SECOND_ARRAYS})
    return Analysis(**meta, **base)  # type: ignore[arg-type]


def test_sharp_picture_scores_high_and_blurred_low() -> None:
    img = scene()
    blurred = cv2.GaussianBlur(img, (0, 0), 3)
    assert fx.sharpness(img) > 0.8
    assert fx.sharpness(blurred) < 0.3


def test_dark_and_blown_pictures_score_low_on_exposure() -> None:
    img = scene()
    dark = (img // 8).astype(np.uint8)
    blown = np.clip(img.astype(int) * 3, 0, 255).astype(np.uint8)
    assert fx.exposure(img).score > 0.8
    assert fx.exposure(dark).brightness < 0.1 and fx.exposure(dark).score < 0.4
    assert fx.exposure(blown).blown > 0.5 and fx.exposure(blown).score < 0.4


def test_static_picture_has_no_motion_and_a_moving_hand_is_local_motion() -> None:
    img = scene()
    assert fx.motion(img, img.copy()).total == 0.0
    moved = img.copy()
    cv2.circle(moved, (200, 70), 18, 250, -1)  # a hand enters at the right
    m = fx.motion(img, moved)
    assert m.local > 0.005 and m.shift == 0.0
    assert m.centre_x > 0.65  # the movement is on the right of the picture


def test_camera_movement_is_recognised_as_a_global_shift() -> None:
    big = scene(300, 180)
    a, b = big[10:154, 10:266], big[13:157, 16:272]  # camera moved 6 px right, 3 px down
    m = fx.motion(a, b)
    assert m.shift > 0.02
    assert m.local < 0.6 * m.total


def test_shaky_hand_scores_higher_than_a_steady_pan() -> None:
    pan = np.column_stack([np.full(8, 4.0), np.zeros(8)])  # steady 4 px a frame
    rng = np.random.default_rng(0)
    shaky = rng.normal(0, 6, size=(8, 2))
    assert fx.shake(pan, 256) < 0.05
    assert fx.shake(shaky, 256) > 0.5


def test_shot_change_is_found_at_the_new_scene_only() -> None:
    frames = [scene(seed=1)] * 5 + [scene(seed=7)[::-1].copy()] * 5
    hists = [fx.histogram(f) for f in frames]
    d = np.array([0.0] + [fx.histogram_distance(a, b) for a, b in zip(hists, hists[1:],
                                                                        strict=False)])
    times = np.arange(10) * 0.25
    cuts = fx.shot_changes(times, d, threshold=0.2)
    assert list(cuts) == [1.25]


def test_drawn_face_is_found_where_it_is() -> None:
    boxes = fx.faces(face_picture(cx=180))
    assert boxes, "no face found"
    x, _, w, _ = boxes[0]
    assert 0.6 < x + w / 2 < 0.8
    assert fx.faces(scene()) == []


def speechlike(seconds: float = 3.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    voiced = 0.3 * (np.sin(2 * np.pi * 180 * t) + 0.5 * np.sin(2 * np.pi * 360 * t)
                    + 0.3 * np.sin(2 * np.pi * 900 * t))
    syllables = (np.sin(2 * np.pi * 4 * t) > 0.1).astype(float)
    return (voiced * syllables).astype(np.float32)


def _speech_score(x: np.ndarray) -> float:
    a = fx.audio_frames(x)
    return fx.speech_likeness(a.energy_db, a.voice, a.flatness)


def test_speech_like_audio_is_told_from_a_tone_noise_and_silence() -> None:
    t = np.arange(3 * RATE) / RATE
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    noise = np.random.default_rng(0).normal(0, 0.1, 3 * RATE).astype(np.float32)
    silence = np.zeros(3 * RATE, np.float32)
    assert _speech_score(speechlike()) > 0.5
    assert _speech_score(tone) < 0.1
    assert _speech_score(noise) < 0.2
    assert _speech_score(silence) == 0.0


def test_loudness_of_a_sine_is_close_to_its_level() -> None:
    t = np.arange(RATE) / RATE
    sine = (0.1 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)  # -23 dBFS RMS
    lufs = fx.loudness_lufs(fx.audio_frames(sine).kpower)
    assert -24.0 < lufs < -22.0


def test_pauses_between_phrases_are_quiet_times() -> None:
    x = np.concatenate([speechlike(1.0), np.zeros(RATE // 2, np.float32), speechlike(1.0)])
    a = fx.audio_frames(x)
    quiet = fx.quiet_times(a.energy_db, 0.0, below=-40.0, min_frames=8)
    assert len(quiet) == 1 and 1.1 < quiet[0] < 1.4


def test_quality_is_low_for_dark_blurred_and_frozen_seconds() -> None:
    n = 10
    a = synthetic_analysis(n, brightness=np.array([0.5] * 7 + [0.03, 0.5, 0.5]),
                           sharpness=np.array([0.9] * 8 + [0.1, 0.9]),
                           motion=np.array([0.02] * 9 + [0.0]))
    q = a.quality_per_second()
    assert (q[:7] > 0.7).all()
    assert q[7] < 0.3 and q[8] < 0.3 and q[9] < 0.3


def test_recording_quality_feeds_the_domain_checks() -> None:
    a = synthetic_analysis(20, face=np.ones(20))
    rq = a.recording_quality()
    assert isinstance(rq, RecordingQuality)
    assert rq.face_on_screen_share == 1.0 and rq.sharpness == pytest.approx(0.9)
    assert rq.loudness_lufs == pytest.approx(-20.0, abs=0.5)
    quiet = synthetic_analysis(20, has_audio=False).recording_quality()
    assert quiet.silence_share == 1.0 and quiet.loudness_lufs == -70.0


def test_analysis_survives_a_save_and_load(tmp_path: Path) -> None:
    a = synthetic_analysis(12, shot_changes=np.array([4.5]), quiet_times=np.array([2.2]))
    path = a.save(tmp_path / "clip.mp4.analysis.npz")
    b = Analysis.load(path)
    assert b.seconds == 12 and list(b.shot_changes) == [4.5]
    assert np.array_equal(np.isnan(b.face_x), np.isnan(a.face_x))
    assert b.mode == "full" and b.has_audio


def test_movement_beside_the_face_is_found_as_the_product_region() -> None:
    cols = np.full(256, 1.0)  # a still picture's noise
    cols[40:80] += 20.0  # the seller talking (face at 0.15-0.3)
    cols[190:230] += 15.0  # a product turned in the hands
    found = fx.region_beside(cols, (40 / 256, 80 / 256))
    assert found is not None
    left, right = found
    assert 185 / 256 < left < right < 235 / 256
    assert fx.region_beside(np.full(256, 1.0), (0.2, 0.3)) is None  # nothing moves
    everywhere = np.full(256, 1.0)
    everywhere[::2] += 10.0  # the whole scene moves (a crowd, a pan): not a product
    assert fx.region_beside(everywhere, (0.4, 0.5)) is None
