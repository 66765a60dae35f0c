"""Per-session LIVE metrics from the platform's timeline export.

Totals are summed from a timeline's rows as ``domain.timeline`` reads and checks them (one
reader, one list of columns: ``domain.timeline.METRICS``). ``gmv`` is in integer minor
units of the session's currency, gross at the payment stage: later returns, refunds and
cancellations are *not* subtracted. ``interacting_viewers`` is the platform's own count of
viewers who commented, liked, shared or followed, when the export has it.

Every ratio whose denominator is zero is "no data": ``None``, never an error or
infinity. Rates are exact ``Fraction``s (``as_percent`` turns one into a display
percentage); money is ``Money``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from domain.errors import InvalidValue
from domain.money import Money
from domain.timeline import METRICS, InvalidTimeline, TimelineRows
from domain.wording import number_id

#: The summed counters: every metric of the timeline but the platform's own count of
#: interacting viewers, which only some exports carry (None when absent).
OPTIONAL_COLUMNS: tuple[str, ...] = ("interacting_viewers",)
COUNTER_COLUMNS: tuple[str, ...] = tuple(m for m in METRICS if m not in OPTIONAL_COLUMNS)


@dataclass(frozen=True)
class SessionTotals:
    """The summed counters of one or more sessions. ``gmv`` is in minor units.

    ``viewers``, ``customers`` and ``interacting_viewers`` are distinct counts per bucket;
    their sum over buckets is an upper bound of the session's distinct count. When the
    platform gives the session-level figure, set it with ``with_session_counts``.
    """

    views: int = 0
    viewers: int = 0
    room_impressions: int = 0
    room_enters: int = 0
    product_impressions: int = 0
    product_clicks: int = 0
    gmv: int = 0
    orders: int = 0
    items_sold: int = 0
    customers: int = 0
    comments: int = 0
    likes: int = 0
    shares: int = 0
    new_followers: int = 0
    interacting_viewers: int | None = None

    @property
    def interactions(self) -> int:
        """Comments + likes + shares + new followers (the fallback interaction count)."""
        return self.comments + self.likes + self.shares + self.new_followers

    def __add__(self, other: SessionTotals) -> SessionTotals:
        summed = {c: getattr(self, c) + getattr(other, c) for c in COUNTER_COLUMNS}
        both = self.interacting_viewers is not None and other.interacting_viewers is not None
        interacting = (
            (self.interacting_viewers or 0) + (other.interacting_viewers or 0) if both else None
        )
        return SessionTotals(**summed, interacting_viewers=interacting)


def _counter(column: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise InvalidValue(f"{column!r} must be a number, got {value!r}.", field=column,
                           indonesian=f"{column!r} harus berupa angka, bukan {value!r}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValue(f"{column!r} must be finite, got {value!r}.", field=column,
                           indonesian=f"{column!r} harus angka yang terhingga, bukan "
                                      f"{value!r}.")
    if value != int(value):
        raise InvalidValue(f"{column!r} must be a whole number, got {value!r}.", field=column,
                           indonesian=f"{column!r} harus bilangan bulat, bukan {value!r}.")
    if value < 0:
        raise InvalidValue(f"{column!r} cannot be negative, got {value!r}.", field=column,
                           indonesian=f"{column!r} tidak boleh negatif, bukan {value!r}.")
    return int(value)


def totals_from_rows(timeline: TimelineRows) -> SessionTotals:
    """Sum a session's checked timeline rows (``domain.timeline``, the one reader) into
    ``SessionTotals``; a column the export lacks sums to 0 (its rates are "no data", see
    ``session_metrics``'s ``known``). Counters must be whole numbers (``gmv`` in minor units
    of the session's currency), summed exactly from each cell's text."""
    sums = dict.fromkeys(COUNTER_COLUMNS, 0)
    interacting: int | None = None
    for row in timeline.rows:
        for column, text in row.raw.items():
            exact = Decimal(text)
            if exact != exact.to_integral_value():
                unit = " (minor units of the currency)" if column == "gmv" else ""
                unit_id = " (dalam satuan terkecil mata uang)" if column == "gmv" else ""
                raise InvalidTimeline(f"{timeline.source_name} line {row.line}: {column!r} is "
                                      f"{text}, expected a whole number{unit}",
                                      indonesian=f"{timeline.source_name} baris {row.line}: "
                                                 f"{column!r} bernilai {text}; harus bilangan "
                                                 f"bulat{unit_id}")
            if column in OPTIONAL_COLUMNS:
                interacting = (interacting or 0) + int(exact)
            else:
                sums[column] += int(exact)
    return SessionTotals(**sums, interacting_viewers=interacting)


def with_session_counts(
    totals: SessionTotals,
    *,
    viewers: int | None = None,
    customers: int | None = None,
    interacting_viewers: int | None = None,
) -> SessionTotals:
    """``totals`` with the platform's session-level distinct counts where given."""
    changes: dict[str, int] = {}
    for name, value in (
        ("viewers", viewers),
        ("customers", customers),
        ("interacting_viewers", interacting_viewers),
    ):
        if value is not None:
            changes[name] = _counter(name, value)
    return replace(totals, **changes)


def ratio(numerator: int, denominator: int) -> Fraction | None:
    """``numerator / denominator`` exactly, or ``None`` (no data) when the denominator is 0."""
    return None if denominator == 0 else Fraction(numerator, denominator)


def gpm(gmv: Money, product_impressions: int) -> Money | None:
    """GMV per thousand product impressions: GMV / product impressions x 1000, rounded
    half-to-even to the minor unit; ``None`` without impressions."""
    if product_impressions == 0:
        return None
    return gmv.scaled(Fraction(1000, product_impressions))


def enter_room_rate(totals: SessionTotals) -> Fraction | None:
    """Room enters / room impressions (15 of 100 entered: 15 %)."""
    return ratio(totals.room_enters, totals.room_impressions)


def conversion_rate(totals: SessionTotals) -> Fraction | None:
    """Customers / viewers."""
    return ratio(totals.customers, totals.viewers)


def interaction_rate(totals: SessionTotals) -> Fraction | None:
    """Interacting viewers / viewers when the platform gives that count; otherwise
    (comments + likes + shares + new followers) / views, capped at 100 %."""
    if totals.interacting_viewers is not None:
        return ratio(totals.interacting_viewers, totals.viewers)
    fallback = ratio(totals.interactions, totals.views)
    return None if fallback is None else min(fallback, Fraction(1))


def click_to_order_rate(totals: SessionTotals) -> Fraction | None:
    """Orders / product clicks."""
    return ratio(totals.orders, totals.product_clicks)


@dataclass(frozen=True)
class SessionMetrics:
    """The metric table of SPEC.md for a session or a period."""

    gmv: Money
    orders: int
    views: int
    gpm: Money | None
    enter_room_rate: Fraction | None
    conversion_rate: Fraction | None
    interaction_rate: Fraction | None
    click_to_order_rate: Fraction | None


# The columns each rate is made of: a rate whose export lacked one of them is "no data",
# not 0 % (a missing ``customers`` column is not zero customers).
RATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "gpm": ("gmv", "product_impressions"),
    "enter_room_rate": ("room_enters", "room_impressions"),
    "conversion_rate": ("customers", "viewers"),
    "click_to_order_rate": ("orders", "product_clicks"),
}
INTERACTION_COLUMNS = ("comments", "likes", "shares", "new_followers")


