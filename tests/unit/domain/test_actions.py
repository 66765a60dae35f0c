from __future__ import annotations

from datetime import timedelta

from domain.actions import ActionKind, Campaign, Mission, PlanTeaser, recommended_actions
from domain.plans import LivePlan
from tests.unit.domain.fixtures import NOW, START, make_plan

CAMPAIGNS = [
    Campaign("c-open", "Harbolnas", NOW - timedelta(days=1), NOW + timedelta(days=1), False),
    Campaign("c-done", "Payday", NOW - timedelta(days=1), NOW + timedelta(days=1), True),
    Campaign("c-closed", "Old", NOW - timedelta(days=9), NOW, False),
    Campaign("c-future", "Later", NOW + timedelta(seconds=1), NOW + timedelta(days=3), False),
]
MISSIONS = [Mission("m1", "First LIVE", True, False), Mission("m2", "Joined", True, True),
            Mission("m3", "Gone", False, False)]  # fmt: skip


def _kinds(
    plans: list[LivePlan], teasers: dict[str, list[PlanTeaser]], **kw: object
) -> list[ActionKind]:
    actions = recommended_actions(
        plans=plans, teasers=teasers, campaigns=kw.get("campaigns", CAMPAIGNS),  # type: ignore[arg-type]
        missions=kw.get("missions", MISSIONS), now=kw.get("now", NOW),  # type: ignore[arg-type]
    )  # fmt: skip
    return [a.kind for a in actions]


def test_fresh_plan_lists_every_action() -> None:
    plan = make_plan(products=("p1",), tools=())
    assert _kinds([plan], {}) == [
        ActionKind.POST_TEASER, ActionKind.REGISTER_CAMPAIGN, ActionKind.JOIN_MISSION,
        ActionKind.ADD_PRODUCTS, ActionKind.ADD_PROMOTION_TOOL, ActionKind.ADD_TEASERS,
        ActionKind.SCHEDULE_DAY_BEFORE_POST, ActionKind.SCHEDULE_HOUR_BEFORE_POST,
    ]  # fmt: skip


def test_each_action_is_gone_once_done() -> None:
    plan = make_plan()
    teasers = {plan.plan_id: [PlanTeaser("t1", START - timedelta(days=1)),
                              PlanTeaser("t2", START - timedelta(hours=1))]}  # fmt: skip
    assert _kinds([plan], teasers, campaigns=[], missions=[]) == []


def test_only_hour_before_post_missing() -> None:
    plan = make_plan()
    teasers = {plan.plan_id: [PlanTeaser("t1", START - timedelta(days=1))]}
    assert _kinds([plan], teasers, campaigns=[], missions=[]) == [
        ActionKind.SCHEDULE_HOUR_BEFORE_POST
    ]


def test_made_but_unposted_teaser_still_asks_to_post() -> None:
    plan = make_plan()
    kinds = _kinds([plan], {plan.plan_id: [PlanTeaser("t1", None)]}, campaigns=[], missions=[])
    assert ActionKind.POST_TEASER in kinds and ActionKind.ADD_TEASERS not in kinds


def test_slot_already_past_is_not_recommended() -> None:
    plan = make_plan()
    kinds = _kinds([plan], {}, campaigns=[], missions=[], now=START - timedelta(hours=3))
    assert ActionKind.SCHEDULE_DAY_BEFORE_POST not in kinds
    assert ActionKind.SCHEDULE_HOUR_BEFORE_POST in kinds


def test_without_a_next_plan_only_campaigns_and_missions() -> None:
    assert _kinds([], {}) == [ActionKind.REGISTER_CAMPAIGN, ActionKind.JOIN_MISSION]


def test_actions_follow_the_soonest_upcoming_plan_and_word_the_post_time() -> None:
    soon, later = (
        make_plan(plan_id="soon"),
        make_plan(plan_id="later", start=START + timedelta(days=3)),
    )
    actions = recommended_actions(
        plans=[later, soon], teasers={}, campaigns=[], missions=[], now=NOW
    )
    assert {a.ref_id for a in actions} == {"soon"}
    day = next(a for a in actions if a.kind is ActionKind.SCHEDULE_DAY_BEFORE_POST)
    assert "Posting Jumat, 22 Nov · 19.00 WIB" in day.message
