"""rounding_step holds every step the API accepts (15 integer digits, like every other plan number)

Revision ID: scp0001
Revises: tar0005
"""

import sqlalchemy as sa
from alembic import op

revision = "scp0001"
down_revision = "tar0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column(
        "target_plans",
        "rounding_step",
        type_=sa.Numeric(precision=19, scale=4),
        existing_type=sa.Numeric(precision=18, scale=4),
        existing_nullable=False,
        schema="targets",
    )


def downgrade() -> None:
    op.alter_column(
        "target_plans",
        "rounding_step",
        type_=sa.Numeric(precision=18, scale=4),
        existing_type=sa.Numeric(precision=19, scale=4),
        existing_nullable=False,
        schema="targets",
    )
