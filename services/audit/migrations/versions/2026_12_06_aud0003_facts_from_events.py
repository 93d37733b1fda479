"""facts from events: receivables keep their ERP names and amount; payments, write-offs, schedule outcomes

Revision ID: aud0003
Revises: aud0002
Create Date: 2026-12-06 09:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aud0003"
down_revision: str | Sequence[str] | None = "aud0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _event() -> sa.Column:
    return sa.Column("event_id", sa.String(length=64), nullable=False)


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("fact_receivables", sa.Column("erp_system", sa.String(length=64)), schema="audit")
    op.add_column("fact_receivables", sa.Column("external_id", sa.String(length=64)), schema="audit")
    op.add_column("fact_receivables", sa.Column("amount", sa.Numeric(16, 4)), schema="audit")
    op.create_index("ix_fact_receivables_external", "fact_receivables", ["erp_system", "external_id"], schema="audit")
    op.create_table(
        "fact_payments",
        sa.Column("payment_id", sa.String(length=100), nullable=False),
        sa.Column("erp_system", sa.String(length=64), nullable=False),
        sa.Column("invoice_external_id", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(16, 4), nullable=False),
        _event(),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_fact_payments")),
        schema="audit",
    )
    op.create_index("ix_fact_payments_invoice", "fact_payments", ["erp_system", "invoice_external_id"], schema="audit")
    op.create_table(
        "fact_write_offs",
        sa.Column("write_off_id", sa.String(length=100), nullable=False),
        sa.Column("invoice_id", sa.String(length=100), nullable=False),
        sa.Column("amount", sa.Numeric(16, 4), nullable=False),
        _event(),
        sa.PrimaryKeyConstraint("write_off_id", name=op.f("pk_fact_write_offs")),
        schema="audit",
    )
    op.create_index(op.f("ix_audit_fact_write_offs_invoice_id"), "fact_write_offs", ["invoice_id"], schema="audit")
    op.create_table(
        "fact_schedule_outcomes",
        sa.Column("schedule_entry_id", sa.UUID(), nullable=False),
        sa.Column("rep_id", sa.UUID(), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        _event(),
        sa.PrimaryKeyConstraint("schedule_entry_id", name=op.f("pk_fact_schedule_outcomes")),
        schema="audit",
    )
    op.create_index(
        "ix_fact_schedule_outcomes_rep_id", "fact_schedule_outcomes", ["rep_id", "planned_on"], schema="audit"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("fact_schedule_outcomes", schema="audit")
    op.drop_table("fact_write_offs", schema="audit")
    op.drop_table("fact_payments", schema="audit")
    op.drop_index("ix_fact_receivables_external", table_name="fact_receivables", schema="audit")
    for column in ("amount", "external_id", "erp_system"):
        op.drop_column("fact_receivables", column, schema="audit")
