"""Rule settings per org subtree: on/off, severity and thresholds; the nearest ancestor's row wins."""

from sqlalchemy import Boolean, Column, DateTime, String, Table, text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.audit.db import metadata

rule_settings = Table(
    "rule_settings",
    metadata,
    Column("rule", String(50), primary_key=True),
    Column("org_unit_id", UUID(as_uuid=True), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("severity", String(10), nullable=False),
    Column("params", JSONB, nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
