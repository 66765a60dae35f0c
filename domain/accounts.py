"""Accounts: which TikTok account may be linked for LIVE selling, affiliate creator
requirements, who may see whose resources, and whose word a fact is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import AccountNotLinkable

AFFILIATE_MIN_AGE = 18
AFFILIATE_MIN_FOLLOWERS_EXCLUSIVE = 5_000  # "more than 5,000": 5,000 is not enough


class AccountType(StrEnum):
    """Kind of TikTok account; only OFFICIAL links to a shop for LIVE selling."""

    OFFICIAL = "official"
    AFFILIATE = "affiliate"
    MARKETING = "marketing"


class Role(StrEnum):
    """Who is acting."""

    SELLER = "seller"
    OPS = "ops"


class Reporter(StrEnum):
    """Whose word a fact is. The platform's exports (written with a platform/ops key) are
    the facts others are ranked on; what a seller reports of itself is its own claim."""

    PLATFORM = "platform"
    SELLER = "seller"


@dataclass(frozen=True)
class Actor:
    """The caller of a rule: a seller (with its id) or ops (acts across sellers)."""

    role: Role
    seller_id: str | None = None

    @property
    def reporter(self) -> Reporter:
        """Whose word what this actor writes is: ops write for the platform."""
        return Reporter.PLATFORM if self.role is Role.OPS else Reporter.SELLER


def link_refusal_reason(account_type: AccountType, has_unresolved_sanction: bool,
                        lang: str = "en") -> str | None:
    """Why the account cannot be linked for LIVE selling (in ``lang``, "en" or "id"), or
    ``None`` when it can."""
    if account_type is AccountType.AFFILIATE:
        return (
            "Ini akun afiliasi. LIVE selling hanya menautkan akun resmi toko; tautkan akun "
            "resmi sebagai gantinya." if lang == "id" else
            "This is an affiliate account. LIVE selling links only the shop's official "
            "account; link the official account instead."
        )
    if account_type is AccountType.MARKETING:
        return (
            "Ini akun pemasaran. Saat ini LIVE selling hanya mendukung akun resmi toko; "
            "tautkan akun resmi sebagai gantinya." if lang == "id" else
            "This is a marketing account. LIVE selling currently supports only the shop's "
            "official account; link the official account instead."
        )
    if has_unresolved_sanction:
        return (
            "Toko masih punya sanksi pelanggaran yang belum selesai. Tunggu sampai sanksinya "
            "selesai, lalu tautkan lagi akun resminya." if lang == "id" else
            "The shop has an unresolved violation sanction. Wait until the sanction is "
            "resolved, then link the official account again."
        )
    return None


def ensure_linkable(account_type: AccountType, has_unresolved_sanction: bool) -> None:
    """Raise ``AccountNotLinkable`` with the reason unless an official account of a shop
    without an unresolved sanction."""
    reason = link_refusal_reason(account_type, has_unresolved_sanction)
    if reason is not None:
        raise AccountNotLinkable(reason, field="account_type", indonesian=link_refusal_reason(
            account_type, has_unresolved_sanction, "id"))


def age_on(birth_date: date, today: date) -> int:
    """Completed years between ``birth_date`` and ``today`` (a 29 Feb birthday counts on
    1 Mar in non-leap years)."""
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def creator_refusal_reason(age_years: int, followers: int) -> str | None:
    """Why an affiliate creator is not eligible (at least 18 years old and more than
    5,000 followers), or ``None`` when eligible. Merchants need no follower minimum, so
    this applies to affiliate creators only."""
    problems = []
    if age_years < AFFILIATE_MIN_AGE:
        problems.append(f"be at least {AFFILIATE_MIN_AGE} years old")
    if followers <= AFFILIATE_MIN_FOLLOWERS_EXCLUSIVE:
        problems.append(
            f"have more than {AFFILIATE_MIN_FOLLOWERS_EXCLUSIVE:,} followers (now {followers:,})"
        )
    if not problems:
        return None
    return "Affiliate creators must " + " and ".join(problems) + "."


@dataclass(frozen=True)
class Creator:
    """What the platform reports of a creator's account: the facts the affiliate rule
    needs (seed 002: at least 18 years old and more than 5,000 followers)."""

    birth_date: date
    followers: int


def affiliate_refusal(creator: Creator | None, today: date) -> str | None:
    """Why a creator may not act as an affiliate creator on ``today`` (``None`` when it
    may): facts the platform has not reported count as not met, never as met."""
    if creator is None:
        return ("The platform has not reported this creator's age and followers; "
                "affiliate creators must be at least 18 years old and have more than "
                f"{AFFILIATE_MIN_FOLLOWERS_EXCLUSIVE:,} followers.")
    return creator_refusal_reason(age_on(creator.birth_date, today), creator.followers)


def can_access(actor: Actor, owner_seller_id: str) -> bool:
    """A seller sees and changes only its own resources; ops act across sellers."""
    if actor.role is Role.OPS:
        return True
    return actor.seller_id is not None and actor.seller_id == owner_seller_id
