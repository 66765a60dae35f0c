"""Test footage generated with ffmpeg's lavfi sources (nothing downloaded).

``make_clip`` writes a small recording with moving content and, optionally, speech-like
audio: syllable-rate bursts of a voiced tone with pauses, so "someone speaking" and
"silence" are both present and measurable. ``speech_wav`` synthesises real speech
(espeak-ng, Indonesian by default) with pauses between phrases, for a clip's sound.
"""

from __future__ import annotations

import ctypes
import functools
import subprocess
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from worker.ffmpeg import binary

# Voiced bursts (~4 syllables/s) inside 3 s phrases separated by 1 s pauses.
SPEECH_EXPR = (
    "0.5*(sin(2*PI*180*t)+0.6*sin(2*PI*360*t)+0.3*sin(2*PI*720*t))"
    "*gt(sin(2*PI*4*t),0.1)*lt(mod(t,4),3)"
)


def make_clip(path: Path, *, seconds: float = 10.0, size: str = "640x360", fps: float = 30,
              audio: str | None = "speech", channels: int = 2, rotation: int | None = None,
              video: str = "testsrc2", extra: list[str] | None = None,
              voice: Path | None = None) -> Path:
    """Generate ``path``. ``audio``: "speech", "tone", "silence" or None (no audio track);
    ``voice``: a WAV (``speech_wav``) to use as the sound instead.
    ``video``: a lavfi video source name (testsrc2 moves; "color=c=gray" is static)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    src = f"{video}=s={size}:r={fps}:d={seconds}" if "=" not in video else \
        f"{video}:s={size}:r={fps}:d={seconds}"
    args = [binary(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", src]
    layout = {1: "mono", 2: "stereo", 6: "5.1"}[channels]
    if voice is not None:
        args += ["-i", str(voice), "-af", f"apad=whole_dur={seconds}", "-t", str(seconds)]
    elif audio == "speech":
        args += ["-f", "lavfi", "-i",
                 f"aevalsrc='{SPEECH_EXPR}':s=48000:d={seconds}"]
    elif audio == "tone":
        args += ["-f", "lavfi", "-i", f"sine=f=440:r=48000:d={seconds}"]
    elif audio == "silence":
        args += ["-f", "lavfi", "-i", f"anullsrc=r=48000:cl={layout}:d={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
             "-g", str(int(fps * 2))]
    if audio or voice is not None:
        args += ["-c:a", "aac", "-ac", str(channels), "-shortest"]
    args += extra or []
    if rotation is not None:
        tmp = path.with_suffix(".norot" + path.suffix)
        subprocess.run([*args, str(tmp)], check=True)
        subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-display_rotation",
                        str(rotation), "-i", str(tmp), "-c", "copy", str(path)], check=True)
        tmp.unlink()
    else:
        subprocess.run([*args, str(path)], check=True)
    return path


@functools.cache
def _espeak() -> tuple[ctypes.CDLL, int]:
    """espeak-ng from the espeakng-loader wheel (library and voice data inside it),
    initialised for synchronous synthesis; (library, sample rate)."""
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    rate = lib.espeak_Initialize(2, 0, espeakng_loader.get_data_path().encode(), 0)
    if rate <= 0:
        raise RuntimeError("espeak-ng did not initialise")
    return lib, rate


_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                   ctypes.c_void_p)


def say(text: str, voice: str = "id") -> tuple[np.ndarray, int]:
    """``text`` spoken by espeak-ng's ``voice``: (int16 mono samples, sample rate)."""
    lib, rate = _espeak()
    chunks: list[np.ndarray] = []

    def collect(wav: ctypes.Array, n: int, _events: int) -> int:
        if n > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0

    callback = _SYNTH_CALLBACK(collect)
    lib.espeak_SetSynthCallback(callback)
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:
        raise RuntimeError(f"espeak-ng has no voice {voice!r}")
    data = text.encode()
    lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 0, None, None)  # POS_CHARACTER, auto
    lib.espeak_Synchronize()
    return (np.concatenate(chunks) if chunks else np.zeros(0, np.int16)), rate


def speech_wav(path: Path, phrases: Sequence[str], *, pause: float = 1.0, lead: float = 0.5,
               seconds: float | None = None, voice: str = "id") -> list[tuple[float, float]]:
    """Real speech for a clip: ``lead`` s of silence, then each phrase spoken followed by
    ``pause`` s, padded with silence to ``seconds``; written as a mono WAV. Returns each
    phrase's (start, end) in seconds (the speech itself, espeak's own silences trimmed)."""
    parts: list[np.ndarray] = []
    spans: list[tuple[float, float]] = []
    rate = 22050
    t = lead
    for text in phrases:
        samples, rate = say(text, voice)
        loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 300)
        samples = samples[loud[0]:loud[-1] + 1] if len(loud) else samples
        spans.append((t, t + len(samples) / rate))
        parts += [samples, np.zeros(int(pause * rate), np.int16)]
        t += len(samples) / rate + pause
    audio = np.concatenate([np.zeros(int(lead * rate), np.int16), *parts])
    if seconds is not None:
        audio = np.concatenate([audio, np.zeros(max(0, int(seconds * rate) - len(audio)),
                                                np.int16)])[: int(seconds * rate)]
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(audio.tobytes())
    return spans


def product_label(path: Path) -> Path:
    """A product's catalogue picture: a serum's printed label (brand band, text, a logo,
    a barcode), drawn with Pillow in Roboto: detailed enough to be recognised."""
    import font_roboto
    from PIL import Image, ImageDraw, ImageFont

    fonts = Path(font_roboto.__file__).parent
    bold = ImageFont.truetype(str(next(fonts.rglob("Roboto-Bold.ttf"))), 44)
    text = ImageFont.truetype(str(next(fonts.rglob("Roboto-Regular.ttf"))), 22)
    label = Image.new("RGB", (300, 400), (240, 230, 200))
    d = ImageDraw.Draw(label)
    d.rectangle((0, 0, 300, 90), fill=(180, 30, 60))
    d.text((20, 20), "GLOWA", font=bold, fill="white")
    d.text((20, 110), "Serum Vitamin C", font=text, fill="black")
    d.text((20, 140), "30 ml  ·  BPOM NA18", font=text, fill="black")
    d.ellipse((90, 190, 210, 310), outline=(180, 30, 60), width=8)
    d.text((122, 232), "C+", font=bold, fill=(180, 30, 60))
    for i in range(30):
        d.rectangle((20 + i * 8, 330, 20 + i * 8 + (i % 3 + 1), 380), fill="black")
    label.save(path)
    return path
