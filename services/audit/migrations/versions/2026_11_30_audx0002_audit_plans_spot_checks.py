"""Audit plans, spot checks and their sampled items

Revision ID: audx0002
Revises: audx0001
Create Date: 2026-11-30 11:52:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "audx0002"
down_revision: str | Sequence[str] | None = "audx0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "audit_plans",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("every_months", sa.Integer(), nullable=False),
        sa.Column("population", sa.String(length=10), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_plans")),
        schema="audit",
    )
    op.create_table(
        "spot_checks",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("plan_id", sa.UUID(), nullable=True),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("population", sa.String(length=10), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["audit.audit_plans.id"], name=op.f("fk_spot_checks_plan_id_audit_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_checks")),
        schema="audit",
    )
    op.create_table(
        "spot_check_items",
        sa.Column("spot_check_id", sa.UUID(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("stratum", sa.String(length=10), nullable=False),
        sa.Column("checklist", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("checked_by", sa.String(length=200), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["spot_check_id"], ["audit.spot_checks.id"], name=op.f("fk_spot_check_items_spot_check_id_spot_checks")
        ),
        sa.PrimaryKeyConstraint("spot_check_id", "subject", name=op.f("pk_spot_check_items")),
        schema="audit",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("spot_check_items", schema="audit")
    op.drop_table("spot_checks", schema="audit")
    op.drop_table("audit_plans", schema="audit")
