"""Events published by the audit service."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from shared.events.base import Event


class ArchiveDigested(Event):
    """The archive's hash chain as it stood at the end of a day: a later rewrite of the whole chain cannot match
    a digest already published (and kept by every consumer of this topic)."""

    type = "audit.archive.digested"
    version = 1
    topic = "audit.archive.v1"

    day: date
    last_seq: int  # the last link archived before the day ended (0 for an empty archive)
    head_hash: str  # that link's hash
    events: int  # links archived during the day

    def key(self) -> str:
        return "archive"


class FindingSlaBreached(Event):
    """A finding passed its deadline without being verified, closed or dismissed."""

    type = "audit.finding.sla_breached"
    version = 1
    topic = "audit.findings.v1"

    finding_id: uuid.UUID
    rule: str
    subject: str
    period: str
    org_unit_id: uuid.UUID
    severity: str
    status: str
    owner: str | None
    deadline: date
    detected_at: datetime

    def key(self) -> str:
        return str(self.finding_id)
