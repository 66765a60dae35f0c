"""Per-second picture and sound analysis of a recording, for ranking without metrics,
reframing to 9:16, the metrics ranker's quality veto and the hub's quality checks.

``analyse(path)`` streams small frames and 16 kHz audio through ``worker.frames`` (the
one reader), measures each with ``worker.features`` and keeps per-*second* arrays, the
times of shot changes and of quiet moments. ``Analysis.save`` writes them beside the
footage (``<footage>.analysis.npz``) so a later render does not analyse again.
"""

from __future__ import annotations

import io
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from domain.recording import RecordingQuality
from worker import features as fx
from worker.errors import InputError
from worker.frames import AudioBlock, VideoFrame, read_media
from worker.limits import header_duration, max_duration_s

ANALYSIS_VERSION = 2  # 2: pauses, the product region
FULL_FPS = 4.0  # frames a second decoded for short footage
# Past this length only keyframes are decoded: every frame of 2 h of 720p costs minutes.
KEYFRAMES_AFTER_S = 900.0
KEYFRAME_FACE_EVERY = 3.9  # s between face checks on keyframes: plenty for a session's share
SECOND_ARRAYS = ("sharpness", "brightness", "dark", "blown", "motion", "local_motion",
                 "shake", "face", "face_x", "face_w", "face_left", "face_right",
                 "action_x", "action_spread", "speech", "loudness", "silence")


