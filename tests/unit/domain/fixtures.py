"""Hand-written builders shared by the domain tests (no mocks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.plans import LivePlan, PromotionTool, PromotionToolKind, ShopProduct, create_plan

NOW = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)
START = datetime(2024, 11, 23, 12, 0, tzinfo=UTC)  # Sabtu 23 Nov 19.00 WIB
SHOP = "shop-1"


def catalogue(count: int = 200, shop: str = SHOP) -> dict[str, ShopProduct]:
    products = {f"p{i}": ShopProduct(f"p{i}", shop, active=True) for i in range(count)}
    products["inactive"] = ShopProduct("inactive", shop, active=False)
    products["other-shop"] = ShopProduct("other-shop", "shop-2", active=True)
    return products


TOOLS = {
    "v1": PromotionTool("v1", PromotionToolKind.VOUCHER),
    "d1": PromotionTool("d1", PromotionToolKind.DISCOUNT, frozenset({"p0"})),
    "f1": PromotionTool("f1", PromotionToolKind.FLASH_SALE, frozenset({"p5"})),
}


def make_plan(
    *,
    plan_id: str = "plan-1",
    products: tuple[str, ...] = ("p1", "p2"),
    tools: tuple[str, ...] = ("v1",),
    start: datetime = START,
    duration: timedelta = timedelta(minutes=90),
    tz: str = "Asia/Jakarta",
    now: datetime = NOW,
) -> LivePlan:
    return create_plan(
        plan_id=plan_id,
        shop_id=SHOP,
        title="Promo akhir pekan",
        description="Diskon hijab",
        start=start,
        time_zone=tz,
        duration=duration,
        product_ids=products,
        catalogue=catalogue(),
        promotion_tool_ids=tools,
        shop_tools=TOOLS,
        now=now,
    )
