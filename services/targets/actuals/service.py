"""Use cases for actuals learned from events: each takes a connection inside the caller's unit of work.

Which orders count: an order counts for sales amount and volume from its confirmation (statuses confirmed,
shipped and invoiced, see domain.attribution.SALE_STATUSES); each newer ERP version replaces the previous one,
and a cancelled version counts zero. The same version re-published with its dealer now known (an order that
arrived before its dealer existed) replaces the unattributed entry (domain.attribution.supersedes), so the order
still counts once. Its lines are kept summed per SKU for progress by product line. Payments: actuals/payments.py.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import Connection, and_, delete, func, or_
from sqlalchemy.dialects.postgresql import insert

from services.targets import db
from services.targets.actuals.ledger import Fact, record_facts
from services.targets.actuals.tables import dealers, order_actual_lines, order_actuals
from services.targets.domain.attribution import Source, counts_as_sale, supersedes
from shared.bulk import copy_rows
from shared.consumer import Decoded
from shared.events.inventory import DealerRegistered, OrderRecorded

ou = db.org_units


def apply_order_recorded(conn: Connection, message: Decoded) -> None:
    """Keep the latest ERP version of the order and attribute it; older or repeated versions change nothing."""
    apply_orders_recorded(conn, [message])


def apply_orders_recorded(conn: Connection, messages: list[Decoded]) -> None:
    """Keep the latest ERP version of each order and attribute it; older or repeated versions change nothing."""
    latest: dict = {}
    for message in messages:
        order = message.payload
        assert isinstance(order, OrderRecorded), "registered for OrderRecorded only"
        kept = latest.get(order.order_id)
        if kept is None or supersedes(
            order.erp_version, order.dealer_id is not None, kept.erp_version, kept.dealer_id is not None
        ):
            latest[order.order_id] = order
    rows = []
    for order in sorted(latest.values(), key=lambda x: str(x.order_id)):  # key order: concurrent writers never deadlock
        counts = counts_as_sale(order.status)
        rows.append(
            dict(
                order_id=order.order_id,
                erp_order_id=order.erp_order_id,
                erp_version=order.erp_version,
                dealer_id=order.dealer_id,
                dealer_code=order.dealer_code,
                org_unit_id=order.org_unit_id,
                status=order.status,
                ordered_on=order.ordered_on,
                amount=order.total_amount if counts else 0,
                quantity=order.total_quantity if counts else 0,
            )
        )
    applied: set = set()
    if rows:
        stmt, kept = insert(order_actuals), order_actuals.c
        # The SQL form of domain.attribution.supersedes, against the version kept.
        newer = or_(
            kept.erp_version < stmt.excluded.erp_version,
            and_(
                kept.erp_version == stmt.excluded.erp_version,
                kept.dealer_id.is_(None),
                stmt.excluded.dealer_id.is_not(None),
            ),
        )
        applied.update(
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[kept.order_id],
                    set_={**{k: stmt.excluded[k] for k in rows[0] if k != "order_id"}, "updated_at": func.now()},
                    where=newer,
                ).returning(kept.order_id),
                rows,
            ).scalars()
        )
    _replace_lines(conn, [o for o in latest.values() if o.order_id in applied])
    facts = [
        Fact(
            source=Source.order.value,
            source_id=o.order_id,
            dealer_id=o.dealer_id,
            org_unit_id=o.org_unit_id,
            day=o.ordered_on,
            amount=o.total_amount,
            quantity=o.total_quantity,
            counts=counts_as_sale(o.status),
        )
        for o in latest.values()
        if o.order_id in applied
    ]
    if facts:
        record_facts(conn, facts)


def _replace_lines(conn: Connection, orders: list[OrderRecorded]) -> None:
    """The applied versions' lines, summed per SKU, replace the previous ones (none for an order not counting)."""
    if not orders:
        return
    conn.execute(delete(order_actual_lines).where(order_actual_lines.c.order_id.in_([o.order_id for o in orders])))
    rows = []
    for order in orders:
        if not counts_as_sale(order.status):
            continue
        per_sku: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for line in order.lines:
            per_sku[line.sku][0] += line.amount
            per_sku[line.sku][1] += line.quantity
        rows += [dict(order_id=order.order_id, sku=k, amount=a, quantity=q) for k, (a, q) in per_sku.items()]
    copy_rows(conn, order_actual_lines, rows)


def apply_dealer_registered(conn: Connection, message: Decoded) -> None:
    """Learn which org unit a dealer belongs to, so its coverage can be managed within that subtree."""
    dealer = message.payload
    assert isinstance(dealer, DealerRegistered), "registered for DealerRegistered only"
    values = dict(id=dealer.dealer_id, code=dealer.code, name=dealer.name, org_unit_id=dealer.org_unit_id)
    stmt = insert(dealers).values(values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[dealers.c.id], set_={k: stmt.excluded[k] for k in values if k != "id"}
        )
    )
