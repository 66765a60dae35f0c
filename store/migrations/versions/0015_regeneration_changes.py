"""regeneration batches carry the changes made to each teaser's edit list; each item
records the work its result took

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 13:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("regeneration_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=True))
    with op.batch_alter_table("regeneration_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("regeneration_items", schema=None) as batch_op:
        batch_op.drop_column("work")
    with op.batch_alter_table("regeneration_batches", schema=None) as batch_op:
        batch_op.drop_column("changes")
