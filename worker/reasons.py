"""What a seller reads about a LIVE teaser's cuts: why each segment was chosen, why the
teaser opens where it does, and the notes on what could not be done, with the numbers
written the same way everywhere (``2.3×`` a ratio, ``12/min`` a rate, ``1:05`` a time).

``worker.ranking`` decides; this module only words what it decided. A segment's reason
is built from ``SignalStat``s: each lagged signal's mean per second in the segment and
over the session.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

NOTABLE = 1.5  # a signal enters a reason from 1.5x its session average

LABELS = {
    "gmv": "GMV", "orders": "orders", "product_clicks": "product clicks",
    "comments": "comments", "likes": "likes", "shares": "shares",
    "new_followers": "new followers",
}
_PER_MINUTE = frozenset({"comments", "likes", "new_followers"})

#: ``(signal, mean per second in the segment, mean per second over the session)``.
SignalStat = tuple[str, float, float]

NO_SIGNALS_NOTE = ("the timeline has none of GMV, orders, product clicks, comments, likes, "
                   "shares or new followers, so no moment could be ranked above another")
REPEATS_NOTE = ("the session is too short for a second teaser with other moments; this one "
                "repeats moments of the other teaser")
STEADY_NOTE = ("steady session: no moment stood out above the session's usual rates; the "
               "teaser shows typical moments")
WHOLE_OPENING = "the recording is used whole, from its start"
_NO_PRODUCT = "no product moment in the timeline (no pins, product clicks or orders)"
NO_PRODUCT_OPENING = f"{_NO_PRODUCT}; opens on the strongest moment instead"
NO_PRODUCT_NOTE = f"{_NO_PRODUCT}: the first seconds may not show a product"


def short_recording_note(duration: float, target: float) -> str:
    """The recording is shorter than a teaser: it is used whole."""
    return (f"the recording is only {secs(duration)} s long, so the teaser is "
            f"{secs(duration)} s instead of about {secs(target)} s")


def partial_timeline_note(end: float, duration: float) -> str:
    """The timeline stops before the recording does."""
    return (f"the timeline covers only {clock(end)} of the {clock(duration)} recording; "
            "later moments could not be ranked")


def lag_note(lag: float, found: str, lead: str | None) -> str:
    """How long orders were taken to trail the moment that drew them, and how that was
    known: ``found`` is "estimated" (from the session's ``lead`` series) or "default"."""
    if found == "estimated":
        return (f"orders in this session land about {secs(lag)} s after the product moment "
                f"that drew them (measured against its {lead})")
    return (f"this session's timeline cannot tell how long orders take to follow a product "
            f"moment; {secs(lag)} s assumed")


def pin_opening(product: str, at: float) -> str:
    """The teaser opens as ``product`` is pinned."""
    return f"opens as product {product} is pinned (at {clock(at)})"


def orders_rise_opening(r: float, at: float, lag: float) -> str:
    """The teaser opens on the moment behind a rise in orders counted ``lag`` s later."""
    return (f"opens on the moment behind a rise in orders: {ratio(r)} the session average "
            f"(at {clock(at)}; orders counted {secs(lag)} s later)")


def clicks_rise_opening(r: float, at: float) -> str:
    """The teaser opens where product clicks rise to ``r`` times their average."""
    return f"opens where product clicks rise to {ratio(r)} average (at {clock(at)})"


def steady_opening(name: str, per_second: float, at: float) -> str:
    """No rise in ``name``: the teaser opens where it is highest."""
    return (f"no clear product moment ({LABELS[name]} steady at {rate(per_second * 60)}/min);"
            f" opens where they are highest (at {clock(at)})")


def poor_opening_note(at: float) -> str:
    """The opening product moment has poor picture, as have all the others."""
    return f"the product moment at {clock(at)} has poor picture, but no product moment has better"


def reuse_note(at: float, *, only: bool, every: bool) -> str:
    """Why the opening shows a product moment the other teaser shows too: it is the
    ``only`` one, ``every`` one is in the other teaser, or the others have poor picture."""
    if only:
        return f"the only product moment (at {clock(at)}) is also in the other teaser"
    if every:
        return (f"every product moment is also in the other teaser; this one opens on the "
                f"one at {clock(at)}")
    return (f"the product moment at {clock(at)} is also in the other teaser; those it does "
            "not show have poor picture")


def reason_parts(pin: str | None, stats: Sequence[SignalStat], *,
                 weights: Mapping[str, float], cap: float) -> tuple[list[str], bool]:
    """Phrases for the segment (pin first, then the strongest notable signals, by
    ``weights`` and ratios capped at ``cap``) and whether any signal stood out."""
    parts: list[str] = []
    if pin:
        parts.append(f"product pinned: {pin}")
    ranked: list[tuple[float, str]] = []
    for name, here, base in stats:
        if not (base > 0 and math.isfinite(here)) or here / base < NOTABLE:
            continue
        r = here / base
        label = LABELS[name]
        if name in _PER_MINUTE:
            text = f"{label} {rate(here * 60)}/min vs {rate(base * 60)}/min usual"
        elif name in ("gmv", "orders"):
            text = f"{label} {ratio(r)} the session average"
        else:
            text = f"{label} {ratio(r)} average"
        ranked.append((weights[name] * (min(r, cap) - 1), text))
    ranked.sort(key=lambda item: -item[0])
    parts += [text for _, text in ranked[:2]]
    return parts, bool(ranked)


def reason_text(parts: list[str], notable: bool, steady: bool,
                stats: Sequence[SignalStat]) -> str:
    """The segment's reason: its notable ``parts``, or else its usual rates."""
    if notable:
        return "; ".join(parts)
    usual = [f"{LABELS[k]} {rate(here * 60)}/min"  # money per minute reads oddly
             for k, here, _ in stats if k != "gmv" and math.isfinite(here)][:2]
    rates = ", ".join(usual) if usual else (
        "GMV at its usual rate" if any(k == "gmv" for k, _, _ in stats)
        else "no metrics to rank by")
    prefix = "steady session" if steady else "about the session's usual"
    return "; ".join([*parts, f"{prefix}: {rates}"]) if parts else f"{prefix}: {rates}"


def ratio(r: float) -> str:
    """``2.3×``."""
    return f"{r:.1f}×"


def rate(per_min: float) -> str:
    """A per-minute rate: whole from 10, else one decimal."""
    return f"{per_min:.0f}" if per_min >= 10 else f"{per_min:.1f}"


def secs(x: float) -> str:
    """Seconds: whole when within 0.05 s of it, else one decimal."""
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def clock(t: float) -> str:
    """A time into the recording, ``m:ss`` or ``h:mm:ss``."""
    t = int(t)
    h, m, s = t // 3600, t % 3600 // 60, t % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
