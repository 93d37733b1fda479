"""Spreadsheets in and out: a plan's targets as .xlsx or CSV (one row per unit/rep x product line, 12 months and
a total), and imports of manual targets or weights, all-or-nothing with an error per bad row and column."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from sqlalchemy import Connection, Row, select

from services.targets import db
from services.targets.people.tables import people
from services.targets.plans import tables as plan_tables
from services.targets.plans.access import cell_scope, load_plan, read_version
from shared.identity import Principal

MONTH_COLUMNS = [f"m{m:02d}" for m in range(1, 13)]
KEY_COLUMNS = ["org_unit_code", "org_unit_name", "person_id", "person_name", "product_line"]
HEADERS = [*KEY_COLUMNS, *MONTH_COLUMNS, "total"]
TOTAL_MARK = "TOTAL"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class TargetRow:
    """One exported line: a unit's (or a rep's) targets for one product line, by month."""

    org_unit_id: uuid.UUID
    org_unit_code: str
    org_unit_name: str
    person_id: uuid.UUID | None
    person_name: str | None
    product_line: str
    months: list[Decimal | None] = field(default_factory=lambda: [None] * 12)

    @property
    def total(self) -> Decimal:
        return sum((m for m in self.months if m is not None), Decimal(0))


@dataclass(frozen=True)
class ExtraColumn:
    """A column appended after the targets: one value per row, and one for the totals line."""

    header: str
    values: list[Any]
    total: Any = None


def extra_columns(conn: Connection, plan: Row, version: int, rows: list[TargetRow]) -> list[ExtraColumn]:
    """Hook for more columns beside the targets (e.g. actual and achievement_rate from progress); none yet."""
    return []


def target_rows(conn: Connection, principal: Principal, plan: Row, version: int) -> Iterator[TargetRow]:
    """The version's cells the caller may read, pivoted to one row per (unit, rep, product line), in tree order."""
    c, ou = plan_tables.target_cells, db.org_units
    query = (
        select(
            c.c.org_unit_id,
            ou.c.code,
            ou.c.name,
            c.c.person_id,
            people.c.name.label("person_name"),
            c.c.product_line,
            c.c.month,
            c.c.value,
        )
        .join(ou, ou.c.id == c.c.org_unit_id)
        .outerjoin(people, people.c.id == c.c.person_id)
        .where(c.c.plan_id == plan.id, c.c.version == version, cell_scope(principal))
        .order_by(ou.c.path, c.c.person_id.nulls_first(), c.c.product_line, c.c.month)
    )
    current: TargetRow | None = None
    for r in conn.execute(query).yield_per(20_000):
        key = (r.org_unit_id, r.person_id, r.product_line)
        if current is None or key != (current.org_unit_id, current.person_id, current.product_line):
            if current is not None:
                yield current
            current = TargetRow(r.org_unit_id, r.code, r.name, r.person_id, r.person_name, r.product_line)
        current.months[r.month - 1] = r.value
    if current is not None:
        yield current


@dataclass(frozen=True)
class Table:
    """The export as plain cells: title lines about the plan, the header, body rows and the totals line."""

    about: list[tuple[str, Any]]
    header: list[str]
    body: list[list[Any]]
    totals: list[Any]
    filename: str


def export_table(conn: Connection, principal: Principal, plan_id: uuid.UUID, version: int | None) -> Table:
    plan = load_plan(conn, principal, plan_id)
    version = read_version(plan, principal, version)
    rows = list(target_rows(conn, principal, plan, version))
    extras = extra_columns(conn, plan, version, rows)
    body = []
    month_totals = [Decimal(0)] * 12
    for i, row in enumerate(rows):
        for m, value in enumerate(row.months):
            month_totals[m] += value or 0
        body.append(
            [
                row.org_unit_code,
                row.org_unit_name,
                str(row.person_id) if row.person_id else "",
                row.person_name or "",
                row.product_line,
                *row.months,
                row.total,
                *(e.values[i] for e in extras),
            ]
        )
    totals = [TOTAL_MARK, "", "", "", "", *month_totals, sum(month_totals, Decimal(0)), *(e.total for e in extras)]
    about = [
        ("plan", plan.name),
        ("plan_id", str(plan.id)),
        ("metric", plan.metric),
        ("fiscal_year", plan.fiscal_year),
        ("unit", plan.unit),
        ("version", version),
        ("status", plan.status),
    ]
    return Table(about, [*HEADERS, *(e.header for e in extras)], body, totals, f"plan-{plan.id}-v{version}")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading ' (OWASP CSV injection advice).

    Product lines, unit and person names are typed by users: "=HYPERLINK(...)" must reach Excel as text.
    Numbers stay numbers, so a negative amount is not touched.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _inert_row(row: list[Any]) -> list[Any]:
    return [inert(v) for v in row]


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM so Excel opens Chinese names correctly; header first, totals line last."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_inert_row(table.header))
    writer.writerows([_inert_row(["" if v is None else v for v in row]) for row in table.body])
    writer.writerow(_inert_row(["" if v is None else v for v in table.totals]))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """A "targets" sheet (header, rows, totals line) and a "plan" sheet saying which plan and version."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("targets")
    sheet.append(_inert_row(table.header))
    for row in table.body:
        sheet.append(_inert_row(row))
    sheet.append(_inert_row(table.totals))
    about = book.create_sheet("plan")
    for name, value in table.about:
        about.append(_inert_row([name, value]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
