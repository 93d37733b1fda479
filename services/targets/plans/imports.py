"""Imports of manual targets or weights from .xlsx or CSV: every row is checked, and nothing is written unless
every row is valid (one error per bad row and column, as a 422 problem)."""

from __future__ import annotations

import csv
import io
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import Connection, Row, select
from sqlalchemy.dialects.postgresql import insert

from services.targets import db
from services.targets.domain.plan_lifecycle import PlanStatus, check_editable
from services.targets.domain.plan_versions import CellKey, check_reason
from services.targets.people.tables import people
from services.targets.plans import tables as plan_tables
from services.targets.plans.access import covers, load_plan
from services.targets.plans.adjustments import apply_changes, open_adjustment
from services.targets.plans.schemas import ImportOut
from services.targets.plans.spreadsheets import MONTH_COLUMNS, TOTAL_MARK
from shared.errors import Forbidden, InvalidInput
from shared.identity import Principal
from shared.org.scope import subtree_ids

MAX_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 200
MAX_AMOUNT = Decimal(10) ** 15  # target cells are numeric(18, 2)
MAX_WEIGHT = Decimal(10) ** 17  # weights are numeric(24, 6)
PRODUCT_LINE = re.compile(r"^[^\x00-\x1f\\]{0,64}$")


def read_rows(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """Header names (lower case) and (sheet row number, values by header) of each non-blank data row."""
    if not content:
        raise InvalidInput("the file is empty", field="file")
    if len(content) > MAX_BYTES:
        raise InvalidInput(f"the file is larger than {MAX_BYTES // 1024 // 1024} MB", field="file")
    if content[:2] == b"PK":
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = book["targets"] if "targets" in book.sheetnames else book.worksheets[0]
            lines = [list(r) for r in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # a malformed workbook fails in many ways (zip, XML, openpyxl); all mean the same
            raise InvalidInput(f"not a readable .xlsx file: {type(exc).__name__}: {exc}", field="file") from exc
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput("a CSV file must be UTF-8", field="file") from exc
        try:
            lines = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise InvalidInput(f"not a readable CSV file: {exc}", field="file") from exc
    if not lines:
        raise InvalidInput("the file has no header line", field="file")
    header = [str(h or "").strip().lower() for h in lines[0]]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        values = {h: v for h, v in zip(header, line, strict=False) if h and v is not None and str(v).strip() != ""}
        if values and str(values.get(header[0], "")).strip().upper() != TOTAL_MARK:
            rows.append((number, values))
    return header, rows


def number(value: Any) -> Decimal:
    """A spreadsheet number or numeric text as an exact Decimal (floats via their shortest text)."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


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
        if unit_id is None:
            raise ValueError(f"no org unit {code!r} in this plan")
        if unit_id not in self.allowed:
            self.allowed[unit_id] = covers(self.conn, self.principal, unit_id)
        if not self.allowed[unit_id]:
            raise ValueError(f"org unit {code!r} is outside your part of the organisation")
        return unit_id

    def person(self, value: Any) -> uuid.UUID:
        person_id = uuid.UUID(str(value).strip())
        if person_id not in self.people:
            self.people[person_id] = self.conn.scalar(select(people.c.id).where(people.c.id == person_id)) is not None
        if not self.people[person_id]:
            raise ValueError(f"no person {person_id}")
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
    header, rows = read_rows(content)
    months = [c for c in MONTH_COLUMNS if c in header]
    if "org_unit_code" not in header or not months:
        raise InvalidInput("the header needs org_unit_code and at least one month column m01..m12", field="file")
    errors, resolve, step = RowErrors(), Resolver(conn, principal, plan), plan.rounding_step
    changes: list[tuple[CellKey, Decimal]] = []
    seen: dict[tuple, int] = {}
    for n, values in rows:
        unit = _cell(errors, n, "org_unit_code", resolve.unit, values.get("org_unit_code", ""))
        person = _cell(errors, n, "person_id", resolve.person, values["person_id"]) if "person_id" in values else None
        line = str(values.get("product_line", "")).strip()
        if not PRODUCT_LINE.fullmatch(line):
            errors.add(n, "product_line", "at most 64 characters, no control characters or backslash")
        key = (unit, person, line)
        if unit is not None and key in seen:
            errors.add(n, "org_unit_code", f"the same unit, person and product line as row {seen[key]}")
        seen.setdefault(key, n)
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
    errors.raise_any(len(rows))
    if not changes:
        raise InvalidInput("the file holds no target values", field="file")
    if plan.status == PlanStatus.published:
        assert reason is not None  # check_reason above, for a published plan
        adjustment = open_adjustment(conn, principal, plan, changes, reason)
        return ImportOut(kind="targets", rows=len(rows), adjustment_id=adjustment.id)
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
    return ImportOut(kind="targets", rows=len(rows), cells_written=written)


def import_weights(conn: Connection, principal: Principal, plan_id: uuid.UUID, content: bytes) -> ImportOut:
    """Manual weights per org unit or rep, used by the "manual" method where a decomposition gives none."""
    plan = load_plan(conn, principal, plan_id, for_update=True)
    check_editable(plan.status, "import weights into")
    if not covers(conn, principal, plan.root_org_unit_id):
        raise Forbidden("only a manager at or above the plan's root unit may import its weights")
    header, rows = read_rows(content)
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
    return ImportOut(kind="weights", rows=len(rows), weights_written=len(weights))
