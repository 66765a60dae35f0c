from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.categories import parse_category
from domain.errors import InvalidValue
from domain.highlights import (
    NO_SIGNAL,
    STRENGTH_ORDER,
    CheckResult,
    Highlight,
    Outcome,
    evaluate_highlights,
    in_peak_hours,
    key_highlights,
)
from domain.money import Money
from domain.plans import PromotionToolKind
from domain.recording import RecordingQuality
from domain.session_facts import Fact, PriceComparison, SessionFacts

START = datetime(2024, 11, 23, 12, 0, tzinfo=UTC)  # 19:00 WIB
GOOD = RecordingQuality(
    face_on_screen_share=0.9, sharpness=0.7, brightness=0.5, shake=0.1, loudness_lufs=-16.0,
    silence_share=0.05,
)  # fmt: skip
TRANSCRIPT = (
    "Halo kak! Bahan katun premium, buatan Bandung, ada warna hitam dan ukuran XL, varian "
    "motif bunga. Tahan air jadi tetap kering. Cocok untuk kamu yang suka hiking. "
    "Garansi 7 hari, dikirim hari ini. Buruan checkout, stok terbatas!"
)
FULL = SessionFacts(
    started_at=START, ended_at=START + timedelta(minutes=90), time_zone="Asia/Jakarta",
    market="ID", local_language_share=0.95, recording=GOOD, host_reply_events=12,
    transcript=TRANSCRIPT, urgency_promotions=1, live_board_uses=2, giveaway_uses=1,
    category=parse_category("Tas"), plan_promotion_tools=(PromotionToolKind.VOUCHER,),
    catalogue_promotion_tools=(), violations=0,
    branded_units_sold=3, branded_product_pinned=True,
    best_seller_prices=(PriceComparison("p1", Money(90, "IDR"), Money(100, "IDR")),),
    pinned_share=0.6, teaser_posted_at=(START - timedelta(days=1),),
)  # fmt: skip


def _outcome(facts: SessionFacts, highlight: Highlight) -> CheckResult:
    return next(r for r in evaluate_highlights(facts) if r.highlight is highlight)


def test_catalogue_has_29_checks_in_order() -> None:
    results = evaluate_highlights(SessionFacts())
    assert [r.number for r in results] == list(range(1, 30))
    assert results[17].highlight is Highlight.PEAK_HOURS and results[28].number == 29
    assert sorted(STRENGTH_ORDER) == sorted(Highlight)


def test_without_data_every_check_is_unknown_never_passed() -> None:
    results = evaluate_highlights(SessionFacts())
    assert {r.outcome for r in results} == {Outcome.UNKNOWN}
    assert all(r.evidence for r in results)


def test_with_full_data_only_no_signal_checks_stay_unknown() -> None:
    results = evaluate_highlights(FULL)
    unknown = {r.highlight for r in results if r.outcome is Outcome.UNKNOWN}
    assert unknown == NO_SIGNAL
    failed = [r for r in results if r.outcome is Outcome.FAILED]
    assert failed == []


@pytest.mark.parametrize(
    ("checks", "needs"),
    [
        ((Highlight.HOST_VISIBLE, Highlight.CONTENT_QUALITY, Highlight.CLEAR_IMAGE,
          Highlight.STABLE_PICTURE, Highlight.CLEAR_AUDIO), "recording"),
    ],
)  # fmt: skip
def test_recording_checks_are_unknown_without_recording_quality(
    checks: tuple[Highlight, ...], needs: str
) -> None:
    facts = SessionFacts(**{**FULL.__dict__, "recording": None})
    for check in checks:
        result = _outcome(facts, check)
        assert result.outcome is Outcome.UNKNOWN and needs in result.evidence


