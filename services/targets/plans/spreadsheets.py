"""Spreadsheets in and out: a plan's targets as .xlsx or CSV (one row per unit/rep x product line, 12 months and
a total), and imports of manual targets or weights, all-or-nothing with an error per bad row and column."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Connection, Row, select

from services.targets import db
from services.targets.people.tables import people
from services.targets.plans import tables as plan_tables
from services.targets.plans.access import cell_scope, load_plan, path_lineage, read_version
from shared.identity import Principal

MONTH_COLUMNS = [f"m{m:02d}" for m in range(1, 13)]
KEY_COLUMNS = ["org_unit_code", "org_unit_name", "person_id", "person_name", "product_line"]
PLACE_COLUMNS = ["region", "org_path"]  # after the total, so the columns the importer reads keep their places
CODES = [*KEY_COLUMNS, *MONTH_COLUMNS, "total", *PLACE_COLUMNS]
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# What a manager reads in the header (Chinese, then English); the importer maps each back to its code.
LABELS = {
    "org_unit_code": "单位编码 Unit code",
    "org_unit_name": "单位名称 Unit",
    "person_id": "业务代表编号 Rep id",
    "person_name": "业务代表 Rep",
    "product_line": "产品线 Product line",
    **{c: f"{m}月 {MONTH_NAMES[m - 1]}" for m, c in enumerate(MONTH_COLUMNS, start=1)},
    "total": "合计 Total",
    "region": "大区 Region",
    "org_path": "组织路径 Org path",
    "weight": "权重 Weight",
}
HEADER_CODES = {label.lower(): code for code, label in LABELS.items()}
HEADERS = [LABELS[c] for c in CODES]
TOTAL_MARK = "TOTAL"
WIDTHS = {"org_unit_code": 16, "org_unit_name": 22, "person_id": 38, "person_name": 16, "product_line": 16}
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
    lineage: list[uuid.UUID] = field(default_factory=list)  # the unit's ids from the company down

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
            ou.c.path,
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
            current.lineage = path_lineage(r.path)
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
    step: Decimal = Decimal(1)
    levels: list[tuple[str, list[list[Any]]]] = field(default_factory=list)  # (org kind, [path, unit, 12 months])


KIND_LABELS = {
    "company": "公司 company",
    "region": "大区 region",
    "province": "省区 province",
    "office": "办事处 office",
}
KIND_LABELS |= {"team": "团队 team"}


def _places(rows: list[TargetRow], conn: Connection, root: uuid.UUID) -> tuple[list[str], list[str], list[tuple]]:
    """Each row's region name and org path (names from the plan's root down), and every unit above a row's."""
    ids = {u for r in rows for u in r.lineage}
    ou = db.org_units
    units = (
        {u.id: u for u in conn.execute(select(ou.c.id, ou.c.name, ou.c.kind).where(ou.c.id.in_(ids)))} if ids else {}
    )
    regions, paths = [], []
    for r in rows:
        below = r.lineage[r.lineage.index(root) :] if root in r.lineage else r.lineage
        regions.append(next((units[u].name for u in r.lineage if u in units and units[u].kind == "region"), ""))
        paths.append(" / ".join(units[u].name for u in below if u in units))
    return regions, paths, [units[u] for u in sorted(ids, key=str) if u in units]


def _levels(rows: list[TargetRow], units: list, root: uuid.UUID) -> list[tuple[str, list[list[Any]]]]:
    """One summary per org level under the root: each unit's months summed over every row below it."""
    by_unit: dict[uuid.UUID, list[Decimal]] = {}  # in first-seen order: the rows come in tree order
    for r in rows:
        below = r.lineage[r.lineage.index(root) :] if root in r.lineage else r.lineage
        for u in below:
            sums = by_unit.setdefault(u, [Decimal(0)] * 12)
            for m, v in enumerate(r.months):
                sums[m] += v or 0
    order = {u: i for i, u in enumerate(by_unit)}
    levels: dict[str, list[list[Any]]] = {}
    for unit in sorted((u for u in units if u.id in by_unit), key=lambda u: order[u.id]):
        levels.setdefault(unit.kind, []).append([unit.name, *by_unit[unit.id]])
    return list(levels.items())


