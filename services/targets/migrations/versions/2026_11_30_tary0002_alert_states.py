"""Behind-plan alerts follow each node's status: alerted when it falls behind, then weekly at most

Revision ID: tary0002
Revises: tary0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "tary0002"
down_revision = "tary0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "progress_alert_states",
        sa.Column("plan_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("node_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(length=30), nullable=False),
        sa.Column("node_kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("alerted_on", sa.Date()),
        sa.PrimaryKeyConstraint("plan_id", "node_id", "period", name=op.f("pk_progress_alert_states")),
        schema="targets",
    )


def downgrade() -> None:
    op.drop_table("progress_alert_states", schema="targets")