@pytest.mark.parametrize(
    ("field", "value", "check", "outcome"),
    [
        ("local_language_share", 0.8, Highlight.LOCAL_LANGUAGE, Outcome.PASSED),
        ("local_language_share", 0.79, Highlight.LOCAL_LANGUAGE, Outcome.FAILED),
        ("host_reply_events", 3, Highlight.HOST_INTERACTS, Outcome.PASSED),
        ("host_reply_events", 2, Highlight.HOST_INTERACTS, Outcome.FAILED),
        ("live_board_uses", 0, Highlight.LIVE_BOARD, Outcome.FAILED),
        ("giveaway_uses", 0, Highlight.LIVE_GIVEAWAY, Outcome.FAILED),
        ("plan_promotion_tools", (), Highlight.PROMOTIONS_EXPLAINED, Outcome.FAILED),
        ("plan_promotion_tools", None, Highlight.PROMOTIONS_EXPLAINED, Outcome.FAILED),
        ("violations", 1, Highlight.NO_VIOLATIONS, Outcome.FAILED),
        ("branded_units_sold", 0, Highlight.BRANDED_PRODUCT, Outcome.FAILED),
        ("branded_product_pinned", False, Highlight.BRANDED_PRODUCT, Outcome.FAILED),
        ("branded_product_pinned", None, Highlight.BRANDED_PRODUCT, Outcome.UNKNOWN),
        ("pinned_share", 0.0, Highlight.PRODUCT_SHOWN, Outcome.FAILED),
        ("pinned_share", None, Highlight.PRODUCT_SHOWN, Outcome.UNKNOWN),
        ("teaser_posted_at", (START - timedelta(days=7),), Highlight.TEASER_IN_ADVANCE,
         Outcome.PASSED),
        ("teaser_posted_at", (START - timedelta(days=7, minutes=1),), Highlight.TEASER_IN_ADVANCE,
         Outcome.FAILED),
        ("teaser_posted_at", (START + timedelta(minutes=5),), Highlight.TEASER_IN_ADVANCE,
         Outcome.FAILED),
        ("best_seller_prices", (PriceComparison("p1", Money(100, "IDR"), Money(100, "IDR")),),
         Highlight.COMPETITIVE_PRICE, Outcome.FAILED),
        ("best_seller_prices", (PriceComparison("p1", Money(100, "IDR"), None),),
         Highlight.COMPETITIVE_PRICE, Outcome.PASSED),
        ("best_seller_prices", (), Highlight.COMPETITIVE_PRICE, Outcome.UNKNOWN),
    ],
)  # fmt: skip
def test_check_thresholds_at_their_edges(
    field: str, value: object, check: Highlight, outcome: Outcome
) -> None:
    facts = SessionFacts(**{**FULL.__dict__, field: value})
    assert _outcome(facts, check).outcome is outcome


@pytest.mark.parametrize(
    ("minutes", "outcome"), [(45, Outcome.PASSED), (44, Outcome.FAILED), (180, Outcome.PASSED)]
)
def test_effective_duration_is_at_least_45_minutes(minutes: int, outcome: Outcome) -> None:
    facts = SessionFacts(started_at=START, ended_at=START + timedelta(minutes=minutes))
    assert _outcome(facts, Highlight.EFFECTIVE_DURATION).outcome is outcome


@pytest.mark.parametrize(
    ("local", "tz", "market", "peak"),
    [
        ("16:59", "Asia/Jakarta", "ID", False),
        ("17:00", "Asia/Jakarta", "ID", True),
        ("21:00", "Asia/Jakarta", "ID", True),
        ("21:01", "Asia/Jakarta", "ID", False),
        ("17:00", "Asia/Makassar", None, True),  # Indonesian zone implies the ID rule
        ("22:00", "Asia/Jayapura", "ID", False),
        ("18:59", "America/New_York", "US", False),
        ("19:00", "America/New_York", "US", True),
        ("23:00", "Europe/Berlin", "DE", True),
        ("23:01", "Europe/Berlin", "DE", False),
        ("17:00", "Asia/Kuala_Lumpur", "MY", False),
        ("20:00", "Asia/Kuala_Lumpur", "MY", True),
    ],
)
def test_peak_hours_17_21_in_indonesia_19_23_elsewhere(
    local: str, tz: str, market: str | None, peak: bool
) -> None:
    hour, minute = map(int, local.split(":"))
    start = datetime(2024, 7, 6, hour, minute, tzinfo=ZoneInfo(tz))  # summer: DST in US/DE
    assert in_peak_hours(start, tz, market) is peak
    facts = SessionFacts(started_at=start, time_zone=tz, market=market)
    assert (_outcome(facts, Highlight.PEAK_HOURS).outcome is Outcome.PASSED) is peak


def test_peak_hours_use_local_time_across_dst() -> None:
    # 23:30 UTC is 19:30 EDT in July but 18:30 EST in January
    assert in_peak_hours(datetime(2024, 7, 1, 23, 30, tzinfo=UTC), "America/New_York", "US")
    assert not in_peak_hours(datetime(2024, 1, 1, 23, 30, tzinfo=UTC), "America/New_York", "US")


@pytest.mark.parametrize(
    ("transcript", "category", "outcome"),
    [
        ("bahan katun, buatan Solo, warna merah, varian polos", "Tas", Outcome.PASSED),
        ("bahan katun, warna merah", "Tas", Outcome.FAILED),
        ("bahan katun, warna merah", "beauty", Outcome.FAILED),
        ("bahan katun, warna merah", "Furnitur", Outcome.PASSED),
        ("baterai 5000 mAh", "phones_electronics", Outcome.FAILED),
        ("bahan katun, warna merah", None, Outcome.UNKNOWN),
        ("halo semua", None, Outcome.FAILED),
    ],
)
def test_product_specs_every_detail_for_bags_fashion_beauty_two_for_others(
    transcript: str, category: str | None, outcome: Outcome
) -> None:
    facts = SessionFacts(transcript=transcript,
                         category=parse_category(category) if category else None)
    result = _outcome(facts, Highlight.PRODUCT_SPECS)
    assert result.outcome is outcome
    if category is not None:
        assert result.decided_by == (Fact.CATEGORY, Fact.TRANSCRIPT)