@dataclass
class Analysis:
    """Per-second features of ``start``..``start + duration`` of a recording.

    Arrays (one value per second, index ``i`` = second ``start + i``): ``sharpness``
    0..1; ``brightness`` mean luma 0..1; ``dark``/``blown`` pixel shares; ``motion``
    mean frame change 0..1; ``local_motion`` change not explained by the camera moving;
    ``shake`` 0..1; ``face`` share of checked frames with a face; ``face_x``/``face_w``
    centre and width of the largest face and ``face_left``/``face_right`` the span of all
    faces (shares of the width, NaN without a face), ``face_top``/``face_bottom`` their
    vertical span (shares of the height); ``action_x``/``action_spread`` where
    the movement is; ``speech`` 0..1; ``loudness`` LUFS (approx., -70 when silent);
    ``silence`` share of the second with nothing audible. ``shot_changes`` and
    ``quiet_times`` are source seconds; ``pauses`` the (start, end) source seconds of
    each pause between words and phrases, shape (k, 2). ``product_left``/
    ``product_right``: per second, where something moves beside the seller (a product
    shown, the hands holding it) as shares of the width, NaN when nothing does (full
    mode only; empty for analyses that predate it).
    """

    start: float
    duration: float
    frame_width: int
    frame_height: int
    mode: str  # "full" (FULL_FPS) or "keyframes"
    has_audio: bool
    sharpness: np.ndarray
    brightness: np.ndarray
    dark: np.ndarray
    blown: np.ndarray
    motion: np.ndarray
    local_motion: np.ndarray
    shake: np.ndarray
    face: np.ndarray
    face_x: np.ndarray
    face_w: np.ndarray
    face_left: np.ndarray
    face_right: np.ndarray
    action_x: np.ndarray
    action_spread: np.ndarray
    speech: np.ndarray
    loudness: np.ndarray
    silence: np.ndarray
    shot_changes: np.ndarray
    quiet_times: np.ndarray
    # Vertical span of all faces (shares of the height, NaN without a face); None in an
    # analysis saved before they were kept.
    face_top: np.ndarray | None = None
    face_bottom: np.ndarray | None = None
    source_size: int = 0
    source_mtime: float = 0.0
    version: int = ANALYSIS_VERSION
    pauses: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    product_left: np.ndarray = field(default_factory=lambda: np.zeros(0))
    product_right: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def seconds(self) -> int:
        """Number of per-second values."""
        return len(self.sharpness)

    @property
    def times(self) -> np.ndarray:
        """Start time (source seconds) of each per-second value."""
        return self.start + np.arange(self.seconds, dtype=np.float64)

    def index(self, t: float) -> int:
        """The per-second index holding source time ``t`` (clamped)."""
        return int(min(max(0, math.floor(t - self.start)), max(0, self.seconds - 1)))

    def exposure(self) -> np.ndarray:
        """Per-second exposure score 0..1 (too dark or blown out is low)."""
        return fx.exposure_score(self.brightness, self.dark, self.blown)

    def frozen(self) -> np.ndarray:
        """Per-second True where the picture does not change at all (a stalled stream)."""
        return self.motion < 0.0015

    def quality_per_second(self) -> np.ndarray:
        """0..1 picture quality per second: low for dark, blown, blurred, shaky or frozen
        moments. The metrics ranker uses it to veto moments the numbers alone would pick."""
        sharp = np.clip((self.sharpness - 0.15) / 0.5, 0.0, 1.0)
        q = sharp * self.exposure() * (1.0 - 0.6 * self.shake)
        return np.where(self.frozen(), q * 0.1, q)

    def recording_quality(self) -> RecordingQuality:
        """The recording-quality figures the hub's checks (host visible, clear image,
        stable picture, clear audio) need, as ``domain.recording.RecordingQuality``."""
        values = {
            "face_on_screen_share": round(_mean(self.face), 3),
            "sharpness": round(_mean(self.sharpness), 3),
            "brightness": round(_mean(self.brightness), 3),
            "shake": round(_mean(self.shake), 3),
            # No audio track: as quiet as it gets, and all of it silent.
            "loudness_lufs": round(self.integrated_loudness(), 1) if self.has_audio else -70.0,
            "silence_share": round(_mean(self.silence), 3) if self.has_audio else 1.0,
        }
        return RecordingQuality(**values)

    def integrated_loudness(self) -> float:
        """Approximate integrated loudness (LUFS): the BS.1770 gates on per-second values."""
        lo = self.loudness[self.loudness > -70.0]
        if not len(lo):
            return -70.0
        power = np.power(10.0, (lo + 0.691) / 10.0)
        rel = -0.691 + 10 * np.log10(power.mean()) - 10.0
        gated = power[lo > rel]
        return float(-0.691 + 10 * np.log10(gated.mean() if len(gated) else power.mean()))

    # ------------------------------------------------------------------ persistence

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the analysis as ``.npz`` (atomically) and return the path."""
        final = Path(path)
        meta = {f.name: getattr(self, f.name) for f in fields(self)
                if not isinstance(getattr(self, f.name), np.ndarray)}
        arrays = {f.name: getattr(self, f.name) for f in fields(self)
                  if isinstance(getattr(self, f.name), np.ndarray)}
        buf = io.BytesIO()
        np.savez_compressed(buf, meta=np.array(json.dumps(meta)), **arrays)
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, final)
        return final

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Analysis:
        """Read an analysis written by :meth:`save`."""
        with np.load(Path(path), allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            arrays = {k: data[k] for k in data.files if k != "meta"}
        return cls(**meta, **arrays)


def covering(analyses: Sequence[Analysis], start: float, end: float) -> Analysis | None:
    """The first of ``analyses`` that covers ``start``..``end`` (source seconds), if any."""
    for a in analyses:
        if a.start <= start + 1e-6 and end <= a.start + a.seconds + 1e-6:
            return a
    return None


def _mean(a: np.ndarray) -> float:
    return float(np.mean(a)) if len(a) else 0.0


def analysis_path_for(footage: str | os.PathLike[str]) -> Path:
    """Where the analysis of ``footage`` is kept: beside it, ``<name>.analysis.npz``."""
    p = Path(footage)
    return p.with_name(p.name + ".analysis.npz")


def is_current(saved: Analysis, footage: Path) -> bool:
    """Whether ``saved`` is a whole-recording analysis of ``footage`` as it is now, by this
    version of the analysis (its size; not its modification time, which a moved media
    store does not keep)."""
    return (saved.version == ANALYSIS_VERSION and saved.start == 0.0
            and footage.is_file() and saved.source_size == footage.stat().st_size)


def load_or_analyse(footage: str | os.PathLike[str], *,
                    on_progress: Callable[[float], None] | None = None) -> Analysis:
    """The saved analysis of ``footage`` when it is current (same version, file size and
    modification time), else a fresh one, saved beside the footage."""
    p = Path(footage)
    cache = analysis_path_for(p)
    st = p.stat()
    if cache.exists():
        try:
            saved = Analysis.load(cache)
        except (OSError, ValueError, KeyError, TypeError):
            saved = None
        if saved is not None and is_current(saved, p) and saved.source_mtime == st.st_mtime:
            return saved
    result = analyse(p, on_progress=on_progress)
    result.save(cache)
    return result


def analyse(path: str | os.PathLike[str], *, window: tuple[float, float] | None = None,
            on_progress: Callable[[float], None] | None = None, mode: str | None = None,
            timeout: float | None = None, faces: bool = True) -> Analysis:
    """Analyse ``path`` (or ``window`` = (start, duration) of it) into per-second features.

    ``mode`` "full" decodes ``FULL_FPS`` frames a second, "keyframes" only keyframes;
    by default long recordings (over ``KEYFRAMES_AFTER_S``, unwindowed) use keyframes.
    ``faces=False`` skips face detection (the face arrays say nobody), for a look that
    has no use for faces: it is most of the analysis' CPU on a photographed face.
    Raises ``FfmpegError`` when the file cannot be decoded or the timeout passes.
    """
    p = Path(path).resolve()
    total = header_duration(p) or 0.0
    start = float(window[0]) if window else 0.0
    span = float(window[1]) if window else total
    if window and total:
        span = max(0.0, min(span, total - start))
    if mode is None:
        mode = "keyframes" if (window is None and total > KEYFRAMES_AFTER_S) else "full"
    acc = _Accumulator(start=start, mode=mode, faces=faces)
    limit = timeout if timeout is not None else max(120.0, 0.6 * max(span, 1.0))
    # Decoding stops where the header says the recording ends (a file whose header says
    # 10 s can hold 20 minutes): never more than the stated span, or the duration limit.
    bounded = window or (0.0, (total or max_duration_s()) + DECODE_SLACK_S)
    last_report = 0.0
    # Our own ffmpeg decodes on the other core: OpenCV's thread pool would only fight it.
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        for item in read_media(str(p), fps=FULL_FPS if mode == "full" else None,
                               window=bounded, timeout=limit):
            acc.add(item)
            if on_progress and span > 0 and isinstance(item, VideoFrame):
                now = time.monotonic()
                if now - last_report > 0.5:
                    last_report = now
                    on_progress(min(1.0, (item.t - start) / span))
    finally:
        cv2.setNumThreads(threads)
    if window is None and total:
        _check_complete(p, acc, total, mode)
    st = p.stat()
    result = acc.finish(span or None, source_size=st.st_size, source_mtime=st.st_mtime)
    if on_progress:
        on_progress(1.0)
    return result


DECODE_SLACK_S = 1.0
# How far before the stated end the last decoded picture may be: one frame interval when
# every frame is decoded; a keyframe interval (phones and LIVE encoders: 1-10 s) otherwise.
COMPLETE_WITHIN_S = {"full": 2.0, "keyframes": 12.0}


def _check_complete(path: Path, acc: _Accumulator, stated: float, mode: str) -> None:
    """Refuse a recording whose streams end well before its header says (an upload cut
    off mid-transfer, a truncated fast-start MP4): every teaser from it would fail."""
    held = (acc.rows[-1][0] - acc.start) if acc.rows else 0.0
    if held < stated - COMPLETE_WITHIN_S[mode]:
        raise InputError(f"{path.name}: holds only {held:.1f} s of picture of the "
                         f"{stated:.1f} s its header states; the file is cut off or damaged. "
                         "Upload the complete recording again.",
                         indonesian=f"{path.name}: hanya berisi {held:.1f} dtk gambar dari "
                                    f"{stated:.1f} dtk yang tercatat; berkasnya terpotong atau "
                                    "rusak. Unggah ulang rekaman yang lengkap.")


class _Accumulator:
    """Collects per-frame and per-25-ms measurements while the file streams by."""

    def __init__(self, *, start: float, mode: str, faces: bool = True) -> None:
        self.start, self.mode = start, mode
        self.face_every = (0.5 if mode == "full" else KEYFRAME_FACE_EVERY) if faces \
            else math.inf
        self.rows: list[tuple[float, ...]] = []
        self.face_rows: list[tuple[float, ...]] = []
        self.product_rows: list[tuple[float, float, float]] = []
        self.faces_at: tuple[float, float, float] | None = None  # (t, left, right)
        self.prev: np.ndarray | None = None
        self.prev_hist: np.ndarray | None = None
        self.last_face_t = -1e9
        self.size = (0, 0)
        self.audio_t0: float | None = None
        self.pending = np.zeros(0, dtype=np.float32)
        self.audio_parts: list[fx.AudioFrames] = []

    def add(self, item: VideoFrame | AudioBlock) -> None:
        if isinstance(item, VideoFrame):
            self._video(item)
        else:
            self._audio(item)

    def _video(self, f: VideoFrame) -> None:
        g = f.gray
        self.size = (g.shape[1], g.shape[0])
        exp = fx.exposure(g)
        hist = fx.histogram(g)
        if self.prev is not None and self.prev.shape == g.shape:
            m = fx.motion(self.prev, g)
            cut = fx.histogram_distance(self.prev_hist, hist)  # type: ignore[arg-type]
        else:
            m, cut = fx.Motion(0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0), 0.0
        self.rows.append((f.t, fx.sharpness(g), exp.brightness, exp.dark, exp.blown, m.total,
                          m.local, m.dx, m.dy, m.centre_x, m.spread, cut))
        if f.t - self.last_face_t >= self.face_every:
            self.last_face_t = f.t
            boxes = fx.faces(g)
            if boxes:
                x, _, w, _ = boxes[0]
                left = min(b[0] for b in boxes)
                right = max(b[0] + b[2] for b in boxes)
                top = min(b[1] for b in boxes)
                bottom = max(b[1] + b[3] for b in boxes)
                self.face_rows.append((f.t, 1.0, x + w / 2, w, left, right, top, bottom))
                self.faces_at = (f.t, left, right)
            else:
                self.face_rows.append((f.t, 0.0, *[math.nan] * 6))
        if (self.mode == "full" and self.prev is not None and self.prev.shape == g.shape
                and self.faces_at is not None and f.t - self.faces_at[0] <= 1.0):
            cols = cv2.absdiff(self.prev, g).sum(axis=0, dtype=np.float64)
            region = fx.region_beside(cols / g.shape[0], self.faces_at[1:])
            if region is not None:
                self.product_rows.append((f.t, *region))
        self.prev, self.prev_hist = g, hist

    def _audio(self, b: AudioBlock) -> None:
        if self.audio_t0 is None:
            self.audio_t0 = b.t
        self.pending = np.concatenate([self.pending, b.samples])
        whole = (len(self.pending) // (fx.AUDIO_FRAME * 40)) * fx.AUDIO_FRAME * 40
        if whole:
            self.audio_parts.append(fx.audio_frames(self.pending[:whole]))
            self.pending = self.pending[whole:]

    def finish(self, span: float | None, *, source_size: int, source_mtime: float) -> Analysis:
        if len(self.pending) >= fx.AUDIO_FRAME:
            self.audio_parts.append(fx.audio_frames(self.pending))
        rows = np.asarray(self.rows, dtype=np.float64).reshape(-1, 12)
        last_t = float(rows[-1, 0]) if len(rows) else self.start
        dur = span if span else last_t - self.start + 1.0
        n = max(1, int(math.ceil(dur - 1e-6)))
        sec = np.clip(np.floor(rows[:, 0] - self.start).astype(int), 0, n - 1)
        per: dict[str, Any] = {name: _per_second(sec, rows[:, col], n) for name, col in
               (("sharpness", 1), ("brightness", 2), ("dark", 3), ("blown", 4),
                ("motion", 5), ("local_motion", 6), ("action_x", 9), ("action_spread", 10))}
        if len(rows):
            # The first frame has no predecessor: its zero motion is not "frozen".
            per["motion"][sec[0]] = per["motion"][min(sec[0] + 1, n - 1)]
        per["shake"] = _shake(sec, rows[:, 7:9], n, self.size[0])
        faces = np.asarray(self.face_rows, dtype=np.float64).reshape(-1, 8)
        fsec = np.clip(np.floor(faces[:, 0] - self.start).astype(int), 0, n - 1)
        per["face"] = _per_second(fsec, faces[:, 1], n) if math.isfinite(self.face_every) \
            else np.zeros(n)  # not looked for: nobody found
        for name, col in (("face_x", 2), ("face_w", 3)):
            per[name] = _per_second(fsec, faces[:, col], n, fill=False)
        per["face_left"] = _reduce(fsec, faces[:, 4], n, np.fmin)
        per["face_right"] = _reduce(fsec, faces[:, 5], n, np.fmax)
        per["face_top"] = _reduce(fsec, faces[:, 6], n, np.fmin)
        per["face_bottom"] = _reduce(fsec, faces[:, 7], n, np.fmax)
        products = np.asarray(self.product_rows, dtype=np.float64).reshape(-1, 3)
        psec = np.clip(np.floor(products[:, 0] - self.start).astype(int), 0, n - 1)
        product: dict[str, Any] = {"product_left": _per_second(psec, products[:, 1], n, fill=False),
                   "product_right": _per_second(psec, products[:, 2], n, fill=False)}
        audio: dict[str, Any] = dict(self._audio_seconds(n))
        shots = fx.shot_changes(rows[:, 0], rows[:, 11]) if len(rows) else np.zeros(0)
        return Analysis(start=self.start, duration=float(dur), frame_width=self.size[0],
                        frame_height=self.size[1], mode=self.mode,
                        has_audio=bool(self.audio_parts), shot_changes=shots,
                        source_size=source_size, source_mtime=source_mtime, **per, **audio,
                        **product)

    def _audio_seconds(self, n: int) -> dict[str, np.ndarray]:
        silent = {"speech": np.zeros(n), "loudness": np.full(n, -70.0),
                  "silence": np.ones(n), "quiet_times": np.zeros(0),
                  "pauses": np.zeros((0, 2))}
        if not self.audio_parts or self.audio_t0 is None:
            return silent
        a = fx.AudioFrames(*(np.concatenate([getattr(p, k) for p in self.audio_parts])
                             for k in ("energy_db", "kpower", "voice", "flatness")))
        per_s = fx.AUDIO_RATE // fx.AUDIO_FRAME
        first = int(round((self.audio_t0 - self.start) * per_s))
        # Frame arrays aligned on the analysis' seconds (silence where there is no audio),
        # half a second of padding each side for the 2 s speech windows.
        pad, m = per_s // 2, n * per_s
        lo, hi = max(0, -first), min(len(a.energy_db), m - first)
        aligned = []
        for values, empty in ((a.energy_db, -120.0), (a.kpower, 0.0), (a.voice, 0.0),
                              (a.flatness, 1.0)):
            row = np.full(m + 2 * pad, empty)
            if hi > lo:
                row[pad + first + lo:pad + first + hi] = values[lo:hi]
            aligned.append(row)
        energy, kpower, voice, flatness = aligned
        core = slice(pad, pad + m)
        heard = np.zeros(m + 2 * pad, dtype=bool)
        if hi > lo:
            heard[pad + first + lo:pad + first + hi] = True
        has = heard[core].reshape(n, per_s).any(axis=1)
        power = kpower[core].reshape(n, per_s).mean(axis=1)
        loud = np.where(has, np.maximum(-70.0, -0.691 + 10 * np.log10(power + 1e-12)), -70.0)
        silence = np.where(has, (energy[core].reshape(n, per_s) < fx.SILENCE_DB).mean(axis=1),
                           1.0)
        win = 2 * per_s

        def rows(x: np.ndarray) -> np.ndarray:
            return np.lib.stride_tricks.sliding_window_view(x, win)[::per_s][:n]

        speech = np.where(has, fx.speech_likeness_rows(rows(energy), rows(voice),
                                                       rows(flatness)), 0.0)
        audible = a.energy_db[a.energy_db > fx.SILENCE_DB]
        ref = float(np.percentile(audible, 90)) if len(audible) else fx.SILENCE_DB
        t0 = self.start + first / per_s
        below = max(fx.SILENCE_DB, ref - 25.0)
        quiet = fx.quiet_times(a.energy_db, t0, below=below)
        pauses = fx.pause_spans(a.energy_db, t0, below=below)
        return {"speech": speech, "loudness": loud, "silence": silence, "quiet_times": quiet,
                "pauses": pauses}


def _per_second(sec: np.ndarray, values: np.ndarray, n: int, *, fill: bool = True
                ) -> np.ndarray:
    """Mean of ``values`` per second; seconds without a sample take the nearest sampled
    second (keyframes can be seconds apart) or NaN when ``fill`` is off. NaN values
    (no face) are left out of the mean."""
    ok = ~np.isnan(values)
    total = np.bincount(sec[ok], weights=values[ok], minlength=n)[:n]
    count = np.bincount(sec[ok], minlength=n)[:n]
    out = np.full(n, np.nan)
    has = count > 0
    out[has] = total[has] / count[has]
    if fill and has.any() and not has.all():
        idx = np.flatnonzero(has)
        nearest = idx[np.clip(np.searchsorted(idx, np.arange(n)), 0, len(idx) - 1)]
        before = idx[np.clip(np.searchsorted(idx, np.arange(n)) - 1, 0, len(idx) - 1)]
        pick = np.where(np.abs(before - np.arange(n)) <= np.abs(nearest - np.arange(n)),
                        before, nearest)
        out[~has] = out[pick[~has]]
    elif fill and not has.any():
        out[:] = 0.0
    return out


def _reduce(sec: np.ndarray, values: np.ndarray, n: int, op: Any) -> np.ndarray:
    out = np.full(n, np.nan)
    for s, v in zip(sec, values, strict=True):
        if not np.isnan(v):
            out[s] = op(out[s], v)
    return out


def _shake(sec: np.ndarray, shifts: np.ndarray, n: int, width: int) -> np.ndarray:
    out = np.zeros(n)
    for i in range(n):
        idx = np.flatnonzero(sec == i)
        if len(idx):
            lo = max(0, idx[0] - 1)
            out[i] = fx.shake(shifts[lo:idx[-1] + 1], width)
    return out
