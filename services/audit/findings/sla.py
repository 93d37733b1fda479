"""The SLA job: findings past their deadline and not finished are marked once and published as events.

Run daily (POST /sla-breaches with a service token, or a scheduled job); under an advisory lock, so two
runs at once do not both publish, and a re-run publishes nothing twice.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select, update

from services.audit import db
from services.audit.domain.workflow import FINISHED, Status
from services.audit.findings.tables import findings
from shared.events.audit import FindingSlaBreached
from shared.outbox import Outbox

SLA_LOCK = zlib.crc32(b"audit:findings:sla")
outbox = Outbox(db.outbox, source="/salesops/audit")
UNFINISHED = [s.value for s in Status if s not in FINISHED | {Status.verified}]


def publish_breaches(conn: Connection, *, now: datetime | None = None) -> int:
    """Mark and publish every finding newly past its deadline; returns how many."""
    now = now or datetime.now(UTC)
    conn.execute(select(func.pg_advisory_xact_lock(SLA_LOCK)))
    rows = conn.execute(
        update(findings)
        .where(
            findings.c.sla_breached_at.is_(None),
            findings.c.status.in_(UNFINISHED),
            findings.c.deadline < now.date(),
        )
        .values(sla_breached_at=now)
        .returning(*findings.c)
    ).all()
    outbox.add(
        conn,
        *[
            FindingSlaBreached(
                finding_id=r.id,
                rule=r.rule,
                subject=r.subject,
                period=r.period,
                org_unit_id=r.org_unit_id,
                severity=r.severity,
                status=r.status,
                owner=r.owner,
                deadline=r.deadline,
                detected_at=now,
            )
            for r in rows
        ],
    )
    return len(rows)
