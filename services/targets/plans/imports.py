"""Imports of manual targets or weights from .xlsx or CSV: every row is checked, and nothing is written unless
every row is valid (one error per bad row and column, as a 422 problem)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, select
from sqlalchemy.dialects.postgresql import insert

from services.targets import db
from services.targets.domain.plan_integrity import check_total
from services.targets.domain.plan_lifecycle import PlanStatus, check_editable
from services.targets.domain.plan_versions import CellKey, check_reason
from services.targets.people.service import people_in_scope
from services.targets.plans import tables as plan_tables
from services.targets.plans.access import covers, load_plan
from services.targets.plans.adjustments import open_adjustment
from services.targets.plans.integrity import current_values
from services.targets.plans.schemas import ImportOut
from services.targets.plans.sheet_reader import MAX_AMOUNT, MAX_WEIGHT, PRODUCT_LINE, number, read_sheet
from services.targets.plans.spreadsheets import MONTH_COLUMNS
from services.targets.plans.versions import apply_changes
from shared.errors import Forbidden, InvalidInput
from shared.identity import Principal
from shared.org.scope import subtree_ids

MAX_ERRORS = 200  # listed in one problem: enough to fix a sheet, small enough to read


class RowErrors:
    """Collects errors as {field: rows[n].column, reason}; raises them all at once."""

    def __init__(self) -> None:
        self.errors: list[dict] = []

    def add(self, row: int, column: str, reason: str) -> None:
        self.errors.append({"field": f"rows[{row}].{column}", "reason": f"row {row}, {column}: {reason}"})

    def raise_any(self, rows: int) -> None:
        if self.errors:
            raise InvalidInput(
                f"{len(self.errors)} problem(s) in {rows} row(s); nothing was imported", errors=self.errors[:MAX_ERRORS]
            )


class Resolver:
    """Looks up org unit codes (inside the plan and the caller's subtree) and person ids, once each."""

    def __init__(self, conn: Connection, principal: Principal, plan: Row):
        self.conn, self.principal, self.plan = conn, principal, plan
        ou = db.org_units
        self.units = {
            r.code: r.id
            for r in conn.execute(select(ou.c.code, ou.c.id).where(ou.c.id.in_(subtree_ids(ou, plan.root_org_unit_id))))
        }
        self.allowed: dict[uuid.UUID, bool] = {}
        self.people: dict[uuid.UUID, bool] = {}

    def unit(self, code: Any) -> uuid.UUID:
        unit_id = self.units.get(str(code).strip())
        if unit_id is not None and unit_id not in self.allowed:
            self.allowed[unit_id] = covers(self.conn, self.principal, unit_id)
        if unit_id is None or not self.allowed[unit_id]:  # not in the plan and out of scope read the same
            raise ValueError(f"no org unit {code!r} in your part of this plan")
        return unit_id

    def person(self, value: Any) -> uuid.UUID:
        person_id = uuid.UUID(str(value).strip())
        if person_id not in self.people:
            # Anyone assigned in the caller's subtree during the plan's year; others read as unknown.
            year = self.plan.fiscal_year
            found = people_in_scope(
                self.conn, self.principal, [person_id], valid_from=date(year, 1, 1), valid_to=date(year + 1, 1, 1)
            )
            self.people[person_id] = person_id in found
        if not self.people[person_id]:
            raise ValueError(f"no person {person_id} in your part of the organisation")
        return person_id


def _cell(errors: RowErrors, row: int, column: str, read, value: Any):
    try:
        return read(value)
    except ValueError as exc:
        errors.add(row, column, str(exc))
        return None


def import_targets(
    conn: Connection, principal: Principal, plan_id: uuid.UUID, content: bytes, reason: str | None
) -> ImportOut:
    """Manual targets: written into a draft; on a published plan they become one adjustment request."""
    plan = load_plan(conn, principal, plan_id, for_update=True)
    if plan.status != PlanStatus.published:
        check_editable(plan.status, "import targets into")
        if not covers(conn, principal, plan.root_org_unit_id):
            raise Forbidden("only a manager at or above the plan's root unit may import its targets")
    else:
        reason = check_reason(reason, field="reason")
    header, rows, total_lines, encoding = read_sheet(content)
    months = [c for c in MONTH_COLUMNS if c in header]
    if "org_unit_code" not in header or not months:
        raise InvalidInput("the header needs org_unit_code and at least one month column m01..m12", field="file")
    errors, resolve, step = RowErrors(), Resolver(conn, principal, plan), plan.rounding_step
    changes: list[tuple[CellKey, Decimal]] = []
    row_of: dict[CellKey, int] = {}
    seen: dict[tuple, int] = {}
    for n, values in rows:
        unit = _cell(errors, n, "org_unit_code", resolve.unit, values.get("org_unit_code", ""))
        person = _cell(errors, n, "person_id", resolve.person, values["person_id"]) if "person_id" in values else None
        line = str(values.get("product_line", "")).strip()
        if not PRODUCT_LINE.fullmatch(line):
            errors.add(n, "product_line", "at most 64 characters, no control characters or backslash")
        row_key = (unit, person, line)
        if unit is not None and row_key in seen:
            errors.add(n, "org_unit_code", f"the same unit, person and product line as row {seen[row_key]}")
        seen.setdefault(row_key, n)
        for column in months:
            if column not in values:
                continue
            amount = _cell(errors, n, column, number, values[column])
            if amount is None:
                continue
            if amount < 0:
                errors.add(n, column, "a target may not be negative")
            elif amount >= MAX_AMOUNT:
                errors.add(n, column, f"a target must be below {MAX_AMOUNT}")
            elif (amount / step) % 1:
                errors.add(n, column, f"{amount} is not a multiple of the rounding step {step}")
            elif unit is not None:
                changes.append((CellKey(unit, person, line, int(column[1:])), amount))
                row_of[changes[-1][0]] = n
    errors.raise_any(len(rows))
    if not changes:
        raise InvalidInput("the file holds no target values", field="file")
    current = current_values(conn, plan.id, plan.current_version, [k for k, _ in changes])
    _check_totals(errors, rows, total_lines, months, changes, current, row_of)
    errors.raise_any(len(rows))
    if plan.status == PlanStatus.published:
        for key, _ in changes:
            if key not in current:
                errors.add(
                    row_of[key], f"m{key.month:02d}", "the published plan has no such cell; adjust existing cells"
                )
        errors.raise_any(len(rows))
        # The adjustment lists exactly the cells the file changes, nothing it merely repeats.
        changed = [(k, v) for k, v in changes if current[k] != v]
        if not changed:
            raise InvalidInput("the file changes no target of the published plan", field="file")
        assert reason is not None, "check_reason above made it a non-empty text for a published plan"
        adjustment = open_adjustment(conn, principal, plan, changed, reason)
        return ImportOut(kind="targets", rows=len(rows), adjustment_id=adjustment.id, encoding=encoding)
    written = apply_changes(
        conn,
        plan.id,
        plan.current_version,
        [
            {
                "org_unit_id": str(k.org_unit_id),
                "person_id": k.person_id and str(k.person_id),
                "product_line": k.product_line,
                "month": k.month,
                "value": str(v),
            }
            for k, v in changes
        ],
        reference=None,
        reason=reason or "spreadsheet import",
        actor=principal.subject,
        source="import",
    )
    return ImportOut(kind="targets", rows=len(rows), cells_written=written, encoding=encoding)


def _check_totals(
    errors: RowErrors,
    rows: list[tuple[int, dict[str, Any]]],
    total_lines: list[tuple[int, dict[str, Any]]],
    months: list[str],
    changes: list[tuple[CellKey, Decimal]],
    current: dict[CellKey, Decimal],
    row_of: dict[CellKey, int],
) -> None:
    """A row's total column and the TOTAL line are computed: an edit to them is refused with its row, not ignored."""
    old_row: dict[int, Decimal] = {}
    new_row: dict[int, Decimal] = {}
    old_month = {m: Decimal(0) for m in months}
    new_month = {m: Decimal(0) for m in months}
    for key, value in changes:
        n, column = row_of[key], f"m{key.month:02d}"
        old_row[n] = old_row.get(n, Decimal(0)) + current.get(key, Decimal(0))
        new_row[n] = new_row.get(n, Decimal(0)) + value
        old_month[column] += current.get(key, Decimal(0))
        new_month[column] += value
    found: list[dict] = []
    for n, values in rows:
        stated = _cell(errors, n, "total", number, values["total"]) if "total" in values else None
        check_total(
            stated,
            old_row.get(n, Decimal(0)),
            new_row.get(n, Decimal(0)),
            field=f"rows[{n}].total",
            what=f"row {n}, total",
            errors=found,
        )
    sums = [(m, old_month[m], new_month[m]) for m in months]
    sums.append(("total", sum(old_month.values(), Decimal(0)), sum(new_month.values(), Decimal(0))))
    for n, values in total_lines:
        for column, old, new in sums:
            stated = _cell(errors, n, column, number, values[column]) if column in values else None
            check_total(stated, old, new, field=f"rows[{n}].{column}", what=f"row {n} (TOTAL), {column}", errors=found)
    errors.errors.extend(found)


def import_weights(conn: Connection, principal: Principal, plan_id: uuid.UUID, content: bytes) -> ImportOut:
    """Manual weights per org unit or rep, used by the "manual" method where a decomposition gives none."""
    plan = load_plan(conn, principal, plan_id, for_update=True)
    check_editable(plan.status, "import weights into")
    if not covers(conn, principal, plan.root_org_unit_id):
        raise Forbidden("only a manager at or above the plan's root unit may import its weights")
    header, rows, _, encoding = read_sheet(content)
    if "weight" not in header or not {"org_unit_code", "person_id"} & set(header):
        raise InvalidInput("the header needs weight and org_unit_code or person_id", field="file")
    errors, resolve = RowErrors(), Resolver(conn, principal, plan)
    weights: dict[uuid.UUID, Decimal] = {}
    seen: dict[uuid.UUID, int] = {}
    for n, values in rows:
        if "person_id" in values:
            node = _cell(errors, n, "person_id", resolve.person, values["person_id"])
        else:
            node = _cell(errors, n, "org_unit_code", resolve.unit, values.get("org_unit_code", ""))
        weight = _cell(errors, n, "weight", number, values.get("weight", ""))
        if weight is not None and not 0 <= weight < MAX_WEIGHT:
            errors.add(n, "weight", f"a weight is at least 0 and below {MAX_WEIGHT}")
            weight = None
        if node is not None and node in seen:
            errors.add(n, "person_id" if "person_id" in values else "org_unit_code", f"also on row {seen[node]}")
        if node is not None and weight is not None:
            seen.setdefault(node, n)
            weights[node] = weight
    errors.raise_any(len(rows))
    if not weights:
        raise InvalidInput("the file holds no weights", field="file")
    w = plan_tables.plan_node_weights
    stmt = insert(w).values(
        [dict(plan_id=plan.id, node_id=k, weight=v, imported_by=principal.subject) for k, v in weights.items()]
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[w.c.plan_id, w.c.node_id],
            set_={"weight": stmt.excluded.weight, "imported_by": stmt.excluded.imported_by},
        )
    )
    return ImportOut(kind="weights", rows=len(rows), weights_written=len(weights), encoding=encoding)
