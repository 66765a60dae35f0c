from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import TeaserRefused
from domain.schedule import (
    PostingPreferences,
    PostSlot,
    Visibility,
    caption_edit_refusal,
    check_post,
    ensure_teaser_capacity,
    recommended_posts,
    slot_covered,
    sticker_text,
)
from tests.unit.domain.fixtures import NOW, START, make_plan

PREFS = PostingPreferences(
    Visibility.EVERYONE, allow_comments=True, allow_duet=False, allow_stitch=False
)


def _post(**overrides: object) -> None:
    args: dict[str, object] = {
        "caption": "Nanti malam LIVE!",
        "preferences": PREFS,
        "post_at": START - timedelta(days=1),
        "now": NOW,
        "live_start": START,
        "teasers_for_session": 0,
    }
    args.update(overrides)
    check_post(**args)  # type: ignore[arg-type]


def test_recommended_posts_are_1_day_and_1_hour_before() -> None:
    day, hour = recommended_posts(START, "Asia/Jakarta")
    assert (day.slot, day.post_at, day.sticker_text) == (
        PostSlot.DAY_BEFORE,
        START - timedelta(days=1),
        "LIVE Besok 19.00 WIB",
    )
    assert (hour.slot, hour.post_at, hour.sticker_text) == (
        PostSlot.HOUR_BEFORE,
        START - timedelta(hours=1),
        "LIVE 1 jam lagi",
    )
    assert day.schedule_text == "Posting Jumat, 22 Nov · 19.00 WIB"
    assert hour.schedule_text == "Posting Sabtu, 23 Nov · 18.00 WIB"


@pytest.mark.parametrize(
    ("start", "tz", "day_gap"),
    [
        (datetime(2024, 3, 10, 23, 0, tzinfo=UTC), "America/New_York", timedelta(hours=23)),
        (datetime(2024, 10, 27, 17, 0, tzinfo=UTC), "Europe/Berlin", timedelta(hours=25)),
        (datetime(2024, 11, 23, 12, 0, tzinfo=UTC), "Asia/Jayapura", timedelta(hours=24)),
    ],
)
def test_day_before_post_keeps_local_time_across_dst(
    start: datetime, tz: str, day_gap: timedelta
) -> None:
    day, hour = recommended_posts(start, tz, "en")
    assert start - day.post_at == day_gap
    assert start - hour.post_at == timedelta(hours=1)


@pytest.mark.parametrize(
    ("before", "ok"),
    [
        (timedelta(days=7), True),
        (timedelta(days=7, minutes=1), False),
        (timedelta(days=6), True),
        (timedelta(minutes=1), True),
        (timedelta(0), False),
    ],
)
def test_posting_more_than_7_days_ahead_is_refused(before: timedelta, ok: bool) -> None:
    start = NOW + timedelta(days=8)
    if ok:
        _post(post_at=start - before, live_start=start)
    else:
        with pytest.raises(TeaserRefused, match="7 days|before the LIVE starts"):
            _post(post_at=start - before, live_start=start)


@pytest.mark.parametrize(("length", "ok"), [(2200, True), (2201, False), (1, True)])
def test_caption_is_at_most_2200_characters(length: int, ok: bool) -> None:
    if ok:
        _post(caption="a" * length)
    else:
        with pytest.raises(TeaserRefused, match="2,201 characters"):
            _post(caption="a" * length)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"caption": None}, "caption"),
        ({"caption": "  "}, "caption"),
        ({"preferences": None}, "who can view"),
        ({"product_links": ["p1"]}, "no product links"),
        ({"post_at": NOW - timedelta(minutes=1)}, "passed"),
        ({"teasers_for_session": 4}, "at most 4"),
    ],
)
def test_post_needs_caption_preferences_and_no_product_links(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(TeaserRefused, match=message):
        _post(**overrides)


@pytest.mark.parametrize(("existing", "ok"), [(0, True), (3, True), (4, False)])
def test_one_to_four_teasers_per_session(existing: int, ok: bool) -> None:
    if ok:
        ensure_teaser_capacity(existing)
    else:
        with pytest.raises(TeaserRefused, match="at most 4 teasers"):
            ensure_teaser_capacity(existing)


def test_sticker_only_for_a_teaser_linked_to_a_plan() -> None:
    assert sticker_text(make_plan()) == "LIVE Sabtu, 23 Nov · 19.00 WIB"
    assert sticker_text(make_plan(), "en") == "LIVE Sat, 23 Nov · 7:00 PM WIB"
    assert sticker_text(None) is None


@pytest.mark.parametrize(
    ("slot", "offset", "covered"),
    [
        (PostSlot.DAY_BEFORE, timedelta(hours=6), True),
        (PostSlot.DAY_BEFORE, timedelta(hours=7), False),
        (PostSlot.HOUR_BEFORE, timedelta(minutes=30), True),
        (PostSlot.HOUR_BEFORE, timedelta(minutes=31), False),
    ],
)
def test_a_post_near_a_slot_covers_it(slot: PostSlot, offset: timedelta, covered: bool) -> None:
    at = START - (timedelta(days=1) if slot is PostSlot.DAY_BEFORE else timedelta(hours=1))
    assert slot_covered(slot, START, "Asia/Jakarta", [at + offset]) is covered


@pytest.mark.parametrize(
    ("since_post", "since_edit", "allowed"),
    [
        (timedelta(days=7), None, True),
        (timedelta(days=7, seconds=1), None, False),
        (timedelta(days=2), timedelta(hours=23), False),
        (timedelta(days=2), timedelta(hours=24), True),
    ],
)
def test_caption_editable_once_a_day_for_7_days(
    since_post: timedelta, since_edit: timedelta | None, allowed: bool
) -> None:
    last = NOW - since_edit if since_edit is not None else None
    assert (caption_edit_refusal(NOW - since_post, last, NOW) is None) is allowed


def test_a_day_before_teaser_is_posted_on_the_day_before_only() -> None:
    from domain.schedule import slot_refusal

    # START is Saturday 23 Nov 19.00 WIB
    assert slot_refusal(PostSlot.DAY_BEFORE, START - timedelta(days=1), START,
                        "Asia/Jakarta") is None
    on_the_day = slot_refusal(PostSlot.DAY_BEFORE, START - timedelta(hours=3), START,
                              "Asia/Jakarta")
    assert on_the_day is not None and "on the LIVE day" in on_the_day
    assert slot_refusal(PostSlot.DAY_BEFORE, START - timedelta(days=3), START,
                        "Asia/Jakarta") is not None


def test_an_hour_before_teaser_is_posted_within_two_hours_of_the_start() -> None:
    from domain.schedule import slot_refusal

    assert slot_refusal(PostSlot.HOUR_BEFORE, START - timedelta(hours=1), START,
                        "Asia/Jakarta") is None
    early = slot_refusal(PostSlot.HOUR_BEFORE, START - timedelta(days=1), START,
                         "Asia/Jakarta")
    assert early is not None and "2 hours" in early


def test_a_posted_teaser_cannot_be_moved() -> None:
    with pytest.raises(TeaserRefused, match="already posted"):
        _post(post_at=NOW + timedelta(hours=5), current_post_at=NOW - timedelta(hours=1))
