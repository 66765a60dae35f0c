"""LIVE highlights: the 29 checks of the catalogue, each passed / failed / unknown with
its evidence, and a session's three key highlights.

A check that the facts at hand cannot decide is UNKNOWN, never PASSED. Checks 3, 5, 7,
22-24 and 28 have no reliable signal and are always UNKNOWN.

Strength ordering (for key highlights): passed checks rank by their position in
``STRENGTH_ORDER``, strongest first. The order puts first what the seller *did* that
platform data confirms (teaser in advance, LIVE Board, Giveaway, peak hours, promotions,
duration, CTA with urgency), then what the host *said* (transcript checks), then
presence and production quality, and last the baseline "no violations". The order is
total, so the choice is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from domain import recording as rec
from domain import transcript as words
from domain.plans import PromotionToolKind
from domain.recording import RecordingQuality
from domain.session_facts import Fact, SessionFacts
from domain.timezones import INDONESIAN_ZONES, local_time, to_utc

LOCAL_LANGUAGE_MIN_SHARE = 0.8
HOST_INTERACTION_MIN_EVENTS = 3
EFFECTIVE_DURATION = timedelta(minutes=45)
PEAK_HOURS = (time(19, 0), time(23, 0))
PEAK_HOURS_INDONESIA = (time(17, 0), time(21, 0))
TEASER_WINDOW = timedelta(days=7)
OTHER_CATEGORY_MIN_DETAILS = 2


class Outcome(StrEnum):
    """Result of one check."""

    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"


class Highlight(StrEnum):
    """The catalogue, in its order (number = position + 1)."""

    LOCAL_LANGUAGE = "local_language"
    HOST_VISIBLE = "host_visible"
    ENTHUSIASTIC_HOST = "enthusiastic_host"
    HOST_INTERACTS = "host_interacts"
    PRODUCT_DEMO = "product_demo"
    CALL_TO_ACTION = "call_to_action"
    CREATIVE_FORMAT = "creative_format"
    LIVE_BOARD = "live_board"
    LIVE_GIVEAWAY = "live_giveaway"
    PRODUCT_SPECS = "product_specs"
    PRODUCT_VALUE = "product_value"
    TARGET_USER = "target_user"
    PROMOTIONS_EXPLAINED = "promotions_explained"
    TRUST_INFORMATION = "trust_information"
    NO_VIOLATIONS = "no_violations"
    CONTENT_QUALITY = "content_quality"
    EFFECTIVE_DURATION = "effective_duration"
    PEAK_HOURS = "peak_hours"
    BRANDED_PRODUCT = "branded_product"
    COMPETITIVE_PRICE = "competitive_price"
    PRODUCT_SHOWN = "product_shown"
    CLEAN_BACKGROUND = "clean_background"
    TIDY_LAYOUT = "tidy_layout"
    CREATIVE_SCENE = "creative_scene"
    CLEAR_IMAGE = "clear_image"
    STABLE_PICTURE = "stable_picture"
    CLEAR_AUDIO = "clear_audio"
    AUDIO_VIDEO_SYNC = "audio_video_sync"
    TEASER_IN_ADVANCE = "teaser_in_advance"

    @property
    def number(self) -> int:
        """Catalogue number, 1..29."""
        return list(Highlight).index(self) + 1


NO_SIGNAL = frozenset(
    {
        Highlight.ENTHUSIASTIC_HOST,
        Highlight.PRODUCT_DEMO,
        Highlight.CREATIVE_FORMAT,
        Highlight.CLEAN_BACKGROUND,
        Highlight.TIDY_LAYOUT,
        Highlight.CREATIVE_SCENE,
        Highlight.AUDIO_VIDEO_SYNC,
    }
)

STRENGTH_ORDER: tuple[Highlight, ...] = (
    Highlight.TEASER_IN_ADVANCE,
    Highlight.LIVE_BOARD,
    Highlight.LIVE_GIVEAWAY,
    Highlight.PEAK_HOURS,
    Highlight.PROMOTIONS_EXPLAINED,
    Highlight.CALL_TO_ACTION,
    Highlight.EFFECTIVE_DURATION,
    Highlight.BRANDED_PRODUCT,
    Highlight.COMPETITIVE_PRICE,
    Highlight.HOST_INTERACTS,
    Highlight.PRODUCT_SPECS,
    Highlight.PRODUCT_VALUE,
    Highlight.TARGET_USER,
    Highlight.TRUST_INFORMATION,
    Highlight.PRODUCT_SHOWN,
    Highlight.HOST_VISIBLE,
    Highlight.LOCAL_LANGUAGE,
    Highlight.CONTENT_QUALITY,
    Highlight.CLEAR_IMAGE,
    Highlight.STABLE_PICTURE,
    Highlight.CLEAR_AUDIO,
    Highlight.NO_VIOLATIONS,
    # no signal today; placed last should a signal ever appear
    Highlight.ENTHUSIASTIC_HOST,
    Highlight.PRODUCT_DEMO,
    Highlight.CREATIVE_FORMAT,
    Highlight.CLEAN_BACKGROUND,
    Highlight.TIDY_LAYOUT,
    Highlight.CREATIVE_SCENE,
    Highlight.AUDIO_VIDEO_SYNC,
)


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome with the evidence a reader can verify and the facts that
    decided it (none when unknown)."""

    highlight: Highlight
    outcome: Outcome
    evidence: str
    decided_by: tuple[Fact, ...] = ()

    @property
    def number(self) -> int:
        """Catalogue number, 1..29."""
        return self.highlight.number


