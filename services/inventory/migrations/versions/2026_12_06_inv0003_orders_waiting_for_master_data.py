"""ERP orders waiting for master data: partial indexes on the orders that name a dealer not registered yet

Revision ID: inv0003
Revises: inv0002
Create Date: 2026-12-06 09:40:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "inv0003"
down_revision: str | Sequence[str] | None = "inv0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        "ix_orders_waiting_code", "orders", ["dealer_code"], schema="inventory",
        postgresql_where="dealer_id IS NULL",
    )  # fmt: skip
    op.create_index(
        "ix_orders_waiting_since", "orders", ["created_at", "id"], schema="inventory",
        postgresql_where="dealer_id IS NULL",
    )  # fmt: skip


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_orders_waiting_since", table_name="orders", schema="inventory")
    op.drop_index("ix_orders_waiting_code", table_name="orders", schema="inventory")
