"""Audit plans (periodic audits of an org unit), spot checks (抽查) with their drawn sample and checklists."""

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.audit.db import metadata

audit_plans = Table(
    "audit_plans",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("title", String(200), nullable=False),
    Column("every_months", Integer, nullable=False),
    Column("population", String(10), nullable=False),
    Column("sample_size", Integer, nullable=False),
    Column("next_due", Date, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

spot_checks = Table(
    "spot_checks",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("plan_id", UUID(as_uuid=True), ForeignKey("audit_plans.id")),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("population", String(10), nullable=False),
    Column("sample_size", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("checked_on", Date, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)

spot_check_items = Table(
    "spot_check_items",
    metadata,
    Column("spot_check_id", UUID(as_uuid=True), ForeignKey("spot_checks.id"), primary_key=True),
    Column("subject", String(200), primary_key=True),
    Column("stratum", String(10), nullable=False),
    Column("checklist", JSONB),
    Column("checked_by", String(200)),
    Column("checked_at", DateTime(timezone=True)),
)
