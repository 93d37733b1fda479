"""Findings, their transitions, comments and attachments; one finding per (rule, subject, period)."""

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.audit.db import metadata

findings = Table(
    "findings",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("rule", String(50), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("period", String(10), nullable=False),
    Column("org_unit_id", UUID(as_uuid=True), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("status", String(15), nullable=False, server_default="open"),
    Column("evidence", JSONB, nullable=False),
    Column("sources", ARRAY(String(64)), nullable=False),
    Column("owner", String(200)),
    Column("deadline", Date, nullable=False),
    Column("rectified_from", Date),
    Column("opened_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("last_fired_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("sla_breached_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    UniqueConstraint("rule", "subject", "period"),
)
# The search's first page: newest first, with the usual filters in front.
Index("ix_findings_opened_at", findings.c.opened_at, findings.c.id)
Index("ix_findings_org_unit_id", findings.c.org_unit_id, findings.c.opened_at)
Index("ix_findings_status", findings.c.status, findings.c.opened_at)
Index("ix_findings_rule", findings.c.rule, findings.c.status, findings.c.opened_at)
Index("ix_findings_subject", findings.c.subject)

finding_transitions = Table(
    "finding_transitions",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("finding_id", UUID(as_uuid=True), ForeignKey("findings.id"), nullable=False),
    Column("from_status", String(15)),
    Column("to_status", String(15), nullable=False),
    Column("action", String(20), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("note", Text),
    Column("at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
Index("ix_finding_transitions_finding_id", finding_transitions.c.finding_id, finding_transitions.c.id)

finding_comments = Table(
    "finding_comments",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("finding_id", UUID(as_uuid=True), ForeignKey("findings.id"), nullable=False),
    Column("author", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("attachment_name", String(200)),
    Column("attachment_sha256", String(64)),
    Column("attachment_url", String(1000)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
Index("ix_finding_comments_finding_id", finding_comments.c.finding_id, finding_comments.c.id)
