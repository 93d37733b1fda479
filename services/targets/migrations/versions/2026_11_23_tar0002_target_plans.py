"""target plans

Revision ID: tar0002
Revises: tar0001
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects import postgresql

import shared.db  # noqa: F401

revision = "tar0002"
down_revision = "tar0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "target_plans",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("root_org_unit_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("metric", sa.String(length=30), nullable=False),
        sa.Column("fiscal_year", sa.SmallInteger(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("rounding_step", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_plans")),
        schema="targets",
    )
    op.create_index(
        op.f("ix_targets_target_plans_root_org_unit_id"),
        "target_plans",
        ["root_org_unit_id"],
        unique=False,
        schema="targets",
    )
    op.create_table(
        "plan_versions",
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "version", name=op.f("pk_plan_versions")),
        schema="targets",
    )
    op.create_table(
        "target_cells",
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=True),
        sa.Column("product_line", sa.String(length=64), server_default="", nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_target_cells_month_in_year")),
        schema="targets",
    )
    op.create_index(
        "ix_target_cells_plan_version_unit",
        "target_cells",
        ["plan_id", "version", "org_unit_id"],
        unique=False,
        schema="targets",
    )
    op.add_column(
        "target_plans",
        sa.Column("current_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        schema="targets",
    )
    op.add_column("target_plans", sa.Column("created_by", sa.String(length=200), nullable=True), schema="targets")
    op.add_column("plan_versions", sa.Column("based_on", sa.Integer(), nullable=True), schema="targets")
    op.add_column("plan_versions", sa.Column("adjustment_id", sa.UUID(), nullable=True), schema="targets")
    op.create_table(
        "plan_status_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_status_changes")),
        schema="targets",
    )
    op.create_index(
        op.f("ix_targets_plan_status_changes_plan_id"),
        "plan_status_changes",
        ["plan_id"],
        unique=False,
        schema="targets",
    )
    op.create_table(
        "plan_decompositions",
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("parent_value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("leaf_level", sa.String(length=20), nullable=False),
        sa.Column("spec", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("product_shares", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("seasonality", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("product_seasonality", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "version", name=op.f("pk_plan_decompositions")),
        schema="targets",
    )
    op.create_table(
        "plan_splits",
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.UUID(), nullable=False),
        sa.Column("parent_kind", sa.String(length=20), nullable=False),
        sa.Column("parent_value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("request", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("child_values", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "version", "parent_id", name=op.f("pk_plan_splits")),
        schema="targets",
    )
    op.create_table(
        "plan_cell_overrides",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=True),
        sa.Column("product_line", sa.String(length=64), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("old_value", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("new_value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.UUID(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_cell_overrides")),
        schema="targets",
    )
    op.create_index(
        "ix_plan_cell_overrides_cell",
        "plan_cell_overrides",
        ["plan_id", "org_unit_id", "version"],
        unique=False,
        schema="targets",
    )
    op.create_table(
        "plan_adjustments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("new_version", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requester_org_unit_id", sa.UUID(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_adjustments")),
        schema="targets",
    )
    op.create_index(
        op.f("ix_targets_plan_adjustments_plan_id"), "plan_adjustments", ["plan_id"], unique=False, schema="targets"
    )
    op.create_table(
        "plan_proposals",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("parent_id", sa.UUID(), nullable=False),
        sa.Column("split_value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("proposed_value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("final_value", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_proposals")),
        schema="targets",
    )
    op.create_index(
        op.f("ix_targets_plan_proposals_plan_id"), "plan_proposals", ["plan_id"], unique=False, schema="targets"
    )
    op.create_table(
        "plan_node_weights",
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("node_id", sa.UUID(), nullable=False),
        sa.Column("weight", sa.Numeric(precision=24, scale=6), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "node_id", name=op.f("pk_plan_node_weights")),
        schema="targets",
    )


def downgrade() -> None:
    for table in (
        "plan_node_weights",
        "plan_proposals",
        "plan_adjustments",
        "plan_cell_overrides",
        "plan_splits",
        "plan_decompositions",
        "plan_status_changes",
    ):
        op.drop_table(table, schema="targets")
    op.drop_table("target_cells", schema="targets")
    op.drop_table("plan_versions", schema="targets")
    op.drop_table("target_plans", schema="targets")
