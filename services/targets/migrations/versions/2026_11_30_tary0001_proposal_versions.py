"""A draft version records the bottom-up proposal whose decision made it

Revision ID: tary0001
Revises: scp0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "tary0001"
down_revision = "scp0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("plan_versions", sa.Column("proposal_id", postgresql.UUID(as_uuid=True)), schema="targets")


def downgrade() -> None:
    op.drop_column("plan_versions", "proposal_id", schema="targets")
