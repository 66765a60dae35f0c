"""The overlays in real renders, measured as a viewer meets them: every text legible on
its own plate and every edge visible over red, pink, yellow-green, white and black
footage; the captions timed to the words; the arrow's tip inside the avatar at both
output sizes; the LIVE card clear of a real detected face; the poster."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from domain.captions import parse_captions
from worker import caption_images, design, overlays, render
from worker.editlist import EditList, Output, Segment, Source, Sticker
from worker.ffmpeg import binary

pytestmark = pytest.mark.integration

LAYOUT = design.load_layout("standard_9x16")
COLOURS = {"red": (255, 0, 0), "pink": (255, 79, 160), "yellow-green": (154, 205, 50),
           "white": (255, 255, 255), "black": (0, 0, 0)}
STRETCH = 0.4  # s per colour; the colours cycle all through the teaser
TEXT_MIN, EDGE_MIN = 4.5, 3.0
VTT = """WEBVTT

00:00:00.500 --> 00:00:02.400
Nah <00:00:00.900>kak, <00:00:01.300>ini <00:00:01.700>dia <00:00:02.000>yang

00:00:02.400 --> 00:00:04.000
ditunggu-tunggu <00:00:03.200>semua!

00:00:05.000 --> 00:00:09.000
Serum wajah ini bikin kulit lembap seharian, cocok untuk kulit kering dan sensitif
"""


def _lum(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(float) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def _contrast(a: np.ndarray, b: np.ndarray) -> float:
    la, lb = sorted((float(_lum(np.median(a, axis=0))), float(_lum(np.median(b, axis=0)))))
    return (lb + 0.05) / (la + 0.05)


def _erode(mask: np.ndarray, n: int = 1) -> np.ndarray:
    for _ in range(n):
        m = mask.copy()
        m[1:] &= mask[:-1]
        m[:-1] &= mask[1:]
        m[:, 1:] &= mask[:, :-1]
        m[:, :-1] &= mask[:, 1:]
        mask = m
    return mask


def _dilate(mask: np.ndarray, n: int = 1) -> np.ndarray:
    return ~_erode(~mask, n)


def _frames(path: Path, times: list[float], width: int, height: int) -> dict[float, np.ndarray]:
    """The decoded output frames at ``times`` (one decoding pass)."""
    fps = 30
    wanted = sorted({round(t * fps) for t in times})
    select = "+".join(f"eq(n,{n})" for n in wanted)
    raw = subprocess.run([binary(), "-nostdin", "-v", "error", "-i", str(path), "-vf",
                          f"select='{select}'", "-fps_mode", "passthrough", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    arr = np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width, 3)
    assert len(arr) == len(wanted)
    by_n = dict(zip(wanted, arr, strict=True))
    return {t: by_n[round(t * fps)] for t in times}


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("overlays")


@pytest.fixture(scope="module")
def colours(work: Path) -> tuple[EditList, Path]:
    """A 12 s teaser over footage cycling through the five colours, with every overlay:
    the LIVE card, product then offer, word-timed captions, call to action, arrow."""
    cycle = work / "cycle.mp4"
    inputs: list[str] = []
    for rgb in COLOURS.values():
        inputs += ["-f", "lavfi", "-i", f"color=c=0x{bytes(rgb).hex()}:s=720x1280:r=30:"
                   f"d={STRETCH}"]
    n = len(COLOURS)
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex",
                    "".join(f"[{i}:v]" for i in range(n)) + f"concat=n={n}:v=1:a=0[v]",
                    "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30",
                    "-pix_fmt", "yuv420p", str(cycle)], check=True)
    src = work / "colours.mp4"
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-stream_loop", "6", "-i",
                    str(cycle), "-f", "lavfi", "-i", "sine=f=220:r=48000:d=14", "-map", "0:v",
                    "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-t", "13", str(src)],
                   check=True)
    edit = EditList(
        source=Source(str(src), 720, 1280, 13.0, True), segments=(Segment(0.0, 12.0, 1, "x"),),
        output=Output(720, 1280), music=None,
        sticker=Sticker("LIVE Sabtu, 23 Nov · 19.00 WIB", "Serum Glow Flash Sale 12.12"),
        product="Serum Glow Vitamin C 30 ml", offer="Diskon 30% hanya saat LIVE",
        cta="Ketuk untuk masuk LIVE", captions=parse_captions(VTT), poster_at=1.0)
    out = work / "colours-teaser.mp4"
    render.render(edit, out, work / "colours-teaser.jpg")
    return edit, out


def _colour_at(frame: np.ndarray) -> str:
    """Which of the footage colours is under this frame (read at an uncovered spot)."""
    px = frame[1240, 10].astype(int)
    return min(COLOURS, key=lambda k: int(np.abs(px - np.array(COLOURS[k])).sum()))


def _measure(frame: np.ndarray, img: Image.Image, x: int, y: int) -> tuple[float, float]:
    """(text on plate contrast, edge on footage contrast) of one drawn overlay."""
    rgba = np.asarray(img)
    opaque = rgba[:, :, 3] >= 200
    lum = _lum(rgba[:, :, :3])
    text = _erode(opaque & (rgba[:, :, :3].min(axis=2) > 235))
    # the plate: the commonest opaque colour, away from the words
    colours, counts = np.unique(rgba[opaque][:, :3], axis=0, return_counts=True)
    fill = colours[counts.argmax()].astype(int)
    near = np.abs(rgba[:, :, :3].astype(int) - fill).sum(axis=2) < 12
    plate = _erode(opaque & near, 2) & ~_dilate(text, 3)
    inside = rgba[:, :, 3] > 0
    edge = opaque & ~_erode(inside, 3) & (lum > 0.5)
    region = frame[y:y + img.height, x:x + img.width]
    # the footage just outside the overlay's box
    h, w = img.height, img.width
    around = np.concatenate([frame[y - 6:y - 3, x:x + w].reshape(-1, 3),
                             frame[y + h + 3:y + h + 6, x:x + w].reshape(-1, 3)])
    text_c = _contrast(region[text], region[plate])
    edge_c = max(_contrast(region[edge], around), _contrast(region[plate], around))
    return text_c, edge_c


def test_every_overlay_is_legible_over_any_footage(colours: tuple, work: Path) -> None:
    edit, video = colours
    drawn = work / "drawn"
    drawn.mkdir(exist_ok=True)
    assets = render.prepare_assets(edit, drawn)
    assert assets.sticker is not None and assets.band is not None and assets.cta is not None
    card = Image.open(assets.sticker.path)
    times = [round(k * STRETCH + 0.2, 3) for k in range(30)]
    frames = _frames(video, times, 720, 1280)
    results: dict[str, dict[str, tuple[float, float]]] = {}
    for t, frame in frames.items():
        colour = _colour_at(frame)
        results.setdefault(colour, {})["card"] = _measure(frame, card, assets.sticker.x,
                                                          assets.sticker.y)
        for s, e, kind, text in overlays.band_windows(edit.product, edit.offer, 12.0, LAYOUT):
            if s + 0.1 < t < e - 0.1:
                img = overlays.band_image(text, kind, 720, 1280, LAYOUT)
                x = assets.band.x + (assets.band.w - img.width) // 2
                results[colour][kind] = _measure(frame, img, x, assets.band.y)
        cta = overlays.image_of(assets.cta)
        results[colour]["cta"] = _measure(frame, cta, assets.cta.x, assets.cta.y)
    print("\ncontrast (text on plate, edge on footage):")
    for colour, found in results.items():
        print(f"  {colour:13s}", {k: (round(a, 1), round(b, 1)) for k, (a, b) in found.items()})
    assert set(results) == set(COLOURS)
    for colour, found in results.items():
        assert set(found) == {"card", "callout", "offer", "cta"}, (colour, found)
        for name, (text_c, edge_c) in found.items():
            assert text_c >= TEXT_MIN, (colour, name, text_c)
            assert edge_c >= EDGE_MIN, (colour, name, edge_c)


def test_captions_are_legible_and_timed_to_the_words(colours: tuple, work: Path) -> None:
    edit, video = colours
    drawn = work / "drawn-captions"
    drawn.mkdir(exist_ok=True)
    ov, states = caption_images.captions_overlay(edit.captions, 720, 1280, 12.0, 30, LAYOUT,
                                                 drawn)
    assert ov is not None
    images = [img for _, img in caption_images.caption_frames(edit.captions, 720, 1280, LAYOUT)]
    assert [s.text for s in states[:5]] == ["Nah", "Nah kak,", "Nah kak, ini",
                                            "Nah kak, ini dia", "Nah kak, ini dia yang"]
    # each state on screen from its word on: at its start + 2 frames, and not 2 frames before
    probe = [s.start + 2 / 30 for s in states] + [s.start - 2 / 30 for s in states[1:]]
    frames = _frames(video, [round(t, 4) for t in probe], 720, 1280)

    def expect(frame: np.ndarray, img: Image.Image) -> np.ndarray:
        bg = np.median(frame[ov.y:ov.y + ov.h, 2:6].reshape(-1, 3), axis=0)
        rgba = np.asarray(img).astype(float)
        a = rgba[:, :, 3:] / 255.0
        return rgba[:, :, :3] * a + bg * (1 - a)

    def errors(frame: np.ndarray, now: Image.Image, other: Image.Image) -> tuple[float, float]:
        """Mean differences of the frame from ``now`` and from ``other`` where they differ."""
        region = frame[ov.y:ov.y + ov.h, ov.x:ov.x + ov.w].astype(float)
        a, b = expect(frame, now), expect(frame, other)
        differ = np.abs(a - b).max(axis=2) > 100
        assert differ.sum() > 50
        return (float(np.abs(region - a)[differ].mean()),
                float(np.abs(region - b)[differ].mean()))

    blank = Image.new("RGBA", images[0].size, (0, 0, 0, 0))
    for k, state in enumerate(states):
        prev = images[k - 1] if k and states[k - 1].end >= state.start - 1e-3 else blank
        now_err, prev_err = errors(frames[round(state.start + 2 / 30, 4)], images[k], prev)
        assert now_err < 40 and now_err < prev_err - 30, (state.text, now_err, prev_err)
        if k:  # and not a moment sooner
            now_err, prev_err = errors(frames[round(state.start - 2 / 30, 4)], images[k], prev)
            assert prev_err < 40 and prev_err < now_err - 30, (state.text, now_err, prev_err)
    legibility = []
    for k, state in enumerate(states):
        at = frames[round(state.start + 2 / 30, 4)]
        legibility.append(_measure(at, images[k], ov.x, ov.y))
    print("\ncaption contrast (text, edge):", [(round(a, 1), round(b, 1)) for a, b in legibility])
    assert min(a for a, _ in legibility) >= TEXT_MIN
    assert min(b for _, b in legibility) >= EDGE_MIN


@pytest.mark.parametrize(("width", "height"), [(720, 1280), (1080, 1920)])
def test_arrow_tip_rests_inside_the_avatar_circle(work: Path, width: int, height: int) -> None:
    src = work / f"grey-{width}.mp4"
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c=0x606060:s={width}x{height}:r=30:d=3", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(src)], check=True)
    edit = EditList(source=Source(str(src), width, height, 3.0, False),
                    segments=(Segment(0.0, 2.5, 1, "x"),), output=Output(width, height),
                    music=None, cta="Tap to join the LIVE")
    out = work / f"arrow-{width}.mp4"
    render.render(edit, out, work / f"arrow-{width}.jpg")
    drawn = work / f"arrow-drawn-{width}"
    drawn.mkdir(exist_ok=True)
    arrow = render.prepare_assets(edit, drawn).arrow
    assert arrow is not None
    cx, cy, r = LAYOUT.avatar_px(width, height)
    # at rest: after the slide, where the bounce is back at zero
    rest = [arrow.slide_s + k / arrow.bounce_hz for k in (1, 2)]
    for t, frame in _frames(out, rest, width, height).items():
        band = frame[cy - r:cy + r].astype(int)
        yellow = (band[..., 0] > 180) & (band[..., 1] > 150) & (band[..., 2] < 100)
        ys, xs = np.nonzero(yellow)
        tip_x = int(xs.max())
        row = cy - r + int(np.median(ys[xs >= tip_x - 2]))
        tip_y = row
        # the arrow's dark edge runs on past its yellow to the point
        dark = frame[row, tip_x + 1:].astype(int).sum(axis=1) < 3 * 60
        first = int(np.argmax(dark))
        edge_x = tip_x + 1 + first + int(np.argmin(dark[first:]))
        print(f"\n{width}x{height} at {t:.2f} s: tip ({edge_x}, {tip_y}), avatar ({cx}, {cy}) "
              f"r {r}")
        assert (edge_x - cx) ** 2 + (tip_y - cy) ** 2 < r ** 2, (t, edge_x, tip_y)
        assert edge_x > cx - r + 0.2 * r


def test_arrow_fades_in_without_a_pop(work: Path) -> None:
    src = work / "grey-long.mp4"
    subprocess.run([binary(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "color=c=0x606060:s=720x1280:r=30:d=20", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(src)], check=True)
    edit = EditList(source=Source(str(src), 720, 1280, 20.0, False),
                    segments=(Segment(0.0, 18.0, 1, "x"),), output=Output(720, 1280),
                    music=None)
    out = work / "arrow-fade.mp4"
    render.render(edit, out, work / "arrow-fade.jpg")
    start = 18.0 - 12.0  # seen for the last 12 s of an 18 s teaser
    times = [round(start + k / 30, 4) for k in range(-2, 14)]
    frames = _frames(out, times, 720, 1280)
    cx, cy, r = LAYOUT.avatar_px(720, 1280)

    def yellow(frame: np.ndarray) -> float:
        """How much yellow is over the grey (grows with the arrow's opacity and size)."""
        band = frame[cy - r:cy + r].astype(float)
        return float(np.clip((band[..., 0] + band[..., 1]) / 2 - band[..., 2], 0, None).sum())

    amounts = [yellow(frames[t]) for t in times]
    print("\narrow coming in:", [round(a / amounts[-1], 2) for a in amounts])
    assert amounts[0] == amounts[1] == 0  # not there before its time
    assert amounts[-1] > 300 * 200
    # it builds up over several frames: no single frame brings half of it
    assert np.diff(amounts).max() < 0.5 * amounts[-1], amounts


def test_a_sheet_laid_out_in_parts_shows_the_same_frames(colours: tuple, work: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """A timed overlay whose laid-out sheet would pass ffmpeg's largest picture (a few
    hundred word-timed captions at 1080x1920) is laid on in parts: the same frames."""
    from worker import graph

    edit, whole = colours
    drawn = work / "drawn-parts"
    drawn.mkdir(exist_ok=True)
    ov, states = caption_images.captions_overlay(edit.captions, 720, 1280, 12.0, 30, LAYOUT,
                                                 drawn)
    assert ov is not None and len(ov.timed) > 6
    stride = graph.even_up(720 + ov.slot()[0])
    # room for three images per part
    monkeypatch.setattr(graph, "LARGEST_PICTURE", (3 * stride + 129) * (ov.slot()[1] + 128))
    args = graph.build_render_args(edit, render.prepare_assets(edit, drawn), work / "p.mp4",
                                   sound=work / "sound.f32")
    assert _graph_of(args).count("untile=1x3,") >= 2
    parts = work / "parts.mp4"
    render.render(edit, parts, work / "parts.jpg")
    times = [round(s.start + 2 / 30, 4) for s in states]
    a, b = _frames(whole, times, 720, 1280), _frames(parts, times, 720, 1280)
    for t in times:
        region = (slice(ov.y, ov.y + ov.h), slice(ov.x, ov.x + ov.w))
        diff = np.abs(a[t][region].astype(int) - b[t][region].astype(int))
        assert diff.mean() < 2, (t, diff.mean())


def _graph_of(args: list[str]) -> str:
    return " ".join(args[i + 1] for i, a in enumerate(args) if a == "-filter_complex")
