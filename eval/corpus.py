"""A seeded corpus of past LIVE sessions with known ground truth, for the ranking scoreboard.

Each session is simulated second by second the way a LIVE-selling room behaves, then
exported as the platform does (one row per bucket, 1-60 s wide) with a saved picture
analysis beside it:

- viewers join over the first minutes and drift; every viewer clicks, comments and likes
  at a low background rate;
- the seller pins products in turn (2-5 of them, each held a few minutes, then unpinned)
  and pitches each one for 15-35 s; viewers tap the pinned product within 0-2 s, so clicks
  rise with the pin, strongest for one product and weaker for the others; the moment
  that sold (the "hero") is the pin whose viewers' orders and GMV were the most;
- orders follow the clicks after a lag of the session's own (0-90 s: a flash sale or
  "checkout sekarang" is near 0, a long demo then "yuk checkout" far later), spread a few
  seconds; GMV is orders times the product's price; comments trail the pin by 2-20 s,
  likes by 0-8 s;
- the picture: a seller on camera, sharp and lit, shot changes every 30-200 s (the host
  switches cameras) and pauses in speech every few seconds; when a product is pinned the
  seller brings it to the camera (a burst of local motion, often a cut to the close-up).

Classes add what real sessions throw at a ranking (the distractors of issue 11): a single
bulk order, a giveaway comment burst with no product on screen, the biggest sales peak over
a dark/blurred/frozen stretch, two products pinned in turn, flat sessions, missing columns,
30-60 s buckets, a timeline shorter than the recording.

Pure numpy and the worker's own types (``Timeline`` rows, ``Analysis``): no files, no
ffmpeg. ``corpus(seed, count, params)`` is deterministic. ``Params`` holds the generator's
ranges (lags, bucket widths, session lengths); ``HELD_OUT`` is a second corpus with other
ranges, so a ranking is not judged only on the sessions it was built against.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from worker.analysis import Analysis

CLASSES: tuple[str, ...] = (
    "clean", "bulk order", "giveaway", "poor picture", "two products", "flat",
    "missing columns", "coarse buckets", "short timeline",
)
DEFAULT_COUNT = 360  # 40 sessions of each class
DEFAULT_SEED = 11


@dataclass(frozen=True)
class Params:
    """The generator's ranges: the orders' lag (s), the bucket widths a session is exported
    in (coarse ones for "coarse buckets"), and the session's length (minutes)."""

    lag: tuple[float, float] = (0.0, 90.0)
    buckets: tuple[int, ...] = (1, 1, 5, 10, 15)
    coarse: tuple[int, ...] = (30, 60)
    minutes: tuple[int, int] = (30, 120)


MAIN = Params()
#: Held out: longer lags, other bucket widths, shorter and longer sessions.
HELD_OUT = Params(lag=(0.0, 110.0), buckets=(1, 2, 3, 5, 10, 20), coarse=(20, 45, 60),
                  minutes=(20, 150))
HELD_OUT_SEED = 2026


@dataclass(frozen=True)
class Pin:
    """A product pinned from ``start`` to ``end`` (recording seconds), pitched for ``pitch`` s."""

    product: str
    start: float
    end: float
    pitch: float
    pull: float  # extra product clicks per second at the pitch, per 1,000 viewers


@dataclass(frozen=True)
class Case:
    """One past session and what a good teaser of it would show.

    ``product_moments``: the times a teaser may open on (within 3 s); empty when the
    session has no product moment. ``sales_peak``: the recording stretch that drew the
    session's sales (the hero product's pitch), None for a flat session. ``distractors``:
    recording spans a teaser must not show."""

    index: int
    kind: str
    duration: float
    bucket: int
    rows: list[dict[str, Any]]
    analysis: Analysis
    lag: float  # seconds orders trail the product clicks in this session
    pins: tuple[Pin, ...]
    product_moments: tuple[float, ...]
    sales_peak: tuple[float, float] | None
    distractors: tuple[tuple[float, float], ...] = field(default=())
    #: Product moments whose sales no data can tell from the hero's: their realized orders
    #: and GMV are each within one standard deviation of counting noise of the hero's (4
    #: orders against 4, or 1 against 2). The hero is among them.
    ties: tuple[float, ...] = field(default=())


def corpus(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT,
           params: Params = MAIN) -> Iterator[Case]:
    """``count`` sessions, the classes in turn, each from its own seeded generator."""
    for i in range(count):
        yield make_case(seed, i, CLASSES[i % len(CLASSES)], params)


def make_case(seed: int, index: int, kind: str, params: Params = MAIN) -> Case:
    """One session of class ``kind``; the same (seed, index, kind) gives the same session."""
    if kind not in CLASSES:
        raise ValueError(f"unknown class {kind!r}; one of {', '.join(CLASSES)}")
    rng = np.random.default_rng([seed, index, CLASSES.index(kind)])
    return _Session(rng, index, kind, params).case()