def export_table(conn: Connection, principal: Principal, plan_id: uuid.UUID, version: int | None) -> Table:
    plan = load_plan(conn, principal, plan_id)
    version = read_version(plan, principal, version)
    rows = list(target_rows(conn, principal, plan, version))
    extras = extra_columns(conn, plan, version, rows)
    regions, paths, units = _places(rows, conn, plan.root_org_unit_id)
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
                regions[i],
                paths[i],
                *(e.values[i] for e in extras),
            ]
        )
    totals = [
        TOTAL_MARK,
        "",
        "",
        "",
        "",
        *month_totals,
        sum(month_totals, Decimal(0)),
        "",
        "",
        *(e.total for e in extras),
    ]
    about = [
        ("plan", plan.name),
        ("plan_id", str(plan.id)),
        ("metric", plan.metric),
        ("fiscal_year", plan.fiscal_year),
        ("unit", plan.unit),
        ("version", version),
        ("status", plan.status),
    ]
    return Table(
        about,
        [*HEADERS, *(e.header for e in extras)],
        body,
        totals,
        f"plan-{plan.id}-v{version}",
        plan.rounding_step,
        _levels(rows, units, plan.root_org_unit_id),
    )


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


def _number_format(step: Decimal) -> str:
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int), f"a step is a finite number, not {step}"
    places = max(0, -exponent)
    return "#,##0" + ("." + "0" * places if places else "")


def _styled(sheet, values: list[Any], fmt: str, bold: bool = False) -> list[Any]:
    """Numbers carry the thousands format; formulas stay formulas; user text is made inert."""
    cells = []
    for v in values:
        is_formula = isinstance(v, Formula)
        cell = WriteOnlyCell(sheet, value=str(v) if is_formula else inert(v))
        if is_formula or isinstance(v, Decimal | int | float) and not isinstance(v, bool):
            cell.number_format = fmt
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


class Formula(str):
    """A formula the export writes itself (never user text, which inert() guards)."""


def _frame(sheet, header: list[str], rows: int, widths: Sequence[float]) -> None:
    """Frozen header, a filter over the data, and readable column widths."""
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{rows + 1}"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def to_xlsx(table: Table) -> bytes:
    """A "targets" sheet (bilingual header, rows, totals line as formulas), one summary sheet per org level, and a
    "plan" sheet saying which plan and version."""
    book = Workbook(write_only=True)
    fmt = _number_format(table.step)
    sheet = book.create_sheet("targets")
    first, last = get_column_letter(len(KEY_COLUMNS) + 1), get_column_letter(len(KEY_COLUMNS) + 12)
    total_col = len(KEY_COLUMNS) + 12
    widths = [WIDTHS.get(c, 12) for c in CODES[:total_col]] + [14, 16, 40] + [14] * (len(table.header) - len(CODES))
    _frame(sheet, table.header, len(table.body), widths)
    sheet.append(_styled(sheet, table.header, fmt, bold=True))
    for n, row in enumerate(table.body, start=2):
        row = [*row[:total_col], Formula(f"=SUM({first}{n}:{last}{n})"), *row[total_col + 1 :]]
        sheet.append(_styled(sheet, row, fmt))
    end = len(table.body) + 1
    # SUBTOTAL(9, …) sums the rows a filter leaves visible: the totals follow what the manager is looking at.
    sums = [Formula(f"=SUBTOTAL(9,{get_column_letter(c)}2:{get_column_letter(c)}{end})") for c in range(6, 19)]
    totals = [*table.totals[: len(KEY_COLUMNS)], *sums, *table.totals[total_col + 1 :]]
    sheet.append(_styled(sheet, totals, fmt, bold=True))
    for kind, rows in table.levels:
        level = book.create_sheet(KIND_LABELS.get(kind, kind)[:31])
        header = ["单位 Unit", *(LABELS[c] for c in MONTH_COLUMNS), LABELS["total"]]
        _frame(level, header, len(rows), [28] + [12] * 13)
        level.append(_styled(level, header, fmt, bold=True))
        for n, row in enumerate(rows, start=2):
            level.append(_styled(level, [*row, Formula(f"=SUM(B{n}:M{n})")], fmt))
    about = book.create_sheet("plan")
    for name, value in table.about:
        about.append(_inert_row([name, value]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
