"""one teaser per plan slot

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Two concurrent requests could give a plan two teasers for one slot; keep the slot on
    # the oldest and clear it on the others (they stay linked, worded as they were).
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, plan_id, slot FROM teasers WHERE plan_id IS NOT NULL AND slot IS NOT NULL "
        "ORDER BY created_at, id")).all()
    seen: set[tuple[str, str]] = set()
    for teaser_id, plan_id, slot in rows:
        if (plan_id, slot) in seen:
            conn.execute(sa.text("UPDATE teasers SET slot = NULL WHERE id = :id"),
                         {"id": teaser_id})
        seen.add((plan_id, slot))
    op.create_index("uq_teasers_plan_slot", "teasers", ["plan_id", "slot"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_teasers_plan_slot", table_name="teasers")
