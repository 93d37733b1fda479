"""Bodies of offline sync."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.visits.outlets.schemas import Contact, OutletCreate
from services.visits.visits.schemas import OrderLine, VisitSubmission
from shared.types import IsoDate, JsonInt


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid")

    op_id: uuid.UUID = Field(description="Client-generated: an operation sent again is applied once")
    based_on_version: int | None = Field(
        ge=1, default=None, description="Version of the schedule entry the phone's copy had, when it names one"
    )


class SubmitVisitOp(_Op):
    kind: Literal["submit_visit"]
    visit: VisitSubmission


class MovePlannedVisitOp(_Op):
    kind: Literal["move_planned_visit"]
    based_on_version: JsonInt = Field(ge=1, description="The entry's version on the phone")
    schedule_id: uuid.UUID
    entry_id: uuid.UUID
    planned_on: IsoDate


class OfflineOutlet(OutletCreate):
    id: uuid.UUID = Field(description="Required offline: later operations of the batch name the outlet by it")


class RegisterOutletOp(_Op):
    """A new outlet found in the field; it joins the rep's own book. Its id is the phone's, so later operations
    of the same batch (a visit, its contacts, an order) can name it."""

    kind: Literal["register_outlet"]
    outlet: OfflineOutlet


class UpdateOutletContactsOp(_Op):
    """The outlet's contacts as the rep found them (replacing the list); refused when the outlet changed since."""

    kind: Literal["update_outlet_contacts"]
    based_on_version: JsonInt = Field(ge=1, description="The outlet's version on the phone")
    outlet_id: uuid.UUID
    contacts: list[Contact] = Field(max_length=10)


class RecordOrderRequestOp(_Op):
    """An order an outlet gave the rep outside a visit (by phone, at the door); published as OrderRequested with
    the op_id as its request id, so it reaches the dealer once."""

    kind: Literal["record_order_request"]
    outlet_id: uuid.UUID
    requested_on: IsoDate
    lines: list[OrderLine] = Field(min_length=1, max_length=200)


Operation = Annotated[
    SubmitVisitOp | MovePlannedVisitOp | RegisterOutletOp | UpdateOutletContactsOp | RecordOrderRequestOp,
    Field(discriminator="kind"),
]


class SyncIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "device_id": "phone-7f3a",
                    "operations": [
                        {
                            "op_id": "2b6d9a10-0c1e-4f2a-8b3c-4d5e6f708192",
                            "kind": "move_planned_visit",
                            "based_on_version": 1,
                            "schedule_id": "0b7d7c1e-3c1a-4c1e-9a59-4d1f0e7c2a10",
                            "entry_id": "1f2e3d4c-5b6a-4789-8abc-def012345678",
                            "planned_on": "2026-03-17",
                        }
                    ],
                }
            ]
        },
    )

    device_id: str = Field(min_length=1, max_length=100)
    operations: list[Operation] = Field(min_length=1, max_length=200, description="Applied in this order")


class ItemResult(BaseModel):
    op_id: uuid.UUID
    kind: str
    outcome: Literal["applied", "applied_unplanned", "rejected", "failed"]
    duplicate: bool = Field(False, description="Sent before: this is the first result, nothing was applied again")
    conflict: str | None = None
    error: dict | None = Field(None, description="The problem document, when the operation failed")
    visit_id: uuid.UUID | None = None
    outlet_id: uuid.UUID | None = Field(None, description="The outlet registered or changed")
    outlet_version: int | None = Field(None, description="The outlet's version after the change")
    request_id: uuid.UUID | None = Field(None, description="The order request published")


class SyncOut(BaseModel):
    results: list[ItemResult]
