"""Versions of a published plan: adjustment requests, who may decide them, and cell-by-cell differences."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from services.targets.domain.plan_lifecycle import MANAGER_ROLES
from services.targets.domain.rounding import as_decimal, check_step, to_units
from shared.errors import Conflict, Forbidden, InvalidInput


class RequestStatus(StrEnum):
    """Status of an adjustment request or a bottom-up proposal."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    accepted = "accepted"
    rebalanced = "rebalanced"


@dataclass(frozen=True, order=True)
class CellKey:
    """Where a target sits: org unit, rep (or None for the unit's own target), product line, month."""

    org_unit_id: uuid.UUID
    person_id: uuid.UUID | None
    product_line: str
    month: int

    def label(self) -> str:
        who = f"rep {self.person_id}" if self.person_id else f"unit {self.org_unit_id}"
        return f"{who}, line {self.product_line!r}, month {self.month}"


@dataclass(frozen=True)
class CellDiff:
    """One cell that differs between two versions (None: the cell is absent from that version)."""

    key: CellKey
    old_value: Decimal | None
    new_value: Decimal | None

    @property
    def delta(self) -> Decimal:
        return (self.new_value or Decimal(0)) - (self.old_value or Decimal(0))


def check_changes(
    changes: Sequence[tuple[CellKey, object]], step: Decimal, *, field: str = "changes"
) -> list[tuple[CellKey, Decimal]]:
    """Each change sets one cell to a non-negative multiple of the plan's step; no cell twice, at least one."""
    step = check_step(step)
    if not changes:
        raise InvalidInput("an adjustment needs at least one changed cell", field=field)
    seen: set[CellKey] = set()
    checked = []
    for i, (key, value) in enumerate(changes):
        name = f"{field}[{i}]"
        if not 1 <= key.month <= 12:
            raise InvalidInput(f"{key.month} is not a month (1-12)", field=f"{name}.month")
        if key in seen:
            raise InvalidInput(f"{key.label()} is changed twice", field=name)
        seen.add(key)
        amount = as_decimal(value, field=f"{name}.value")
        if amount < 0:
            raise InvalidInput(f"{name}.value may not be negative, got {amount}", field=f"{name}.value")
        to_units(amount, step, field=f"{name}.value")
        checked.append((key, amount))
    return checked


def check_reason(reason: str | None, *, field: str = "reason") -> str:
    """Every change after publication, and every proposal, says why."""
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("a reason is required", field=field)
    return text


def check_decider(role: str, *, is_requester: bool, above_requester: bool, what: str = "adjustment") -> None:
    """A manager above the requester decides; nobody decides their own request."""
    if role not in MANAGER_ROLES:
        raise Forbidden(f"role {role!r} may not decide an {what}")
    if is_requester:
        raise Forbidden(f"nobody may decide their own {what}")
    if not above_requester:
        raise Forbidden(f"only a manager above the requester may decide this {what}")


def check_pending(status: RequestStatus | str, what: str) -> None:
    """A request is decided once."""
    if RequestStatus(status) is not RequestStatus.pending:
        raise Conflict(f"the {what} is already {RequestStatus(status).value}", field="status")


def diff_cells(old: Mapping[CellKey, Decimal], new: Mapping[CellKey, Decimal]) -> list[CellDiff]:
    """Cells whose value differs between two versions (present in one only counts), in key order."""
    keys = sorted(set(old) | set(new), key=_sort_key)
    return [CellDiff(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _sort_key(key: CellKey) -> tuple[str, str, str, int]:
    return str(key.org_unit_id), str(key.person_id or ""), key.product_line, key.month