_Verdict = tuple[Outcome, str, tuple[Fact, ...]]
_UNKNOWN_NO_SIGNAL: _Verdict = (Outcome.UNKNOWN, "no reliable signal to decide this", ())


def _decide(passed: bool, evidence: str, *facts: Fact) -> _Verdict:
    return (Outcome.PASSED if passed else Outcome.FAILED), evidence, facts


def _unknown(missing: str) -> _Verdict:
    return Outcome.UNKNOWN, f"not decided: {missing} not available", ()


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _local_language(f: SessionFacts) -> _Verdict:
    if f.local_language_share is None:
        return _unknown("transcript language tags")
    share = f.local_language_share
    return _decide(share >= LOCAL_LANGUAGE_MIN_SHARE,
                   f"local language {_pct(share)} of the duration", Fact.LANGUAGE_TAGS)


def _host_visible(f: SessionFacts) -> _Verdict:
    if f.recording is None:
        return _unknown("recording analysis")
    share = f.recording.face_on_screen_share
    return _decide(rec.host_visible(f.recording), f"a face on {_pct(share)} of sampled frames",
                   Fact.RECORDING)


def _host_interacts(f: SessionFacts) -> _Verdict:
    if f.host_reply_events is None:
        return _unknown("comment and reply events")
    n = f.host_reply_events
    return _decide(n >= HOST_INTERACTION_MIN_EVENTS, f"{n} replies to viewers or polls",
                   Fact.EVENTS)


def _promotion_facts(f: SessionFacts) -> tuple[Fact, ...]:
    return tuple(fact for fact, tools in ((Fact.PLAN_PROMOTION_TOOLS, f.plan_promotion_tools),
                                         (Fact.CATALOGUE_PROMOTION_TOOLS,
                                          f.catalogue_promotion_tools)) if tools is not None)


def _call_to_action(f: SessionFacts) -> _Verdict:
    found = words.mentions(f.transcript, words.CALL_TO_ACTION) if f.transcript else ()
    urgency = f.urgency_promotions or 0
    facts = ((Fact.TRANSCRIPT,) if f.transcript is not None else ()) + (
        _promotion_facts(f) if f.urgency_promotions is not None else ())
    if found or urgency:
        parts = [f"said {', '.join(repr(p) for p in found[:3])}"] if found else []
        parts += [f"{urgency} time-limited offer(s)"] if urgency else []
        return _decide(True, "; ".join(parts), *facts)
    if f.transcript is None and f.urgency_promotions is None:
        return _unknown("transcript and promotion events")
    return _decide(False, "no call to action heard and no time-limited offer run", *facts)


def _uses(count: int | None, feature: str) -> _Verdict:
    if count is None:
        return _unknown(f"{feature} events")
    return _decide(count >= 1, f"{feature} used {count} time(s)", Fact.EVENTS)


def _product_specs(f: SessionFacts) -> _Verdict:
    if f.transcript is None:
        return _unknown("transcript")
    groups = words.spec_groups_mentioned(f.transcript)
    all_kinds = set(words.FASHION_BEAUTY_GROUPS) <= set(groups)
    enough_other = len(groups) >= OTHER_CATEGORY_MIN_DETAILS
    said = f"details mentioned: {', '.join(groups) or 'none'}"
    if f.category is None:
        if all_kinds or not enough_other:
            return _decide(all_kinds, said, Fact.TRANSCRIPT)
        return _unknown("product category (bags, fashion and beauty need every detail kind)")
    c = f.category
    if c.every_detail:
        missing = [g for g in words.FASHION_BEAUTY_GROUPS if g not in groups]
        rule = f"{c.name_id} / {c.name_en} needs every detail kind"
        if missing:
            rule += f", missing {', '.join(missing)}"
    else:
        rule = f"{c.name_id} / {c.name_en} needs at least {OTHER_CATEGORY_MIN_DETAILS} details"
    return _decide(all_kinds if c.every_detail else enough_other, f"{rule}; {said}",
                   Fact.CATEGORY, Fact.TRANSCRIPT)


