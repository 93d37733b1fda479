"""event pipeline: outbox acknowledgements and parking, dead letters, retention indexes

Revision ID: inv0002
Revises: invy0002
Create Date: 2026-11-30 12:00:00

"""

from collections.abc import Sequence

from shared.migration_ops import add_event_pipeline_v2, drop_event_pipeline_v2

revision: str = "inv0002"
down_revision: str | Sequence[str] | None = "invy0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_event_pipeline_v2("inventory")


def downgrade() -> None:
    drop_event_pipeline_v2("inventory")
