"""Response bodies of the audit API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class ArchivedEvent(BaseModel):
    event_id: str
    topic: str
    type: str
    version: int
    source: str
    subject: str
    correlation_id: str | None
    occurred_at: datetime
    data: dict[str, Any]
