"""Alembic environment, driven from store.db: the connection comes in through
``config.attributes["connection"]``; there is no alembic.ini."""

from __future__ import annotations

from alembic import context

from store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # offline mode is not used: migrations run through store.db
    raise RuntimeError("run migrations with store.db.init_db(url) or `cuplik db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
