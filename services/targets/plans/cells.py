"""Target cells: bulk writes by COPY (text format, streamed in large chunks) and scoped reads."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal

from sqlalchemy import Connection, and_, delete, func, select

from services.targets import db
from services.targets.domain.cross_split import CrossSplit
from services.targets.plans import tables as plan_tables
from services.targets.plans.access import cell_scope, load_plan, read_version
from services.targets.plans.schemas import CellOut
from shared.identity import Principal
from shared.org.scope import subtree_ids

cells = plan_tables.target_cells
COLUMNS = ("plan_id", "version", "org_unit_id", "person_id", "product_line", "month", "value")
COPY_SQL = f"COPY {db.SCHEMA}.target_cells ({', '.join(COLUMNS)}) FROM STDIN"
NULL = "\\N"
CHUNK_ROWS = 20_000


def escape(text: str) -> str:
    """COPY text format: backslash, tab and line breaks are escaped."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def amount_text(step: Decimal) -> Callable[[int], str]:
    """Turn a whole number of steps into the cell's text value, without building a Decimal per cell."""
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int), "steps are finite"
    places = max(0, -exponent)
    scale = 10**places
    step_scaled = int(step * scale)
    if places == 0:
        return str if step_scaled == 1 else (lambda units: str(units * step_scaled))

    def text(units: int) -> str:
        whole, fraction = divmod(units * step_scaled, scale)
        return f"{whole}.{fraction:0{places}d}"

    return text


def cross_split_chunks(
    plan_id: uuid.UUID, version: int, owners: Sequence[tuple[str, str | None]], split: CrossSplit
) -> Iterator[str]:
    """COPY text of every leaf x product line x month cell; `owners[i]` is (org unit, person) of leaf i.

    The split is computed leaf by leaf while the text goes out, so memory holds one chunk, not every cell."""
    text = amount_text(split.step)
    head = f"{plan_id}\t{version}\t"
    lines = [f"{escape(str(p))}\t" for p in split.product_keys]
    months = [f"{m}\t" for m in range(1, 13)]
    buffer: list[str] = []
    for (org_unit_id, person_id), leaf in zip(owners, split.leaves(), strict=False):
        prefix = f"{head}{org_unit_id}\t{person_id or NULL}\t"
        for line, units in zip(lines, leaf.months, strict=False):
            start = prefix + line
            buffer.append("".join([f"{start}{m}{text(u)}\n" for m, u in zip(months, units, strict=False)]))
        if len(buffer) >= CHUNK_ROWS // 12:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def row_chunks(rows: Iterable[tuple], chunk_rows: int = CHUNK_ROWS) -> Iterator[str]:
    """COPY text of ready rows (plan_id, version, org_unit_id, person_id, product_line, month, value)."""
    buffer: list[str] = []
    for plan_id, version, org_unit_id, person_id, product_line, month, value in rows:
        buffer.append(
            f"{plan_id}\t{version}\t{org_unit_id}\t{person_id or NULL}\t{escape(product_line)}\t{month}\t{value}\n"
        )
        if len(buffer) >= chunk_rows:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def copy_cells(conn: Connection, chunks: Iterable[str]) -> None:
    """Stream COPY text into target_cells inside the caller's transaction."""
    raw = conn.connection.driver_connection
    assert raw is not None, "a connection inside a unit of work has its psycopg connection"
    with raw.cursor() as cursor, cursor.copy(COPY_SQL) as copy:
        for chunk in chunks:
            copy.write(chunk)


def delete_cells(conn: Connection, plan_id: uuid.UUID, version: int, under: uuid.UUID | None = None) -> None:
    """Drop a version's cells, or only those of org units under `under`."""
    query = delete(cells).where(cells.c.plan_id == plan_id, cells.c.version == version)
    if under is not None:
        query = query.where(cells.c.org_unit_id.in_(subtree_ids(db.org_units, under)))
    conn.execute(query)


def cell_key_condition(table, org_unit_id: uuid.UUID, person_id: uuid.UUID | None, product_line: str, month: int):
    person = table.c.person_id.is_(None) if person_id is None else table.c.person_id == person_id
    return and_(
        table.c.org_unit_id == org_unit_id, person, table.c.product_line == product_line, table.c.month == month
    )


def list_cells(
    conn: Connection,
    principal: Principal,
    plan_id: uuid.UUID,
    *,
    version: int | None,
    org_unit_id: uuid.UUID | None,
    person_id: uuid.UUID | None,
    product_line: str | None,
    month: int | None,
    under: uuid.UUID | None,
    limit: int,
    offset: int,
) -> list[CellOut]:
    """A version's cells the caller may read (a rep: only their own), filtered, in a stable order."""
    plan = load_plan(conn, principal, plan_id)
    version = read_version(plan, principal, version)
    query = select(cells.c.org_unit_id, cells.c.person_id, cells.c.product_line, cells.c.month, cells.c.value).where(
        cells.c.plan_id == plan.id, cells.c.version == version, cell_scope(principal)
    )
    for column, value in (
        (cells.c.org_unit_id, org_unit_id),
        (cells.c.person_id, person_id),
        (cells.c.product_line, product_line),
        (cells.c.month, month),
    ):
        if value is not None:
            query = query.where(column == value)
    if under is not None:
        query = query.where(cells.c.org_unit_id.in_(subtree_ids(db.org_units, under)))
    query = (
        query.order_by(cells.c.org_unit_id, cells.c.person_id.nulls_first(), cells.c.product_line, cells.c.month)
        .limit(limit)
        .offset(offset)
    )
    return [CellOut.model_validate(r, from_attributes=True) for r in conn.execute(query)]


def version_total(conn: Connection, plan_id: uuid.UUID, version: int) -> Decimal:
    total: Decimal = conn.execute(
        select(func.coalesce(func.sum(cells.c.value), 0)).where(cells.c.plan_id == plan_id, cells.c.version == version)
    ).scalar_one()
    return total
