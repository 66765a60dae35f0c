"""Picture and sound features: ndarrays in, floats and small dataclasses out.

Pure functions (OpenCV and NumPy on arrays; no file, no process), so each one is
unit-tested on synthetic pictures and signals. Frames are small gray pictures (about
256 px wide, see ``worker.frames``); audio is mono float32 at 16 kHz.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

AUDIO_RATE = 16000
AUDIO_FRAME = 400  # 25 ms: 40 envelope values a second resolve syllables (2-8 Hz)
SILENCE_DB = -50.0  # dBFS of a 25 ms frame below which nothing audible is going on

# Variance of the Laplacian that counts as "half sharp" at ~256 px wide: a focused
# picture of people and products sits in the hundreds, a defocused one under 30.
SHARPNESS_HALF = 60.0


# ----------------------------------------------------------------------------- picture

def sharpness(gray: np.ndarray) -> float:
    """0..1: variance of the Laplacian, normalised (v / (v + SHARPNESS_HALF)), so a
    focused picture is near 1 and a blurred one near 0."""
    v = float(cv2.Laplacian(gray, cv2.CV_32F).var())
    return v / (v + SHARPNESS_HALF)


@dataclass(frozen=True)
class Exposure:
    """``brightness`` mean luma 0..1; ``dark``/``blown`` shares of crushed/clipped pixels."""

    brightness: float
    dark: float
    blown: float

    @property
    def score(self) -> float:
        """0..1: 1 for a well lit picture, falling for too dark or blown out ones."""
        return float(exposure_score(self.brightness, self.dark, self.blown))


def exposure_score(brightness: np.ndarray | float, dark: np.ndarray | float,
                   blown: np.ndarray | float) -> np.ndarray:
    """Vectorised :attr:`Exposure.score`: full marks for mean luma 0.25..0.75, falling to 0
    at black or white, times the shares of pixels that are neither crushed nor blown."""
    b = np.asarray(brightness, dtype=np.float64)
    level = np.clip(np.minimum(b / 0.25, (1.0 - b) / 0.25), 0.0, 1.0)
    return np.clip(level * (1.0 - np.asarray(dark)) * (1.0 - np.asarray(blown)), 0.0, 1.0)


def exposure(gray: np.ndarray) -> Exposure:
    """Mean luma and the shares of pixels under 20 (crushed) or over 245 (blown)."""
    n = gray.size
    return Exposure(brightness=float(gray.mean()) / 255.0,
                    dark=float(np.count_nonzero(gray < 20)) / n,
                    blown=float(np.count_nonzero(gray > 245)) / n)


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two frames, 0..1 (0 = frozen)."""
    return float(cv2.absdiff(a, b).mean()) / 255.0


@lru_cache(maxsize=8)
def _hann(shape: tuple[int, int]) -> np.ndarray:
    return cv2.createHanningWindow((shape[1], shape[0]), cv2.CV_32F)


@dataclass(frozen=True)
class Motion:
    """Between two frames: ``total`` mean abs difference (0..1), ``local`` what is left
    once the global (camera) shift is undone, ``shift`` that shift as a share of the
    frame width, ``centre_x``/``spread`` where the local motion is (0..1 of the width)."""

    total: float
    local: float
    shift: float
    dx: float
    dy: float
    centre_x: float
    spread: float


