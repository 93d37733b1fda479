"""event pipeline: outbox acknowledgements and parking, dead letters, retention indexes

Revision ID: tar0006
Revises: tary0002
Create Date: 2026-11-30 12:00:00

"""

from collections.abc import Sequence

from shared.migration_ops import add_event_pipeline_v2, drop_event_pipeline_v2

revision: str = "tar0006"
down_revision: str | Sequence[str] | None = "tary0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_event_pipeline_v2("targets")


def downgrade() -> None:
    drop_event_pipeline_v2("targets")
