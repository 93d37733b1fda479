"""actuals and progress

Revision ID: tar0003
Revises: tar0001
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import shared.db  # noqa: F401

revision = "tar0003"
down_revision = "tar0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
