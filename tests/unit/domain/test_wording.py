from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.errors import DomainError, InvalidValue, UnknownTimeZone, UnsupportedLanguage
from domain.timezones import shift_wall_clock, zone_abbreviation
from domain.wording import (
    clock_text,
    day_before_text,
    hour_before_text,
    live_sticker_text,
    parse_language,
    post_at_text,
    sticker_for_post,
)

SAT_19_WIB = datetime(2024, 11, 23, 12, 0, tzinfo=UTC)  # 19.00 in Asia/Jakarta


@pytest.mark.parametrize(
    ("tz", "lang", "expected"),
    [
        ("Asia/Jakarta", "id", "LIVE Sabtu, 23 Nov · 19.00 WIB"),
        ("Asia/Jakarta", "en", "LIVE Sat, 23 Nov · 7:00 PM WIB"),
        ("Asia/Makassar", "id", "LIVE Sabtu, 23 Nov · 20.00 WITA"),
        ("Asia/Jayapura", "id", "LIVE Sabtu, 23 Nov · 21.00 WIT"),
        ("Asia/Jayapura", "en", "LIVE Sat, 23 Nov · 9:00 PM WIT"),
        ("Asia/Pontianak", "id", "LIVE Sabtu, 23 Nov · 19.00 WIB"),
        ("America/New_York", "en", "LIVE Sat, 23 Nov · 7:00 AM EST"),
        ("Europe/Berlin", "id", "LIVE Sabtu, 23 Nov · 13.00 CET"),
        ("Asia/Bangkok", "en", "LIVE Sat, 23 Nov · 7:00 PM GMT+7"),
        ("UTC", "en", "LIVE Sat, 23 Nov · 12:00 PM UTC"),
    ],
)
def test_live_sticker_text_in_the_plan_zone_and_language(tz: str, lang: str, expected: str) -> None:
    assert live_sticker_text(SAT_19_WIB, tz, lang) == expected


def test_live_sticker_text_defaults_to_indonesian() -> None:
    assert live_sticker_text(SAT_19_WIB, "Asia/Jakarta") == "LIVE Sabtu, 23 Nov · 19.00 WIB"


@pytest.mark.parametrize(
    ("start", "tz", "expected"),
    [
        # DST: New York summer is EDT (UTC-4), winter EST (UTC-5)
        (
            datetime(2024, 7, 6, 23, 0, tzinfo=UTC),
            "America/New_York",
            "LIVE Sat, 6 Jul · 7:00 PM EDT",
        ),
        (
            datetime(2024, 12, 7, 0, 0, tzinfo=UTC),
            "America/New_York",
            "LIVE Fri, 6 Dec · 7:00 PM EST",
        ),
        (
            datetime(2024, 7, 6, 17, 0, tzinfo=UTC),
            "Europe/Berlin",
            "LIVE Sat, 6 Jul · 7:00 PM CEST",
        ),
        (
            datetime(2024, 12, 7, 18, 0, tzinfo=UTC),
            "Europe/Berlin",
            "LIVE Sat, 7 Dec · 7:00 PM CET",
        ),
    ],
)
def test_live_sticker_follows_daylight_saving(start: datetime, tz: str, expected: str) -> None:
    assert live_sticker_text(start, tz, "en") == expected


@pytest.mark.parametrize(
    ("month", "id_month", "en_month"),
    [
        (1, "Jan", "Jan"),
        (5, "Mei", "May"),
        (8, "Agu", "Aug"),
        (10, "Okt", "Oct"),
        (12, "Des", "Dec"),
    ],
)
def test_month_abbreviations(month: int, id_month: str, en_month: str) -> None:
    start = datetime(2025, month, 3, 19, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert f" 3 {id_month} " in live_sticker_text(start, "Asia/Jakarta", "id")
    assert f" 3 {en_month} " in live_sticker_text(start, "Asia/Jakarta", "en")


@pytest.mark.parametrize(
    ("day", "id_day"),
    [
        (17, "Minggu"),
        (18, "Senin"),
        (19, "Selasa"),
        (20, "Rabu"),
        (21, "Kamis"),
        (22, "Jumat"),
        (23, "Sabtu"),
    ],
)
def test_indonesian_day_names(day: int, id_day: str) -> None:
    start = datetime(2024, 11, day, 19, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert live_sticker_text(start, "Asia/Jakarta").startswith(f"LIVE {id_day}, {day} Nov")


@pytest.mark.parametrize(
    ("hour", "minute", "id_text", "en_text"),
    [
        (0, 0, "00.00", "12:00 AM"),
        (9, 5, "09.05", "9:05 AM"),
        (12, 0, "12.00", "12:00 PM"),
        (19, 30, "19.30", "7:30 PM"),
        (23, 59, "23.59", "11:59 PM"),
    ],
)
def test_clock_text_both_languages(hour: int, minute: int, id_text: str, en_text: str) -> None:
    local = datetime(2024, 1, 1, hour, minute)
    assert clock_text(local, parse_language("id")) == id_text
    assert clock_text(local, parse_language("en")) == en_text


@pytest.mark.parametrize(
    ("lang", "day", "hour"),
    [("id", "LIVE Besok 19.00 WIB", "LIVE 1 jam lagi"),
     ("en", "LIVE Tomorrow 7:00 PM WIB", "LIVE in 1 hour")],
)
def test_day_before_and_hour_before_stickers(lang: str, day: str, hour: str) -> None:
    assert day_before_text(SAT_19_WIB, "Asia/Jakarta", lang) == day
    assert hour_before_text(lang) == hour


def test_every_sticker_keeps_the_word_live() -> None:
    for lang in ("id", "en"):
        for before in (timedelta(hours=1), timedelta(days=1), timedelta(days=3)):
            text = sticker_for_post(SAT_19_WIB, SAT_19_WIB - before, "Asia/Jakarta", lang)
            assert text.startswith("LIVE "), text


def test_sticker_outside_indonesia_names_no_city() -> None:
    text = live_sticker_text(SAT_19_WIB, "Asia/Kuala_Lumpur", "en")
    assert text == "LIVE Sat, 23 Nov · 8:00 PM GMT+8"
    assert "Kuala" not in day_before_text(SAT_19_WIB, "Asia/Kuala_Lumpur")


def test_schedule_line_says_when_to_post() -> None:
    post = SAT_19_WIB - timedelta(days=1)
    assert post_at_text(post, "Asia/Jakarta") == "Posting Jumat, 22 Nov · 19.00 WIB"
    assert post_at_text(post, "Asia/Jakarta", "en") == "Post Fri, 22 Nov · 7:00 PM WIB"


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        (timedelta(hours=1), "LIVE 1 jam lagi"),
        (timedelta(days=1), "LIVE Besok 19.00 WIB"),
        (timedelta(days=3), "LIVE Sabtu, 23 Nov · 19.00 WIB"),
    ],
)
def test_sticker_matches_when_the_teaser_is_posted(before: timedelta, expected: str) -> None:
    assert sticker_for_post(SAT_19_WIB, SAT_19_WIB - before, "Asia/Jakarta") == expected


