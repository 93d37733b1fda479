"""people and org history

Revision ID: tar0004
Revises: tar0001
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import shared.db  # noqa: F401

revision = "tar0004"
down_revision = "tar0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('people',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    schema='targets'
    )
    op.create_table('person_assignments',
    sa.Column('person_id', sa.UUID(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('org_unit_id', sa.UUID(), nullable=False),
    sa.PrimaryKeyConstraint('person_id', 'valid_from', name=op.f('pk_person_assignments')),
    schema='targets'
    )
    op.create_index('ix_person_assignments_org_unit', 'person_assignments', ['org_unit_id', 'valid_from'], unique=False, schema='targets')


def downgrade() -> None:
    op.drop_table('person_assignments', schema='targets')
    op.drop_table('people', schema='targets')
