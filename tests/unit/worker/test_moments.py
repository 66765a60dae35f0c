"""The other moments a session offers beside its teaser's own, and a seller's own cuts
described as the ranking describes its choices."""

from __future__ import annotations

import numpy as np

from domain.edits import check_cuts
from tests.unit.worker.test_ranking import session, steady
from worker.moments import seller_session_cuts, session_moments
from worker.ranking import rank_session
from worker.timeline import Timeline

N = 1800


def _busy_session() -> Timeline:
    comments = steady(N, 30)
    for at in (300, 700, 1100, 1500):  # four comment bursts, the last the biggest
        comments[at:at + 10] = 1 if at < 1500 else 2
    return session(N, viewers=200, comments=comments)


def test_candidates_are_other_moments_than_the_teaser_shows_best_first() -> None:
    tl = _busy_session()
    sel = rank_session(tl, N)
    chosen = [(s.start, s.end) for s in sel.segments]
    offered = session_moments(tl, N, chosen)
    assert 1 <= len(offered) <= 6
    for c in offered:
        assert c.end - c.start == 10 and c.reason
        assert all(c.end <= s or c.start >= e for s, e in chosen)  # never a chosen second
    assert [c.score for c in offered] == sorted((c.score for c in offered), reverse=True)
    starts = sorted(c.start for c in offered)
    assert all(b - a >= 10 for a, b in zip(starts, starts[1:], strict=False))


def test_a_burst_the_teaser_left_out_is_offered_first_and_says_why() -> None:
    tl = _busy_session()
    kept = [(s.start, s.end) for s in rank_session(tl, N).segments if s.start > 1200
            or s.start < 1000]  # the seller's teaser without the burst at 1100
    best = session_moments(tl, N, kept)[0]
    assert best.start < 1100 < best.end + 20  # comments trail their moment by a few s
    assert "comments" in best.reason


def test_poor_picture_is_not_offered() -> None:
    tl = _busy_session()
    quality = np.ones(N)
    quality[1070:1110] = 0.0  # dark there
    offered = session_moments(tl, N, [(290, 300), (690, 700), (1490, 1500)], quality=quality)
    assert offered and not any(c.start < 1110 and c.end > 1070 for c in offered)


def test_a_sellers_cuts_are_kept_exactly_with_their_reasons_in_the_sellers_language() -> None:
    tl = _busy_session()
    cuts = [(1085.5, 1099.0), (290.0, 305.0), (1490.0, 1502.0)]
    check_cuts(cuts, N)
    sel = seller_session_cuts(tl, N, cuts, lang="id")
    assert [(s.start, s.end) for s in sel.segments] == cuts
    assert "komentar" in sel.segments[0].reason
    assert sel.candidates and all(c.end <= 290 or c.start >= 305 for c in sel.candidates)
