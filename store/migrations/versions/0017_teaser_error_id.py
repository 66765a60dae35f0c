"""a failed teaser's error in Indonesian too

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 10:00:00

The teaser page shows why a render failed in the seller's language; teasers that failed
before keep their English error only (``error_id`` stays empty).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("teasers", sa.Column("error_id", sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE teasers DROP COLUMN error_id")
