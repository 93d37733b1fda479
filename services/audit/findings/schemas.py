"""Request and response bodies of findings: search, detail with the evidence chain, workflow, comments."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.audit.archive.schemas import ArchivedEvent
from services.audit.domain.settings import Severity
from services.audit.domain.workflow import Action, Status
from shared.types import IsoDate


class FindingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    rule: str = Field(examples=["price_below_floor"])
    subject: str = Field(examples=["outlet:0b7e…/sku:SKU-1"])
    period: str = Field(examples=["2026-03"])
    org_unit_id: uuid.UUID
    severity: Severity
    status: Status
    evidence: dict[str, Any]
    sources: list[str] = Field(description="Ids of the archived events that prove the finding")
    owner: str | None
    deadline: date
    rectified_from: date | None
    opened_at: datetime
    last_fired_at: datetime
    sla_breached_at: datetime | None
    finished_at: datetime | None


class FindingPage(BaseModel):
    items: list[FindingOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class TransitionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: Status | None
    to_status: Status
    action: str
    actor: str
    note: str | None
    at: datetime


class CommentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author: str
    body: str
    attachment_name: str | None
    attachment_sha256: str | None
    attachment_url: str | None
    created_at: datetime


class FindingDetail(FindingOut):
    transitions: list[TransitionOut]
    comments: list[CommentOut]
    evidence_chain: list[ArchivedEvent] = Field(description="The source events as archived, with their chain links")


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action = Field(examples=["acknowledge"])
    note: str | None = Field(None, max_length=2000, examples=["Dealer price list corrected on 20 March"])
    rectified_from: IsoDate | None = Field(
        None, description="With `rectify`: the day from which the data should be clean", examples=["2026-03-20"]
    )


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str = Field(min_length=1, max_length=200, examples=["manager-east"])
    deadline: IsoDate | None = Field(None, examples=["2026-04-30"])


class AttachmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["shelf-photo.jpg"])
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", examples=["a" * 64])
    url: str = Field(min_length=1, max_length=1000, examples=["https://files.example.com/a1b2"])


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=4000, examples=["Visited the outlet: price tag fixed."])
    attachment: AttachmentIn | None = None


class AggregateRow(BaseModel):
    rule: str
    org_unit_id: uuid.UUID
    week: str = Field(examples=["2026-W11"])
    findings: int
    open: int = Field(description="Not yet verified, closed or dismissed")


class SlaRunOut(BaseModel):
    breached: int = Field(description="Findings newly past their deadline; one event published for each")
