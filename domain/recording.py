"""Picture and sound quality of a session recording, as the worker's analysis fills it.

All shares are fractions of the sampled frames (or of the duration for sound), 0..1.
The thresholds below decide the highlight checks that need the recording; without a
``RecordingQuality`` those checks are *unknown*, never passed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from domain.errors import InvalidValue

HOST_VISIBLE_MIN_SHARE = 0.5  # a host's face on at least half the sampled frames
SHARPNESS_MIN = 0.5
BRIGHTNESS_RANGE = (0.25, 0.8)  # neither too dark nor too bright
SHAKE_MAX = 0.3
LOUDNESS_RANGE_LUFS = (-24.0, -10.0)  # neither too quiet nor too loud
SILENCE_MAX_SHARE = 0.2  # longer silent stretches read as drop-outs


@dataclass(frozen=True)
class RecordingQuality:
    """Recording signals, each a float:

    - ``face_on_screen_share``: 0..1, share of sampled frames with a human face;
    - ``sharpness``: 0..1, normalised focus measure (0 blurred, 1 sharpest);
    - ``brightness``: 0..1, mean luma of sampled frames (0 black, 1 white);
    - ``shake``: 0..1, normalised frame-to-frame global motion (0 steady);
    - ``loudness_lufs``: integrated loudness in LUFS (for example -16.0);
    - ``silence_share``: 0..1, share of the duration that is silent.
    """

    face_on_screen_share: float
    sharpness: float
    brightness: float
    shake: float
    loudness_lufs: float
    silence_share: float

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidValue(f"Recording {field.name} must be a number, got {value!r}.",
                                   field=field.name,
                                   indonesian=f"Nilai rekaman {field.name} harus angka, bukan "
                                              f"{value!r}.")
            if not math.isfinite(value):
                raise InvalidValue(f"Recording {field.name} must be finite, got {value!r}.",
                                   field=field.name,
                                   indonesian=f"Nilai rekaman {field.name} harus angka yang "
                                              f"terhingga, bukan {value!r}.")
            if field.name == "loudness_lufs":
                if value > 0:
                    raise InvalidValue(f"Loudness is at most 0 LUFS, got {value!r}.",
                                       field=field.name,
                                       indonesian=f"Kenyaringan paling tinggi 0 LUFS, bukan "
                                                  f"{value!r}.")
            elif not 0.0 <= value <= 1.0:
                raise InvalidValue(f"Recording {field.name} must be within 0..1, got {value!r}.",
                                   field=field.name,
                                   indonesian=f"Nilai rekaman {field.name} harus di antara 0 "
                                              f"dan 1, bukan {value!r}.")


def host_visible(quality: RecordingQuality) -> bool:
    """A host's face is on screen for at least half of the sampled frames."""
    return quality.face_on_screen_share >= HOST_VISIBLE_MIN_SHARE


def clear_image(quality: RecordingQuality) -> bool:
    """Sharp enough and naturally lit (not too dark, not too bright)."""
    low, high = BRIGHTNESS_RANGE
    return quality.sharpness >= SHARPNESS_MIN and low <= quality.brightness <= high


def stable_picture(quality: RecordingQuality) -> bool:
    """No noticeable shake."""
    return quality.shake <= SHAKE_MAX


def clear_audio(quality: RecordingQuality) -> bool:
    """Volume in range and no long silent drop-outs."""
    low, high = LOUDNESS_RANGE_LUFS
    return low <= quality.loudness_lufs <= high and quality.silence_share <= SILENCE_MAX_SHARE
