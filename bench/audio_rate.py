"""Benchmark: the AAC rate control for a teaser's sound. The bench teaser's mix (voice
with the bed ducked under it, loudness set: exactly what the render encodes) is written
once as float PCM, then encoded at a constant 128 kbit/s and at VBR qualities; for each,
the encoder's CPU seconds, the bit rate, and the SNR of the decoded sound against the
mix (whole and per 1024-sample frame, median and 10th percentile).

At a constant bit rate the native encoder re-searches a frame (up to five times) when it
cannot spend its budget, which the ducked passages cause all the time; VBR searches once.

    .venv/bin/python bench/audio_rate.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.render import ensure_source, teaser_edit  # noqa: E402
from worker import render  # noqa: E402
from worker.ffmpeg import binary  # noqa: E402
from worker.mix import mix, read_bed  # noqa: E402

SETTINGS = {"cbr 128k": ["-b:a", "128k"], "vbr q2": ["-q:a", "2"],
            "vbr q1.5": ["-q:a", "1.5"]}


def mix_pcm(work: Path) -> Path:
    """The render's own mix for the bench teaser (``worker.mix``), written as float PCM."""
    edit = teaser_edit(ensure_source())
    assets = render.prepare_assets(edit, work)
    lengths = render.segment_samples(edit)
    bed = read_bed(assets.music, sum(lengths)) if assets.music else None
    sound, _ = mix(render.decode_voice(edit, work, timeout=60), lengths, bed)
    out = work / "mix.f32"
    sound.tofile(out)
    return out


def _pcm(path: Path, out: Path) -> np.ndarray:
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-i", str(path), "-c:a",
                    "pcm_f32le", "-f", "f32le", "-ac", "2", "-ar", "48000", str(out)],
                   check=True)
    return np.fromfile(out, "<f4").reshape(-1, 2)


def encode(mix: Path, setting: list[str], out: Path) -> float:
    """Encode the mix as the render does; CPU seconds of the ffmpeg process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-f", "f32le", "-ar", "48000",
                    "-ac", "2", "-i", str(mix), "-c:a", "aac", "-aac_coder", "fast",
                    "-aac_pns", "0", *setting, str(out)], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def snr(ref: np.ndarray, got: np.ndarray) -> dict[str, float]:
    n = min(len(ref), len(got)) // 1024 * 1024
    ref, err = ref[:n], ref[:n] - got[:n]
    frames = (ref.reshape(-1, 1024, 2) ** 2).mean(axis=(1, 2))
    noise = (err.reshape(-1, 1024, 2) ** 2).mean(axis=(1, 2))
    keep = frames > 1e-6  # frames with sound in them
    per_frame = 10 * np.log10(frames[keep] / np.maximum(noise[keep], 1e-12))
    return {"snr_db": round(float(10 * np.log10((ref ** 2).mean() / (err ** 2).mean())), 1),
            "frame_snr_median_db": round(float(np.median(per_frame)), 1),
            "frame_snr_p10_db": round(float(np.percentile(per_frame, 10)), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-aac-") as tmp:
        work = Path(tmp)
        mix = mix_pcm(work)
        ref = np.fromfile(mix, "<f4").reshape(-1, 2)
        seconds = len(ref) / 48000
        result: dict[str, object] = {"mix_s": round(seconds, 2)}
        for name, setting in SETTINGS.items():
            out = work / "enc.m4a"
            cpu = min(encode(mix, setting, out) for _ in range(args.repeat))
            kbps = out.stat().st_size * 8 / seconds / 1000
            result[name] = {"cpu_s": round(cpu, 3), "kbit_s": round(kbps),
                            **snr(ref, _pcm(out, work / "dec.f32"))}
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                         "load_avg_1m": round(os.getloadavg()[0], 2)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
