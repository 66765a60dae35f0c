"""The rules a teaser's cuts keep, whoever chose them: the ranking (``worker.cuts``,
``worker.footage_ranking``) places its cuts within them, and a seller's edited edit list
(``PUT /v1/teasers/{id}/edit``) is checked against them before it is rendered.

A teaser is 1 to 4 moments of the recording, each at least 6 s, none overlapping, about
40 s in all (35 to 45 s accepted; shorter only when the recording itself is, and a
moment shorter than 6 s only when the whole recording is).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from domain.errors import EditRefused

MIN_SEGMENT_S = 6.0
TARGET_S = 40.0
TOLERANCE_S = 5.0  # the target 40 s accepts 35..45 s
MAX_SEGMENTS = 4
SLACK_S = 0.05  # float noise of times a browser or a JSON client rounded


def asked_length(params: Mapping[str, Any] | None) -> float:
    """The length a teaser was asked for (its ``target_seconds`` parameter; ``TARGET_S``
    when none was given): what its edit rules, its render and its estimates go by."""
    return float((params or {}).get("target_seconds") or TARGET_S)


def length_bounds(recording_s: float, target_s: float = TARGET_S) -> tuple[float, float]:
    """The shortest and longest teaser a recording of ``recording_s`` seconds gives: the
    target +-5 s, and no more than the recording holds. A recording shorter than the
    shortest such teaser gives a shorter one, as short as one moment (its dead air taken
    out, say): it cannot reach the length anyway."""
    lo, hi = target_s - TOLERANCE_S, target_s + TOLERANCE_S
    if recording_s < lo:
        lo = min(MIN_SEGMENT_S, recording_s)
    return lo, min(hi, recording_s)


def check_cuts(cuts: Sequence[tuple[float, float]], recording_s: float,
               target_s: float = TARGET_S) -> None:
    """Refuse cuts (``(start, end)`` source seconds, in play order) that break a rule,
    naming the first wrong one as ``segments.<i>.start`` / ``.end`` (or ``segments``)."""
    least = min(MIN_SEGMENT_S, recording_s)  # a recording under 6 s is one short moment
    if not 1 <= len(cuts) <= MAX_SEGMENTS:
        raise EditRefused(
            f"A teaser has 1 to {MAX_SEGMENTS} moments; this edit has {len(cuts)}.",
            field="segments", rule="segment_count",
            indonesian=f"Teaser berisi 1 sampai {MAX_SEGMENTS} momen; suntingan ini berisi "
                       f"{len(cuts)}.")
    for i, (start, end) in enumerate(cuts):
        if not (math.isfinite(start) and math.isfinite(end)):
            raise EditRefused(f"Moment {i + 1}: give its start and end in seconds.",
                              field=f"segments.{i}.start", rule="outside_recording",
                              indonesian=f"Momen {i + 1}: isi waktu mulai dan selesainya "
                                         "dalam detik.")
        if start < 0:
            raise EditRefused(
                f"Moment {i + 1} starts at {start:.1f} s, before the recording begins; "
                "start it at 0 s or later.", field=f"segments.{i}.start",
                rule="outside_recording",
                indonesian=f"Momen {i + 1} mulai di {start:.1f} dtk, sebelum rekaman dimulai; "
                           "mulailah di 0 dtk atau sesudahnya.")
        if end > recording_s + SLACK_S:
            raise EditRefused(
                f"Moment {i + 1} ends at {end:.1f} s, after the recording ends at "
                f"{recording_s:.1f} s; end it at {recording_s:.1f} s or earlier.",
                field=f"segments.{i}.end", rule="outside_recording",
                indonesian=f"Momen {i + 1} selesai di {end:.1f} dtk, sesudah rekaman berakhir "
                           f"di {recording_s:.1f} dtk; akhiri di {recording_s:.1f} dtk atau "
                           "sebelumnya.")
        if end - start < least - SLACK_S:
            raise EditRefused(
                f"Moment {i + 1} lasts {max(0.0, end - start):.1f} s; each moment lasts at "
                f"least {least:.0f} s so a viewer can follow it. Move its end to "
                f"{start + least:.1f} s or later.", field=f"segments.{i}.end",
                rule="segment_too_short",
                indonesian=f"Momen {i + 1} hanya {max(0.0, end - start):.1f} dtk; tiap momen "
                           f"minimal {least:.0f} dtk agar penonton bisa mengikutinya. "
                           f"Geser akhirnya ke {start + least:.1f} dtk atau sesudahnya.")
    order = sorted(range(len(cuts)), key=lambda k: cuts[k][0])
    for a, b in zip(order, order[1:], strict=False):
        if cuts[b][0] < cuts[a][1] - SLACK_S:
            raise EditRefused(
                f"Moments {a + 1} and {b + 1} overlap ({cuts[a][0]:.1f}-{cuts[a][1]:.1f} s "
                f"and {cuts[b][0]:.1f}-{cuts[b][1]:.1f} s): the same seconds would play "
                f"twice. Start moment {b + 1} at {cuts[a][1]:.1f} s or later.",
                field=f"segments.{b}.start", rule="segments_overlap",
                indonesian=f"Momen {a + 1} dan {b + 1} bertumpuk ({cuts[a][0]:.1f}-"
                           f"{cuts[a][1]:.1f} dtk dan {cuts[b][0]:.1f}-{cuts[b][1]:.1f} dtk): "
                           f"detik yang sama akan diputar dua kali. Mulailah momen {b + 1} di "
                           f"{cuts[a][1]:.1f} dtk atau sesudahnya.")
    total = sum(end - start for start, end in cuts)
    lo, hi = length_bounds(recording_s, target_s)
    if total < lo - SLACK_S or total > hi + SLACK_S:
        raise EditRefused(
            f"The moments add up to {total:.1f} s; a teaser lasts {lo:.0f} to {hi:.0f} s. "
            f"{'Lengthen' if total < lo else 'Shorten'} a moment by "
            f"{(lo - total) if total < lo else (total - hi):.1f} s or more.",
            field="segments", rule="teaser_length",
            indonesian=f"Total momen {total:.1f} dtk; teaser berdurasi {lo:.0f} sampai "
                       f"{hi:.0f} dtk. {'Perpanjang' if total < lo else 'Perpendek'} satu momen "
                       f"{(lo - total) if total < lo else (total - hi):.1f} dtk atau lebih.")
