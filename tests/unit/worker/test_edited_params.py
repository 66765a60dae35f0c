"""Which seller edits a regeneration can redo with the least work (``worker.jobs``): the
served version's report keeps the parameters it was made from."""

from __future__ import annotations

from worker.jobs import MADE_WITH, edited_params

MADE = {MADE_WITH: {"music": "warm", "lang": "id", "target_seconds": 40.0}}


def test_a_music_edit_alone_is_a_change_of_music() -> None:
    now = {"music": "chill", "lang": "id", "target_seconds": 40.0}
    assert edited_params(MADE, now) == {"music": "chill"}
    assert edited_params(MADE, {**now, "poster_at": 3.0}) == {"music": "chill",
                                                             "poster_at": 3.0}


def test_other_moments_or_words_are_made_again_in_full() -> None:
    for now in ({"music": "chill", "lang": "id", "target_seconds": 40.0,
                 "cuts": [[1.0, 9.0]]},
                {"music": "warm", "lang": "en", "target_seconds": 40.0,
                 "sticker_text": "LIVE Sat"}):
        assert edited_params(MADE, now) is None


def test_no_change_or_a_version_that_does_not_say_what_it_was_made_from_is_made_in_full(
        ) -> None:
    assert edited_params(MADE, dict(MADE[MADE_WITH])) is None
    assert edited_params({"work": "render"}, {"music": "chill"}) is None
    assert edited_params(None, {"music": "chill"}) is None
