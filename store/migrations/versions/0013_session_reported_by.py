"""whose figures a session carries: the platform's or the seller's own report

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 09:00:00

Until this revision any seller key could post a session's GMV and views, so no stored
session's figures are known to be the platform's: they all become the seller's own
report (kept for the seller's teasers and overview, out of the hub) until the platform
sends its figures (``PUT /v1/sessions/{id}/figures`` with a platform key).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table copy on SQLite, see 0010).
    op.add_column("live_sessions", sa.Column("reported_by", sa.String(length=16),
                                             nullable=False, server_default="seller"))


def downgrade() -> None:
    op.execute("ALTER TABLE live_sessions DROP COLUMN reported_by")
