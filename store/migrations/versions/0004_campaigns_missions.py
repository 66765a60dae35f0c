"""platform campaigns and missions, sellers' registrations and joins

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_campaigns",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_campaigns")),
    )
    with op.batch_alter_table("platform_campaigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_platform_campaigns_closes_at"), ["closes_at"], unique=False
        )

    op.create_table(
        "platform_missions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("available_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_missions")),
    )
    op.create_table(
        "campaign_registrations",
        sa.Column("seller_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["platform_campaigns.id"],
            name=op.f("fk_campaign_registrations_campaign_id_platform_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_campaign_registrations_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seller_id", "campaign_id", name=op.f("pk_campaign_registrations")),
    )
    op.create_table(
        "mission_joins",
        sa.Column("seller_id", sa.String(length=32), nullable=False),
        sa.Column("mission_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["platform_missions.id"],
            name=op.f("fk_mission_joins_mission_id_platform_missions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_mission_joins_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seller_id", "mission_id", name=op.f("pk_mission_joins")),
    )


def downgrade() -> None:
    op.drop_table("mission_joins")
    op.drop_table("campaign_registrations")
    op.drop_table("platform_missions")
    with op.batch_alter_table("platform_campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_campaigns_closes_at"))
    op.drop_table("platform_campaigns")
