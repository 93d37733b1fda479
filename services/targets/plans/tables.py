"""Tables for target plans, their versions, cells, adjustments and proposals."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

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
    Column("rounding_step", Numeric(19, 4), nullable=False),  # 15 integer digits, as the API allows
    Column("status", String(20), nullable=False),
    Column("published_version", Integer),  # the version progress is measured against
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    # The newest version: the draft being edited, or (once published) the same as published_version.
    Column("current_version", Integer, nullable=False, server_default=text("1")),
    Column("created_by", String(200)),
)

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("plan_id", UUID(as_uuid=True), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("reason", String(500)),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("based_on", Integer),  # the version this one copied
    Column("adjustment_id", UUID(as_uuid=True)),  # the approved adjustment that made it
    Column("proposal_id", UUID(as_uuid=True)),  # the bottom-up proposal whose decision made it (a draft version)
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

# Who moved a plan from which status to which, and why.
plan_status_changes = Table(
    "plan_status_changes",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("plan_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("action", String(20), nullable=False),
    Column("from_status", String(20), nullable=False),
    Column("to_status", String(20), nullable=False),
    Column("changed_by", String(200), nullable=False),
    Column("note", String(500)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

# The decomposition request a version's cells came from (method per level, node inputs, locks, product
# shares, seasonality), replayed when a proposal is accepted.
plan_decompositions = Table(
    "plan_decompositions",
    metadata,
    Column("plan_id", UUID(as_uuid=True), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("parent_value", Numeric(18, 2), nullable=False),
    Column("leaf_level", String(20), nullable=False),
    Column("spec", JSONB, nullable=False),
    Column("product_shares", JSONB, nullable=False),  # [[line, share], ...] in the order given
    Column("seasonality", JSONB, nullable=False),  # 12 monthly weights
    Column("product_seasonality", JSONB, nullable=False),  # {line: 12 weights}
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

# One row per (version, parent node): the exact split request and the value each child got. Enough to
# explain any child again by replaying the engine; the product x month step is replayed from the decomposition.
plan_splits = Table(
    "plan_splits",
    metadata,
    Column("plan_id", UUID(as_uuid=True), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("parent_id", UUID(as_uuid=True), primary_key=True),
    Column("parent_kind", String(20), nullable=False),
    Column("parent_value", Numeric(18, 2), nullable=False),
    Column("request", JSONB, nullable=False),
    Column("child_values", JSONB, nullable=False),  # {child id: value}
)

# Cells set by hand (spreadsheet import on a draft) or by an approved adjustment, with the reason.
plan_cell_overrides = Table(
    "plan_cell_overrides",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("plan_id", UUID(as_uuid=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("person_id", UUID(as_uuid=True)),
    Column("product_line", String(64), nullable=False),
    Column("month", SmallInteger, nullable=False),
    Column("old_value", Numeric(18, 2)),
    Column("new_value", Numeric(18, 2), nullable=False),
    Column("source", String(20), nullable=False),  # import | adjustment
    Column("reference", UUID(as_uuid=True)),  # the adjustment
    Column("reason", String(500)),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
Index(
    "ix_plan_cell_overrides_cell",
    plan_cell_overrides.c.plan_id,
    plan_cell_overrides.c.org_unit_id,
    plan_cell_overrides.c.version,
)

# A change to a published plan waits here until a manager above the requester approves it.
plan_adjustments = Table(
    "plan_adjustments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("plan_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("base_version", Integer, nullable=False),
    Column("new_version", Integer),
    Column("status", String(20), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("changes", JSONB, nullable=False),  # [{org_unit_id, person_id, product_line, month, value}]
    Column("requested_by", String(200), nullable=False),
    Column("requester_org_unit_id", UUID(as_uuid=True)),
    Column("decided_by", String(200)),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_note", String(500)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

# Bottom-up: a child unit's manager proposes a different yearly number for their unit.
plan_proposals = Table(
    "plan_proposals",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("plan_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("parent_id", UUID(as_uuid=True), nullable=False),
    Column("split_value", Numeric(18, 2), nullable=False),
    Column("proposed_value", Numeric(18, 2), nullable=False),
    Column("final_value", Numeric(18, 2)),
    Column("reason", String(500), nullable=False),
    Column("status", String(20), nullable=False),
    Column("proposed_by", String(200), nullable=False),
    Column("decided_by", String(200)),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_note", String(500)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

# Manual weights imported from a spreadsheet, used by the "manual" method where the request gives none.
plan_node_weights = Table(
    "plan_node_weights",
    metadata,
    Column("plan_id", UUID(as_uuid=True), primary_key=True),
    Column("node_id", UUID(as_uuid=True), primary_key=True),
    Column("weight", Numeric(24, 6), nullable=False),
    Column("imported_by", String(200), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
