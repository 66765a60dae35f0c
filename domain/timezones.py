"""Time zones: resolving IANA names, aware datetimes, local wall-clock arithmetic.

Datetimes are stored in UTC and shown in the seller's zone. Indonesian zones are
named the way sellers say them: WIB (Asia/Jakarta, Asia/Pontianak), WITA
(Asia/Makassar), WIT (Asia/Jayapura).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import InvalidValue, UnknownTimeZone

INDONESIAN_ZONES: dict[str, str] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}

_ACCEPTED = (
    "an IANA time zone name such as Asia/Jakarta (WIB), Asia/Makassar (WITA), "
    "Asia/Jayapura (WIT) or Europe/Berlin"
)
_ACCEPTED_ID = (
    "nama zona waktu IANA seperti Asia/Jakarta (WIB), Asia/Makassar (WITA), "
    "Asia/Jayapura (WIT) atau Europe/Berlin"
)


def resolve_zone(tz: str) -> ZoneInfo:
    """The ``ZoneInfo`` for ``tz``; raises ``UnknownTimeZone`` saying what is accepted."""
    if not isinstance(tz, str) or not tz.strip():
        raise UnknownTimeZone(f"Time zone is missing; use {_ACCEPTED}.", field="time_zone",
                              indonesian=f"Zona waktu belum diisi; pakai {_ACCEPTED_ID}.")
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UnknownTimeZone(f"Unknown time zone {tz!r}; use {_ACCEPTED}.", field="time_zone",
                              indonesian=f"Zona waktu {tz!r} tidak dikenal; pakai "
                                         f"{_ACCEPTED_ID}.") from None


def ensure_aware(value: datetime, name: str = "time") -> datetime:
    """``value`` unchanged if it carries a time zone; otherwise raise ``InvalidValue``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(
            f"The {name} must include a time zone (for example 2024-11-23T19:00+07:00).",
            indonesian=f"Waktu ({name}) harus menyertakan zona waktu (misalnya "
                       "2024-11-23T19:00+07:00).")
    return value


def to_utc(value: datetime, name: str = "time") -> datetime:
    """``value`` (aware) expressed in UTC, the form every rule stores."""
    return ensure_aware(value, name).astimezone(UTC)


def zone_abbreviation(tz: str, at: datetime) -> str:
    """What a seller reads after the clock time: WIB/WITA/WIT for Indonesia; otherwise the
    zone's own abbreviation at ``at`` (EST/EDT, CET/CEST) when it has letters, else the
    offset from GMT ("Asia/Kuala_Lumpur" -> "GMT+8", "Asia/Kolkata" -> "GMT+5:30"): a
    city name on a sticker reads as where the LIVE is, not when."""
    zone = resolve_zone(tz)
    if tz in INDONESIAN_ZONES:
        return INDONESIAN_ZONES[tz]
    name = ensure_aware(at).astimezone(zone).tzname() or ""
    if name and name.isalpha():
        return name
    return gmt_offset_text(ensure_aware(at).astimezone(zone).utcoffset() or timedelta(0))


def gmt_offset_text(offset: timedelta) -> str:
    """"GMT+8", "GMT-3", "GMT+5:30", "GMT" for a UTC offset."""
    minutes = round(offset.total_seconds() / 60)
    if minutes == 0:
        return "GMT"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")


def shift_wall_clock(value: datetime, tz: str, days: int) -> datetime:
    """The same local wall-clock time ``days`` later (negative: earlier) in ``tz``, in UTC.

    Across a DST change this differs from adding 24 h: 19:00 the day before stays 19:00.
    A wall time that does not exist (spring-forward gap) moves forward by the gap; an
    ambiguous one (fall-back) takes the first occurrence.
    """
    zone = resolve_zone(tz)
    local = ensure_aware(value).astimezone(zone)
    naive = local.replace(tzinfo=None) + timedelta(days=days)
    # fold=0: in a gap zoneinfo applies the pre-gap offset, which lands after the gap
    # (02:30 -> 03:30); in an overlap it picks the first occurrence.
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def local_time(value: datetime, tz: str) -> datetime:
    """``value`` shown in ``tz``."""
    return ensure_aware(value).astimezone(resolve_zone(tz))