def motion(a: np.ndarray, b: np.ndarray) -> Motion:
    """Split the change from ``a`` to ``b`` into camera movement (phase correlation) and
    movement in the scene."""
    fa, fb = a.astype(np.float32), b.astype(np.float32)
    (dx, dy), response = cv2.phaseCorrelate(fa, fb, _hann(a.shape))
    total = difference(a, b)
    h, w = a.shape
    camera = False
    if response > 0.1 and (abs(dx) > 0.5 or abs(dy) > 0.5):
        m = np.array([[1, 0, -dx], [0, 1, -dy]], dtype=np.float32)
        back = cv2.warpAffine(fb, m, (w, h), borderMode=cv2.BORDER_REFLECT)
        # Ignore the border the shift brought in.
        mx, my = int(abs(dx)) + 2, int(abs(dy)) + 2
        diff = np.abs(fa - back)[my:h - my or None, mx:w - mx or None]
        local = float(diff.mean()) / 255.0 if diff.size else total
        # The camera moved only if undoing its shift explains most of the change;
        # otherwise something moved in a still picture (a hand, a product).
        camera = local < 0.6 * total
    if camera:
        shift = float(np.hypot(dx, dy)) / w
    else:
        diff = np.abs(fa - fb)
        local, shift, dx, dy = total, 0.0, 0.0, 0.0
    cols = diff.sum(axis=0)
    energy = float(cols.sum())
    if energy > 0:
        xs = (np.arange(cols.size) + 0.5) / cols.size
        centre = float((cols * xs).sum() / energy)
        spread = float(np.sqrt((cols * (xs - centre) ** 2).sum() / energy)) * 2
    else:
        centre, spread = 0.5, 1.0
    return Motion(total=total, local=local, shift=shift, dx=float(dx), dy=float(dy),
                  centre_x=centre, spread=spread)


def shake(shifts: np.ndarray, width: int) -> float:
    """0..1 camera shake from consecutive global shifts ``(n, 2)`` in pixels: how much the
    shift *changes direction* frame to frame (a steady pan scores low, a trembling hand
    high). 1 at a jitter of 3 % of the width per frame."""
    if len(shifts) < 2:
        return 0.0
    jerk = np.linalg.norm(np.diff(shifts, axis=0), axis=1).mean() / max(1, width)
    return float(min(1.0, jerk / 0.03))


