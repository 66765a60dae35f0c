"""Recommended actions: the dynamic list on the seller's overview. Each item is derived
from the current state, so it is gone as soon as it is done."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.plans import LivePlan, ReadinessGap, next_plan, readiness
from domain.schedule import PostSlot, slot_covered, slot_time
from domain.timezones import to_utc
from domain.wording import post_at_text


class ActionKind(StrEnum):
    """Kinds of recommended action, in the order they are listed."""

    POST_TEASER = "post_teaser"
    REGISTER_CAMPAIGN = "register_campaign"
    JOIN_MISSION = "join_mission"
    ADD_PRODUCTS = "add_products"
    ADD_PROMOTION_TOOL = "add_promotion_tool"
    ADD_TEASERS = "add_teasers"
    REPLACE_FAILED_TEASER = "replace_failed_teaser"
    SCHEDULE_DAY_BEFORE_POST = "schedule_day_before_post"
    SCHEDULE_HOUR_BEFORE_POST = "schedule_hour_before_post"


@dataclass(frozen=True)
class Campaign:
    """A platform LIVE campaign with its registration window ``[opens, closes)``."""

    campaign_id: str
    name: str
    opens: datetime
    closes: datetime
    registered: bool


@dataclass(frozen=True)
class Mission:
    """A Missions & Rewards mission."""

    mission_id: str
    name: str
    available: bool
    joined: bool


@dataclass(frozen=True)
class PlanTeaser:
    """A teaser linked to a plan; ``post_at`` is when it was posted or is scheduled
    (``None``: made but neither posted nor scheduled); ``state``: ready, failed, or
    still rendering ("queued"/"running")."""

    teaser_id: str
    post_at: datetime | None
    state: str = "ready"


@dataclass(frozen=True)
class RecommendedAction:
    """One item: what to do, a message, and the id it is about (plan, campaign, ...)."""

    kind: ActionKind
    message: str
    ref_id: str


_GAP_ACTIONS: dict[ReadinessGap, tuple[ActionKind, str]] = {
    ReadinessGap.ADD_PRODUCTS: (ActionKind.ADD_PRODUCTS, "Add at least 2 products to"),
    ReadinessGap.ADD_PROMOTION_TOOL: (
        ActionKind.ADD_PROMOTION_TOOL,
        "Add at least 1 promotion tool to",
    ),
    ReadinessGap.ADD_TEASERS: (ActionKind.ADD_TEASERS, "Add a teaser video to"),
}
_SLOT_ACTIONS: dict[PostSlot, tuple[ActionKind, str]] = {
    PostSlot.DAY_BEFORE: (ActionKind.SCHEDULE_DAY_BEFORE_POST, "Schedule the 1-day-before teaser"),
    PostSlot.HOUR_BEFORE: (
        ActionKind.SCHEDULE_HOUR_BEFORE_POST,
        "Schedule the 1-hour-before teaser",
    ),
}


def recommended_actions(
    *,
    plans: Iterable[LivePlan],
    teasers: Mapping[str, Sequence[PlanTeaser]],
    campaigns: Iterable[Campaign],
    missions: Iterable[Mission],
    now: datetime,
    lang: str = "id",
) -> list[RecommendedAction]:
    """The current list: post a teaser for the next plan (none posted or scheduled yet);
    register for each open campaign not registered; join each available mission not
    joined; then the next plan's readiness gaps and the 1-day / 1-hour posts not yet
    scheduled (only while their time is still ahead). ``teasers`` maps plan id to the
    plan's teasers."""
    at = to_utc(now, "current time")
    actions: list[RecommendedAction] = []
    plan = next_plan(plans, at)
    plan_teasers = list(teasers.get(plan.plan_id, ())) if plan else []
    post_times = [t.post_at for t in plan_teasers if t.post_at is not None]
    if plan is not None and not post_times:
        actions.append(
            RecommendedAction(
                ActionKind.POST_TEASER,
                f"Post a teaser for '{plan.title}' to bring viewers into the LIVE room.",
                plan.plan_id,
            )
        )
    for campaign in campaigns:
        if to_utc(campaign.opens) <= at < to_utc(campaign.closes) and not campaign.registered:
            actions.append(
                RecommendedAction(
                    ActionKind.REGISTER_CAMPAIGN,
                    f"Register for the LIVE campaign '{campaign.name}'.",
                    campaign.campaign_id,
                )
            )
    for mission in missions:
        if mission.available and not mission.joined:
            actions.append(
                RecommendedAction(
                    ActionKind.JOIN_MISSION,
                    f"Join the mission '{mission.name}'.",
                    mission.mission_id,
                )
            )
    if plan is None:
        return actions
    ready = sum(1 for t in plan_teasers if t.state == "ready")
    for gap in readiness(plan, ready).missing:
        kind, text = _GAP_ACTIONS[gap]
        actions.append(RecommendedAction(kind, f"{text} '{plan.title}'.", plan.plan_id))
    for teaser in plan_teasers:
        if teaser.state == "failed":
            actions.append(RecommendedAction(
                ActionKind.REPLACE_FAILED_TEASER,
                f"A teaser for '{plan.title}' failed to render: open it for the reason, "
                "delete it and ask for a new one from another session or from footage.",
                teaser.teaser_id))
    for slot, (kind, text) in _SLOT_ACTIONS.items():
        due = slot_time(slot, plan.start, plan.time_zone)
        if due > at and not slot_covered(slot, plan.start, plan.time_zone, post_times):
            when = post_at_text(due, plan.time_zone, lang)
            actions.append(RecommendedAction(kind, f"{text} ({when}).", plan.plan_id))
    return actions
