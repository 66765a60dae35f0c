"""an upload's rejection reason in Indonesian too

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 16:30:00

The footage page shows why an upload was refused in the seller's language; uploads
refused before keep their English reason only (``reason_id`` stays empty).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("footage", sa.Column("reason_id", sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE footage DROP COLUMN reason_id")
