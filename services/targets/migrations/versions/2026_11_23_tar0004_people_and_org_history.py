"""people and org history

Revision ID: tar0004
Revises: tar0001
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "tar0004"
down_revision = "tar0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        schema="targets",
    )
    op.create_table(
        "person_assignments",
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "valid_from", name=op.f("pk_person_assignments")),
        schema="targets",
    )
    op.create_index(
        "ix_person_assignments_org_unit",
        "person_assignments",
        ["org_unit_id", "valid_from"],
        unique=False,
        schema="targets",
    )
    op.create_table(
        "org_unit_history",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("org_unit_id", sa.UUID(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.Column("path", shared.db.Ltree(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_unit_history")),
        schema="targets",
    )
    op.create_index(
        "uq_org_unit_history_valid_from",
        "org_unit_history",
        ["org_unit_id", "valid_from"],
        unique=True,
        schema="targets",
        postgresql_nulls_not_distinct=True,
    )
    op.create_index(
        "uq_org_unit_history_current",
        "org_unit_history",
        ["org_unit_id"],
        unique=True,
        schema="targets",
        postgresql_where=sa.text("valid_to IS NULL"),
    )
    op.create_index(
        "ix_org_unit_history_path",
        "org_unit_history",
        ["path"],
        unique=False,
        schema="targets",
        postgresql_using="gist",
    )
    # Units that existed before history was kept have stood where they are since they were set up.
    op.execute(
        "INSERT INTO targets.org_unit_history (org_unit_id, valid_from, valid_to, parent_id, path) "
        "SELECT id, NULL, NULL, parent_id, path FROM targets.org_units"
    )


def downgrade() -> None:
    op.drop_table("org_unit_history", schema="targets")
    op.drop_table("person_assignments", schema="targets")
    op.drop_table("people", schema="targets")