def histogram(gray: np.ndarray) -> np.ndarray:
    """32-bin luma histogram (sums to 1), the fingerprint shot changes are found with;
    spatial halves are kept apart so a moved object is not a new shot but a new scene is."""
    h, w = gray.shape
    parts = [gray[: h // 2], gray[h // 2:]]
    hists = [np.bincount((p >> 3).ravel(), minlength=32).astype(np.float32) for p in parts]
    out = np.concatenate(hists)
    return out / max(1.0, float(out.sum()))


def histogram_distance(h1: np.ndarray, h2: np.ndarray) -> float:
    """0..1 (half the L1 distance): 0 same picture, 1 nothing in common."""
    return float(np.abs(h1 - h2).sum()) / 2.0


def shot_changes(times: np.ndarray, distances: np.ndarray, *, threshold: float = 0.35,
                 ratio: float = 3.0, min_gap: float = 1.0) -> np.ndarray:
    """Times of shot changes: histogram distances (each between a frame and the one
    before, at ``times``) that are large and stand well above their neighbourhood,
    at least ``min_gap`` s apart."""
    if len(distances) == 0:
        return np.zeros(0)
    k = 7
    padded = np.pad(distances, k, mode="edge")
    local = np.array([np.median(padded[i:i + 2 * k + 1]) for i in range(len(distances))])
    peaks = (distances > threshold) & (distances > ratio * local)
    out: list[float] = []
    for t in times[peaks]:
        if not out or t - out[-1] >= min_gap:
            out.append(float(t))
    return np.asarray(out)


def region_beside(cols: np.ndarray, face: tuple[float, float], *,
                  min_share: float = 0.35, max_width: float = 0.3
                  ) -> tuple[float, float] | None:
    """Where something moves beside the seller: ``cols`` is a frame difference summed
    per column, ``face`` the faces' (left, right) as shares of the width. The movement
    left once the faces (widened by their width each side: head and shoulders move as
    one talks) are taken out, if it is at least ``min_share`` of all movement; its
    (left, right) extent as shares of the width (10th to 90th percentile of it), when
    that is compact (at most ``max_width``: a whole moving scene is not a product). A
    product shown to the camera moves there, and so do the hands holding it."""
    n = len(cols)
    moving = np.clip(cols - np.median(cols), 0.0, None)  # the static picture's noise out
    total = float(moving.sum())
    if n == 0 or total <= 0:
        return None
    width = face[1] - face[0]
    a = int(max(0.0, face[0] - width) * n)
    b = int(min(1.0, face[1] + width) * n + 0.999)
    outside = moving.copy()
    outside[a:b] = 0.0
    rest = float(outside.sum())
    if rest < min_share * total or rest < 0.25 * n:  # too little to be more than noise
        return None
    c = np.cumsum(outside) / rest
    left, right = float(np.searchsorted(c, 0.1)) / n, float(np.searchsorted(c, 0.9) + 1) / n
    return (left, right) if right - left <= max_width else None


@lru_cache(maxsize=1)
def _face_cascade() -> cv2.CascadeClassifier:
    cascades = cv2.data.haarcascades  # type: ignore[attr-defined]  # not in cv2's stubs
    return cv2.CascadeClassifier(cascades + "haarcascade_frontalface_default.xml")


def faces(gray: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Frontal faces as (x, y, w, h) in shares of the frame, largest first, using the
    haar cascade that ships with OpenCV (nothing downloaded)."""
    h, w = gray.shape
    # Faces under ~1/8 of the short side are too far away to frame on anyway. The scale
    # step is fine (1.1): at 1.25 a real photographed face at a fifth of the width was
    # found in 5 of 48 frames, at 1.1 in all 48, none found in lavfi patterns either way
    # (tests/integration/test_real_face.py); 14 ms a check instead of 6 ms.
    side = max(18, min(h, w) // 8)
    found = _face_cascade().detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5,
                                             minSize=(side, side))
    boxes = [(x / w, y / h, fw / w, fh / h) for x, y, fw, fh in
             (found if len(found) else [])]
    return sorted(boxes, key=lambda b: -b[2] * b[3])


# ----------------------------------------------------------------------------- sound

def _k_weight_gain(freqs: np.ndarray) -> np.ndarray:
    """|H(f)|^2 of the BS.1770 K-weighting (shelf + high-pass), from its 48 kHz biquads."""
    z = np.exp(-1j * 2 * np.pi * freqs / 48000.0)

    def biquad(b: list[float], a: list[float]) -> np.ndarray:
        return (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)

    shelf = biquad([1.53512485958697, -2.69169618940638, 1.19839281085285],
                   [1.0, -1.69065929318241, 0.73248077421585])
    highpass = biquad([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621])
    return np.abs(shelf * highpass) ** 2


_FREQS = np.fft.rfftfreq(AUDIO_FRAME, 1.0 / AUDIO_RATE)
_KW = _k_weight_gain(_FREQS)
_VOICE = (_FREQS >= 100) & (_FREQS <= 4000)
# Parseval weights of a one-sided spectrum: interior bins count twice.
_PARSEVAL = np.where((np.arange(_FREQS.size) == 0) | (np.arange(_FREQS.size) == _FREQS.size - 1),
                     1.0, 2.0)


@dataclass(frozen=True)
class AudioFrames:
    """Per 25 ms frame: ``energy_db`` (dBFS), ``kpower`` (K-weighted mean square),
    ``voice`` (share of the energy in 100-4000 Hz), ``flatness`` (0 tonal..1 noise)."""

    energy_db: np.ndarray
    kpower: np.ndarray
    voice: np.ndarray
    flatness: np.ndarray


def audio_frames(samples: np.ndarray) -> AudioFrames:
    """Split mono 16 kHz ``samples`` into 25 ms frames (a trailing partial frame is
    dropped) and measure each."""
    n = len(samples) // AUDIO_FRAME
    frames = samples[: n * AUDIO_FRAME].reshape(n, AUDIO_FRAME).astype(np.float32)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    ms = (frames ** 2).mean(axis=1)
    kpower = (power * _KW * _PARSEVAL).sum(axis=1) / (AUDIO_FRAME ** 2)
    total = (power * _PARSEVAL).sum(axis=1) + 1e-12
    voice = (power[:, _VOICE] * 2).sum(axis=1) / total
    band = power[:, _VOICE] + 1e-12
    flatness = np.exp(np.log(band).mean(axis=1)) / band.mean(axis=1)
    return AudioFrames(energy_db=10 * np.log10(ms + 1e-12), kpower=kpower,
                       voice=np.clip(voice, 0, 1), flatness=flatness)


def loudness_lufs(kpower: np.ndarray) -> float:
    """Approximate loudness (LUFS, mono) of a run of frames from their K-weighted power."""
    return float(-0.691 + 10 * np.log10(float(np.mean(kpower)) + 1e-12)) if len(kpower) else -70.0


def speech_likeness(energy_db: np.ndarray, voice: np.ndarray, flatness: np.ndarray) -> float:
    """0..1 that a run of 25 ms frames (about 2 s) is someone speaking: voice-band
    energy whose loudness rises and falls at syllable rate (2-8 Hz), and is not noise."""
    if len(energy_db) < 16:
        return 0.0
    return float(speech_likeness_rows(energy_db[None], voice[None], flatness[None])[0])


def speech_likeness_rows(energy_db: np.ndarray, voice: np.ndarray, flatness: np.ndarray
                         ) -> np.ndarray:
    """:func:`speech_likeness` of each row of ``(n, frames)`` arrays at once (a 2-hour
    recording has 7,200 seconds to score; one vectorised pass instead of a loop)."""
    audible = energy_db > SILENCE_DB
    env = np.power(10.0, np.maximum(energy_db, SILENCE_DB - 10) / 20.0)
    mean = env.mean(axis=1, keepdims=True)
    depth = env.std(axis=1) / (mean[:, 0] + 1e-9)
    spec = np.abs(np.fft.rfft(env - mean, axis=1)) ** 2
    mod_f = np.fft.rfftfreq(env.shape[1], AUDIO_FRAME / AUDIO_RATE)
    syllable = spec[:, (mod_f >= 2) & (mod_f <= 8)].sum(axis=1)
    broad = spec[:, (mod_f >= 0.5) & (mod_f <= 20)].sum(axis=1) + 1e-12
    modulation = syllable / broad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows with nothing audible
        tonality = 1.0 - np.nanmedian(np.where(audible, flatness, np.nan), axis=1)
        voiced = np.nanmedian(np.where(audible, voice, np.nan), axis=1)
    score = (np.clip(modulation * 1.5, 0, 1) * np.clip(depth / 0.4, 0, 1)
             * np.clip(tonality * 1.5, 0, 1) * voiced)
    return np.where(audible.mean(axis=1) < 0.2, 0.0, np.nan_to_num(score))


def quiet_times(energy_db: np.ndarray, t0: float, *, below: float,
                min_frames: int = 4) -> np.ndarray:
    """Middles of runs of at least ``min_frames`` 25 ms frames under ``below`` dBFS: the
    pauses a cut can fall in without chopping a word. ``t0`` is the first frame's time."""
    quiet = np.concatenate([[False], energy_db < below, [False]])
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    starts, ends = edges[::2], edges[1::2]
    keep = (ends - starts) >= min_frames
    mids = (starts[keep] + ends[keep]) / 2.0
    return t0 + mids * AUDIO_FRAME / AUDIO_RATE


def pause_spans(energy_db: np.ndarray, t0: float, *, below: float,
                min_frames: int = 4) -> np.ndarray:
    """(start, end) s of the runs of at least ``min_frames`` 25 ms frames under ``below``
    dBFS (the pauses between words and phrases), shape (k, 2). ``t0``: the first frame's
    time."""
    quiet = np.concatenate([[False], energy_db < below, [False]])
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    starts, ends = edges[::2], edges[1::2]
    keep = (ends - starts) >= min_frames
    step = AUDIO_FRAME / AUDIO_RATE
    return np.stack([t0 + starts[keep] * step, t0 + ends[keep] * step], axis=1)
