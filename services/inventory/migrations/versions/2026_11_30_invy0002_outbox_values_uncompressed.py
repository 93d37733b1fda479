"""Outbox values stored uncompressed

A bulk stock file records 10,000 events holding a million lines (about 260 MB of JSON). PostgreSQL's default
compression (pglz) spent 3.5 s of CPU on them; uncompressed they are written in 1 s and read back by the relay
without inflating. Outbox rows are kept only for the re-drive window, so the extra space is short-lived.

Revision ID: invy0002
Revises: invy0001
Create Date: 2026-11-30 13:10:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "invy0002"
down_revision: str | Sequence[str] | None = "invy0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute("ALTER TABLE inventory.outbox ALTER COLUMN value SET STORAGE EXTERNAL")


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("ALTER TABLE inventory.outbox ALTER COLUMN value SET STORAGE EXTENDED")