@pytest.mark.parametrize("lang", ["ID", "id-ID", "en_US", "EN"])
def test_language_tags_are_accepted(lang: str) -> None:
    assert live_sticker_text(SAT_19_WIB, "Asia/Jakarta", lang).startswith("LIVE ")


@pytest.mark.parametrize("lang", ["fr", "", "jv"])
def test_unknown_language_is_refused_saying_what_is_accepted(lang: str) -> None:
    with pytest.raises(UnsupportedLanguage, match="'id'.*'en'"):
        live_sticker_text(SAT_19_WIB, "Asia/Jakarta", lang)


@pytest.mark.parametrize("tz", ["WIB", "Asia/Atlantis", "", "../etc/passwd", "+07:00"])
def test_unknown_zone_is_refused_saying_what_is_accepted(tz: str) -> None:
    with pytest.raises(UnknownTimeZone, match="IANA time zone") as caught:
        live_sticker_text(SAT_19_WIB, tz, "id")
    assert isinstance(caught.value, DomainError)


def test_naive_start_is_refused() -> None:
    with pytest.raises(InvalidValue, match="time zone"):
        live_sticker_text(datetime(2024, 11, 23, 19, 0), "Asia/Jakarta")


@pytest.mark.parametrize(
    ("tz", "summer", "winter"),
    [
        ("America/New_York", "EDT", "EST"),
        ("Europe/Berlin", "CEST", "CET"),
        ("Asia/Jakarta", "WIB", "WIB"),
        ("Asia/Tokyo", "JST", "JST"),
        ("Asia/Kuala_Lumpur", "GMT+8", "GMT+8"),
        ("Asia/Ho_Chi_Minh", "GMT+7", "GMT+7"),
        ("Asia/Kolkata", "IST", "IST"),
        ("America/Sao_Paulo", "GMT-3", "GMT-3"),
        ("Asia/Kathmandu", "GMT+5:45", "GMT+5:45"),
    ],
)
def test_zone_abbreviation_dst_and_non_dst(tz: str, summer: str, winter: str) -> None:
    assert zone_abbreviation(tz, datetime(2024, 7, 1, tzinfo=UTC)) == summer
    assert zone_abbreviation(tz, datetime(2024, 1, 1, tzinfo=UTC)) == winter


@pytest.mark.parametrize(
    ("start", "tz", "expected"),
    [
        # day before across spring-forward keeps 19:00 local, i.e. 23 h earlier
        (
            datetime(2024, 3, 10, 23, 0, tzinfo=UTC),
            "America/New_York",
            datetime(2024, 3, 10, 0, 0, tzinfo=UTC),
        ),
        # across fall-back: 25 h earlier
        (
            datetime(2024, 11, 4, 0, 0, tzinfo=UTC),
            "America/New_York",
            datetime(2024, 11, 2, 23, 0, tzinfo=UTC),
        ),
        (
            datetime(2024, 3, 31, 17, 0, tzinfo=UTC),
            "Europe/Berlin",
            datetime(2024, 3, 30, 18, 0, tzinfo=UTC),
        ),
        (
            datetime(2024, 11, 23, 12, 0, tzinfo=UTC),
            "Asia/Jakarta",
            datetime(2024, 11, 22, 12, 0, tzinfo=UTC),
        ),
        # a wall time in the spring-forward gap moves forward past it (02:30 -> 03:30 EDT)
        (
            datetime(2024, 3, 11, 6, 30, tzinfo=UTC),
            "America/New_York",
            datetime(2024, 3, 10, 7, 30, tzinfo=UTC),
        ),
    ],
)
def test_day_before_keeps_the_local_clock_time_across_dst(
    start: datetime, tz: str, expected: datetime
) -> None:
    assert shift_wall_clock(start, tz, days=-1) == expected
