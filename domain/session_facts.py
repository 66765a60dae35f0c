"""What the service knows about a LIVE session for its highlight checks: each fact may
be unknown (``None``), and each kind of fact has a name a check cites when it decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.categories import Category
from domain.money import Money
from domain.plans import PromotionToolKind
from domain.recording import RecordingQuality
from domain.timeline import TimelineRows


class Fact(StrEnum):
    """A kind of fact the service holds about a session; a check names the ones that
    decided it."""

    SESSION_TIMES = "session_start_and_end"
    SESSION_TIME_ZONE = "session_time_zone"
    LANGUAGE_TAGS = "transcript_language_tags"
    TRANSCRIPT = "transcript"
    CATEGORY = "category"
    RECORDING = "recording_analysis"
    EVENTS = "session_events"
    PLAN_PROMOTION_TOOLS = "plan_promotion_tools"
    CATALOGUE_PROMOTION_TOOLS = "catalogue_promotion_tools"
    VIOLATIONS = "violations"
    BRANDED_ORDERS = "branded_orders_and_pins"
    PRICES = "price_comparison"
    TIMELINE_PINS = "timeline_product_pins"
    TEASER_RECORDS = "teaser_records"


@dataclass(frozen=True)
class PriceComparison:
    """A best-seller's price here and its lowest price elsewhere (``None``: not listed
    on any other platform)."""

    product_id: str
    price: Money
    lowest_elsewhere: Money | None


@dataclass(frozen=True)
class SessionFacts:
    """What is known about a session; every field is optional (``None`` = unknown).

    ``local_language_share`` 0..1 from transcript language tags; ``market`` is an ISO
    country code ("ID"); ``time_zone`` the zone the session took place in;
    ``host_reply_events`` counts replies to viewers and polls; ``urgency_promotions``
    counts time-limited offers run; ``category`` is the session's level-1 category.
    ``plan_promotion_tools`` are the tools on the session's plan (``None``: no plan),
    ``catalogue_promotion_tools`` the shop's tools bound to a product it sold (``None``:
    the shop has no catalogue here). ``pinned_share`` is the share of the timeline with
    a product pinned (``None``: the timeline has no pins); ``teaser_posted_at`` when the
    shop's teasers for the session were posted (``None``: no teaser records).
    """

    started_at: datetime | None = None
    ended_at: datetime | None = None
    time_zone: str | None = None
    market: str | None = None
    local_language_share: float | None = None
    recording: RecordingQuality | None = None
    host_reply_events: int | None = None
    transcript: str | None = None
    urgency_promotions: int | None = None
    live_board_uses: int | None = None
    giveaway_uses: int | None = None
    category: Category | None = None
    plan_promotion_tools: tuple[PromotionToolKind, ...] | None = None
    catalogue_promotion_tools: tuple[PromotionToolKind, ...] | None = None
    violations: int | None = None
    branded_units_sold: int | None = None
    branded_product_pinned: bool | None = None
    best_seller_prices: tuple[PriceComparison, ...] | None = None
    pinned_share: float | None = None
    teaser_posted_at: tuple[datetime, ...] | None = None


def pinned_share(timeline: TimelineRows) -> float | None:
    """The share of the timeline's time with a product pinned; ``None`` when the export
    has no pins column (nothing says whether a product was shown)."""
    if not timeline.has_pins:
        return None
    total = sum(r.width for r in timeline.rows)
    pinned = sum(r.width for r in timeline.rows if r.pinned_product)
    return pinned / total if total else None
