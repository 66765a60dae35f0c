"""session categories as codes of the known level-1 list

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:40:00

A session's category was free text ("Beauty", "beauty", "Tas"); it is now the code of a
known level-1 category (``domain.categories``), which the hub filters on. Known names
become their code; text that names no category is kept as it was (nothing accepted is
lost), it only matches no filter.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domain.categories import find_category

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    sessions = sa.table("live_sessions", sa.column("id", sa.String), sa.column("category",
                                                                                sa.String))
    rows = conn.execute(sa.select(sessions.c.id, sessions.c.category)
                        .where(sessions.c.category.is_not(None))).all()
    for session_id, text in rows:
        found = find_category(text)
        if found is not None and found.code != text:
            conn.execute(sessions.update().where(sessions.c.id == session_id)
                         .values(category=found.code))


def downgrade() -> None:
    pass  # codes are valid category text for the old schema too
