"""Progress by product line: an org unit's target and actual per product line for a period, as of a day.

An order line's product line is its SKU's category, as inventory's SKU events say (actuals/skus.py). Only the
latest counting version of each order has lines (actuals/service.py), so cancelled orders count nothing; an
order counts for the node when its office stood below the node on its order day, up to the as-of day. Lines
whose SKU inventory never registered are listed apart with their SKU codes, never dropped: registering the SKU
later files them under its line.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, and_, func, or_, select

from services.targets.actuals.tables import order_actual_lines, order_actuals, sku_lines
from services.targets.domain.attribution import Measure, Source
from services.targets.domain.placements import Stay, stays
from services.targets.domain.product_lines import LineCell, line_targets
from services.targets.plans.tables import target_cells
from services.targets.progress.board import Board, figures, plan_and_period, unit_board, unit_ref
from services.targets.progress.schemas import LineProgress, ProductLinesOut, UnregisteredSku
from services.targets.progress.tree import placements_under
from shared.errors import InvalidInput
from shared.identity import Principal


def _cells(conn: Connection, board: Board, unit_ids: list[uuid.UUID]) -> list[LineCell]:
    c = target_cells
    rows = conn.execute(
        select(c.c.org_unit_id, c.c.product_line, c.c.month, func.sum(c.c.value).label("value"))
        .where(
            c.c.plan_id == board.plan.id,
            c.c.version == board.plan.version,
            c.c.org_unit_id.in_(unit_ids),
            c.c.month.between(board.period.start.month, board.period.end.month),
        )
        .group_by(c.c.org_unit_id, c.c.product_line, c.c.month)
    )
    return [LineCell(r.org_unit_id, r.product_line, r.month, r.value) for r in rows]


def _line_actuals(
    conn: Connection, board: Board, below: dict[uuid.UUID, list[Stay]], last_day: date
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """(actual per product line, actual per unregistered SKU) of the orders of each unit's stays below the node."""
    spans = [
        (unit, s.first, min(s.last, last_day)) for unit, group in below.items() for s in group if s.first <= last_day
    ]
    if not spans:
        return {}, {}
    o, line, sku = order_actuals, order_actual_lines, sku_lines
    # One index range (org unit, order day) per stay, rather than the whole period's orders.
    in_stay = or_(*(and_(o.c.org_unit_id == unit, o.c.ordered_on.between(a, b)) for unit, a, b in spans))
    value = line.c.amount if board.measure is Measure.amount else line.c.quantity
    rows = conn.execute(
        select(sku.c.product_line, line.c.sku, func.sum(value))
        .select_from(line.join(o, o.c.order_id == line.c.order_id).outerjoin(sku, sku.c.code == line.c.sku))
        .where(in_stay)
        .group_by(sku.c.product_line, line.c.sku)
    )
    by_line: dict[str, Decimal] = defaultdict(Decimal)
    unregistered: dict[str, Decimal] = {}
    for row in rows:
        product_line: str | None = row[0]
        code: str = row[1]
        total: Decimal = row[2]
        if product_line is None:
            unregistered[code] = total
        else:
            by_line[product_line] += total
    return dict(by_line), unregistered


def product_line_progress(
    conn: Connection,
    principal: Principal,
    *,
    plan_id: uuid.UUID,
    org_unit_id: uuid.UUID,
    period: str | None,
    date_from: date | None,
    date_to: date | None,
    as_of: date,
) -> ProductLinesOut:
    """An org unit's figures per product line, and order lines of SKUs nobody registered, listed apart."""
    plan, period_ = plan_and_period(conn, principal, plan_id, period=period, date_from=date_from, date_to=date_to)
    read = unit_board(conn, principal, plan, period_, org_unit_id, as_of)
    board, unit = read.board, read.unit
    if board.source is not Source.order:
        raise InvalidInput(
            f"progress by product line is measured from order lines; a {board.plan.metric} plan has none",
            field="plan_id",
        )
    start, end = board.period.start, board.period.end
    below = stays(placements_under(conn, unit.id, start, end), start, end)
    targets = line_targets(_cells(conn, board, list(below)), below, board.calendar, board.plan.fiscal_year)
    actuals, unregistered = _line_actuals(conn, board, below, board.last_day) if board.last_day else ({}, {})
    lines = sorted(set(targets) | set(actuals))
    return ProductLinesOut(
        **board.header(),
        node=unit_ref(unit),
        figures=figures(board.progress(*board.unit_figures(unit.id))),
        product_lines=[
            LineProgress(
                product_line=name,
                figures=figures(board.progress(targets.get(name, Decimal(0)), actuals.get(name, Decimal(0)))),
            )
            for name in lines
        ],
        unregistered_skus=[UnregisteredSku(sku=code, actual=total) for code, total in sorted(unregistered.items())],
    )
