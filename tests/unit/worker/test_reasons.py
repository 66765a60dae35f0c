"""Reasons and notes a seller reads, in the seller's language (issue 12 point 8): the
same cut worded in Indonesian or English, every sentence in both."""

from __future__ import annotations

import re
import string

import numpy as np
import pytest

from tests.unit.worker.test_analysis_features import synthetic_analysis
from tests.unit.worker.test_ranking import session, steady
from worker import reasons
from worker.footage_ranking import rank_footage
from worker.ranking import Selection, rank_session
from worker.timeline import Timeline

N = 3600


def pinned_session() -> Timeline:
    clicks, orders = steady(N, 20), steady(N, 300, start=7)
    clicks[1200:1220] = 1
    orders[1240:1260] = 1
    return session(N, viewers=200, comments=steady(N, 9), product_clicks=clicks,
                   orders=orders, pins={i: "SKU-SERUM" for i in range(1200, 1500)})


def words(sel: Selection) -> str:
    return " | ".join([*(s.reason for s in sel.segments), sel.opening_reason, *sel.notes])


def test_indonesian_reasons_and_notes_for_the_same_cut() -> None:
    en = rank_session(pinned_session(), N, lang="en")
    id_ = rank_session(pinned_session(), N, lang="id")
    assert [(s.start, s.end) for s in en.segments] == [(s.start, s.end) for s in id_.segments]
    assert id_.opening_reason == "dibuka saat produk SKU-SERUM di-pin (pada 20:00)"
    assert en.opening_reason == "opens as product SKU-SERUM is pinned (at 20:00)"
    first = id_.segments[0].reason
    assert first.startswith("produk di-pin: SKU-SERUM; ")
    assert re.search(r"pesanan dalam \d+ dtk berikutnya: \d+, \d+,\d× biasanya", first)
    assert any(n.startswith("di sesi ini pesanan masuk sekitar 40 dtk") for n in id_.notes)
    assert not re.search(r"\b(orders|opens|usual|pinned|session)\b", words(id_))


def test_notes_of_a_partial_timeline_and_a_short_recording_are_indonesian_too() -> None:
    sel = rank_session(session(10, bucket=60, orders=1, comments=5), 7200, lang="id")
    assert ("timeline hanya mencakup 10:00 dari rekaman 2:00:00; momen sesudahnya tidak bisa "
            "diperingkat") in sel.notes
    short = rank_session(session(20, comments=steady(20, 3)), 20.0, lang="id")
    assert short.notes == ("rekaman hanya 20 dtk, jadi teaser 20 dtk, bukan sekitar 40 dtk",)
    flat = rank_session(session(60, bucket=60, viewers=150, comments=9, orders=1), 3600,
                        lang="id")
    assert all(s.reason.startswith("sesi stabil: ") for s in flat.segments)
    assert "9,0/mnt" in flat.segments[0].reason  # decimal comma


def test_footage_reasons_follow_the_language() -> None:
    a = synthetic_analysis(120, face=np.full(120, 0.9), face_w=np.full(120, 0.3),
                           speech=np.full(120, 0.9))
    id_ = rank_footage(a, 120.0, lang="id")
    assert id_.segments[0].reason.startswith("pembuka: close-up tajam, terang, stabil")
    assert "Anda berbicara" in words(id_)
    assert rank_footage(a, 120.0, lang="en").segments[0].reason.startswith(
        "opening: sharp close-up, well lit, steady")


@pytest.mark.parametrize("key", sorted(reasons._WORDS))
def test_every_sentence_has_both_languages_with_the_same_blanks(key: str) -> None:
    en, id_ = reasons._WORDS[key]
    fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (en, id_)]
    assert en and id_ and fields[0] == fields[1]


def test_an_unknown_language_is_refused_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="'id' or 'en'"):
        rank_session(pinned_session(), N, lang="fr")
