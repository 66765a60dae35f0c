"""Engine, sessions and schema migrations.

``Database(url)`` is what the API and the jobs share; ``init_db(url)`` brings the schema
to the newest Alembic revision (the Alembic environment is configured here, in code, so
no alembic.ini is needed). SQLite is the embedded default; PostgreSQL when DATABASE_URL
says so. ``schema`` (PostgreSQL only) puts every table in a schema of its own, which is
how tests running in parallel keep apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _normalise(url: str) -> str:
    # "postgresql://" alone would pick psycopg2, which is not installed; we ship psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, *, schema: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url``. SQLite gets WAL, a busy timeout and foreign keys (the API and
    a worker write the same file); PostgreSQL optionally a private ``schema``."""
    url = _normalise(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    connect_args: dict[str, Any] = {}
    if schema is not None:
        if not _SCHEMA_NAME.match(schema):
            raise ValueError(f"invalid schema name {schema!r}")
        connect_args["options"] = f"-csearch_path={schema}"
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_engine(url, connect_args=connect_args, **kwargs)


class Database:
    """An engine plus a session factory. ``session()`` commits on success and rolls back
    on error; objects stay readable after the commit (``expire_on_commit=False``)."""

    def __init__(self, url: str, *, schema: str | None = None, engine: Engine | None = None):
        self.url = _normalise(url)
        self.schema = schema
        self.engine = engine or make_engine(self.url, schema=schema)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: yields a Session, commits when the block ends without error."""
        session = self._factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # any driver error means "not reachable" for /healthz
            return False

    def upgrade(self, revision: str = "head") -> None:
        """Run Alembic migrations up to ``revision`` on this database."""
        if self.schema is not None:
            with self.engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        if self.engine.dialect.name != "sqlite":
            with self.engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
            return
        # SQLite alters most columns by rebuilding the table: a copy, then the old one
        # dropped, which with foreign keys on would delete or null every row pointing at
        # it (a teaser's session_id). Off for the migration (a pragma that only takes
        # outside a transaction), checked before the commit, on again after.
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            try:
                with conn.begin():
                    config.attributes["connection"] = conn
                    command.upgrade(config, revision)
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"the migration left rows pointing at nothing: "
                                           f"{broken[:5]}")
            finally:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def init_db(url: str, *, schema: str | None = None) -> Database:
    """A Database for ``url`` with its schema migrated to the newest revision."""
    db = Database(url, schema=schema)
    db.upgrade()
    return db
