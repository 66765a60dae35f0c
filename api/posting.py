"""``PUT /v1/teasers/{id}/posting`` (caption, video preferences, chosen post time; the
recommended times come back) and ``POST /v1/teasers/{id}/metrics`` (hourly views, new
viewers, new followers from the platform)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from flask import Blueprint, request
from pydantic import Field, field_validator
from spectree import Response as Resp
from sqlalchemy import func, select

from api.auth import caller, owned_or_404
from api.convert import iso
from api.deps import db, now
from api.openapi import Answer, Model, example, spec
from api.plans import PostOut, posts_out
from api.problems import Problem, platform_fact
from domain.errors import TeaserRefused
from domain.lifecycle import TeaserStatus
from domain.schedule import PostingPreferences, PostSlot, Visibility, check_post
from store.models import Plan, Teaser, TeaserMetric

bp = Blueprint("posting", __name__, url_prefix="/teasers")


class Preferences(Model):
    """Video preferences; every one must be chosen (none has a default)."""

    visibility: Literal["everyone", "friends", "only_me"]
    allow_comments: bool
    allow_duet: bool
    allow_stitch: bool


class PostingIn(Model):
    """What a post needs: caption (max 2,200 characters), preferences and when."""

    model_config = example(
        caption="LIVE Sabtu 19.00 WIB: serum 30% lebih hemat, hanya saat LIVE!",
        preferences={"visibility": "everyone", "allow_comments": True, "allow_duet": True,
                     "allow_stitch": False},
        post_at="2024-11-22T19:00:00+07:00")

    caption: str | None = None
    preferences: Preferences | None = None
    post_at: datetime
    product_links: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("post_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("include a time zone, e.g. 2024-11-22T19:00:00+07:00")
        return value


class PostingOut(Model):
    """The stored posting and the recommended post times of the teaser's plan."""

    teaser_id: str
    caption: str
    preferences: Preferences
    post_at: str
    recommended_posts: list[PostOut]


class HourlyMetric(Model):
    """One hourly update from the platform."""

    at: datetime
    views: int = Field(ge=0)
    new_viewers: int = Field(ge=0)
    new_followers: int = Field(ge=0)


class MetricsIn(Model):
    """A batch of hourly updates (an hour sent twice replaces the first)."""

    model_config = example(
        hours=[{"at": "2024-11-24T19:00:00+07:00", "views": 1_200, "new_viewers": 300,
                "new_followers": 12}])

    hours: list[HourlyMetric] = Field(min_length=1, max_length=24 * 7)


class MetricsAck(Model):
    """How many hourly rows the teaser now has."""

    teaser_id: str
    stored_hours: int


@bp.put("/<teaser_id>/posting")
@spec.validate(json=PostingIn, resp=Resp(HTTP_200=PostingOut), tags=["teasers"])
def put_posting(teaser_id: str) -> Answer:
    """Set caption, preferences and post time; refused (409) with what to fix."""
    body: PostingIn = request.context.json  # type: ignore[attr-defined]
    lang = caller().lang
    with db().session() as s:
        row = owned_or_404(s, Teaser, teaser_id, "teaser")
        if row.status is not TeaserStatus.READY and row.video_path is None:
            raise TeaserRefused(f"The teaser is {row.status}; it can be scheduled once it "
                                "is ready.")
        plan = s.get(Plan, row.plan_id) if row.plan_id else None
        others = 0
        if plan is not None:
            others = s.scalar(select(func.count()).select_from(Teaser).where(
                Teaser.plan_id == plan.id, Teaser.id != row.id,
                Teaser.post_at.is_not(None))) or 0
        prefs = None
        if body.preferences is not None:
            p = body.preferences
            prefs = PostingPreferences(Visibility(p.visibility), p.allow_comments,
                                       p.allow_duet, p.allow_stitch)
        check_post(caption=body.caption, preferences=prefs, post_at=body.post_at, now=now(),
                   live_start=plan.start_at if plan else None, teasers_for_session=others,
                   product_links=body.product_links,
                   slot=PostSlot(row.slot) if plan is not None and row.slot else None,
                   time_zone=plan.time_zone if plan else None, current_post_at=row.post_at)
        assert body.caption is not None and body.preferences is not None
        row.caption = body.caption
        row.preferences = body.preferences.model_dump()
        row.post_at = body.post_at
        posts = posts_out(plan.start_at, plan.time_zone, lang, now()) if plan else []
        return PostingOut(teaser_id=row.id, caption=row.caption, preferences=body.preferences,
                          post_at=iso(row.post_at) or "", recommended_posts=posts)


@bp.post("/<teaser_id>/metrics")
@spec.validate(json=MetricsIn, resp=Resp(HTTP_200=MetricsAck), tags=["teasers", "metrics"])
def post_metrics(teaser_id: str) -> Answer:
    """Store hourly figures of a posted teaser (from 48 h to 7 days after posting). They
    come from the platform: an ops key writes them, the seller reads them."""
    body: MetricsIn = request.context.json  # type: ignore[attr-defined]
    if not caller().is_ops:
        raise platform_fact("Teaser views, new viewers and new followers come from the "
                            "platform; a seller key cannot write them (it reads them at "
                            "GET /v1/metrics/teasers).", "hours")
    at_now = now()
    with db().session() as s:
        row = owned_or_404(s, Teaser, teaser_id, "teaser")
        if row.post_at is None:
            raise Problem(409, "Conflict", "This teaser has no post time yet; schedule it "
                          "with PUT .../posting before sending its figures.",
                          code="teaser_not_posted",
                          indonesian="Teaser ini belum punya waktu posting; jadwalkan dulu "
                                     "lewat PUT .../posting sebelum mengirim angkanya.")
        for hour in body.hours:
            at = hour.at.astimezone(row.post_at.tzinfo).replace(minute=0, second=0,
                                                               microsecond=0)
            if hour.at > at_now:
                raise Problem(422, "Invalid request", f"Figures for {iso(hour.at)} are from "
                              "the future; send each hour once it has passed.",
                              code="metrics_in_future", field="hours",
                              indonesian=f"Angka untuk {iso(hour.at)} berasal dari masa "
                                         "depan; kirim tiap jam setelah jam itu lewat.")
            if at < row.post_at - timedelta(hours=1):
                raise Problem(422, "Invalid request", f"Figures for {iso(at)} are from before "
                              "the teaser was posted; check the time zone of 'at'.",
                              code="metrics_before_post", field="hours",
                              indonesian=f"Angka untuk {iso(at)} berasal dari sebelum teaser "
                                         "diposting; periksa zona waktu 'at'.")
            stored = s.get(TeaserMetric, (row.id, at)) or TeaserMetric(teaser_id=row.id, hour=at)
            stored.views, stored.new_viewers = hour.views, hour.new_viewers
            stored.new_followers = hour.new_followers
            s.add(stored)
        s.flush()
        count = s.scalar(select(func.count()).select_from(TeaserMetric)
                         .where(TeaserMetric.teaser_id == row.id)) or 0
        return MetricsAck(teaser_id=row.id, stored_hours=count)
