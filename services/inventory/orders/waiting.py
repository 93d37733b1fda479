"""ERP orders waiting for master data: an order naming a dealer not registered yet is kept with no dealer, and is
attributed when the dealer arrives, in one set-based UPDATE in the transaction that registers it. Its order event
is published again (same order id and version, now with its dealer) so targets' actuals and audit catch up.

An order is never held back for an unknown SKU: its lines keep the ERP's code, price and amount; the waiting list
only shows which SKU codes are still unknown. A dealer registered while an order naming it is being recorded is
missed by both transactions; the periodic job (every 60 s) attributes such orders.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, exists, func, select, tuple_, update

from services.inventory import db
from services.inventory.collections.ingest import release_for_dealer
from services.inventory.collections.tables import invoices, payments
from services.inventory.dealers.tables import dealers as d
from services.inventory.orders.schemas import WaitingOrderOut, WaitingOrderPage
from services.inventory.orders.tables import order_lines as ol
from services.inventory.orders.tables import orders as o
from services.inventory.skus.tables import skus as s
from shared.events.inventory import OrderLine, OrderRecorded
from shared.http.paging import decode_cursor, encode_cursor
from shared.outbox import Outbox
from shared.settings import Settings

outbox = Outbox(db.outbox, source="/salesops/inventory")


def attribute_waiting_orders(conn: Connection, dealer_code: str | None = None) -> int:
    """Give every waiting order of a now registered dealer (one dealer, or all) its dealer, in one statement, and
    publish each order's event again; returns how many orders were attributed."""
    condition = [o.c.dealer_id.is_(None), o.c.dealer_code == d.c.code]
    if dealer_code is not None:
        condition.append(d.c.code == dealer_code)
    rows = conn.execute(
        update(o)
        .where(*condition)
        .values(dealer_id=d.c.id, org_unit_id=d.c.org_unit_id, updated_at=func.now())
        .returning(*[c for c in o.c if c.name not in ("content_hash", "updated_at")])
    ).all()
    if not rows:
        return 0
    lines: dict[uuid.UUID, list[OrderLine]] = defaultdict(list)
    for line in conn.execute(
        select(ol).where(ol.c.order_id.in_([r.id for r in rows])).order_by(ol.c.order_id, ol.c.line_no)
    ):
        lines[line.order_id].append(
            OrderLine(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price, amount=line.amount)
        )
    outbox.add(
        conn,
        *[
            OrderRecorded(
                order_id=r.id,
                erp_order_id=r.erp_order_id,
                erp_version=r.erp_version,
                dealer_id=r.dealer_id,
                dealer_code=r.dealer_code,
                org_unit_id=r.org_unit_id,
                status=r.status,
                ordered_on=r.ordered_on,
                currency=r.currency,
                total_quantity=r.total_quantity,
                total_amount=r.total_amount,
                lines=lines[r.id],
            )  # fmt: skip
            for r in sorted(rows, key=lambda r: (r.created_at, r.erp_order_id))
        ],
    )
    return len(rows)


def attribute_waiting(engine: Engine, settings: Settings) -> int:
    """Periodic safety net: attribute orders, invoices and payments whose dealer was registered meanwhile."""
    with engine.begin() as conn:
        done = attribute_waiting_orders(conn)
        codes: Sequence[str] = conn.scalars(
            select(d.c.code).where(
                exists().where(invoices.c.dealer_id.is_(None), invoices.c.dealer_code == d.c.code)
                | exists().where(payments.c.dealer_id.is_(None), payments.c.dealer_code == d.c.code)
            )
        ).all()
        for code in codes:  # rare: only what raced with its dealer's registration
            done += release_for_dealer(conn, code)
    return done


def waiting_orders(conn: Connection, *, cursor: str | None, limit: int) -> WaitingOrderPage:
    """Orders still waiting for their dealer, oldest first, with the SKU codes of their lines still unknown."""
    query = (
        select(o.c.id, o.c.erp_order_id, o.c.erp_version, o.c.dealer_code, o.c.ordered_on, o.c.total_amount,
               o.c.created_at)
        .where(o.c.dealer_id.is_(None))
        .order_by(o.c.created_at, o.c.id)
        .limit(limit + 1)
    )  # fmt: skip
    if cursor:
        query = query.where(tuple_(o.c.created_at, o.c.id) > tuple_(*decode_cursor(cursor)))
    rows = conn.execute(query).all()
    page, more = rows[:limit], len(rows) > limit
    unknown: dict[uuid.UUID, list[str]] = defaultdict(list)
    for r in conn.execute(
        select(ol.c.order_id, ol.c.sku)
        .distinct()
        .where(ol.c.order_id.in_([r.id for r in page]), ~exists().where(s.c.code == ol.c.sku))
        .order_by(ol.c.order_id, ol.c.sku)
    ):
        unknown[r.order_id].append(r.sku)
    now = datetime.now(UTC)
    items = [
        WaitingOrderOut(
            order_id=r.id,
            erp_order_id=r.erp_order_id,
            erp_version=r.erp_version,
            dealer_code=r.dealer_code,
            unknown_skus=unknown[r.id],
            ordered_on=r.ordered_on,
            total_amount=r.total_amount,
            waiting_since=r.created_at,
            age_hours=round((now - r.created_at).total_seconds() / 3600, 2),
        )  # fmt: skip
        for r in page
    ]
    return WaitingOrderPage(items=items, next_cursor=encode_cursor(page[-1].created_at, page[-1].id) if more else None)
