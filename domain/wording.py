"""Sticker, offer, call-to-action and schedule wording in Indonesian (default) and
English.

Examples, for a plan starting Saturday 23 November 2024 at 19:00 in Asia/Jakarta:

- ``live_sticker_text``  -> "LIVE Sabtu, 23 Nov · 19.00 WIB" / "LIVE Sat, 23 Nov · 7:00 PM WIB"
- ``day_before_text``    -> "LIVE Besok 19.00 WIB" / "LIVE Tomorrow 7:00 PM WIB"
- ``hour_before_text``   -> "LIVE 1 jam lagi" / "LIVE in 1 hour"
- ``post_at_text``       -> "Posting Jumat, 22 Nov · 19.00 WIB" / "Post Fri, 22 Nov · 7:00 PM WIB"
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import UnsupportedLanguage
from domain.money import Money
from domain.offers import Offer
from domain.plans import PromotionToolKind
from domain.timezones import local_time, zone_abbreviation


class Language(StrEnum):
    """Languages the service writes; Indonesian first."""

    ID = "id"
    EN = "en"


DEFAULT_LANGUAGE = Language.ID

ID_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # Monday first
EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ID_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def number_id(count: int) -> str:
    """A whole number as an Indonesian reader writes it: 4.194.304."""
    return f"{count:,}".replace(",", ".")


def parse_language(lang: str | Language) -> Language:
    """``Language`` for "id"/"en" (case-insensitive, region tags like "id-ID" or "en_US"
    accepted); raises ``UnsupportedLanguage`` saying what is accepted."""
    if isinstance(lang, Language):
        return lang
    primary = str(lang).strip().replace("_", "-").split("-", 1)[0].lower()
    for language in Language:
        if primary == language.value:
            return language
    raise UnsupportedLanguage(
        f"Unsupported language {lang!r}; use 'id' (Indonesian, the default) or 'en' (English).",
        field="lang",
        indonesian=f"Bahasa {lang!r} tidak didukung; pakai 'id' (Bahasa Indonesia, bawaan) "
                   "atau 'en' (Inggris).")


def clock_text(local: datetime, lang: Language) -> str:
    """Clock time as a seller in ``lang`` writes it: "19.00" (id), "7:00 PM" (en)."""
    if lang is Language.ID:
        return f"{local.hour:02d}.{local.minute:02d}"
    hour12 = local.hour % 12 or 12
    suffix = "AM" if local.hour < 12 else "PM"
    return f"{hour12}:{local.minute:02d} {suffix}"


def date_text(local: datetime, lang: Language) -> str:
    """Weekday and date: "Sabtu, 23 Nov" (id), "Sat, 23 Nov" (en)."""
    days, months = (ID_DAYS, ID_MONTHS) if lang is Language.ID else (EN_DAYS, EN_MONTHS)
    return f"{days[local.weekday()]}, {local.day} {months[local.month - 1]}"


def _moment(start: datetime, tz: str, lang: Language) -> tuple[str, str]:
    local = local_time(start, tz)
    when = f"{date_text(local, lang)} · {clock_text(local, lang)} {zone_abbreviation(tz, start)}"
    return when, f"{clock_text(local, lang)} {zone_abbreviation(tz, start)}"


def live_sticker_text(start: datetime, tz: str, lang: str = "id") -> str:
    """The LIVE time sticker for a teaser linked to a plan starting at ``start`` (aware),
    shown in the plan's zone ``tz`` (IANA name) and language ``lang`` ("id" or "en").

    Raises ``UnknownTimeZone`` or ``UnsupportedLanguage`` (both ``DomainError``) with a
    message saying what is accepted, and ``InvalidValue`` for a naive ``start``.
    """
    language = parse_language(lang)
    when, _ = _moment(start, tz, language)
    return f"LIVE {when}"


def day_before_text(start: datetime, tz: str, lang: str = "id") -> str:
    """Sticker for the teaser posted the day before: "LIVE Besok 19.00 WIB" / "LIVE Tomorrow
    7:00 PM WIB" (the word LIVE is what tells a viewer what happens then)."""
    language = parse_language(lang)
    _, clock = _moment(start, tz, language)
    return f"LIVE Besok {clock}" if language is Language.ID else f"LIVE Tomorrow {clock}"


