"""Collections from payment events, order lines per SKU and the SKU -> product line projection

Revision ID: tgt6001
Revises: tar0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "tgt6001"
down_revision = "tar0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_actual_lines",
        sa.Column("order_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("quantity", sa.Numeric(18, 3), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "sku", name=op.f("pk_order_actual_lines")),
        schema="targets",
    )
    op.create_table(
        "sku_lines",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("sku_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("product_line", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_sku_lines")),
        schema="targets",
    )
    op.create_table(
        "payment_actuals",
        sa.Column("payment_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("erp_system", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("erp_version", sa.Integer(), nullable=False),
        sa.Column("dealer_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("org_unit_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_payment_actuals")),
        schema="targets",
    )


def downgrade() -> None:
    for table in ("payment_actuals", "sku_lines", "order_actual_lines"):
        op.drop_table(table, schema="targets")
