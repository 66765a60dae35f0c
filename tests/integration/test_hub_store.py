"""The hub's stored facts across migrations: what rows written before a migration
become after it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from store.db import Database
from store.models import LiveSession

_SELLER = (
    "INSERT INTO sellers (id, name, account_type, time_zone, lang, currency, show_in_hub,"
    " created_at) VALUES (:id, :id, 'official', :tz, 'id', 'IDR', 1, :at)"
)
_SESSION = (
    "INSERT INTO live_sessions (id, seller_id, title, account_type, category, started_at,"
    " currency, timeline, totals, gmv_minor, views, viewers, violations, products, events,"
    " extra, created_at) VALUES (:id, :seller, 'LIVE', 'official', :category, :at, 'IDR',"
    " '[]', '{}', 0, 0, 0, 0, '[]', '[]', '{}', :at)"
)
AT = datetime(2024, 11, 19, 12, 0, tzinfo=UTC)


def _old_database(tmp_path: Path, revision: str) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    db.upgrade(revision)
    return db


def test_stored_category_names_become_codes_and_unknown_text_is_kept(tmp_path: Path) -> None:
    db = _old_database(tmp_path, "0008")
    with db.engine.begin() as conn:
        conn.execute(text(_SELLER), {"id": "s1", "tz": "Asia/Jakarta", "at": AT})
        for sid, category in (("a", "Beauty"), ("b", "TAS"), ("c", "Gadget stuff"), ("d", None)):
            conn.execute(text(_SESSION), {"id": sid, "seller": "s1", "category": category,
                                          "at": AT})
    db.upgrade()
    with db.session() as s:
        stored = {r.id: r.category for r in s.query(LiveSession)}
    db.dispose()
    assert stored == {"a": "beauty", "b": "bags", "c": "Gadget stuff", "d": None}


def test_sessions_recorded_before_keep_their_sellers_zone_and_their_teasers(
    tmp_path: Path,
) -> None:
    db = _old_database(tmp_path, "0009")
    with db.engine.begin() as conn:
        conn.execute(text(_SELLER), {"id": "s1", "tz": "Asia/Makassar", "at": AT})
        conn.execute(text(_SESSION), {"id": "a", "seller": "s1", "category": "beauty", "at": AT})
        conn.execute(text(
            "INSERT INTO teasers (id, seller_id, status, progress, source_kind, session_id,"
            " params, template_version, revision, attempts, created_at, updated_at) VALUES"
            " ('t1', 's1', 'ready', 1.0, 'session', 'a', '{}', '1', 1, 0, :at, :at)"),
            {"at": AT})
    db.upgrade()
    with db.session() as s:
        session = s.get(LiveSession, "a")
        assert session is not None
        zone, plan = session.time_zone, session.plan_id
        teaser_source = s.execute(text("SELECT session_id FROM teasers")).scalar_one()
        s.execute(text("UPDATE sellers SET time_zone = 'Europe/Berlin'"))
    with db.session() as s:
        moved = s.get(LiveSession, "a")
        assert moved is not None and moved.time_zone == "Asia/Makassar"
    db.dispose()
    assert (zone, plan, teaser_source) == ("Asia/Makassar", None, "a")


def test_sessions_recorded_before_whose_figures_were_reported_are_the_sellers(
    tmp_path: Path,
) -> None:
    db = _old_database(tmp_path, "0012")
    with db.engine.begin() as conn:
        conn.execute(text(_SELLER), {"id": "s1", "tz": "Asia/Jakarta", "at": AT})
        conn.execute(text(_SESSION), {"id": "a", "seller": "s1", "category": "beauty", "at": AT})
    db.upgrade()
    with db.session() as s:
        reported = {r.id: r.reported_by for r in s.query(LiveSession)}
    db.dispose()
    # any seller key could write them then: none is known to be the platform's
    assert reported == {"a": "seller"}
