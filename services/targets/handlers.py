"""Events the targets service consumes.

Order events are applied a poll at a time (`apply_orders_recorded`): the rules of
`actuals_service.apply_order_recorded` — the latest ERP version of each order wins and is attributed — with one
upsert for every order of the run and one ledger replacement for all the facts it moves.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects.postgresql import insert

from services.targets.actuals_ledger import Fact, _known_units, _ledger_rows, _replace, lock_dealer
from services.targets.actuals_service import apply_dealer_registered
from services.targets.db_actuals import dealer_coverage, order_actuals
from services.targets.domain.attribution import CoverageSpan, Source, counts_as_sale, shares_on
from shared.consumer import Decoded, batch
from shared.events.inventory import DealerRegistered, OrderRecorded


def apply_orders_recorded(conn: Connection, messages: list[Decoded]) -> None:
    """Keep the latest ERP version of each order and attribute it; older or repeated versions change nothing."""
    latest: dict = {}
    for message in messages:
        order: OrderRecorded = message.payload
        if order.order_id not in latest or order.erp_version > latest[order.order_id].erp_version:
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
    for start in range(0, len(rows), 2_000):
        stmt = insert(order_actuals).values(rows[start : start + 2_000])
        applied.update(
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[order_actuals.c.order_id],
                    set_={**{k: stmt.excluded[k] for k in rows[0] if k != "order_id"}, "updated_at": func.now()},
                    where=order_actuals.c.erp_version < stmt.excluded.erp_version,
                ).returning(order_actuals.c.order_id)
            ).scalars()
        )
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


def record_facts(conn: Connection, facts: list[Fact]) -> None:
    """`actuals_ledger.record_fact` for many facts of one source: dealers locked in order, one ledger replacement."""
    dealer_ids = sorted({f.dealer_id for f in facts if f.dealer_id is not None}, key=str)
    for dealer_id in dealer_ids:
        lock_dealer(conn, dealer_id)
    known = _known_units(conn, {f.org_unit_id for f in facts})
    timelines: dict = defaultdict(list)
    if dealer_ids:
        c = dealer_coverage
        for r in conn.execute(
            select(c.c.dealer_id, c.c.person_id, c.c.share, c.c.valid_from, c.c.valid_to)
            .where(c.c.dealer_id.in_(dealer_ids))
            .order_by(c.c.dealer_id, c.c.valid_from, c.c.person_id)
        ):
            timelines[r.dealer_id].append(CoverageSpan(r.person_id, r.share, r.valid_from, r.valid_to))
    rows = {}
    for fact in facts:
        shares = shares_on(timelines.get(fact.dealer_id, []), fact.day) if fact.org_unit_id in known else []
        rows[fact.source_id] = _ledger_rows(fact, shares)
    _replace(conn, facts[0].source, rows)


HANDLERS = {OrderRecorded: batch(apply_orders_recorded), DealerRegistered: apply_dealer_registered}
