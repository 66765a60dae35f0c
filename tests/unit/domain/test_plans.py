from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.errors import InvalidValue, PlanDetailsLocked, PlanInvalid, UnknownTimeZone
from domain.plans import (
    MAX_PRODUCTS,
    TIP_MESSAGES,
    PlanStatus,
    ReadinessGap,
    Tip,
    active_plans,
    change_event_details,
    completed_plans,
    next_plan,
    plan_status,
    readiness,
    replace_products,
    replace_promotion_tools,
)
from tests.unit.domain.fixtures import NOW, START, TOOLS, catalogue, make_plan


@pytest.mark.parametrize(
    ("count", "ok"), [(0, False), (1, True), (2, True), (150, True), (151, False)]
)
def test_plan_holds_1_to_150_products(count: int, ok: bool) -> None:
    products = tuple(f"p{i}" for i in range(count))
    if ok:
        assert len(make_plan(products=products).product_ids) == count
    else:
        with pytest.raises(PlanInvalid, match="at least 1|at most 150"):
            make_plan(products=products)


def test_plan_refusal_for_151_products_says_how_many_to_remove() -> None:
    with pytest.raises(PlanInvalid, match="Remove 1"):
        make_plan(products=tuple(f"p{i}" for i in range(MAX_PRODUCTS + 1)))


@pytest.mark.parametrize(
    ("products", "message"),
    [
        (("p1", "p1"), "repeated: p1"),
        (("p1", "inactive"), "activate or remove: inactive"),
        (("p1", "other-shop"), "not in this shop"),
        (("p1", "nope"), "not in this shop"),
    ],
)
def test_plan_products_are_unique_active_products_of_the_shop(
    products: tuple[str, ...], message: str
) -> None:
    with pytest.raises(PlanInvalid, match=message):
        make_plan(products=products)


def test_plan_stores_start_in_utc_and_keeps_the_zone() -> None:
    local = datetime(2024, 11, 23, 19, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    plan = make_plan(start=local)
    assert plan.start == START and plan.start.utcoffset() == timedelta(0)
    assert plan.time_zone == "Asia/Jakarta"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"start": datetime(2024, 11, 23, 19, 0)}, InvalidValue),
        ({"start": NOW}, PlanInvalid),
        ({"duration": timedelta(0)}, PlanInvalid),
        ({"tz": "Mars/Olympus"}, UnknownTimeZone),
        ({"tools": ("nope",)}, PlanInvalid),
    ],
)
def test_plan_creation_validates_fields(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        make_plan(**kwargs)  # type: ignore[arg-type]


def test_promotion_tools_bound_to_featured_products_appear_by_themselves() -> None:
    plan = make_plan(products=("p0", "p1"), tools=())
    assert plan.promotion_tool_ids == ("d1",)
    plan = replace_products(plan, ("p1", "p5"), catalogue(), TOOLS)
    assert plan.promotion_tool_ids == ("f1",)
    plan = replace_promotion_tools(plan, ("v1",), TOOLS)
    assert plan.promotion_tool_ids == ("v1", "f1")


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Baru"},
        {"description": "lain"},
        {"start": START + timedelta(hours=1)},
        {"duration": timedelta(minutes=30)},
    ],
)
def test_schedule_cannot_change_after_creation(change: dict[str, object]) -> None:
    with pytest.raises(PlanDetailsLocked, match="delete this plan and create a new one"):
        change_event_details(make_plan(), **change)  # type: ignore[arg-type]


def test_resending_the_same_event_details_is_not_a_change() -> None:
    plan = make_plan()
    assert (
        change_event_details(plan, title=plan.title, start=plan.start, duration=plan.duration)
        == plan
    )


def test_products_and_promotion_tools_stay_editable() -> None:
    plan = replace_products(make_plan(), ("p3", "p4", "p6"), catalogue(), TOOLS)
    assert plan.product_ids == ("p3", "p4", "p6")
    with pytest.raises(PlanInvalid):
        replace_products(plan, tuple(f"p{i}" for i in range(151)), catalogue(), TOOLS)


