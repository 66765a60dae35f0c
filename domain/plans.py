"""LIVE plans: the readiness checklist for an upcoming session, synced to the LIVE Event.

After creation only the featured products and promotion tools change; the event
details (title, description, start, duration) are locked because viewers may already
have subscribed to the LIVE Event for a reminder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum

from domain.errors import InvalidValue, PlanDetailsLocked, PlanInvalid
from domain.timezones import local_time, resolve_zone, to_utc

MIN_PRODUCTS = 1
MAX_PRODUCTS = 150
READY_MIN_PRODUCTS = 2
READY_MIN_PROMOTION_TOOLS = 1
READY_MIN_TEASERS = 1
TIP_MIN_DURATION = timedelta(minutes=60)  # "should last more than 60 minutes"
# Seed 000 gives that tip for sessions "di luar jam sibuk di siang hari": outside the busy
# daytime hours, when viewers are at work. The seed names no hours; these are the working
# day in the plan's own zone, start included, end excluded.
BUSY_DAYTIME_HOURS = (time(9, 0), time(17, 0))

LOCKED_MESSAGE = (
    "A LIVE plan's title, description, start and duration cannot be changed after it is "
    "created, because it is synced to the LIVE Event viewers subscribe to. To change "
    "them, delete this plan and create a new one. Featured products and promotion "
    "tools can still be edited."
)
LOCKED_MESSAGE_ID = (
    "Judul, deskripsi, waktu mulai dan durasi rencana LIVE tidak bisa diubah setelah dibuat, "
    "karena tersinkron dengan LIVE Event yang diikuti penonton. Untuk mengubahnya, hapus "
    "rencana ini lalu buat yang baru. Produk unggulan dan alat promosi tetap bisa diubah."
)


class PromotionToolKind(StrEnum):
    """Seller promotion tools a plan can carry."""

    DISCOUNT = "discount"
    VOUCHER = "voucher"
    FLASH_SALE = "flash_sale"
    BUNDLE = "bundle"
    FREE_SHIPPING = "free_shipping"


@dataclass(frozen=True)
class PromotionTool:
    """A shop's promotion tool; ``product_ids`` are the products it is bound to (empty:
    shop-wide, it appears on a plan only when chosen)."""

    tool_id: str
    kind: PromotionToolKind
    product_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ShopProduct:
    """A product of the shop's catalogue as product management sees it."""

    product_id: str
    shop_id: str
    active: bool


class PlanStatus(StrEnum):
    """Derived from the clock, never stored."""

    UPCOMING = "upcoming"
    LIVE = "live"
    COMPLETED = "completed"


@dataclass(frozen=True)
class LivePlan:
    """A LIVE plan. ``start`` and ``created_at`` are UTC; ``time_zone`` is the seller's
    IANA zone used for every wording. ``bound_tool_ids`` are the tools bound to a
    featured product, added by themselves; ``chosen_tool_ids`` the seller picked."""

    plan_id: str
    shop_id: str
    title: str
    description: str
    start: datetime
    time_zone: str
    duration: timedelta
    product_ids: tuple[str, ...]
    chosen_tool_ids: tuple[str, ...]
    bound_tool_ids: tuple[str, ...]
    created_at: datetime

    @property
    def end(self) -> datetime:
        """Scheduled end (UTC)."""
        return self.start + self.duration

    @property
    def promotion_tool_ids(self) -> tuple[str, ...]:
        """Every tool on the plan: chosen ones first, then bound ones, no duplicates."""
        return tuple(dict.fromkeys(self.chosen_tool_ids + self.bound_tool_ids))


def _checked_products(
    shop_id: str, product_ids: Sequence[str], catalogue: Mapping[str, ShopProduct]
) -> tuple[str, ...]:
    count = len(product_ids)
    if count < MIN_PRODUCTS:
        raise PlanInvalid("Add at least 1 product to the LIVE plan (up to 150).",
                          field="product_ids",
                          indonesian="Tambahkan minimal 1 produk ke rencana LIVE (maksimal 150).")
    if count > MAX_PRODUCTS:
        raise PlanInvalid(
            f"A LIVE plan holds at most {MAX_PRODUCTS} products; {count} were given. "
            f"Remove {count - MAX_PRODUCTS}.", field="product_ids",
            indonesian=f"Rencana LIVE memuat maksimal {MAX_PRODUCTS} produk; {count} dipilih. "
                       f"Hapus {count - MAX_PRODUCTS}.",
        )
    duplicates = sorted({p for p in product_ids if list(product_ids).count(p) > 1})
    if duplicates:
        raise PlanInvalid(f"Each product can be featured once; repeated: {', '.join(duplicates)}.",
                          field="product_ids",
                          indonesian="Tiap produk hanya bisa ditampilkan sekali; berulang: "
                                     f"{', '.join(duplicates)}.")
    unknown = [p for p in product_ids if p not in catalogue or catalogue[p].shop_id != shop_id]
    if unknown:
        raise PlanInvalid(f"These products are not in this shop: {', '.join(unknown)}.",
                          field="product_ids",
                          indonesian=f"Produk ini tidak ada di toko ini: {', '.join(unknown)}.")
    inactive = [p for p in product_ids if not catalogue[p].active]
    if inactive:
        raise PlanInvalid(
            f"Only active products can be featured; activate or remove: {', '.join(inactive)}.",
            field="product_ids",
            indonesian="Hanya produk aktif yang bisa ditampilkan; aktifkan atau hapus: "
                       f"{', '.join(inactive)}.",
        )
    return tuple(product_ids)


