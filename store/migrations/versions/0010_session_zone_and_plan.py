"""sessions keep the zone they took place in and the plan they were broadcast for

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:50:00

``time_zone`` of a session recorded before this revision is its seller's zone at the
time of the upgrade: the best fact there is, and fixed from then on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs, no foreign key: adding one on SQLite copies the table, and
    # dropping the old copy with foreign keys on sets every teaser's session_id to NULL.
    # The API reads a plan id whose plan is gone as "no plan".
    op.add_column("live_sessions", sa.Column("time_zone", sa.String(length=64), nullable=True))
    op.add_column("live_sessions", sa.Column("plan_id", sa.String(length=32), nullable=True))
    sessions = sa.table("live_sessions", sa.column("seller_id", sa.String),
                        sa.column("time_zone", sa.String))
    sellers = sa.table("sellers", sa.column("id", sa.String), sa.column("time_zone", sa.String))
    op.execute(sessions.update().values(time_zone=sa.select(sellers.c.time_zone).where(
        sellers.c.id == sessions.c.seller_id).scalar_subquery()))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+), for the same reason as above
    op.execute("ALTER TABLE live_sessions DROP COLUMN plan_id")
    op.execute("ALTER TABLE live_sessions DROP COLUMN time_zone")
