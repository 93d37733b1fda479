"""Tables for target plans, their versions, cells, adjustments and proposals."""
from sqlalchemy import CheckConstraint, Column, DateTime, Index, Integer, Numeric, SmallInteger, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from services.targets.db import metadata

# A plan targets one metric for one fiscal year, rooted at one org unit (usually the region handed a target).
target_plans = Table(
    "target_plans",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("root_org_unit_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("metric", String(30), nullable=False),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("unit", String(20), nullable=False),
    Column("rounding_step", Numeric(18, 4), nullable=False),
    Column("status", String(20), nullable=False),
    Column("published_version", Integer),  # the version progress is measured against
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("plan_id", UUID(as_uuid=True), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("reason", String(500)),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

# One row per (version, org unit, person, product line, month). person_id is set on a rep's own cells;
# product_line '' means "all lines"; month 1..12 within the fiscal year.
target_cells = Table(
    "target_cells",
    metadata,
    Column("plan_id", UUID(as_uuid=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("person_id", UUID(as_uuid=True)),
    Column("product_line", String(64), nullable=False, server_default=""),
    Column("month", SmallInteger, nullable=False),
    Column("value", Numeric(18, 2), nullable=False),
    CheckConstraint("month BETWEEN 1 AND 12", name="month_in_year"),
)
Index("ix_target_cells_plan_version_unit", target_cells.c.plan_id, target_cells.c.version, target_cells.c.org_unit_id)
