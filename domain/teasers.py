"""Automatic teasers: pick the seller's best past session and queue the two recommended
teasers (day before and hour before) for a new plan."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from domain.errors import CurrencyMismatch
from domain.money import Money
from domain.plans import LivePlan
from domain.schedule import PostSlot, recommended_posts
from domain.timezones import to_utc

# The render template (sticker, arrow, music, encoding) new teasers are made with. Ops
# regenerate teasers by this version when the design changes; bump it with the design.
TEMPLATE_VERSION = "2026.12.1"

NO_USABLE_SESSION = (
    "No past LIVE session of the shop's official account with a ready recording that "
    "covers its timeline was found, so no automatic teaser was made. The plan was created; "
    "attach the full recording to a past session, or upload offline footage, to make a "
    "teaser."
)


# A recording may end a little before the metric export does (the export runs to the end
# of its last bucket); "far shorter" is more than this, or a tenth of the session.
RECORDING_SLACK_S = 60.0


def recording_shortfall(recording_s: float | None, timeline_end_s: float,
                        lang: str = "en") -> str | None:
    """Why a recording of ``recording_s`` seconds cannot be the recording of a session
    whose metric timeline runs to ``timeline_end_s`` (in ``lang``, "en" or "id"), or
    ``None`` when it covers it (or there is no timeline). A recording far shorter than its
    timeline would cut moments the metrics point at from somewhere else, or from nothing."""
    if timeline_end_s <= 0:
        return None
    if recording_s is None:
        return ("Durasi rekaman belum diketahui; tunggu sampai unggahannya siap."
                if lang == "id" else
                "The recording's duration is not known yet; wait until the upload is ready.")
    slack = max(RECORDING_SLACK_S, 0.1 * timeline_end_s)
    if recording_s + slack < timeline_end_s:
        if lang == "id":
            return (
                f"Rekaman berdurasi {recording_s:.0f} dtk, padahal timeline sesi berjalan "
                f"sampai {timeline_end_s:.0f} dtk: ini bukan rekaman utuh sesi tersebut. "
                "Unggah rekaman LIVE selengkapnya, atau kirim timeline bagian yang terekam "
                "saja."
            )
        return (
            f"The recording lasts {recording_s:.0f} s but the session's timeline runs to "
            f"{timeline_end_s:.0f} s: it is not this session's whole recording. Upload the "
            "full recording of the LIVE, or send the timeline of the part that was recorded."
        )
    return None


@dataclass(frozen=True)
class PastSession:
    """A seller's past LIVE session as a teaser source. ``has_usable_recording``: its
    recording is ready and covers its timeline (``recording_shortfall``); ``official``:
    the shop's own account's session (an affiliate creator's GMV is not the shop's)."""

    session_id: str
    ended_at: datetime
    gmv: Money
    interaction_rate: Fraction | None
    has_usable_recording: bool
    official: bool = True


@dataclass(frozen=True)
class TeaserRequest:
    """One teaser to render and post for a plan."""

    plan_id: str
    source_session_id: str
    slot: PostSlot
    post_at: datetime
    sticker_text: str


@dataclass(frozen=True)
class AutoTeaserResult:
    """What automatic teasers produced; ``requests`` is empty when nothing usable, and
    ``message`` says why (the plan exists either way)."""

    source_session_id: str | None
    requests: tuple[TeaserRequest, ...]
    message: str


def rank_past_sessions(sessions: Iterable[PastSession]) -> list[PastSession]:
    """Past sessions best first: highest GMV, then interaction rate (no data last), then
    the most recent, then session id. All GMV must share one currency."""
    ranked = list(sessions)
    currencies = {s.gmv.currency for s in ranked}
    if len(currencies) > 1:
        raise CurrencyMismatch(
            f"Past sessions are in several currencies ({', '.join(sorted(currencies))}); "
            "rank sessions of one currency.",
            indonesian=f"Sesi sebelumnya memakai beberapa mata uang "
                       f"({', '.join(sorted(currencies))}); urutkan sesi dengan satu mata "
                       "uang saja.")
    return sorted(
        ranked,
        key=lambda s: (
            -s.gmv.amount,
            s.interaction_rate is None,
            -(s.interaction_rate or Fraction(0)),
            -to_utc(s.ended_at).timestamp(),
            s.session_id,
        ),
    )


def best_source_session(sessions: Iterable[PastSession]) -> PastSession | None:
    """The best of the shop's own (official-account) past sessions that has a usable
    recording, or ``None``."""
    usable = rank_past_sessions(s for s in sessions if s.has_usable_recording and s.official)
    return usable[0] if usable else None


def automatic_teasers(
    plan: LivePlan, sessions: Sequence[PastSession], now: datetime, lang: str = "id"
) -> AutoTeaserResult:
    """The teaser requests for a plan created with automatic teasers: from the best usable
    past session, one posted a day before ("Besok 19.00 WIB") and one an hour before
    ("1 jam lagi"). Slots already past at ``now`` are skipped and named in the message.
    Without a usable session: no requests and a message saying so."""
    best = best_source_session(sessions)
    if best is None:
        return AutoTeaserResult(None, (), NO_USABLE_SESSION)
    at = to_utc(now, "current time")
    requests: list[TeaserRequest] = []
    skipped: list[str] = []
    for post in recommended_posts(plan.start, plan.time_zone, lang):
        if post.post_at < at:
            skipped.append(post.slot.value.replace("_", " "))
            continue
        requests.append(
            TeaserRequest(plan.plan_id, best.session_id, post.slot, post.post_at, post.sticker_text)
        )
    message = f"{len(requests)} teaser(s) queued from session {best.session_id}."
    if skipped:
        message += f" Skipped ({', '.join(skipped)}): that post time has already passed."
    return AutoTeaserResult(best.session_id, tuple(requests), message)
