"""Response bodies of the event archive."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


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
    seq: int = Field(description="Position in the archive's hash chain")
    hash: str = Field(description="sha256 of the previous link's hash and this event's canonical bytes")


class DigestOut(BaseModel):
    day: date = Field(examples=["2026-03-14"])
    last_seq: int = Field(description="The last link archived before the day ended", examples=[1200])
    head_hash: str = Field(examples=["9f2c0d1e" * 8])
    events: int = Field(description="Links archived during the day", examples=[87])


class BrokenLink(BaseModel):
    seq: int
    event_id: str
    reason: str = Field(examples=["event content does not match its hash"])


class ChainVerification(BaseModel):
    intact: bool
    links_checked: int = Field(description="Links that verified before the first broken one (all when intact)")
    head_seq: int
    head_hash: str
    first_broken: BrokenLink | None
    digest_mismatch: DigestOut | None = Field(description="The first published digest the chain no longer matches")
    digests_checked: int
