"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 14:17:08.108984
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "regeneration_batches",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("selection_key", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regeneration_batches")),
        sa.UniqueConstraint("selection_key", name=op.f("uq_regeneration_batches_selection_key")),
    )
    op.create_table(
        "sellers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("account_type", sa.String(length=24), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("show_in_hub", sa.Boolean(), nullable=False),
        sa.Column("privacy_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sellers")),
        sa.UniqueConstraint("name", name=op.f("uq_sellers_name")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("seller_id", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("is_ops", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_api_keys_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "footage",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("seller_id", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "uploaded", "ready", "rejected", name="footagestatus", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("probe", sa.JSON(), nullable=True),
        sa.Column("analysis_path", sa.String(length=255), nullable=True),
        sa.Column("job_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_footage_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_footage")),
    )
    with op.batch_alter_table("footage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_footage_seller_id"), ["seller_id"], unique=False)

    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("seller_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("product_ids", sa.JSON(), nullable=False),
        sa.Column("chosen_tool_ids", sa.JSON(), nullable=False),
        sa.Column("bound_tool_ids", sa.JSON(), nullable=False),
        sa.Column("auto_teasers", sa.Boolean(), nullable=False),
        sa.Column("auto_teaser_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_plans_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_seller_id"), ["seller_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_start_at"), ["start_at"], unique=False)

    op.create_table(
        "products",
        sa.Column("seller_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_products_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seller_id", "id", name=op.f("pk_products")),
    )
    op.create_table(
        "promotion_tools",
        sa.Column("seller_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("product_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_promotion_tools_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seller_id", "id", name=op.f("pk_promotion_tools")),
    )
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("seller_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("account_type", sa.String(length=24), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("timeline", sa.JSON(), nullable=False),
        sa.Column("footage_id", sa.String(length=32), nullable=True),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("gmv_minor", sa.BigInteger(), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.Column("viewers", sa.BigInteger(), nullable=False),
        sa.Column("interaction_rate", sa.Float(), nullable=True),
        sa.Column("conversion_rate", sa.Float(), nullable=True),
        sa.Column("violations", sa.Integer(), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["footage_id"],
            ["footage.id"],
            name=op.f("fk_live_sessions_footage_id_footage"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_live_sessions_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_sessions")),
    )
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_sessions_category"), ["category"], unique=False)
        batch_op.create_index(
            "ix_live_sessions_seller_gmv", ["seller_id", "gmv_minor"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_live_sessions_seller_id"), ["seller_id"], unique=False)

    op.create_table(
        "teasers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("seller_id", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "ready",
                "failed",
                name="teaserstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("stage", sa.String(length=32), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("footage_id", sa.String(length=32), nullable=True),
        sa.Column("plan_id", sa.String(length=32), nullable=True),
        sa.Column("slot", sa.String(length=16), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("template_version", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=128), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("video_path", sa.String(length=255), nullable=True),
        sa.Column("poster_path", sa.String(length=255), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("preferences", sa.JSON(), nullable=True),
        sa.Column("post_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["footage_id"],
            ["footage.id"],
            name=op.f("fk_teasers_footage_id_footage"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_teasers_plan_id_plans"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_teasers_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["live_sessions.id"],
            name=op.f("fk_teasers_session_id_live_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teasers")),
    )
    with op.batch_alter_table("teasers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teasers_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_teasers_seller_id"), ["seller_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_teasers_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_teasers_template_status", ["template_version", "status"], unique=False
        )

    op.create_table(
        "regeneration_items",
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("teaser_id", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["regeneration_batches.id"],
            name=op.f("fk_regeneration_items_batch_id_regeneration_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teaser_id"],
            ["teasers.id"],
            name=op.f("fk_regeneration_items_teaser_id_teasers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", "teaser_id", name=op.f("pk_regeneration_items")),
        sa.UniqueConstraint("teaser_id", "revision", name="uq_regen_teaser_revision"),
    )
    op.create_table(
        "teaser_metrics",
        sa.Column("teaser_id", sa.String(length=32), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.Column("new_viewers", sa.BigInteger(), nullable=False),
        sa.Column("new_followers", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["teaser_id"],
            ["teasers.id"],
            name=op.f("fk_teaser_metrics_teaser_id_teasers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("teaser_id", "hour", name=op.f("pk_teaser_metrics")),
    )


def downgrade() -> None:

    op.drop_table("teaser_metrics")
    op.drop_table("regeneration_items")
    with op.batch_alter_table("teasers", schema=None) as batch_op:
        batch_op.drop_index("ix_teasers_template_status")
        batch_op.drop_index(batch_op.f("ix_teasers_status"))
        batch_op.drop_index(batch_op.f("ix_teasers_seller_id"))
        batch_op.drop_index(batch_op.f("ix_teasers_plan_id"))

    op.drop_table("teasers")
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_sessions_seller_id"))
        batch_op.drop_index("ix_live_sessions_seller_gmv")
        batch_op.drop_index(batch_op.f("ix_live_sessions_category"))

    op.drop_table("live_sessions")
    op.drop_table("promotion_tools")
    op.drop_table("products")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_start_at"))
        batch_op.drop_index(batch_op.f("ix_plans_seller_id"))

    op.drop_table("plans")
    with op.batch_alter_table("footage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footage_seller_id"))

    op.drop_table("footage")
    op.drop_table("api_keys")
    op.drop_table("sellers")
    op.drop_table("regeneration_batches")
