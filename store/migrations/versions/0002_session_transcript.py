"""session transcript

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 14:30:30.223254
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transcript", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.drop_column("transcript")
