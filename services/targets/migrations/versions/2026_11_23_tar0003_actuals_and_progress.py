"""actuals and progress

Revision ID: tar0003
Revises: tar0001
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects import postgresql

import shared.db  # noqa: F401

revision = "tar0003"
down_revision = "tar0001"
branch_labels = None
depends_on = None

SCHEMA = "targets"


def _sums_table(name: str, grain: str) -> None:
    op.create_table(
        name,
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("holder_kind", sa.String(length=10), nullable=False),
        sa.Column("holder_id", sa.UUID(), nullable=False),
        sa.Column(grain, sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("facts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "holder_kind", "holder_id", grain, name=op.f(f"pk_{name}")),
        schema=SCHEMA,
    )


def upgrade() -> None:
    op.add_column(
        "order_actuals",
        sa.Column("dealer_code", sa.String(length=64), server_default="", nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_order_actuals_ordered_on", "order_actuals", ["ordered_on"], unique=False, schema=SCHEMA)
    op.create_table(
        "dealers",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dealers")),
        schema=SCHEMA,
    )
    op.create_table(
        "dealer_coverage",
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("share", sa.Numeric(precision=7, scale=6), nullable=False),
        sa.CheckConstraint("share > 0 AND share <= 1", name=op.f("ck_dealer_coverage_share_in_range")),
        sa.CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name=op.f("ck_dealer_coverage_valid_period")),
        sa.PrimaryKeyConstraint("dealer_id", "person_id", "valid_from", name=op.f("pk_dealer_coverage")),
        schema=SCHEMA,
    )
    op.create_table(
        "actual_attributions",
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.SmallInteger(), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=True),
        sa.Column("org_unit_id", sa.UUID(), nullable=True),
        sa.Column("person_id", sa.UUID(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.PrimaryKeyConstraint("source", "source_id", "seq", name=op.f("pk_actual_attributions")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_actual_attributions_dealer_day", "actual_attributions", ["dealer_id", "day"], unique=False, schema=SCHEMA
    )
    op.create_index(
        "ix_actual_attributions_unattributed",
        "actual_attributions",
        ["day"],
        unique=False,
        schema=SCHEMA,
        postgresql_where=sa.text("person_id IS NULL"),
    )
    _sums_table("actual_days", "day")
    _sums_table("actual_months", "month")
    op.create_index(
        "ix_actual_days_by_day",
        "actual_days",
        ["source", "holder_kind", "day"],
        unique=False,
        schema=SCHEMA,
        postgresql_include=["holder_id", "amount", "quantity"],
    )
    op.create_index(
        "ix_actual_months_by_month",
        "actual_months",
        ["source", "holder_kind", "month"],
        unique=False,
        schema=SCHEMA,
        postgresql_include=["holder_id", "amount", "quantity"],
    )
    op.create_table(
        "progress_settings",
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("weekend_days", postgresql.ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column("behind_margin", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_progress_settings")),
        schema=SCHEMA,
    )
    op.create_table(
        "calendar_days",
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("selling", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("company_id", "day", name=op.f("pk_calendar_days")),
        schema=SCHEMA,
    )
    op.create_table(
        "progress_targets",
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("holder_kind", sa.String(length=10), nullable=False),
        sa.Column("holder_id", sa.UUID(), nullable=False),
        sa.Column("through_month", postgresql.ARRAY(sa.Numeric(precision=20, scale=2)), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "version", "holder_kind", "holder_id", name=op.f("pk_progress_targets")),
        schema=SCHEMA,
    )
    op.create_table(
        "progress_target_builds",
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "version", name=op.f("pk_progress_target_builds")),
        schema=SCHEMA,
    )
    op.create_table(
        "progress_alerts",
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("node_id", sa.UUID(), nullable=False),
        sa.Column("period", sa.String(length=30), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("node_kind", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "node_id", "period", "as_of", name=op.f("pk_progress_alerts")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in (
        "progress_alerts",
        "progress_target_builds",
        "progress_targets",
        "calendar_days",
        "progress_settings",
        "actual_months",
        "actual_days",
        "actual_attributions",
        "dealer_coverage",
        "dealers",
    ):
        op.drop_table(table, schema=SCHEMA)
    op.drop_index("ix_order_actuals_ordered_on", table_name="order_actuals", schema=SCHEMA)
    op.drop_column("order_actuals", "dealer_code", schema=SCHEMA)
