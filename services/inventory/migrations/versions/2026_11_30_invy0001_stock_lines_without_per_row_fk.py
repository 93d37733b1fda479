"""Stock report lines and batches without a foreign key to their report

A bulk file writes a million lines and as many batches; PostgreSQL checks a foreign key with one look-up per row
(about 4 µs each, 8 s of a 1 M-line file). Lines and batches are written only by the submission, in the same
transaction and from the same staging rows as the report they belong to, so the key was never the guard.

Revision ID: invy0001
Revises: invx0001
Create Date: 2026-11-30 13:00:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "invy0001"
down_revision: str | Sequence[str] | None = "invx0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "inventory"


def upgrade() -> None:
    """Upgrade schema."""
    op.drop_constraint(
        op.f("fk_stock_report_lines_report_id_stock_reports"), "stock_report_lines", type_="foreignkey", schema=S
    )
    op.drop_constraint(
        op.f("fk_stock_report_batches_report_id_stock_reports"), "stock_report_batches", type_="foreignkey", schema=S
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.create_foreign_key(
        op.f("fk_stock_report_batches_report_id_stock_reports"),
        "stock_report_batches",
        "stock_reports",
        ["report_id"],
        ["id"],
        source_schema=S,
        referent_schema=S,
    )
    op.create_foreign_key(
        op.f("fk_stock_report_lines_report_id_stock_reports"),
        "stock_report_lines",
        "stock_reports",
        ["report_id"],
        ["id"],
        source_schema=S,
        referent_schema=S,
    )
