from __future__ import annotations

from datetime import date

import pytest

from domain.accounts import (
    AccountType,
    Actor,
    Creator,
    Role,
    affiliate_refusal,
    age_on,
    can_access,
    creator_refusal_reason,
    ensure_linkable,
    link_refusal_reason,
)
from domain.errors import AccountNotLinkable


def test_only_official_account_links_for_live_selling() -> None:
    ensure_linkable(AccountType.OFFICIAL, has_unresolved_sanction=False)
    assert link_refusal_reason(AccountType.OFFICIAL, False) is None


@pytest.mark.parametrize(
    ("account_type", "sanction", "reason"),
    [
        (AccountType.AFFILIATE, False, "affiliate account"),
        (AccountType.MARKETING, False, "marketing account"),
        (AccountType.OFFICIAL, True, "unresolved violation sanction"),
    ],
)
def test_link_is_refused_with_the_reason(
    account_type: AccountType, sanction: bool, reason: str
) -> None:
    with pytest.raises(AccountNotLinkable, match=reason):
        ensure_linkable(account_type, sanction)


@pytest.mark.parametrize(
    ("age", "followers", "eligible"),
    [
        (18, 5_001, True),
        (17, 5_001, False),
        (18, 5_000, False),
        (40, 1_000_000, True),
        (17, 5_000, False),
    ],
)
def test_affiliate_creator_needs_18_years_and_more_than_5000_followers(
    age: int, followers: int, eligible: bool
) -> None:
    assert (creator_refusal_reason(age, followers) is None) is eligible
    if not eligible:
        assert (creator_refusal_reason(age, followers) or "").startswith(
            "Affiliate creators must")


def test_a_creator_the_platform_has_not_reported_is_not_an_eligible_affiliate() -> None:
    today = date(2024, 11, 23)
    assert "has not reported" in (affiliate_refusal(None, today) or "")
    assert affiliate_refusal(Creator(date(2006, 11, 23), 5_001), today) is None
    assert "18 years" in (affiliate_refusal(Creator(date(2006, 11, 24), 5_001), today) or "")


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(2006, 11, 23), date(2024, 11, 23), 18),
        (date(2006, 11, 24), date(2024, 11, 23), 17),
        (date(2004, 2, 29), date(2022, 2, 28), 17),
        (date(2004, 2, 29), date(2022, 3, 1), 18),
    ],
)
def test_age_counts_completed_years(birth: date, today: date, age: int) -> None:
    assert age_on(birth, today) == age


@pytest.mark.parametrize(
    ("actor", "owner", "allowed"),
    [
        (Actor(Role.SELLER, "s1"), "s1", True),
        (Actor(Role.SELLER, "s2"), "s1", False),
        (Actor(Role.SELLER, None), "s1", False),
        (Actor(Role.OPS), "s1", True),
    ],
)
def test_sellers_see_only_their_own_ops_see_all(actor: Actor, owner: str, allowed: bool) -> None:
    assert can_access(actor, owner) is allowed
