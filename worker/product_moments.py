"""A session's product moments, and what each drew: where a product came on screen (a pin,
a rise in product clicks or in lag-shifted orders, a product held up to the camera) and
its share of the session's orders and GMV.

Pure numpy over the ranking's per-second signals (``worker.ranking`` hands its state over
as a ``MomentContext``); ``worker.ranking`` chooses which moment the teaser opens on.
A moment is ``(time, priority, reason)``: priority 0 a pin, 1 a rise in clicks (1.2 with
nothing pinned), 1.5 a rise in orders, 2 where a steady signal is highest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Protocol

import numpy as np

from worker import reasons
from worker.pitch import pitch_length
from worker.series import aligned, mean, usual_rate
from worker.timeline import Timeline

RISE_WINDOW = 10
#: A rise counts as a product moment from this many times the signal's session average
#: (and more than chance gives): which one drew the sales decides between them, and a
#: small one in good picture is still there when the big one's picture is dark.
RISE_RATIO = 1.25
RISES_PER_SIGNAL = 5
PIN_REACH = 120  # s after a pin that a rise in clicks or orders is still the pin's doing
PIN_LEAD = 10  # s before a pin that a rise is still the pin's (lags are estimates)
PROBE = 20  # s after a product moment that decide which one drew the sales
#: A burst of movement at least this many times the usual is someone bringing something
#: to the camera: within a coarse bucket's pin, that is when the product came on screen.
CUE_RATIO = 3.0
#: Product clicks count for this much of orders' and GMV's say in which product drew the
#: sales: interest, not sales, but they break ties and speak when sales are unknown.
CLICKS_SHARE = 0.25
#: An order's GMV counts at most this many times the session's usual order value: one
#: reseller's bulk order is not a moment.
ORDER_VALUE_CAP = 3.0

Moment = tuple[float, float, str]


class MomentContext(Protocol):
    """What finding and crediting product moments reads of the ranking's state."""

    @property
    def timeline(self) -> Timeline: ...

    @property
    def score(self) -> np.ndarray: ...  # per second: its length is the session's

    @property
    def signals(self) -> Mapping[str, np.ndarray]: ...  # per second, lag-shifted

    @property
    def lags(self) -> Mapping[str, float]: ...

    @property
    def lang(self) -> str: ...


def product_moments(ctx: MomentContext, motion: np.ndarray | None) -> list[Moment]:
    """Every product moment of the session: the pins, the strongest rises in clicks and
    orders (a rise a pin explains opens on the pin; a rise in orders a product moment
    explains is not one of its own), and, with neither pins nor clicks, where a product
    was held up to the camera (``motion``: the picture's local movement per second);
    each placed, within a coarse bucket, where the picture shows the product come."""
    return [(_on_screen(ctx, at, priority, motion), priority, text) for at, priority, text
            in _merged(_to_pins(ctx, _rises(ctx)) + _shown(ctx, motion))]


def order_value_capped(timeline: Timeline, gmv: np.ndarray, n: int, lag: float) -> np.ndarray:
    """GMV with each bucket's order value capped at ``ORDER_VALUE_CAP`` times the session's
    usual one (the median over buckets with orders), when orders are known."""
    orders = aligned(timeline, "orders", n, lag)
    if orders is None:
        return gmv
    with np.errstate(invalid="ignore", divide="ignore"):
        value = gmv / orders
    usual = value[np.isfinite(value) & (orders > 0)]
    if not len(usual):
        return gmv
    capped: np.ndarray = np.minimum(gmv, orders * ORDER_VALUE_CAP * float(np.median(usual)))
    return capped


def _rises(ctx: MomentContext) -> list[Moment]:
    """``(time, priority, reason)`` of every pin, plus the strongest few rises in product
    clicks and in (lagged) orders (several, so a rise in poor picture has alternatives).
    Pins first on a tie: a pin is a product on screen."""
    out = [(t, 0.0, reasons.pin_opening(p, t, ctx.lang))
           for t, p in ctx.timeline.pin_changes() if t < len(ctx.score)]
    r = RISE_WINDOW
    for name in ("product_clicks", "orders"):
        x = ctx.signals.get(name)
        if x is None or not np.nansum(x) > 0 or len(x) < 2 * r:
            continue
        cum = np.concatenate(([0.0], np.cumsum(np.nan_to_num(x))))
        t = np.arange(r, len(x) - r + 1)
        after = (cum[t + r] - cum[t]) / r
        # Rounded so float noise cannot pick a "rise" in a flat session; ties -> earliest.
        rise = np.round(after - (cum[t] - cum[t - r]) / r, 9)
        base = mean(x)
        # The usual rate chance is judged against: a session's peaks lift its mean.
        usual = max(float(np.nanmedian(x)), 0.5 * base)
        found = 0
        for _ in range(RISES_PER_SIGNAL):
            i = int(np.argmax(rise))
            at, ratio = float(t[i]), float(after[i] / base)
            if not (rise[i] > 0 and ratio >= RISE_RATIO
                    and _beyond_chance(after[i] * r, usual * r)):
                break
            found += 1
            # One candidate per rise: a pitch's clicks stay up for a while.
            begin, end = _run(np.nan_to_num(x), at, base)
            # (``rise[j]`` is the rise at second ``j + r``.)
            rise[max(0, min(i, int(begin) - r) - 2 * r):max(i, int(end) - r) + 2 * r] = -np.inf
            at = _onset(np.nan_to_num(x), begin)
            lag = ctx.lags.get("orders", 0)
            out.append((at, 1.5, reasons.orders_rise_opening(ratio, at, lag, ctx.lang))
                       if name == "orders"
                       else (at, 1.0, reasons.clicks_rise_opening(ratio, at, ctx.lang)))
        if found:
            continue
        # No real rise: open where the signal is highest, and say it is steady.
        means = np.round((cum[r:] - cum[:-r]) / r, 9)
        at = float(np.argmax(means))
        out.append((at, 2.0, reasons.steady_opening(name, base, at, ctx.lang)))
    return out


