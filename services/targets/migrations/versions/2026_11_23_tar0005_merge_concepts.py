"""merge the plans, actuals and people branches

Revision ID: tar0005
Revises: tar0002, tar0003, tar0004
"""

revision = "tar0005"
down_revision = ("tar0002", "tar0003", "tar0004")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