def _transcript_phrases(f: SessionFacts, phrases: tuple[str, ...], what: str) -> _Verdict:
    if f.transcript is None:
        return _unknown("transcript")
    found = words.mentions(f.transcript, phrases)
    if found:
        return _decide(True, f"{what}: said {', '.join(repr(p) for p in found[:3])}",
                       Fact.TRANSCRIPT)
    return _decide(False, f"no {what} heard", Fact.TRANSCRIPT)


def _kinds(tools: tuple[PromotionToolKind, ...] | None) -> str:
    return ", ".join(sorted({k.value for k in tools or ()})) or "none"


def _promotions(f: SessionFacts) -> _Verdict:
    plan, catalogue = f.plan_promotion_tools, f.catalogue_promotion_tools
    if plan is None and catalogue is None:
        return _unknown("promotion tools of the session's plan or the shop's catalogue")
    parts = [f"on the session's plan: {_kinds(plan)}"] if plan is not None else []
    if catalogue is not None:
        parts.append(f"bound to products it sold: {_kinds(catalogue)}")
    return _decide(bool(plan or catalogue), "promotion tools " + "; ".join(parts),
                   *_promotion_facts(f))


def _no_violations(f: SessionFacts) -> _Verdict:
    if f.violations is None:
        return _unknown("violations data")
    return _decide(f.violations == 0, f"{f.violations} policy violation(s)", Fact.VIOLATIONS)


def _content_quality(f: SessionFacts) -> _Verdict:
    if f.recording is None:
        return _unknown("recording analysis")
    checks = {
        "image": rec.clear_image(f.recording),
        "stability": rec.stable_picture(f.recording),
        "audio": rec.clear_audio(f.recording),
    }
    poor = [name for name, ok in checks.items() if not ok]
    return _decide(not poor, f"poor: {', '.join(poor)}" if poor else "image, stability, audio ok",
                   Fact.RECORDING)


def _duration(f: SessionFacts) -> _Verdict:
    if f.started_at is None or f.ended_at is None:
        return _unknown("session start and end")
    length = to_utc(f.ended_at) - to_utc(f.started_at)
    minutes = length.total_seconds() / 60
    return _decide(length >= EFFECTIVE_DURATION, f"lasted {minutes:.0f} minutes",
                   Fact.SESSION_TIMES)


def is_indonesia(market: str | None, time_zone: str | None) -> bool:
    """Indonesia's market rule applies for market "ID", or an Indonesian zone without a
    stated market."""
    if market is not None:
        return market.upper() == "ID"
    return time_zone in INDONESIAN_ZONES


def in_peak_hours(start: datetime, time_zone: str, market: str | None) -> bool:
    """Whether the local start time lies in 19:00-23:00 (Indonesia: 17:00-21:00), both
    ends included, to the minute (17:00 yes, 21:00 yes, 21:01 no)."""
    low, high = PEAK_HOURS_INDONESIA if is_indonesia(market, time_zone) else PEAK_HOURS
    clock = local_time(start, time_zone).time().replace(second=0, microsecond=0)
    return low <= clock <= high


def _peak_hours(f: SessionFacts) -> _Verdict:
    if f.started_at is None or f.time_zone is None:
        return _unknown("session start and the zone it took place in")
    low, high = PEAK_HOURS_INDONESIA if is_indonesia(f.market, f.time_zone) else PEAK_HOURS
    local = local_time(f.started_at, f.time_zone)
    return _decide(
        in_peak_hours(f.started_at, f.time_zone, f.market),
        f"started {local:%H:%M} {f.time_zone}; peak {low:%H:%M}-{high:%H:%M}",
        Fact.SESSION_TIMES, Fact.SESSION_TIME_ZONE,
    )


def _branded(f: SessionFacts) -> _Verdict:
    sold, pinned = f.branded_units_sold, f.branded_product_pinned
    if sold == 0 or pinned is False:
        return _decide(False, f"branded units sold: {sold}; pinned: {pinned}",
                       Fact.BRANDED_ORDERS)
    if sold is None or pinned is None:
        return _unknown("branded orders and pin events")
    return _decide(True, f"{sold} branded unit(s) sold, branded product pinned",
                   Fact.BRANDED_ORDERS)


