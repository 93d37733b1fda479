"""dealer orders projection and promotions, for the rep's day

Revision ID: visx0003
Revises: vis0002
Create Date: 2026-12-06 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "visx0003"
down_revision: str | Sequence[str] | None = "vis0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "dealer_orders",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("dealer_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total_quantity", sa.Integer(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dealer_orders")),
        schema="visits",
    )
    op.create_index(
        op.f("ix_visits_dealer_orders_dealer_id"), "dealer_orders", ["dealer_id"], unique=False, schema="visits"
    )
    op.create_table(
        "promotions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("channels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("mechanic", sa.String(length=300), nullable=False),
        sa.Column("skus", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["visits.org_units.id"], name=op.f("fk_promotions_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotions")),
        sa.UniqueConstraint("code", name=op.f("uq_promotions_code")),
        schema="visits",
    )
    op.create_index(
        "ix_visits_promotions_period", "promotions", ["starts_on", "ends_on"], unique=False, schema="visits"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_visits_promotions_period", table_name="promotions", schema="visits")
    op.drop_table("promotions", schema="visits")
    op.drop_index(op.f("ix_visits_dealer_orders_dealer_id"), table_name="dealer_orders", schema="visits")
    op.drop_table("dealer_orders", schema="visits")
