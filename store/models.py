"""Tables. The database is the source of truth; Redis only carries work.

Ids are uuid4 hex strings (the caller never chooses them); datetimes are tz-aware UTC
(``UTCDateTime`` turns SQLite's naive values back into aware ones); states are ``str``
Enums stored as their values.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from domain.lifecycle import FootageStatus, TeaserSource, TeaserStatus

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A fresh uuid4 hex id (32 characters, safe in RQ job ids and file names)."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    """Now, tz-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC; naive values are refused so no local time leaks in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite keeps no offset; we only ever wrote UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _enum(cls: type[StrEnum], length: int = 24) -> SAEnum:
    return SAEnum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
    )


class Base(DeclarativeBase):
    """Declarative base with stable constraint names."""

    metadata = MetaData(naming_convention=NAMING)


class Seller(Base):
    """A shop (or, for the hub, a creator). ``show_in_hub`` is the privacy switch."""

    __tablename__ = "sellers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    account_type: Mapped[str] = mapped_column(String(24), default="official")
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")
    lang: Mapped[str] = mapped_column(String(8), default="id")
    currency: Mapped[str] = mapped_column(String(3), default="IDR")
    show_in_hub: Mapped[bool] = mapped_column(Boolean, default=True)
    privacy_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # What the platform reports of a creator (domain.accounts.Creator): an affiliate
    # creator's sessions are in the hub only at 18+ with more than 5,000 followers.
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    followers: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(Base):
    """A hashed API key; the clear key is shown once, when created."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    is_ops: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    seller: Mapped[Seller] = relationship(lazy="joined")


class Product(Base):
    """An item of a shop's catalogue (what product management says about it)."""

    __tablename__ = "products"

    seller_id: Mapped[str] = mapped_column(
        ForeignKey("sellers.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PromotionToolRow(Base):
    """A shop's promotion tool; ``product_ids`` are the products it is bound to."""

    __tablename__ = "promotion_tools"

    seller_id: Mapped[str] = mapped_column(
        ForeignKey("sellers.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    product_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Optional terms a teaser words the offer from: percent_off, amount_off and min_spend
    # (minor units of the shop's currency), ends_at (ISO 8601, aware).
    terms: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Footage(Base):
    """An uploaded recording. ``path`` is a uuid path under MEDIA_ROOT; the client's
    file name is metadata only."""

    __tablename__ = "footage"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    status: Mapped[FootageStatus] = mapped_column(
        _enum(FootageStatus), default=FootageStatus.UPLOADED
    )
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason_id: Mapped[str | None] = mapped_column(Text, nullable=True)  # the same, Indonesian
    path: Mapped[str] = mapped_column(String(255))
    original_filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    probe: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    analysis_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # domain.recording.RecordingQuality as a dict, from the analysis made at ingest: the
    # hub's recording-based highlight checks read it (unknown without it).
    recording_quality: Mapped[dict[str, float] | None] = mapped_column(JSON, nullable=True)
    # A timed transcript (WebVTT or SRT) sent with the upload: the teaser's captions.
    captions: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    # Ingest runs started; the reconciler stops re-queuing an upload that keeps dying.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    job_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LiveSession(Base):
    """A past (or running) LIVE session: metadata, per-minute timeline rows, recording.

    ``gmv_minor`` and ``interaction_rate`` are denormalised from the timeline totals so
    the source picker and the hub can sort in SQL.
    """

    __tablename__ = "live_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    # Whose figures these are (domain.accounts.Reporter): the platform's, written with a
    # platform/ops key, or the seller's own report, which ranks nobody in the hub.
    reported_by: Mapped[str] = mapped_column(String(16), default="seller",
                                             server_default="seller")
    account_type: Mapped[str] = mapped_column(String(24), default="official")
    category: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="IDR")
    # The IANA zone the session took place in, fixed when it is recorded: a seller who
    # moves later does not move their past sessions' local start (peak-hours check).
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The LIVE plan the session was broadcast for: its end bounds "live", its promotion
    # tools and teasers feed the hub's highlights. No foreign key (migration 0010 says
    # why): an id whose plan was deleted reads as no plan.
    plan_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Deferred: loaded only when read (the render job, the hub's clips), so lists and
    # metric reads do not pull hours of per-minute rows.
    timeline: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, deferred=True)
    footage_id: Mapped[str | None] = mapped_column(
        ForeignKey("footage.id", ondelete="SET NULL"), nullable=True
    )
    totals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    gmv_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    views: Mapped[int] = mapped_column(BigInteger, default=0)
    viewers: Mapped[int] = mapped_column(BigInteger, default=0)
    interaction_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    conversion_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    violations: Mapped[int] = mapped_column(Integer, default=0)
    products: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    events: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, deferred=True)
    transcript: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    # The recording's timed transcript (WebVTT or SRT): the teaser's captions.
    captions: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_live_sessions_seller_gmv", "seller_id", "gmv_minor"),)


class Plan(Base):
    """A LIVE plan. Event details are locked after creation (domain.plans)."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8), default="id")
    duration_s: Mapped[int] = mapped_column(Integer)
    product_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    chosen_tool_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    bound_tool_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    auto_teasers: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_teaser_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Teaser(Base):
    """A teaser and its latest render. ``video_path``/``poster_path`` point at the last
    VERIFIED render; a regeneration renders revision ``revision`` to new paths and swaps
    only on success."""

    __tablename__ = "teasers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    status: Mapped[TeaserStatus] = mapped_column(
        _enum(TeaserStatus), default=TeaserStatus.QUEUED, index=True
    )
    stage: Mapped[str | None] = mapped_column(String(32), nullable=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    source_kind: Mapped[TeaserSource] = mapped_column(_enum(TeaserSource, 16))
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="SET NULL"), nullable=True
    )
    footage_id: Mapped[str | None] = mapped_column(
        ForeignKey("footage.id", ondelete="SET NULL"), nullable=True
    )
    plan_id: Mapped[str | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), nullable=True, index=True
    )
    slot: Mapped[str | None] = mapped_column(String(16), nullable=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    template_version: Mapped[str] = mapped_column(String(32), default="1")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    job_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_id: Mapped[str | None] = mapped_column(Text, nullable=True)  # the same, Indonesian
    video_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    poster_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # Posting: what the seller must give before posting, and when.
    caption: Mapped[str | None] = mapped_column(Text, nullable=True)
    preferences: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    post_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        Index("ix_teasers_template_status", "template_version", "status"),
        # One day-before and one hour-before teaser per plan (NULL slots never collide).
        Index("uq_teasers_plan_slot", "plan_id", "slot", unique=True),
    )


class TeaserMetric(Base):
    """One hourly reading of a posted teaser's performance."""

    __tablename__ = "teaser_metrics"

    teaser_id: Mapped[str] = mapped_column(
        ForeignKey("teasers.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    views: Mapped[int] = mapped_column(BigInteger, default=0)
    new_viewers: Mapped[int] = mapped_column(BigInteger, default=0)
    new_followers: Mapped[int] = mapped_column(BigInteger, default=0)


class RegenerationBatch(Base):
    """An ops regeneration of a selection; ``selection_key`` makes the same selection
    (with the same ``changes``) find the same batch. ``changes``: what each selected
    teaser's edit list gets (``{"music": "chill"}``), None for a plain re-render."""

    __tablename__ = "regeneration_batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    selection: Mapped[dict[str, Any]] = mapped_column(JSON)
    selection_key: Mapped[str] = mapped_column(String(64), unique=True)
    template_version: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once, by whichever render ends the batch (regeneration.finished is sent once).
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RegenerationItem(Base):
    """A teaser revision queued by a batch; ``work`` is what its verified result took
    (``worker.editlist.Work``: unchanged, poster, remux or render), None until then."""

    __tablename__ = "regeneration_items"

    batch_id: Mapped[str] = mapped_column(
        ForeignKey("regeneration_batches.id", ondelete="CASCADE"), primary_key=True
    )
    teaser_id: Mapped[str] = mapped_column(
        ForeignKey("teasers.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    work: Mapped[str | None] = mapped_column(String(16), nullable=True)

    __table_args__ = (UniqueConstraint("teaser_id", "revision", name="uq_regen_teaser_revision"),)


class PlatformCampaign(Base):
    """A platform LIVE campaign from the platform's feed (ops publish it); sellers may
    register while ``opens_at <= now < closes_at``. ``listed`` is False once the feed no
    longer carries it (registrations are kept)."""

    __tablename__ = "platform_campaigns"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PlatformMission(Base):
    """A Missions & Rewards mission from the platform's feed; available while
    ``available_from <= now`` and before ``available_until`` (``None``: no end)."""

    __tablename__ = "platform_missions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    available_from: Mapped[datetime] = mapped_column(UTCDateTime)
    available_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CampaignRegistration(Base):
    """A seller registered for a campaign (once per seller and campaign)."""

    __tablename__ = "campaign_registrations"

    seller_id: Mapped[str] = mapped_column(
        ForeignKey("sellers.id", ondelete="CASCADE"), primary_key=True
    )
    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("platform_campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MissionJoin(Base):
    """A seller joined a mission (once per seller and mission)."""

    __tablename__ = "mission_joins"

    seller_id: Mapped[str] = mapped_column(
        ForeignKey("sellers.id", ondelete="CASCADE"), primary_key=True
    )
    mission_id: Mapped[str] = mapped_column(
        ForeignKey("platform_missions.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(Base):
    """A POST's ``Idempotency-Key`` (per seller): ``status_code`` is NULL while the first
    request runs, then its answer is kept for replays for 24 hours."""

    __tablename__ = "idempotency_keys"

    seller_id: Mapped[str] = mapped_column(
        ForeignKey("sellers.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[Any] = mapped_column(JSON, nullable=True)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class WebhookEndpoint(Base):
    """Where a seller (or ops) wants events delivered, signed with ``secret``."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The HMAC key; kept in clear because every delivery is signed with it.
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One event for one endpoint: ``pending`` until delivered (2xx) or ``failed`` when
    its retries ran out; ``payload`` is exactly what is sent."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AppSecret(Base):
    """A random secret the API processes share (the download-URL signing key), made on
    first use so that no configuration is needed and every process signs alike."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
