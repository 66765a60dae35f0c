"""Recordings of every input class a seller sends, for the render stage of ``make eval``.

Closer to a real LIVE than test patterns: a real photographed face (Grace Hopper's
portrait, shipped in matplotlib's wheel) swaying on camera, a real product package
(matplotlib's "Minduka" present pack) held up beside her, a room wall with sensor grain
(temporal noise, so the encoder works as hard as on a phone's picture), and Indonesian
speech synthesised offline by espeak-ng (its library and voices ship in the
``espeakng-loader`` wheel; called through ctypes) over faint room noise. Encoded the way
phones and cameras write them: H.264 High with CABAC and B-frames at a phone's bit rate;
the interlaced class as 1080i MPEG-2 in MPEG-TS, as a camcorder does.

Each recording is generated once and cached by class name and recipe version.
"""

from __future__ import annotations

import ctypes
import importlib.util
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from worker.ffmpeg import binary

RECIPE_VERSION = 1
SPEECH_ID = (
    "Halo kakak semua, selamat datang di LIVE kami! Hari ini ada serum wajah tiga puluh "
    "mililiter. Lihat ya kak, teksturnya ringan dan cepat meresap. Diskon lima puluh "
    "persen hanya selama LIVE. Yuk checkout sekarang, stoknya terbatas! Jangan lupa follow "
    "dan klik keranjang kuning di bawah ya kak."
)


@dataclass(frozen=True)
class InputClass:
    """One kind of recording: picture size, frame rate, who is on it, what sound."""

    name: str
    width: int
    height: int
    fps: float = 30.0
    seconds: float = 48.0
    person: str | None = "centre"  # "centre" | "left" | None
    audio: str | None = "stereo"  # "stereo" | "mono" | "5.1" | None
    vfr: bool = False
    interlaced: bool = False
    bitrate: str = "12M"
    picture_of: str | None = None  # another class whose picture this one reuses (copied)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.width}x{self.height}{'i' if self.interlaced else ''}" \
               f" {self.fps:g}{' VFR' if self.vfr else ''} fps, {self.audio or 'no'} audio)"


CLASSES: tuple[InputClass, ...] = (
    InputClass("portrait_720", 720, 1280, bitrate="6M"),
    InputClass("portrait_1080", 1080, 1920),
    InputClass("landscape_person", 1920, 1080, person="left"),
    InputClass("landscape_nobody", 1920, 1080, person=None),
    InputClass("wide_235", 1920, 818, person="left"),
    InputClass("classic_43", 1440, 1080, person="left", bitrate="10M"),
    InputClass("fps25", 1080, 1920, fps=25.0),
    InputClass("vfr", 1080, 1920, vfr=True),
    InputClass("interlaced", 1920, 1080, fps=25.0, interlaced=True, person="left",
               bitrate="15M"),
    InputClass("mono", 720, 1280, audio="mono", bitrate="6M", picture_of="portrait_720"),
    InputClass("surround_51", 1920, 1080, audio="5.1", person="left",
               picture_of="landscape_person"),
    InputClass("no_audio", 720, 1280, audio=None, bitrate="6M", picture_of="portrait_720"),
    InputClass("short_8s", 1080, 1920, seconds=8.0, picture_of="portrait_1080"),
)