def _checked_tools(
    tool_ids: Sequence[str], shop_tools: Mapping[str, PromotionTool]
) -> tuple[str, ...]:
    unknown = [t for t in tool_ids if t not in shop_tools]
    if unknown:
        raise PlanInvalid(
            f"Unknown promotion tools: {', '.join(unknown)}. Create them on the Promotions "
            "page, then refresh the plan.", field="promotion_tool_ids",
            indonesian=f"Alat promosi tidak dikenal: {', '.join(unknown)}. Buat di halaman "
                       "Promosi, lalu muat ulang rencana.",
        )
    return tuple(dict.fromkeys(tool_ids))


def bound_tools(
    product_ids: Iterable[str], shop_tools: Mapping[str, PromotionTool]
) -> tuple[str, ...]:
    """Ids of the shop's tools bound to any of ``product_ids``, in a stable order."""
    featured = set(product_ids)
    return tuple(sorted(t.tool_id for t in shop_tools.values() if t.product_ids & featured))


def create_plan(
    *,
    plan_id: str,
    shop_id: str,
    title: str,
    description: str,
    start: datetime,
    time_zone: str,
    duration: timedelta,
    product_ids: Sequence[str],
    catalogue: Mapping[str, ShopProduct],
    promotion_tool_ids: Sequence[str] = (),
    shop_tools: Mapping[str, PromotionTool] | None = None,
    now: datetime,
) -> LivePlan:
    """A new plan, validated: title given, ``start`` aware and after ``now``, positive
    duration, 1-150 unique active products of the shop, known promotion tools; tools
    bound to a featured product join the plan by themselves."""
    tools = shop_tools or {}
    if not title.strip():
        raise PlanInvalid("Give the LIVE plan a title.", field="title",
                          indonesian="Beri judul untuk rencana LIVE.")
    resolve_zone(time_zone)
    start_utc = to_utc(start, "LIVE start")
    now_utc = to_utc(now, "current time")
    if start_utc <= now_utc:
        raise PlanInvalid("The LIVE start must be in the future; pick a later date and time.",
                          field="start", indonesian="Waktu mulai LIVE harus di masa depan; "
                                                    "pilih tanggal dan jam yang lebih akhir.")
    if duration <= timedelta(0):
        raise PlanInvalid("The LIVE duration must be longer than zero minutes.",
                          field="duration_minutes",
                          indonesian="Durasi LIVE harus lebih dari nol menit.")
    products = _checked_products(shop_id, product_ids, catalogue)
    return LivePlan(
        plan_id=plan_id,
        shop_id=shop_id,
        title=title.strip(),
        description=description,
        start=start_utc,
        time_zone=time_zone,
        duration=duration,
        product_ids=products,
        chosen_tool_ids=_checked_tools(promotion_tool_ids, tools),
        bound_tool_ids=bound_tools(products, tools),
        created_at=now_utc,
    )


def change_event_details(
    plan: LivePlan,
    *,
    title: str | None = None,
    description: str | None = None,
    start: datetime | None = None,
    duration: timedelta | None = None,
) -> LivePlan:
    """Refuse any change to title, description, start or duration with ``PlanDetailsLocked``
    (saying to delete the plan and create a new one); the same values are accepted."""
    changed = (
        (title is not None and title.strip() != plan.title)
        or (description is not None and description != plan.description)
        or (start is not None and to_utc(start, "LIVE start") != plan.start)
        or (duration is not None and duration != plan.duration)
    )
    if changed:
        raise PlanDetailsLocked(LOCKED_MESSAGE, indonesian=LOCKED_MESSAGE_ID)
    return plan


def replace_products(
    plan: LivePlan,
    product_ids: Sequence[str],
    catalogue: Mapping[str, ShopProduct],
    shop_tools: Mapping[str, PromotionTool],
) -> LivePlan:
    """The plan with a new featured-product list (same 1-150 rule); bound tools follow."""
    products = _checked_products(plan.shop_id, product_ids, catalogue)
    return replace(plan, product_ids=products, bound_tool_ids=bound_tools(products, shop_tools))


