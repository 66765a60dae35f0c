"""The store on both databases: migrations equal the models, UTC round-trips, the
constraints the API and jobs rely on. PostgreSQL tests use a fresh schema per run."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from domain.lifecycle import TeaserStatus
from store.db import Database, init_db
from store.models import Base, RegenerationBatch, RegenerationItem, Seller, Teaser
from tests.postgres import private_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = init_db(f"sqlite:///{tmp_path / 'store.db'}")
        yield database
        database.dispose()
        return
    with private_schema() as (url, schema):
        database = init_db(url, schema=schema)
        try:
            yield database
        finally:
            database.dispose()


def _teaser(db: Database) -> str:
    with db.session() as s:
        seller = Seller(name=f"s-{uuid.uuid4().hex[:8]}")
        s.add(seller)
        s.flush()
        row = Teaser(seller_id=seller.id, source_kind="footage", params={"music": "auto"})
        s.add(row)
        s.flush()
        return row.id


def test_migrations_create_exactly_the_models(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_twice_is_harmless(db: Database) -> None:
    db.upgrade()
    assert db.ping()


def test_new_teaser_defaults_and_utc_round_trip(db: Database) -> None:
    teaser_id = _teaser(db)
    wib = timezone(timedelta(hours=7))
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        assert row.status is TeaserStatus.QUEUED and row.revision == 1 and row.attempts == 0
        row.started_at = datetime(2024, 11, 23, 19, 0, tzinfo=wib)
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        assert row.started_at == datetime(2024, 11, 23, 12, 0, tzinfo=UTC)
        assert row.started_at.tzinfo is not None and row.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(db: Database) -> None:
    teaser_id = _teaser(db)
    with pytest.raises(Exception, match="naive"), db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        row.started_at = datetime(2024, 11, 23, 19, 0)


def test_same_selection_key_cannot_make_two_batches(db: Database) -> None:
    with db.session() as s:
        s.add(RegenerationBatch(selection={}, selection_key="k" * 64, template_version="v"))
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(RegenerationBatch(selection={}, selection_key="k" * 64, template_version="v"))


def test_a_revision_belongs_to_one_batch(db: Database) -> None:
    teaser_id = _teaser(db)
    with db.session() as s:
        a = RegenerationBatch(selection={}, selection_key="a" * 64, template_version="v")
        b = RegenerationBatch(selection={}, selection_key="b" * 64, template_version="v")
        s.add_all([a, b])
        s.flush()
        s.add(RegenerationItem(batch_id=a.id, teaser_id=teaser_id, revision=2))
        ids = (a.id, b.id)
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(RegenerationItem(batch_id=ids[1], teaser_id=teaser_id, revision=2))


def test_json_columns_round_trip(db: Database) -> None:
    teaser_id = _teaser(db)
    report = {"segments": [{"start": 1.5, "end": 9.0, "score": 0.8, "reason": "orders x4"}],
              "notes": ["source shorter than 35 s"]}
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        row.report = report
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None and row.report == report


def test_a_migration_that_rebuilds_a_table_on_sqlite_keeps_the_rows_that_point_at_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite alters most columns by rebuilding the table (a copy, then the old one
    dropped); with foreign keys on, dropping ``live_sessions`` set every teaser's
    ``session_id`` to NULL (``ON DELETE SET NULL``): the teasers lost their session."""
    import shutil

    from store import db as store_db
    from store.models import LiveSession
    from tests.integration.test_jobs_support import add_seller, add_session

    database = init_db(f"sqlite:///{tmp_path / 'store.db'}")

    class Stores:
        db = database

    seller = add_seller(Stores)  # type: ignore[arg-type]
    session_id = add_session(Stores, seller, None)  # type: ignore[arg-type]
    with database.session() as s:
        teaser = Teaser(seller_id=seller, source_kind="session", session_id=session_id,
                        params={})
        s.add(teaser)
        s.flush()
        teaser_id = teaser.id
    migrations = tmp_path / "migrations"
    shutil.copytree(store_db.MIGRATIONS, migrations)
    with database.session() as s:
        head = s.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    (migrations / "versions" / "9999_rebuild_sessions.py").write_text(f'''
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("live_sessions", recreate="always") as batch_op:
        batch_op.alter_column("title", existing_type=sa.String(255), nullable=True)


def downgrade() -> None:
    pass
''')
    monkeypatch.setattr(store_db, "MIGRATIONS", migrations)
    database.upgrade()
    with database.session() as s:
        assert s.get(LiveSession, session_id) is not None
        kept = s.get(Teaser, teaser_id)
        assert kept is not None and kept.session_id == session_id
    # and foreign keys are enforced again afterwards
    with pytest.raises(IntegrityError), database.session() as s:
        s.add(Teaser(seller_id="no-such-seller", source_kind="footage", params={}))
        s.flush()
    database.dispose()