def sample_image(name: str) -> Path:
    """A picture that ships in matplotlib's wheel (the dev extra)."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec and spec.submodule_search_locations, "pip install -e '.[dev]' (matplotlib)"
    path = Path(spec.submodule_search_locations[0]) / "mpl-data" / "sample_data" / name
    assert path.is_file(), path
    return path


def speech_wav(path: Path, text: str = SPEECH_ID, voice: str = "id") -> Path:
    """``text`` spoken by espeak-ng (``voice``) as a mono 16-bit WAV at its native rate."""
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    synchronous = 2  # AUDIO_OUTPUT_SYNCHRONOUS: the callback gets the samples
    rate = lib.espeak_Initialize(synchronous, 0, espeakng_loader.get_data_path().encode(), 0)
    if rate <= 0:
        raise RuntimeError("espeak-ng did not initialise")
    chunks: list[np.ndarray] = []
    callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short),
                                     ctypes.c_int, ctypes.c_void_p)

    def on_samples(wav: ctypes._Pointer[ctypes.c_short], n: int, _events: int) -> int:
        if n > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0

    keep = callback_type(on_samples)  # referenced until synthesis ends
    lib.espeak_SetSynthCallback(keep)
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:
        raise RuntimeError(f"espeak-ng has no voice {voice!r}")
    data = text.encode()
    utf8 = 1  # espeakCHARS_UTF8
    if lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, utf8, None, None) != 0:
        raise RuntimeError("espeak-ng synthesis failed")
    lib.espeak_Synchronize()
    samples = np.concatenate(chunks).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


def make(cls: InputClass, folder: Path) -> Path:
    """The recording of ``cls`` in ``folder`` (generated on first use)."""
    ext = ".ts" if cls.interlaced else ".mp4"
    path = folder / f"{cls.name}-v{RECIPE_VERSION}{ext}"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    speech = folder / "speech-id.wav"
    if not speech.exists():
        speech_wav(speech)
    wall = wall_png(folder / f"wall-{cls.width}x{cls.height}.png", cls.width, cls.height)
    tmp = path.with_name(".tmp-" + path.name)
    if cls.picture_of:
        # Same picture as another class (copied, not encoded again), its own sound.
        base = make(next(c for c in CLASSES if c.name == cls.picture_of), folder)
        argv = ["-i", str(base), *_sound_inputs(cls, speech, 1), "-filter_complex",
                ";".join(_sound_chain(cls, 1)) or "anullsrc[unused]", "-map", "0:v",
                *(["-map", "[aout]"] if cls.audio else []), "-t", f"{cls.seconds:g}",
                "-c:v", "copy", *(["-c:a", "aac", "-b:a", "128k"] if cls.audio else []),
                "-movflags", "+faststart", "-f", "mp4"]
        if not cls.audio:
            argv = ["-i", str(base), "-map", "0:v", "-t", f"{cls.seconds:g}", "-c:v", "copy",
                    "-movflags", "+faststart", "-f", "mp4"]
    else:
        argv = _argv(cls, speech, wall)
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", *argv, str(tmp)], check=True)
    tmp.replace(path)
    return path


def wall_png(path: Path, width: int, height: int, seed: int = 7) -> Path:
    """A plastered room wall: a warm colour, soft light falling off, blotchy texture."""
    import cv2

    rng = np.random.default_rng(seed)
    blotch = cv2.resize(rng.normal(0, 1, (height // 24 + 2, width // 24 + 2)),
                        (width, height), interpolation=cv2.INTER_CUBIC)
    fine = cv2.GaussianBlur(rng.normal(0, 1, (height, width)), (0, 0), 1.2)
    yy, xx = np.mgrid[0:height, 0:width]
    light = 1.0 - 0.35 * (((xx - width * 0.3) / width) ** 2 + ((yy - height * 0.2) / height) ** 2)
    base = np.array([99, 119, 138], np.float64)  # BGR: a warm beige
    img = base * light[..., None] + (9 * blotch + 5 * fine)[..., None]
    cv2.imwrite(str(path), np.clip(img, 0, 255).astype(np.uint8))
    return path


def _scaled(name: str, path: Path, *, width: int | None = None,
            height: int | None = None) -> Path:
    """A sample picture scaled once (not per frame in the graph) to ``width`` or ``height``."""
    from PIL import Image

    with Image.open(sample_image(name)) as opened:
        img = opened.convert("RGBA")
    w = width or round(img.width * (height or img.height) / img.height)
    h = height or round(img.height * w / img.width)
    img.resize((w // 2 * 2, h // 2 * 2), Image.Resampling.LANCZOS).save(path)
    return path


def _argv(cls: InputClass, speech: Path, wall: Path) -> list[str]:
    w, h, d = cls.width, cls.height, cls.seconds
    short = min(w, h)
    person_h = int(h * 0.62) // 2 * 2
    pack_w = int(short * 0.32) // 2 * 2
    face = _scaled("grace_hopper.jpg", wall.with_name(f"host-{person_h}.png"), height=person_h)
    pack = _scaled("Minduka_Present_Blue_Pack.png", wall.with_name(f"pack-{pack_w}.png"),
                   width=pack_w)
    rate = 50.0 if cls.interlaced else (60.0 if cls.vfr else cls.fps)
    args = ["-loop", "1", "-framerate", f"{rate:g}", "-t", f"{d:g}", "-i", str(wall),
            "-loop", "1", "-framerate", f"{rate:g}", "-t", f"{d:g}", "-i", str(face),
            "-loop", "1", "-framerate", f"{rate:g}", "-t", f"{d:g}", "-i", str(pack)]
    # The wall with grain that changes every frame, as a phone's sensor gives indoors.
    chains = ["[0:v]format=yuv420p,noise=alls=9:allf=t[wall]"]
    person_x = {"centre": f"{(w - person_h * 512 // 600) // 2}",
                "left": f"{w // 6}"}.get(cls.person or "", "0")
    last = "wall"
    if cls.person:
        chains.append(f"[{last}][1:v]overlay=x='{person_x}+{short // 40}*sin(t/3)':"
                      f"y={h - person_h}:shortest=1[withhost]")
        last = "withhost"
    # The product, held up beside the host from 12 s on and moved about as she shows it.
    pack_x = (w * 3 // 5) if cls.person != "centre" else (w - pack_w) // 2 + w // 5
    chains.append(f"[{last}][2:v]overlay=x='{pack_x}+{short // 25}*sin(t*1.3)':"
                  f"y='{h // 3}+{h // 30}*cos(t*1.1)':enable='gte(t,12)':shortest=1[pic]")
    last = "pic"
    if cls.interlaced:
        chains.append(f"[{last}]tinterlace=mode=interleave_top,setfield=tff[vout]")
    elif cls.vfr:
        # Frames dropped in an uneven pattern: 60 -> about 36 fps with gaps of 1-3 ticks,
        # as a phone under load writes them.
        chains.append(f"[{last}]select='lt(mod(n\\,5)\\,3)'[vout]")
    else:
        chains.append(f"[{last}]null[vout]")
    maps = ["-map", "[vout]"]
    args += _sound_inputs(cls, speech, 3)
    chains += _sound_chain(cls, 3)
    if cls.audio:
        maps += ["-map", "[aout]"]
    args += ["-filter_complex", ";".join(chains), *maps, "-t", f"{d:g}"]
    if cls.interlaced:
        args += ["-c:v", "mpeg2video", "-b:v", cls.bitrate, "-maxrate", cls.bitrate,
                 "-bufsize", "9M", "-flags", "+ilme+ildct", "-g", "12",
                 "-bf", "2", "-pix_fmt", "yuv420p"]
        if cls.audio:
            args += ["-c:a", "mp2", "-b:a", "256k"]
        return [*args, "-f", "mpegts"]
    args += ["-c:v", "libx264", "-preset", "superfast", "-profile:v", "high",
             "-b:v", cls.bitrate, "-maxrate", cls.bitrate, "-bufsize", "24M", "-bf", "2",
             "-g", f"{int(cls.fps)}", "-pix_fmt", "yuv420p",
             "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"]
    if cls.vfr:
        args += ["-fps_mode", "vfr", "-video_track_timescale", "600"]
    if cls.audio:
        args += ["-c:a", "aac", "-b:a", "128k"]
    return [*args, "-movflags", "+faststart", "-f", "mp4"]


def _sound_inputs(cls: InputClass, speech: Path, first: int) -> list[str]:
    del first
    if not cls.audio:
        return []
    return ["-stream_loop", "-1", "-i", str(speech),
            "-f", "lavfi", "-i", f"anoisesrc=c=pink:a=0.004:r=48000:d={cls.seconds:g}"]


def _sound_chain(cls: InputClass, first: int) -> list[str]:
    """Speech (espeak-ng pauses at every full stop) over faint room noise; the voice in the
    centre channel for 5.1."""
    if not cls.audio:
        return []
    layout = {"stereo": "stereo", "mono": "mono", "5.1": "5.1"}[cls.audio]
    return [f"[{first}:a]aresample=48000,atrim=duration={cls.seconds:g}[sp];"
            f"[sp][{first + 1}:a]amix=inputs=2:normalize=0:duration=first,"
            f"pan={layout}|" + _pan(layout) + "[aout]"]


def _pan(layout: str) -> str:
    if layout == "mono":
        return "c0=c0"
    if layout == "stereo":
        return "c0=c0|c1=c0"
    return "FL=0.3*c0|FR=0.3*c0|FC=c0|LFE=0.1*c0|BL=0.2*c0|BR=0.2*c0"
