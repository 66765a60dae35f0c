"""Every teaser the pipeline makes keeps the edit rules it would hold a seller to: its
reported moments, sent back unchanged (``PUT /v1/teasers/{id}/edit`` checks them with
``domain.edits.check_cuts``), are accepted. Over generated recordings that once broke
this: a recording shorter than the target (its cuts were moved into pauses until it was
shorter than itself), and a still picture with long pauses (the dead air taken out left
8 to 10 moments of 2-3 s, under 35 s in all)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from domain.edits import check_cuts
from tests.footage import make_clip, speech_wav
from worker import cuts
from worker.pipeline import TeaserInput, plan_teaser
from worker.probe import probe

PHRASES = ["Halo semua, selamat datang di LIVE kami", "serum ini diskon lima puluh persen",
           "stok terbatas, ayo checkout sekarang", "jangan lupa ikuti akun kami"] * 4


def _timeline(seconds: float, seed: int) -> list[dict[str, Any]]:
    """Per-5-s rows with a product moment (clicks, orders, GMV) at 60 % of the session."""
    r, spike = random.Random(seed), seconds * 0.6
    return [{"t": t, "views": 100 + r.randint(0, 50), "viewers": 80,
             "product_clicks": 5 + (60 if abs(t - spike) < 6 else r.randint(0, 5)),
             "orders": 1 + (10 if abs(t - spike) < 6 else 0),
             "gmv": 10000 + (500000 if abs(t - spike) < 6 else 0),
             "comments": r.randint(0, 9), "likes": r.randint(0, 20)}
            for t in range(0, int(seconds), 5)]


@pytest.mark.parametrize(("seconds", "sound", "picture", "with_timeline"), [
    (30, "speech", "testsrc2", True),   # shorter than the 35 s a teaser needs
    (30, "speech", "testsrc2", False),
    (38, "speech", "testsrc2", False),
    (90, "speech", "testsrc2", False),
    (120, "speech", "testsrc2", True),
    (50, "silence", "testsrc2", False),
    (36, "voice", "color=c=gray", True),  # still picture, long pauses: dead air
    (45, "voice", "color=c=gray", False),
    (60, "voice", "color=c=gray", True),
    (90, "voice", "color=c=gray", False),
])
def test_a_teasers_own_moments_sent_back_unchanged_are_accepted(
        tmp_path: Path, seconds: int, sound: str, picture: str, with_timeline: bool) -> None:
    voice = None
    if sound == "voice":
        voice = tmp_path / "voice.wav"
        speech_wav(voice, PHRASES, pause=2.6, seconds=seconds)
    clip = make_clip(tmp_path / "rec.mp4", seconds=seconds, size="320x180", fps=15,
                     video=picture, audio=None if voice else sound, voice=voice)
    info = probe(clip)
    edit, _ = plan_teaser(info, TeaserInput(
        clip, timeline_rows=_timeline(seconds, seconds) if with_timeline else None,
        music="none"))
    moments = [(round(s.start, 3), round(s.end, 3)) for s in edit.segments]  # as reported
    check_cuts(moments, info.duration)  # raises EditRefused naming the rule broken
    total = sum(e - s for s, e in moments)
    # about 40 s where the recording holds it; a short recording gives most of itself
    assert total >= min(35.0, info.duration - 2 * cuts.PAUSE_REACH) - 0.05