class _Session:
    def __init__(self, rng: np.random.Generator, index: int, kind: str,
                 params: Params) -> None:
        self.rng, self.index, self.kind = rng, index, kind
        self.n = int(rng.integers(params.minutes[0], params.minutes[1] + 1)) * 60
        self.bucket = int(rng.choice(params.coarse if kind == "coarse buckets"
                                     else params.buckets))
        # The part of the recording the timeline covers (whole buckets).
        covered = self.n if kind != "short timeline" else int(self.n * rng.uniform(0.45, 0.75))
        self.covered = covered - covered % self.bucket
        self.lag = float(rng.uniform(*params.lag))
        self.distractors: list[tuple[float, float]] = []
        self.poor = np.zeros(self.n, dtype=bool)
        self.poor_kind = ""

    # ------------------------------------------------------------------ the session

    def case(self) -> Case:
        rng, n = self.rng, self.n
        t = np.arange(n, dtype=float)
        viewers = self._viewers(t)
        pins = self._pins()
        k = viewers / 1000.0
        clicks = k * rng.uniform(0.3, 1.0) * np.ones(n)
        comments = k * rng.uniform(1.5, 5.0) * np.ones(n)
        likes = k * rng.uniform(15, 50) * np.ones(n)
        conversion = rng.uniform(0.04, 0.12)
        price_of = {p.product: float(rng.choice([29, 49, 79, 99, 149, 249, 399])) * 1000
                    for p in pins}
        extra_clicks = np.zeros(n)
        comment_lag, like_lag = rng.uniform(2, 20), rng.uniform(0, 8)
        drawn: dict[float, np.ndarray] = {}  # each pin's own extra clicks
        for p in pins:
            tap = p.start + rng.uniform(0, 2)
            shape = np.where(t < tap, 0.0, np.where(
                t < p.start + p.pitch, 1.0, np.exp(-(t - p.start - p.pitch) / 30.0)))
            shape[t >= p.end] *= 0.2  # unpinned: the product is off screen
            drawn[p.start] = k * p.pull * shape
            extra_clicks += drawn[p.start]
            burst = np.where((t >= p.start + comment_lag) & (t < p.start + comment_lag + 40),
                             1.0, 0.0)
            comments += k * 2.0 * math.sqrt(p.pull) * burst
            likes += k * 10 * math.sqrt(p.pull) * (
                (t >= p.start + like_lag) & (t < p.start + like_lag + p.pitch))
        if self.kind == "giveaway":
            self._giveaway(t, pins, comments, likes, k)
        counts = {
            "viewers": viewers,
            "product_clicks": rng.poisson(clicks + extra_clicks).astype(float),
            "comments": rng.poisson(comments).astype(float),
            "likes": rng.poisson(likes).astype(float),
            "shares": rng.poisson(k * 0.3 + 0.02 * extra_clicks).astype(float),
        }
        # Orders follow the clicks after the session's lag; those a pin drew are drawn apart
        # (Poisson sums stay Poisson), so the truth knows what each product really sold.
        usual_price = float(np.mean(list(price_of.values())))
        orders = rng.poisson(_delay(clicks * conversion, self.lag)).astype(float)
        qty = orders + rng.poisson(orders * 0.3)
        gmv = qty * usual_price
        sold: dict[float, tuple[float, float]] = {}  # orders and GMV each pin drew
        noise: dict[float, float] = {}  # the variance of each pin's GMV (items x price)
        for p in pins:
            mine = rng.poisson(_delay(drawn[p.start] * conversion, self.lag)).astype(float)
            items = mine + rng.poisson(mine * 0.3)
            orders, qty = orders + mine, qty + items
            gmv = gmv + items * price_of[p.product]
            sold[p.start] = (float(mine.sum()), float(items.sum() * price_of[p.product]))
            noise[p.start] = float(items.sum()) * price_of[p.product] ** 2
        if self.kind == "bulk order":
            self._bulk_order(pins, orders, qty, gmv, usual_price)
        counts.update(orders=orders, items_sold=qty, gmv=gmv,
                      customers=np.minimum(orders, rng.poisson(orders * 0.9)))
        rows = self._export(counts, pins)
        # The moment that sold: the pin that drew the most orders and GMV (each as a share of
        # what the pins drew together), of those a teaser can show; between pins that sold
        # exactly alike (none sold at all, or the same orders of the same product), the one
        # viewers tapped most, not whichever was pinned first.
        total = [max(1e-9, sum(v[i] for v in sold.values())) for i in (0, 1)]
        hero = max(pins, key=lambda p: (-1.0, 0.0) if self.poor[int(p.start)] else
                   (sold[p.start][0] / total[0] + sold[p.start][1] / total[1],
                    float(drawn[p.start].sum())))
        flat = self.kind == "flat"
        moments = tuple(p.start for p in pins) if flat else (hero.start,)
        peak = None if flat else (hero.start, hero.start + hero.pitch)
        ties = moments if flat else tuple(
            p.start for p in pins if not self.poor[int(p.start)]
            and _within_noise(sold[hero.start], sold[p.start], noise[hero.start],
                              noise[p.start]))
        return Case(index=self.index, kind=self.kind, duration=float(n), bucket=self.bucket,
                    rows=rows, analysis=self._analysis(pins), lag=self.lag, pins=tuple(pins),
                    product_moments=moments, sales_peak=peak,
                    distractors=tuple(self.distractors), ties=ties)

    def _viewers(self, t: np.ndarray) -> np.ndarray:
        rng = self.rng
        base = float(np.clip(rng.lognormal(math.log(400), 0.9), 40, 8000))
        walk = np.cumsum(rng.normal(0, 0.01, len(t)))
        walk = np.convolve(walk, np.ones(120) / 120, mode="same")
        ramp = np.minimum(1.0, 0.3 + t / 300.0)
        viewers: np.ndarray = np.maximum(5.0, np.round(base * ramp * np.exp(walk - walk.mean())))
        return viewers

    def _pins(self) -> list[Pin]:
        rng, kind = self.rng, self.kind
        count = 4 if kind == "two products" else int(rng.integers(2, 6))
        usable = self.covered - 360
        gaps = rng.uniform(240, 600, count)
        start = rng.uniform(120, 300)
        times = start + np.concatenate(([0.0], np.cumsum(gaps[:-1])))
        if times[-1] > usable:
            times = 120 + (times - times[0]) * (usable - 120) / max(1.0, times[-1] - times[0])
        hero = int(rng.integers(0, count)) if kind != "two products" else 0
        hero_pull = rng.uniform(4, 12)
        pins: list[Pin] = []
        for i, at in enumerate(times):
            nxt = times[i + 1] if i + 1 < count else at + 600
            end = float(min(nxt, at + rng.uniform(120, 420)))
            if kind == "flat":
                pull = hero_pull * rng.uniform(0.0, 0.08)
            elif kind == "two products":
                pull = hero_pull * (1.0 if i == 0 else 0.5 if i == 2 else rng.uniform(0.25, 0.45))
            else:
                pull = hero_pull if i == hero else hero_pull * rng.uniform(0.1, 0.45)
            product = ("SKU-A", "SKU-B")[i % 2] if kind == "two products" else f"SKU-{i + 1}"
            pins.append(Pin(product, float(round(at)), round(end), float(rng.uniform(15, 35)),
                            float(pull)))
        if kind == "poor picture":
            # The biggest sales peak of all, over a stretch the camera lost (dark, blurred
            # or frozen); the ranking must show the best moment it can show instead.
            pool = [i for i in range(count) if i != hero]
            i = int(rng.choice(pool))
            p = pins[i]
            pins[i] = Pin(p.product, p.start, p.end, p.pitch, hero_pull * rng.uniform(1.3, 2.0))
            lo, hi = int(p.start - rng.uniform(5, 20)), int(p.start + p.pitch + 30)
            self.poor[max(0, lo):hi] = True
            self.poor_kind = str(rng.choice(["dark", "blurred", "frozen"]))
            self.distractors.append((float(max(0, lo)), float(hi)))
        return pins

    def _giveaway(self, t: np.ndarray, pins: list[Pin], comments: np.ndarray,
                  likes: np.ndarray, k: np.ndarray) -> None:
        """"Ketik MAU untuk ikut giveaway!": a flood of comments, nothing on screen to buy."""
        at = self._free_time(pins, 90)
        length = float(self.rng.uniform(40, 90))
        burst = (t >= at) & (t < at + length)
        comments += k * self.rng.uniform(40, 80) * burst
        likes += k * 40 * burst
        self.distractors.append((at, at + length))

    def _bulk_order(self, pins: list[Pin], orders: np.ndarray, qty: np.ndarray,
                    gmv: np.ndarray, price: float) -> None:
        """One reseller's order of 40-200 items: one order, a big GMV, no moment behind it."""
        at = int(self._free_time(pins, 100))
        items = float(self.rng.integers(40, 200))
        orders[at] += 1
        qty[at] += items
        gmv[at] += items * price
        self.distractors.append((max(0.0, at - 95.0), float(at + self.bucket)))

    def _free_time(self, pins: list[Pin], length: float) -> float:
        """A time at least 3 minutes clear of every pin (and its orders) and unpinned."""
        busy = np.zeros(self.covered, dtype=bool)
        for p in pins:
            busy[max(0, int(p.start - 180)):int(max(p.end, p.start + p.pitch + 100 + 90))] = True
        free = np.flatnonzero(~busy[: max(1, self.covered - int(length) - 60)])
        free = free[free > 60]
        if not len(free):
            return float(self.covered - length - 30)
        return float(self.rng.choice(free))

    # ------------------------------------------------------------------ export

    def _export(self, counts: dict[str, np.ndarray], pins: list[Pin]) -> list[dict[str, Any]]:
        """Rows as the platform's export gives them: sums per bucket (viewers: the mean),
        the product pinned at the bucket's end, columns dropped for "missing columns"."""
        b, m = self.bucket, self.covered // self.bucket
        pinned = [""] * self.n
        for p in pins:
            for s in range(int(p.start), min(self.n, int(p.end))):
                pinned[s] = p.product
        drop: set[str] = set()
        if self.kind == "missing columns":
            drop = [{"pinned_product"}, {"orders", "gmv", "items_sold", "customers"},
                    {"product_clicks", "pinned_product"}, {"viewers", "product_clicks"},
                    {"comments", "likes", "shares", "pinned_product"}][self.index // 9 % 5]
        rows: list[dict[str, Any]] = []
        for i in range(m):
            lo, hi = i * b, (i + 1) * b
            row: dict[str, Any] = {"t": lo}
            for name, x in counts.items():
                if name in drop:
                    continue
                v = float(np.mean(x[lo:hi])) if name == "viewers" else float(x[lo:hi].sum())
                row[name] = round(v) if name != "gmv" else int(round(v))
            if "pinned_product" not in drop:
                row["pinned_product"] = pinned[hi - 1] or next(
                    (q for q in pinned[lo:hi] if q), "")
            rows.append(row)
        return rows

    def _analysis(self, pins: list[Pin]) -> Analysis:
        """The picture a saved analysis would hold: a sharp, lit host on camera; the
        product brought to the camera at each pin; the poor stretch of "poor picture"."""
        rng, n = self.rng, self.n
        sharp = np.clip(rng.normal(0.8, 0.04, n), 0, 1)
        bright = np.clip(rng.normal(0.5, 0.03, n), 0, 1)
        dark = np.zeros(n)
        motion = np.clip(rng.normal(0.02, 0.005, n), 0.003, 1)
        local = np.clip(rng.normal(0.01, 0.003, n), 0, 1)
        changes = np.cumsum(rng.uniform(30, 200, n // 30 + 2))
        shots = [float(t) for t in changes[changes < n]]
        for p in pins:
            a = int(p.start)
            local[a:a + 4] = rng.uniform(0.05, 0.1)
            motion[a:a + 4] += 0.04
            if rng.random() < 0.6:
                shots.append(float(p.start))
        poor = self.poor
        if self.poor_kind == "dark":
            bright[poor], dark[poor] = 0.04, 0.95
        elif self.poor_kind == "blurred":
            sharp[poor] = 0.05
        elif self.poor_kind == "frozen":
            motion[poor], local[poor] = 0.0, 0.0
        quiet = np.cumsum(rng.uniform(2, 9, n // 2 + 2))
        return Analysis(
            start=0.0, duration=float(n), frame_width=256, frame_height=456, mode="keyframes",
            has_audio=True, sharpness=sharp, brightness=bright, dark=dark, blown=np.zeros(n),
            motion=motion, local_motion=local, shake=np.zeros(n), face=np.full(n, 0.9),
            face_x=np.full(n, 0.5), face_w=np.full(n, 0.3), face_left=np.full(n, 0.35),
            face_right=np.full(n, 0.65), action_x=np.full(n, 0.5),
            action_spread=np.full(n, 0.3), speech=np.full(n, 0.8),
            loudness=np.full(n, -20.0), silence=np.zeros(n),
            shot_changes=np.array(sorted(shots)), quiet_times=quiet[quiet < n])


def _within_noise(a: tuple[float, float], b: tuple[float, float], gmv_var_a: float,
                  gmv_var_b: float) -> bool:
    """Whether two pins' realized (orders, GMV) differ by less than one standard deviation
    of their counting noise, in both (Poisson orders; GMV as items times price)."""
    return (abs(a[0] - b[0]) <= math.sqrt(a[0] + b[0])
            and abs(a[1] - b[1]) <= math.sqrt(gmv_var_a + gmv_var_b))


def _delay(x: np.ndarray, lag: float) -> np.ndarray:
    """``x`` delayed by ``lag`` s and spread over a few seconds (people check out at their
    own pace): a Gaussian kernel whose width grows with the lag."""
    width = 2.0 + 0.15 * lag
    offsets = np.arange(0, int(lag + 4 * width) + 1, dtype=float)
    kernel = np.exp(-0.5 * ((offsets - lag) / width) ** 2)
    kernel /= kernel.sum()
    padded = np.concatenate((np.full(len(offsets) - 1, x[0]), x))
    return np.convolve(padded, kernel, mode="valid")