def session_metrics(
    totals: SessionTotals, currency: str, known: frozenset[str] | None = None
) -> SessionMetrics:
    """All metrics of ``totals``; ``currency`` is the currency of ``totals.gmv``.
    ``known``: the counters the data carried (``None``: all); a rate made of a counter
    it lacked is ``None`` (no data)."""
    gmv = Money(totals.gmv, currency)

    def has(name: str) -> bool:
        return known is None or all(c in known for c in RATE_COLUMNS[name])

    interaction = interaction_rate(totals)
    if known is not None and totals.interacting_viewers is None and (
        "views" not in known or not any(c in known for c in INTERACTION_COLUMNS)
    ):
        interaction = None
    return SessionMetrics(
        gmv=gmv,
        orders=totals.orders,
        views=totals.views,
        gpm=gpm(gmv, totals.product_impressions) if has("gpm") else None,
        enter_room_rate=enter_room_rate(totals) if has("enter_room_rate") else None,
        conversion_rate=conversion_rate(totals) if has("conversion_rate") else None,
        interaction_rate=interaction,
        click_to_order_rate=click_to_order_rate(totals) if has("click_to_order_rate") else None,
    )


# Counts that cannot be larger than the count they are part of.
_PARTS: tuple[tuple[str, str, str, str], ...] = (
    ("customers", "viewers", "customers cannot outnumber viewers",
     "jumlah pembeli tidak mungkin melebihi jumlah penonton"),
    ("room_enters", "room_impressions", "room enters cannot outnumber room impressions",
     "jumlah masuk ruang tidak mungkin melebihi impresi ruang"),
    ("interacting_viewers", "viewers", "interacting viewers cannot outnumber viewers",
     "penonton yang berinteraksi tidak mungkin melebihi jumlah penonton"),
)


def impossible(totals: SessionTotals, known: frozenset[str] | None = None,
               lang: str = "en") -> str | None:
    """Why ``totals`` cannot be real data (a part larger than its whole), in ``lang``
    ("en" or "id"), or ``None``."""
    for part, whole, why, why_id in _PARTS:
        p, w = getattr(totals, part), getattr(totals, whole)
        if known is not None and (part not in known or whole not in known):
            continue
        if p is not None and p > w:
            if lang == "id":
                return (f"{why_id} ({part} {number_id(p)} > {whole} {number_id(w)}); "
                        "periksa ekspornya.")
            return f"{why} ({part} {p:,} > {whole} {w:,}); check the export."
    return None


def as_percent(rate: Fraction | None, places: int = 2) -> Decimal | None:
    """``rate`` as a percentage rounded half-to-even to ``places`` (15/100 -> 15.00)."""
    if rate is None:
        return None
    exact = Decimal(rate.numerator * 100) / Decimal(rate.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
