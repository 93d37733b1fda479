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
    op.create_table('target_plans',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('root_org_unit_id', sa.UUID(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('metric', sa.String(length=30), nullable=False),
    sa.Column('fiscal_year', sa.SmallInteger(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('rounding_step', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_plans')),
    schema='targets'
    )
    op.create_index(op.f('ix_targets_target_plans_root_org_unit_id'), 'target_plans', ['root_org_unit_id'], unique=False, schema='targets')
    op.create_table('plan_versions',
    sa.Column('plan_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('plan_id', 'version', name=op.f('pk_plan_versions')),
    schema='targets'
    )
    op.create_table('target_cells',
    sa.Column('plan_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.UUID(), nullable=False),
    sa.Column('person_id', sa.UUID(), nullable=True),
    sa.Column('product_line', sa.String(length=64), server_default='', nullable=False),
    sa.Column('month', sa.SmallInteger(), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_target_cells_month_in_year')),
    schema='targets'
    )
    op.create_index('ix_target_cells_plan_version_unit', 'target_cells', ['plan_id', 'version', 'org_unit_id'], unique=False, schema='targets')


def downgrade() -> None:
    op.drop_table('target_cells', schema='targets')
    op.drop_table('plan_versions', schema='targets')
    op.drop_table('target_plans', schema='targets')