def _run(x: np.ndarray, at: float, usual: float) -> tuple[float, float]:
    """The stretch the rise at ``at`` is part of: where the series (over 3 s) stays above
    half its rise, back to where it began (so a rise found mid-pitch opens where the
    product came on screen), and on to where it fell back: where the series steps down to
    a third of its rise (``worker.pitch``), which a second of few taps mid-pitch does not
    end (a noisy pitch found twice would open on its second half)."""
    smooth = np.convolve(x, np.ones(3) / 3, mode="same")
    a = int(at)
    level = float(smooth[a:a + PROBE].max()) if a < len(smooth) else usual
    threshold = usual + 0.5 * (level - usual)
    start, end = a, a
    while start > max(0, a - PIN_REACH // 2) and smooth[start - 1] >= threshold:
        start -= 1
    while end < min(len(smooth), a + PIN_REACH) and smooth[end] >= threshold:
        end += 1
    end = max(end, a + pitch_length(x, a, 1, PIN_REACH, usual=usual, probe=PROBE))
    return float(start), float(end)


def _onset(x: np.ndarray, at: float) -> float:
    """Where the rise at about ``at`` began, to the second: the start ``t`` that best
    explains the counts up to ``RISE_WINDOW`` s after ``at`` as a step from the level of the
    minute before to a higher one (Poisson likelihood), searched from ``2 * RISE_WINDOW`` s
    before ``at`` to half that after. (Half-way up a noisy rise is seconds late: a second
    of few taps stops a walk back.)"""
    a, r = int(at), RISE_WINDOW
    lo, end = max(0, a - 2 * r), min(len(x), a + r)
    before = x[max(0, lo - 60):lo]
    if not (len(before) and end - lo > r):
        return at
    usual = max(float(before.mean()), 1e-3)
    t = np.arange(lo, min(end - 1, a + r // 2) + 1)
    cum = np.concatenate(([0.0], np.cumsum(x[lo:end])))
    count, seconds = cum[-1] - cum[t - lo], (end - t).astype(float)
    level = count / seconds
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = np.where(level > usual,
                        count * np.log(level / usual) - (level - usual) * seconds, 0.0)
    return float(t[int(np.argmax(np.round(gain, 9)))])


def _beyond_chance(count: float, expected: float) -> bool:
    """More events than the usual rate gives by chance (3 Poisson deviations and one
    more): four orders in ten seconds of a room that orders every few minutes are luck."""
    return count >= expected + 3 * math.sqrt(expected) + 1


def kind(priority: float) -> int:
    """Which product moments come first, whatever they drew: pins and click rises while a
    product is pinned (or pins unknown): a product on screen, viewers tapping it; then
    click rises with nothing pinned and rises in orders (whose place depends on the lag);
    then where a steady signal is highest."""
    return 0 if priority <= 1.0 else 1 if priority <= 1.5 else 2


def _to_pins(ctx: MomentContext, moments: list[Moment]
             ) -> list[Moment]:
    """A rise in clicks while a product is pinned, or in orders within ``PIN_REACH`` s of its
    pin, is that pin's doing: the product came on screen at the pin, so the moment opens
    there."""
    starts: dict[int, tuple[float, str]] = {}
    pin_at: tuple[float, str] | None = None
    changes = dict(ctx.timeline.pin_changes())
    for i, p in enumerate(ctx.timeline.pins):
        if p is None:
            pin_at = None
            continue
        if pin_at is None or pin_at[1] != p or float(i) in changes:
            pin_at = (float(i), p)
        starts[i] = pin_at
    out = []
    for at, priority, text in moments:
        pin = starts.get(int(at))
        # A rise just before a pin (lags are estimates) is the pin too: never open before it.
        ahead = [(t, p) for t, p in changes.items() if at < t <= at + PIN_LEAD]
        if priority > 0 and ahead:
            pin = ahead[0]
        # Clicks rising while a product is pinned are that product's, however long after
        # its pin (the product on screen is the pin's); a rise in orders within reach.
        if priority > 0 and pin is not None and (priority == 1.0 or at - pin[0] <= PIN_REACH):
            out.append((pin[0], 0.0, reasons.pin_opening(pin[1], pin[0], ctx.lang)))
        elif priority == 1.0 and ctx.timeline.has_pins and pin is None:
            # Clicks rising while nothing is pinned: interest, but no product on screen
            # that the timeline knows of; behind every pin, like a rise in orders.
            out.append((at, 1.2, text))
        else:
            out.append((at, priority, text))
    return out


def _shown(ctx: MomentContext, motion: np.ndarray | None) -> list[Moment]:
    """Where the picture shows something brought to the camera (a burst of movement,
    ``CUE_RATIO`` times the usual), as product moments, when the timeline cannot say where
    a product came on screen (no pins, no product clicks): the only witness left. Bursts
    ``PIN_REACH`` s apart at least; a rise in orders after one is credited to it."""
    if motion is None or ctx.timeline.has_pins or "product_clicks" in ctx.signals:
        return []
    m = np.nan_to_num(np.asarray(motion, dtype=float)[:len(ctx.score)])
    usual = float(np.median(m)) if len(m) else 0.0
    if not usual > 0:
        return []
    out: list[Moment] = []
    for t in np.flatnonzero(m >= CUE_RATIO * usual).tolist():
        if not out or t - out[-1][0] >= PIN_REACH:
            out.append((float(t), 1.0, reasons.shown_opening(t, ctx.lang)))
    return out


def _on_screen(ctx: MomentContext, at: float, priority: float,
               motion: np.ndarray | None) -> float:
    """When a product moment known to a coarse bucket's precision came on screen: the
    first second of its bucket where the picture's movement bursts (someone holding the
    product up to the camera), else the bucket's start. A rise (``priority`` > 0) may
    have begun in the bucket before the one it is found at (taps late in a bucket barely
    lift it), so that bucket is looked at too."""
    width = int(math.ceil(ctx.timeline.bucket))
    if motion is None or width <= 3:
        return at
    m = np.asarray(motion, dtype=float)
    usual = float(np.nanmedian(m)) if len(m) else math.nan
    a = int(math.floor(at))
    lo = max(0, a - width) if priority > 0 else a
    x = m[lo:a + width]
    if not (usual > 0 and len(x)):
        return at
    burst = np.flatnonzero(x >= CUE_RATIO * usual)
    return float(lo + burst[0]) if len(burst) else at


def _merged(moments: list[Moment]) -> list[Moment]:
    """A rise in orders from ``PIN_LEAD`` s before to ``PIN_REACH`` s after a moment that
    shows the product (a pin, a click rise) is that moment's doing: it is not a moment of
    its own (``drawn`` credits its orders to the product moment)."""
    shown = [at for at, priority, _ in moments if priority < 1.5]
    return [(at, priority, text) for at, priority, text in moments
            if priority != 1.5 or not any(at - PIN_REACH <= t <= at + PIN_LEAD for t in shown)]


def drawn(ctx: MomentContext, moments: list[Moment]) -> dict[int, float]:
    """What each product moment drew: its share of the session's (lag-shifted) orders and
    of its GMV above their usual rate, counted from ``PIN_LEAD`` s before it to
    ``PIN_REACH`` s after it or the next moment showing a product (so a lag estimated a few
    seconds off still credits the right product); product clicks break ties, and decide
    alone when the timeline has no sales. The usual rate (the median of the series' 2-min
    means) is taken off every stretch, so a long stretch is not credited with the orders
    any stretch of its length gets."""
    n = len(ctx.score)
    shares: list[tuple[float, np.ndarray, float]] = []
    for name, weight in (("orders", 1.0), ("gmv", 1.0), ("product_clicks", CLICKS_SHARE)):
        x = ctx.signals.get(name)
        if x is None:
            continue
        if name == "gmv":
            x = order_value_capped(ctx.timeline, x, n, ctx.lags.get("orders", 0))
        x = np.nan_to_num(x)
        usual = usual_rate(x)
        total = float(np.maximum(x - usual, 0.0).sum())
        if total > 0:
            shares.append((weight / total, np.concatenate(([0.0], np.cumsum(x))), usual))
    shown = sorted({int(math.floor(t)) for t, priority, _ in moments if priority < 1.5})
    out: dict[int, float] = {}
    for a in sorted({int(math.floor(t)) for t, _, _ in moments}):
        nxt = next((t for t in shown if t > a), n)
        lo, hi = max(0, a - PIN_LEAD), max(a + 1, min(a + PIN_REACH, nxt, n))
        out[a] = round(sum(w * max(0.0, float(c[hi] - c[lo]) - usual * (hi - lo))
                           for w, c, usual in shares), 9)
    return out
