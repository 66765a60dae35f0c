"""the affiliate rule's facts on a creator: birth date and followers

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:30:00

Both are the platform's report (``PUT /v1/ops/creators/{id}``); a creator stored before
has neither, so its affiliate sessions stay out of the hub until the platform reports them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sellers", sa.Column("birth_date", sa.Date(), nullable=True))
    op.add_column("sellers", sa.Column("followers", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE sellers DROP COLUMN followers")
    op.execute("ALTER TABLE sellers DROP COLUMN birth_date")
