from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest

from domain.errors import CurrencyMismatch
from domain.money import Money
from domain.schedule import PostSlot
from domain.teasers import (
    NO_USABLE_SESSION,
    PastSession,
    automatic_teasers,
    best_source_session,
    rank_past_sessions,
)
from tests.unit.domain.fixtures import NOW, START, make_plan


def _session(
    sid: str, gmv: int, rate: Fraction | None, usable: bool = True, days_ago: int = 5
) -> PastSession:
    return PastSession(sid, NOW - timedelta(days=days_ago), Money(gmv, "IDR"), rate, usable)


def test_past_sessions_ranked_by_gmv_then_interaction_rate() -> None:
    sessions = [
        _session("low", 100, Fraction(9, 10)),
        _session("tie-low-rate", 500, Fraction(1, 10)),
        _session("tie-high-rate", 500, Fraction(3, 10)),
        _session("tie-no-rate", 500, None),
    ]
    ranked = [s.session_id for s in rank_past_sessions(sessions)]
    assert ranked == ["tie-high-rate", "tie-low-rate", "tie-no-rate", "low"]


def test_best_session_must_have_a_usable_recording() -> None:
    sessions = [_session("rich-no-video", 10_000, None, usable=False), _session("ok", 10, None)]
    best = best_source_session(sessions)
    assert best is not None and best.session_id == "ok"


def test_ranking_refuses_mixed_currencies() -> None:
    with pytest.raises(CurrencyMismatch):
        rank_past_sessions(
            [_session("a", 1, None), PastSession("b", NOW, Money(1, "USD"), None, True)]
        )


@pytest.mark.parametrize(
    ("lang", "day", "hour"),
    [("id", "LIVE Besok 19.00 WIB", "LIVE 1 jam lagi"),
     ("en", "LIVE Tomorrow 7:00 PM WIB", "LIVE in 1 hour")],
)
def test_automatic_teasers_make_day_before_and_hour_before_requests(
    lang: str, day: str, hour: str
) -> None:
    result = automatic_teasers(
        make_plan(), [_session("s1", 900, Fraction(1, 5)), _session("s2", 100, None)], NOW, lang
    )
    assert result.source_session_id == "s1"
    assert [(r.slot, r.post_at, r.sticker_text) for r in result.requests] == [
        (PostSlot.DAY_BEFORE, START - timedelta(days=1), day),
        (PostSlot.HOUR_BEFORE, START - timedelta(hours=1), hour),
    ]
    assert all(r.plan_id == "plan-1" and r.source_session_id == "s1" for r in result.requests)


@pytest.mark.parametrize("sessions", [[], [_session("x", 10_000, None, usable=False)]])
def test_no_usable_session_is_a_message_not_an_error(sessions: list[PastSession]) -> None:
    result = automatic_teasers(make_plan(), sessions, NOW)
    assert result.requests == () and result.source_session_id is None
    assert result.message == NO_USABLE_SESSION and "plan was created" in result.message


def test_automatic_teasers_skip_a_slot_already_past() -> None:
    now = START - timedelta(hours=3)
    result = automatic_teasers(make_plan(now=now), [_session("s1", 1, None)], now)
    assert [r.slot for r in result.requests] == [PostSlot.HOUR_BEFORE]
    assert "day before" in result.message


def test_a_recording_far_shorter_than_its_timeline_is_named() -> None:
    from domain.teasers import recording_shortfall

    assert recording_shortfall(3540.0, 3600.0) is None  # a minute short: the last bucket
    why = recording_shortfall(300.0, 3600.0)
    assert why is not None and "300 s" in why and "3600 s" in why
    assert recording_shortfall(None, 3600.0) is not None
    assert recording_shortfall(10.0, 0.0) is None  # no timeline to cover


def test_affiliate_sessions_are_never_the_automatic_source() -> None:
    from domain.teasers import best_source_session

    affiliate = PastSession("aff", NOW, Money(9_000_000, "IDR"), None, True, official=False)
    own = PastSession("own", NOW, Money(100, "IDR"), None, True)
    assert best_source_session([affiliate, own]) == own
    assert best_source_session([affiliate]) is None
