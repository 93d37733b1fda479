"""target plans

Revision ID: tar0002
Revises: tar0001
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import shared.db  # noqa: F401

revision = "tar0002"
down_revision = "tar0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