def replace_promotion_tools(
    plan: LivePlan, tool_ids: Sequence[str], shop_tools: Mapping[str, PromotionTool]
) -> LivePlan:
    """The plan with a new chosen-tool list; also refreshes the tools bound to products."""
    return replace(
        plan,
        chosen_tool_ids=_checked_tools(tool_ids, shop_tools),
        bound_tool_ids=bound_tools(plan.product_ids, shop_tools),
    )


class ReadinessGap(StrEnum):
    """What the plan misses for the minimal foundation."""

    ADD_PRODUCTS = "add_products"
    ADD_PROMOTION_TOOL = "add_promotion_tool"
    ADD_TEASERS = "add_teasers"


class Tip(StrEnum):
    """Advice, never an error."""

    LONGER_SESSION = "longer_session"
    START_ON_TIME = "start_on_time"


GAP_MESSAGES: dict[ReadinessGap, str] = {
    ReadinessGap.ADD_PRODUCTS: "Add at least 2 products.",
    ReadinessGap.ADD_PROMOTION_TOOL: "Add at least 1 promotion tool.",
    ReadinessGap.ADD_TEASERS: "Add at least 1 teaser video.",
}
TIP_MESSAGES: dict[Tip, str] = {
    Tip.LONGER_SESSION: (
        "Outside the busy daytime hours, plan a session longer than 60 minutes for a better "
        "shopping experience, and avoid clashing with direct competitors' LIVE sessions."
    ),
    Tip.START_ON_TIME: (
        "Start on time: starting late has no platform penalty, but viewers may not wait."
    ),
}


@dataclass(frozen=True)
class Readiness:
    """The checklist: ``ready`` when nothing is missing; ``tips`` never block."""

    missing: tuple[ReadinessGap, ...]
    tips: tuple[Tip, ...]

    @property
    def ready(self) -> bool:
        """True when the minimal foundation (2 products, 1 tool, 1 teaser) is met."""
        return not self.missing


def in_busy_daytime_hours(start: datetime, time_zone: str) -> bool:
    """Whether ``start`` falls in the busy daytime hours (09:00-17:00 local, 17:00 not)."""
    low, high = BUSY_DAYTIME_HOURS
    return low <= local_time(start, time_zone).time() < high


def readiness(plan: LivePlan, teaser_count: int) -> Readiness:
    """What ``plan`` still misses (at least 2 products, 1 promotion tool, 1 teaser) and
    which tips apply (outside the busy daytime hours, a session over 60 minutes and no
    clash with direct competitors; always: start on time)."""
    if teaser_count < 0:
        raise InvalidValue("The teaser count cannot be negative.",
                           indonesian="Jumlah teaser tidak boleh negatif.")
    missing: list[ReadinessGap] = []
    if len(plan.product_ids) < READY_MIN_PRODUCTS:
        missing.append(ReadinessGap.ADD_PRODUCTS)
    if len(plan.promotion_tool_ids) < READY_MIN_PROMOTION_TOOLS:
        missing.append(ReadinessGap.ADD_PROMOTION_TOOL)
    if teaser_count < READY_MIN_TEASERS:
        missing.append(ReadinessGap.ADD_TEASERS)
    tips = [Tip.START_ON_TIME]
    if plan.duration <= TIP_MIN_DURATION and not in_busy_daytime_hours(
        plan.start, plan.time_zone
    ):
        tips.insert(0, Tip.LONGER_SESSION)
    return Readiness(missing=tuple(missing), tips=tuple(tips))


def plan_status(plan: LivePlan, now: datetime) -> PlanStatus:
    """UPCOMING before the start, LIVE from start until start + duration, then COMPLETED."""
    at = to_utc(now, "current time")
    if at < plan.start:
        return PlanStatus.UPCOMING
    if at < plan.end:
        return PlanStatus.LIVE
    return PlanStatus.COMPLETED


def _newest_first(plans: Iterable[LivePlan]) -> list[LivePlan]:
    return sorted(plans, key=lambda p: (p.start, p.created_at, p.plan_id), reverse=True)


def active_plans(plans: Iterable[LivePlan], now: datetime) -> list[LivePlan]:
    """Upcoming and live plans, newest (latest start) first."""
    return _newest_first(p for p in plans if plan_status(p, now) is not PlanStatus.COMPLETED)


def completed_plans(plans: Iterable[LivePlan], now: datetime) -> list[LivePlan]:
    """Completed plans, newest (latest start) first."""
    return _newest_first(p for p in plans if plan_status(p, now) is PlanStatus.COMPLETED)


def next_plan(plans: Iterable[LivePlan], now: datetime) -> LivePlan | None:
    """The soonest plan that has not started yet, or ``None``."""
    upcoming = [p for p in plans if plan_status(p, now) is PlanStatus.UPCOMING]
    return min(upcoming, key=lambda p: (p.start, p.plan_id), default=None)