def _competitive_price(f: SessionFacts) -> _Verdict:
    if not f.best_seller_prices:
        return _unknown("best-seller price comparison")
    dearer = [
        c.product_id
        for c in f.best_seller_prices
        if c.lowest_elsewhere is not None and not c.price < c.lowest_elsewhere
    ]
    if dearer:
        return _decide(False, f"not cheaper than elsewhere: {', '.join(dearer)}", Fact.PRICES)
    return _decide(True, "best-sellers cheaper here or sold only here", Fact.PRICES)


def _product_shown(f: SessionFacts) -> _Verdict:
    if f.pinned_share is None:
        return _unknown("product pins in the timeline")
    share = f.pinned_share
    return _decide(share > 0, f"a product pinned {_pct(share)} of the timeline (ideal: half "
                   "the session)", Fact.TIMELINE_PINS)


def _quality(f: SessionFacts, judge: Callable[[RecordingQuality], bool], what: str) -> _Verdict:
    if f.recording is None:
        return _unknown("recording analysis")
    q = f.recording
    detail = {
        "image": f"sharpness {q.sharpness:.2f}, brightness {q.brightness:.2f}",
        "picture": f"shake {q.shake:.2f}",
        "audio": f"loudness {q.loudness_lufs:.1f} LUFS, silence {_pct(q.silence_share)}",
    }[what]
    return _decide(judge(q), detail, Fact.RECORDING)


def _teaser(f: SessionFacts) -> _Verdict:
    if f.teaser_posted_at is None or f.started_at is None:
        return _unknown("teaser records")
    start = to_utc(f.started_at)
    ahead = [t for t in f.teaser_posted_at if start - TEASER_WINDOW <= to_utc(t) < start]
    return _decide(bool(ahead), f"{len(ahead)} teaser(s) posted within 7 days before the start",
                   Fact.TEASER_RECORDS, Fact.SESSION_TIMES)


_CHECKS: dict[Highlight, Callable[[SessionFacts], _Verdict]] = {
    Highlight.LOCAL_LANGUAGE: _local_language,
    Highlight.HOST_VISIBLE: _host_visible,
    Highlight.HOST_INTERACTS: _host_interacts,
    Highlight.CALL_TO_ACTION: _call_to_action,
    Highlight.LIVE_BOARD: lambda f: _uses(f.live_board_uses, "LIVE Board"),
    Highlight.LIVE_GIVEAWAY: lambda f: _uses(f.giveaway_uses, "LIVE Giveaway"),
    Highlight.PRODUCT_SPECS: _product_specs,
    Highlight.PRODUCT_VALUE: lambda f: _transcript_phrases(f, words.PRODUCT_VALUE, "product value"),
    Highlight.TARGET_USER: lambda f: _transcript_phrases(f, words.TARGET_USER, "target user"),
    Highlight.PROMOTIONS_EXPLAINED: _promotions,
    Highlight.TRUST_INFORMATION: lambda f: _transcript_phrases(f, words.TRUST, "trust information"),
    Highlight.NO_VIOLATIONS: _no_violations,
    Highlight.CONTENT_QUALITY: _content_quality,
    Highlight.EFFECTIVE_DURATION: _duration,
    Highlight.PEAK_HOURS: _peak_hours,
    Highlight.BRANDED_PRODUCT: _branded,
    Highlight.COMPETITIVE_PRICE: _competitive_price,
    Highlight.PRODUCT_SHOWN: _product_shown,
    Highlight.CLEAR_IMAGE: lambda f: _quality(f, rec.clear_image, "image"),
    Highlight.STABLE_PICTURE: lambda f: _quality(f, rec.stable_picture, "picture"),
    Highlight.CLEAR_AUDIO: lambda f: _quality(f, rec.clear_audio, "audio"),
    Highlight.TEASER_IN_ADVANCE: _teaser,
}


def evaluate_highlights(facts: SessionFacts) -> tuple[CheckResult, ...]:
    """All 29 checks in catalogue order, each passed / failed / unknown with evidence and
    the facts that decided it."""
    results = []
    for highlight in Highlight:
        check = _CHECKS.get(highlight)
        outcome, evidence, decided_by = _UNKNOWN_NO_SIGNAL if check is None else check(facts)
        results.append(CheckResult(highlight, outcome, evidence, decided_by))
    return tuple(results)


def key_highlights(results: Iterable[CheckResult], count: int = 3) -> tuple[CheckResult, ...]:
    """The ``count`` strongest *passed* checks, by ``STRENGTH_ORDER`` (fewer when fewer
    passed)."""
    passed = [r for r in results if r.outcome is Outcome.PASSED]
    passed.sort(key=lambda r: STRENGTH_ORDER.index(r.highlight))
    return tuple(passed[:count])
