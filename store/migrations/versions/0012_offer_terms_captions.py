"""promotion tool terms; session and footage captions

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("promotion_tools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms", sa.JSON(), nullable=True))
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("captions", sa.Text(), nullable=True))
    with op.batch_alter_table("footage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("captions", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("footage", schema=None) as batch_op:
        batch_op.drop_column("captions")
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.drop_column("captions")
    with op.batch_alter_table("promotion_tools", schema=None) as batch_op:
        batch_op.drop_column("terms")