@pytest.mark.parametrize(
    ("transcript", "urgency", "outcome"),
    [
        ("Yuk checkout sekarang", None, Outcome.PASSED),
        ("Halo semua", 1, Outcome.PASSED),
        ("Halo semua", 0, Outcome.FAILED),
        ("Halo semua", None, Outcome.FAILED),
        (None, None, Outcome.UNKNOWN),
        ("Hurry, limited stock!", None, Outcome.PASSED),
    ],
)
def test_call_to_action_from_words_or_urgency(
    transcript: str | None, urgency: int | None, outcome: Outcome
) -> None:
    facts = SessionFacts(transcript=transcript, urgency_promotions=urgency)
    assert _outcome(facts, Highlight.CALL_TO_ACTION).outcome is outcome


def test_transcript_words_match_whole_words_only() -> None:
    facts = SessionFacts(transcript="returning customers welcome")  # not "return"
    assert _outcome(facts, Highlight.TRUST_INFORMATION).outcome is Outcome.FAILED


@pytest.mark.parametrize(
    ("change", "check", "outcome"),
    [
        ({"face_on_screen_share": 0.5}, Highlight.HOST_VISIBLE, Outcome.PASSED),
        ({"face_on_screen_share": 0.49}, Highlight.HOST_VISIBLE, Outcome.FAILED),
        ({"sharpness": 0.49}, Highlight.CLEAR_IMAGE, Outcome.FAILED),
        ({"brightness": 0.9}, Highlight.CLEAR_IMAGE, Outcome.FAILED),
        ({"brightness": 0.1}, Highlight.CLEAR_IMAGE, Outcome.FAILED),
        ({"shake": 0.3}, Highlight.STABLE_PICTURE, Outcome.PASSED),
        ({"shake": 0.31}, Highlight.STABLE_PICTURE, Outcome.FAILED),
        ({"loudness_lufs": -30.0}, Highlight.CLEAR_AUDIO, Outcome.FAILED),
        ({"silence_share": 0.5}, Highlight.CLEAR_AUDIO, Outcome.FAILED),
        ({"shake": 0.9}, Highlight.CONTENT_QUALITY, Outcome.FAILED),
    ],
)
def test_recording_quality_thresholds(
    change: dict[str, float], check: Highlight, outcome: Outcome
) -> None:
    quality = RecordingQuality(**{**GOOD.__dict__, **change})
    assert _outcome(SessionFacts(recording=quality), check).outcome is outcome


@pytest.mark.parametrize(
    "change",
    [{"sharpness": 1.5}, {"brightness": -0.1}, {"loudness_lufs": 3.0}, {"shake": float("nan")}],
)
def test_recording_quality_refuses_values_off_scale(change: dict[str, float]) -> None:
    with pytest.raises(InvalidValue):
        RecordingQuality(**{**GOOD.__dict__, **change})


def test_key_highlights_are_the_three_strongest_passed_checks() -> None:
    keys = key_highlights(evaluate_highlights(FULL))
    assert [k.highlight for k in keys] == [
        Highlight.TEASER_IN_ADVANCE, Highlight.LIVE_BOARD, Highlight.LIVE_GIVEAWAY,
    ]  # fmt: skip


def test_key_highlights_skip_failed_and_unknown_checks() -> None:
    facts = SessionFacts(**{**FULL.__dict__, "teaser_posted_at": None, "live_board_uses": 0})
    keys = key_highlights(evaluate_highlights(facts))
    assert [k.highlight for k in keys] == [
        Highlight.LIVE_GIVEAWAY, Highlight.PEAK_HOURS, Highlight.PROMOTIONS_EXPLAINED,
    ]  # fmt: skip
    assert key_highlights(evaluate_highlights(SessionFacts())) == ()


def test_every_decided_check_names_the_facts_that_decided_it() -> None:
    decided = [r for r in evaluate_highlights(FULL) if r.outcome is not Outcome.UNKNOWN]
    assert decided and all(r.decided_by for r in decided)
    assert all(r.decided_by == () for r in evaluate_highlights(SessionFacts()))
    promotions = _outcome(FULL, Highlight.PROMOTIONS_EXPLAINED)
    assert promotions.decided_by == (Fact.PLAN_PROMOTION_TOOLS, Fact.CATALOGUE_PROMOTION_TOOLS)
