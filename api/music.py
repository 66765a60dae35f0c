"""``GET /v1/music``: the background music beds a teaser can use (``music`` of
``POST /v1/teasers``), besides ``auto`` (one chosen for the teaser) and ``none``."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint
from spectree import Response as Resp

from api.openapi import Answer, Model, spec
from api.problems import Problem

bp = Blueprint("music", __name__, url_prefix="/music")
MUSIC_DIR = Path(__file__).resolve().parents[1] / "media" / "assets" / "music"
SPECIAL = ("auto", "none")


class BedOut(Model):
    """A music bed: its name (the value for ``music``), mood and tempo."""

    name: str
    mood: str | None
    bpm: int | None
    seconds: float | None


class MusicList(Model):
    """The beds, and the special values ``auto`` and ``none``."""

    items: list[BedOut]
    special: list[str]


@lru_cache(maxsize=1)
def beds() -> dict[str, BedOut]:
    """The committed beds by name (the files the render can use, with beds.json's notes)."""
    info_path = MUSIC_DIR / "beds.json"
    info = json.loads(info_path.read_text()) if info_path.is_file() else {}
    out = {}
    for path in sorted(MUSIC_DIR.glob("*.m4a")):
        meta = info.get(path.stem, {})
        out[path.stem] = BedOut(name=path.stem, mood=meta.get("mood"), bpm=meta.get("bpm"),
                                seconds=meta.get("seconds"))
    return out


def check_music(value: str) -> None:
    """Refuse a ``music`` value that is not ``auto``, ``none`` or a bed's name."""
    if value in SPECIAL or value in beds():
        return
    raise Problem(422, "Invalid request", f"There is no music bed {value!r}. Use one of "
                  f"{', '.join(SPECIAL + tuple(beds()))} (GET /v1/music lists them).",
                  code="unknown_music", field="music",
                  indonesian=f"Tidak ada musik latar {value!r}. Pilih salah satu dari "
                             f"{', '.join(SPECIAL + tuple(beds()))} (GET /v1/music "
                             "menampilkan daftarnya).")


@bp.get("")
@spec.validate(resp=Resp(HTTP_200=MusicList), tags=["teasers"])
def list_music() -> Answer:
    """The music beds to choose from."""
    return MusicList(items=list(beds().values()), special=list(SPECIAL))
