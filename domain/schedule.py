"""Teaser schedule: how many teasers, when to post them, and what a post needs.

1-4 teasers per LIVE session, at least 2 recommended: one posted 1 day before the start
(same local wall-clock time, so DST does not shift it) and one 1 hour before. Posting
more than 7 days ahead is refused. A teaser is not a shopping video: it carries no
product links, and only a teaser linked to a plan gets the LIVE time sticker.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import TeaserRefused
from domain.plans import LivePlan
from domain.timezones import local_time, shift_wall_clock, to_utc
from domain.wording import (
    day_before_text,
    hour_before_text,
    live_sticker_text,
    number_id,
    post_at_text,
)

MIN_TEASERS_PER_SESSION = 1
MAX_TEASERS_PER_SESSION = 4
RECOMMENDED_TEASERS = 2
POSTING_WINDOW = timedelta(days=7)
CAPTION_MAX_CHARS = 2_200
CAPTION_EDIT_WINDOW = timedelta(days=7)  # seed: caption and cover editable once a day for 7 days
CAPTION_EDIT_INTERVAL = timedelta(days=1)
# A post counts for a recommended slot when it is this close to the slot's time.
SLOT_TOLERANCE: dict[str, timedelta] = {
    "day_before": timedelta(hours=6),
    "hour_before": timedelta(minutes=30),
}


class PostSlot(StrEnum):
    """The two recommended post times."""

    DAY_BEFORE = "day_before"
    HOUR_BEFORE = "hour_before"


class Visibility(StrEnum):
    """Who can view the posted teaser."""

    EVERYONE = "everyone"
    FRIENDS = "friends"
    ONLY_ME = "only_me"


@dataclass(frozen=True)
class PostingPreferences:
    """Video preferences the seller must give before posting; none has a default."""

    visibility: Visibility
    allow_comments: bool
    allow_duet: bool
    allow_stitch: bool


@dataclass(frozen=True)
class RecommendedPost:
    """A recommended post time (UTC) with its sticker and the schedule line to show."""

    slot: PostSlot
    post_at: datetime
    sticker_text: str
    schedule_text: str


def slot_time(slot: PostSlot, start: datetime, tz: str) -> datetime:
    """UTC time of ``slot``: the day before at the same local clock time, or 1 h before."""
    if slot is PostSlot.DAY_BEFORE:
        return shift_wall_clock(start, tz, days=-1)
    return to_utc(start, "LIVE start") - timedelta(hours=1)


def recommended_posts(start: datetime, tz: str, lang: str = "id") -> tuple[RecommendedPost, ...]:
    """The two recommended posts for a LIVE at ``start`` in ``tz``: 1 day before ("LIVE Besok
    19.00 WIB") and 1 hour before ("LIVE 1 jam lagi"), earliest first."""
    day = slot_time(PostSlot.DAY_BEFORE, start, tz)
    hour = slot_time(PostSlot.HOUR_BEFORE, start, tz)
    return (
        RecommendedPost(
            PostSlot.DAY_BEFORE, day, day_before_text(start, tz, lang), post_at_text(day, tz, lang)
        ),
        RecommendedPost(
            PostSlot.HOUR_BEFORE, hour, hour_before_text(lang), post_at_text(hour, tz, lang)
        ),
    )


def earliest_post_time(start: datetime) -> datetime:
    """The earliest a teaser for a LIVE at ``start`` may be posted: 7 days before."""
    return to_utc(start, "LIVE start") - POSTING_WINDOW


def slot_covered(slot: PostSlot, start: datetime, tz: str, post_times: Iterable[datetime]) -> bool:
    """Whether a post (posted or scheduled) lies within the slot's tolerance (day before:
    +/- 6 h; hour before: +/- 30 min)."""
    at = slot_time(slot, start, tz)
    tolerance = SLOT_TOLERANCE[slot.value]
    return any(abs(to_utc(t, "post time") - at) <= tolerance for t in post_times)


# The hour-before sticker says "1 jam lagi": posted earlier than this before the start, it
# would not be true any more when viewers see it.
HOUR_BEFORE_EARLIEST = timedelta(hours=2)


def slot_refusal(slot: PostSlot, post_at: datetime, start: datetime, tz: str,
                 lang: str = "en") -> str | None:
    """Why a teaser worded for ``slot`` cannot be posted at ``post_at`` (its sticker would
    say something false), or ``None``. The day-before sticker says "Besok": it is posted
    on the local day before the LIVE, not on the LIVE day nor earlier. The hour-before
    sticker says "1 jam lagi": it is posted within the 2 hours before the start. Worded
    in ``lang`` ("en" or "id")."""
    at = to_utc(post_at, "post time")
    if slot is PostSlot.DAY_BEFORE:
        day = local_time(start, tz).date()
        posted = local_time(at, tz).date()
        if posted != day - timedelta(days=1):
            when = "on the LIVE day" if posted == day else "on another day"
            if lang == "id":
                when = "jatuh di hari LIVE" if posted == day else "jatuh di hari lain"
                return (
                    "Stiker teaser ini bertuliskan 'besok' (teaser 1 hari sebelum), jadi harus "
                    f"diposting pada {(day - timedelta(days=1)).isoformat()} (waktu setempat), "
                    f"sehari sebelum LIVE; {at.isoformat()} {when}. Pilih waktu pada hari "
                    "itu, atau minta teaser tanpa tulisan 1 hari sebelum."
                )
            return (
                f"This teaser's sticker says 'tomorrow' (day-before teaser), so it must be "
                f"posted on {(day - timedelta(days=1)).isoformat()} (local time), the day "
                f"before the LIVE; {at.isoformat()} is {when}. Pick a time on that day, or "
                "ask for a teaser without the day-before wording."
            )
        return None
    earliest = to_utc(start, "LIVE start") - HOUR_BEFORE_EARLIEST
    if at < earliest:
        if lang == "id":
            return (
                "Stiker teaser ini bertuliskan '1 jam lagi' (teaser 1 jam sebelum), jadi harus "
                f"diposting dalam 2 jam sebelum LIVE: mulai {earliest.isoformat()}. Pilih "
                "waktu yang lebih akhir, atau pakai teaser 1 hari sebelum untuk posting lebih "
                "awal."
            )
        return (
            "This teaser's sticker says 'in 1 hour' (hour-before teaser), so it must be "
            f"posted within the 2 hours before the LIVE: from {earliest.isoformat()} on. "
            "Pick a later time, or use the day-before teaser for an earlier post."
        )
    return None


def ensure_teaser_capacity(teasers_for_session: int) -> None:
    """Refuse a fifth teaser for one LIVE session."""
    if teasers_for_session >= MAX_TEASERS_PER_SESSION:
        raise TeaserRefused(
            f"A LIVE session can have at most {MAX_TEASERS_PER_SESSION} teasers; it already "
            f"has {teasers_for_session}. Delete one to add another.",
            indonesian=f"Satu sesi LIVE maksimal punya {MAX_TEASERS_PER_SESSION} teaser; "
                       f"sesi ini sudah punya {teasers_for_session}. Hapus satu untuk "
                       "menambah yang lain.")


def check_post(
    *,
    caption: str | None,
    preferences: PostingPreferences | None,
    post_at: datetime,
    now: datetime,
    live_start: datetime | None,
    teasers_for_session: int,
    product_links: Sequence[str] = (),
    slot: PostSlot | None = None,
    time_zone: str | None = None,
    current_post_at: datetime | None = None,
) -> None:
    """Refuse (``TeaserRefused``) a post that lacks a caption (max 2,200 characters) or
    video preferences, carries product links, is in the past, is not before the LIVE
    start, is more than 7 days ahead of it, or would be the fifth for the session.
    ``teasers_for_session`` counts the session's other posted or scheduled teasers.
    A teaser already posted (``current_post_at`` has passed) cannot be moved; one worded
    for a ``slot`` must be posted when its wording is true (``slot_refusal``)."""
    posted = current_post_at is not None and to_utc(current_post_at) <= to_utc(now)
    if posted and current_post_at is not None and to_utc(post_at) != to_utc(current_post_at):
        raise TeaserRefused(
            f"This teaser was already posted at {to_utc(current_post_at).isoformat()}; a "
            "posted teaser cannot be moved. Make a new teaser for another post time.",
            field="post_at",
            indonesian=f"Teaser ini sudah diposting pada {to_utc(current_post_at).isoformat()};"
                       " teaser yang sudah diposting tidak bisa dipindah. Buat teaser baru "
                       "untuk waktu posting lain.")
    if product_links:
        raise TeaserRefused(
            "A teaser carries no product links (it is not a shopping video); remove them.",
            field="product_links",
            indonesian="Teaser tidak memuat tautan produk (bukan video belanja); hapus "
                       "tautannya.")
    if caption is None or not caption.strip():
        raise TeaserRefused("Write a caption before posting the teaser.", field="caption",
                            indonesian="Tulis keterangan sebelum memposting teaser.")
    if len(caption) > CAPTION_MAX_CHARS:
        raise TeaserRefused(
            f"The caption has {len(caption):,} characters; shorten it to "
            f"{CAPTION_MAX_CHARS:,} at most.", field="caption",
            indonesian=f"Keterangan berisi {number_id(len(caption))} karakter; persingkat "
                       f"menjadi maksimal {number_id(CAPTION_MAX_CHARS)}.")
    if preferences is None:
        raise TeaserRefused(
            "Choose the video preferences before posting: who can view (everyone, friends, "
            "only me) and whether comments, duet and stitch are allowed.",
            field="preferences",
            indonesian="Pilih preferensi video sebelum memposting: siapa yang bisa menonton "
                       "(semua orang, teman, hanya saya) dan apakah komentar, duet, dan "
                       "stitch diizinkan.")
    at = to_utc(post_at, "post time")
    if at < to_utc(now, "current time"):
        raise TeaserRefused("The post time has passed; pick a time from now on.",
                            field="post_at",
                            indonesian="Waktu posting sudah lewat; pilih waktu mulai sekarang.")
    if live_start is not None:
        start = to_utc(live_start, "LIVE start")
        if at >= start:
            raise TeaserRefused(
                "A teaser is posted before the LIVE starts; pick an earlier time.",
                field="post_at",
                indonesian="Teaser harus diposting sebelum LIVE dimulai; pilih waktu yang "
                           "lebih awal.")
        if at < earliest_post_time(start):
            raise TeaserRefused(
                "Teasers can be posted at most 7 days before the LIVE; pick a time from "
                f"{earliest_post_time(start).isoformat()} on.", field="post_at",
                indonesian="Teaser bisa diposting paling cepat 7 hari sebelum LIVE; pilih "
                           f"waktu mulai {earliest_post_time(start).isoformat()}.")
        if slot is not None:
            refusal = slot_refusal(slot, at, start, time_zone or "UTC")
            if refusal is not None:
                raise TeaserRefused(refusal, field="post_at", indonesian=slot_refusal(
                    slot, at, start, time_zone or "UTC", "id"))
    ensure_teaser_capacity(teasers_for_session)


def sticker_text(plan: LivePlan | None, lang: str = "id") -> str | None:
    """The LIVE time sticker for a teaser linked to ``plan``; ``None`` for a teaser
    posted outside a plan (it gets no sticker)."""
    if plan is None:
        return None
    return live_sticker_text(plan.start, plan.time_zone, lang)


def caption_edit_refusal(
    posted_at: datetime, last_edit_at: datetime | None, now: datetime
) -> str | None:
    """Why the caption and cover of a posted teaser cannot be edited now (seed rule: once a
    day, within 7 days of posting), or ``None`` when they can."""
    at = to_utc(now, "current time")
    if at - to_utc(posted_at, "post time") > CAPTION_EDIT_WINDOW:
        return "Caption and cover can be edited only within 7 days after posting."
    if last_edit_at is not None and at - to_utc(last_edit_at, "edit time") < CAPTION_EDIT_INTERVAL:
        return "Caption and cover can be edited once a day; try again 24 hours after the last edit."
    return None