def hour_before_text(lang: str = "id") -> str:
    """Sticker for the teaser posted an hour before: "LIVE 1 jam lagi" / "LIVE in 1 hour"."""
    return "LIVE 1 jam lagi" if parse_language(lang) is Language.ID else "LIVE in 1 hour"


def post_at_text(post_at: datetime, tz: str, lang: str = "id") -> str:
    """When to post a teaser, for the schedule: "Posting Jumat, 22 Nov · 19.00 WIB"."""
    language = parse_language(lang)
    when, _ = _moment(post_at, tz, language)
    return f"Posting {when}" if language is Language.ID else f"Post {when}"


def sticker_for_post(start: datetime, post_at: datetime, tz: str, lang: str = "id") -> str:
    """The sticker matching when the teaser will be seen: "LIVE 1 jam lagi" when posted
    exactly one hour before, "LIVE Besok ..." when posted on the local day before,
    otherwise the full LIVE date and time."""
    if start - post_at == timedelta(hours=1):
        return hour_before_text(lang)
    if (local_time(start, tz).date() - local_time(post_at, tz).date()).days == 1:
        return day_before_text(start, tz, lang)
    return live_sticker_text(start, tz, lang)


def cta_text(lang: str = "id") -> str:
    """The call to action beside the arrow: "Ketuk untuk masuk LIVE" / "Tap to join the LIVE"."""
    return "Ketuk untuk masuk LIVE" if parse_language(lang) is Language.ID else \
        "Tap to join the LIVE"


_SYMBOLS = {"IDR": "Rp", "MYR": "RM", "SGD": "S$", "USD": "US$", "PHP": "₱", "THB": "฿",
            "VND": "₫", "EUR": "€", "JPY": "¥"}


def money_text(amount: Money, lang: str = "id") -> str:
    """An amount as a shopper reads it: "Rp50.000" (id), "Rp50,000" (en), "RM12.50"; the
    minor units only when there are any."""
    language = parse_language(lang)
    value = amount.to_decimal()
    whole = value == value.to_integral_value()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    if language is Language.ID:
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    symbol = _SYMBOLS.get(amount.currency)
    return f"{symbol}{text}" if symbol else f"{text} {amount.currency}"


def offer_text(offer: Offer, lang: str = "id", tz: str | None = None) -> str:
    """The exclusive LIVE offer in a line: "Diskon 30% hanya saat LIVE", "Voucher Rp20.000
    hanya saat LIVE · min. belanja Rp100.000", "Free shipping, only during the LIVE · until
    8:00 PM WIB". The amount off is the offer, so it is shown; a price never is."""
    language = parse_language(lang)
    ind = language is Language.ID
    off = (f"{offer.percent_off}%" if offer.percent_off is not None else
           money_text(offer.amount_off, lang) if offer.amount_off is not None else None)
    kind = offer.kind
    if kind is PromotionToolKind.FREE_SHIPPING:
        head = "Gratis ongkir" if ind else "Free shipping"
    elif kind is PromotionToolKind.VOUCHER:
        head = (f"Voucher {off}" if ind else f"{off} voucher") if off else "Voucher"
    elif kind is PromotionToolKind.FLASH_SALE:
        head = (f"Flash sale {off}" if ind else f"Flash sale {off} off") if off else "Flash sale"
    elif kind is PromotionToolKind.BUNDLE:
        head = (f"Paket hemat {off}" if ind else f"Bundle deal {off} off") if off else (
            "Paket hemat" if ind else "Bundle deal")
    else:
        head = (f"Diskon {off}" if ind else f"{off} off") if off else (
            "Diskon" if ind else "Discount")
    # What is cut first when the line is too long comes last.
    text = head + (" hanya saat LIVE" if ind else ", only during the LIVE")
    if offer.min_spend is not None and offer.min_spend.amount > 0:
        spend = money_text(offer.min_spend, lang)
        text += f" · min. belanja {spend}" if ind else f" · min. spend {spend}"
    if offer.ends_at is not None and tz is not None:
        local = local_time(offer.ends_at, tz)
        until = f"{clock_text(local, language)} {zone_abbreviation(tz, offer.ends_at)}"
        text += f" · s/d {until}" if ind else f" · until {until}"
    return text