@pytest.mark.parametrize(
    ("products", "tools", "teasers", "missing"),
    [
        (("p1", "p2"), ("v1",), 1, ()),
        (("p1",), ("v1",), 1, (ReadinessGap.ADD_PRODUCTS,)),
        (("p1", "p2"), (), 1, (ReadinessGap.ADD_PROMOTION_TOOL,)),
        (("p1", "p2"), ("v1",), 0, (ReadinessGap.ADD_TEASERS,)),
        (
            ("p1",),
            (),
            0,
            (ReadinessGap.ADD_PRODUCTS, ReadinessGap.ADD_PROMOTION_TOOL, ReadinessGap.ADD_TEASERS),
        ),
        (("p0",), (), 1, (ReadinessGap.ADD_PRODUCTS,)),  # bound discount counts as the tool
    ],
)
def test_readiness_needs_2_products_1_tool_1_teaser(
    products: tuple[str, ...],
    tools: tuple[str, ...],
    teasers: int,
    missing: tuple[ReadinessGap, ...],
) -> None:
    result = readiness(make_plan(products=products, tools=tools), teasers)
    assert result.missing == missing
    assert result.ready is (not missing)


@pytest.mark.parametrize(("minutes", "tip"), [(60, True), (61, False), (30, True), (120, False)])
def test_tip_for_sessions_not_longer_than_60_minutes(minutes: int, tip: bool) -> None:
    tips = readiness(make_plan(duration=timedelta(minutes=minutes)), 1).tips
    assert (Tip.LONGER_SESSION in tips) is tip
    assert Tip.START_ON_TIME in tips


@pytest.mark.parametrize(
    ("local_start", "tip"),
    [("08:59", True), ("09:00", False), ("13:00", False), ("16:59", False), ("17:00", True),
     ("19:00", True)],
)  # fmt: skip
def test_short_session_tip_is_for_starts_outside_busy_daytime_hours(
    local_start: str, tip: bool
) -> None:
    # seed 000, Tips Jitu: "durasi minimum sesi LIVE harus lebih dari 60 menit di luar jam
    # sibuk di siang hari. Seller juga dapat menghindari berselisih dengan pesaing langsung."
    hour, minute = map(int, local_start.split(":"))
    start = datetime(2024, 11, 23, hour, minute, tzinfo=ZoneInfo("Asia/Jakarta"))
    tips = readiness(make_plan(start=start, duration=timedelta(minutes=45)), 1).tips
    assert (Tip.LONGER_SESSION in tips) is tip
    assert Tip.START_ON_TIME in tips  # the late-start tip stays whatever the hour


def test_short_session_tip_also_advises_against_clashing_with_competitors() -> None:
    message = TIP_MESSAGES[Tip.LONGER_SESSION]
    assert "60 minutes" in message and "busy daytime hours" in message
    assert "direct competitors" in message
    assert TIP_MESSAGES[Tip.START_ON_TIME] == (
        "Start on time: starting late has no platform penalty, but viewers may not wait.")


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (START - timedelta(seconds=1), PlanStatus.UPCOMING),
        (START, PlanStatus.LIVE),
        (START + timedelta(minutes=89), PlanStatus.LIVE),
        (START + timedelta(minutes=90), PlanStatus.COMPLETED),
    ],
)
def test_plan_status_is_derived_from_the_clock(now: datetime, status: PlanStatus) -> None:
    assert plan_status(make_plan(), now) is status


def test_active_and_completed_lists_newest_first() -> None:
    early = make_plan(plan_id="a", start=START)
    later = make_plan(plan_id="b", start=START + timedelta(days=2))
    latest = make_plan(plan_id="c", start=START + timedelta(days=5))
    at = START + timedelta(days=2, minutes=10)  # a done, b live, c upcoming
    assert [p.plan_id for p in active_plans([early, later, latest], at)] == ["c", "b"]
    assert [p.plan_id for p in completed_plans([early, later, latest], at)] == ["a"]
    assert next_plan([early, later, latest], at) == latest
    assert next_plan([early], at) is None
