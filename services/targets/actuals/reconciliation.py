"""The reconciliation report: orders received against what was attributed, and every order that was not.

received (order_actuals, the orders as last received) = attributed to org units (the sums the top node's
progress reads) + orders of unknown dealers + orders of unknown org units. Orders attributed to their org unit
but to no rep are listed too. Nothing is dropped: each reason lists its orders, page by page.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, case, func, select

from services.targets import db
from services.targets.actuals.schemas import ReconciliationOut, Totals, UnattributedGroup, UnattributedOrder
from services.targets.actuals.tables import actual_attributions, actual_days, order_actuals
from services.targets.domain.attribution import SALE_STATUSES, Source, UnattributedReason
from shared.errors import Forbidden, InvalidInput
from shared.identity import Principal
from shared.org.scope import ensure_in_scope, subtree_ids

ou = db.org_units
ORDER = Source.order.value
UNIT_LEVEL = {UnattributedReason.unknown_dealer, UnattributedReason.unknown_org_unit}


def _totals(row) -> Totals:
    return Totals(orders=row[0] or 0, amount=row[1] or Decimal(0), quantity=row[2] or Decimal(0))


def reconcile(
    conn: Connection,
    principal: Principal,
    *,
    date_from: date,
    date_to: date,
    org_unit_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> ReconciliationOut:
    """Received versus attributed for a date range, for the whole company or one subtree."""
    if date_to < date_from:
        raise InvalidInput("date_to is before date_from", field="date_to")
    if org_unit_id is None and not principal.sees_everything:
        if principal.org_unit_id is None:
            raise Forbidden("the caller has no org unit to report on")
        org_unit_id = principal.org_unit_id
    if org_unit_id is not None:
        ensure_in_scope(conn, ou, principal, org_unit_id)
    subtree = subtree_ids(ou, org_unit_id) if org_unit_id else None

    o = order_actuals
    received = select(func.count(), func.sum(o.c.amount), func.sum(o.c.quantity)).where(
        o.c.ordered_on.between(date_from, date_to), o.c.status.in_(SALE_STATUSES)
    )
    d = actual_days
    units = (
        select(func.sum(d.c.facts), func.sum(d.c.amount), func.sum(d.c.quantity))
        .join(ou, ou.c.id == d.c.holder_id)
        .where(d.c.source == ORDER, d.c.holder_kind == "org_unit", d.c.day.between(date_from, date_to))
    )
    if subtree is not None:
        received = received.where(o.c.org_unit_id.in_(subtree))
        units = units.where(ou.c.id.in_(subtree))
    if subtree is None:
        by_rep = select(func.sum(d.c.facts), func.sum(d.c.amount), func.sum(d.c.quantity)).where(
            d.c.source == ORDER, d.c.holder_kind == "person", d.c.day.between(date_from, date_to)
        )
    else:
        # A subtree's rep split comes from the ledger, which knows each rep's piece's unit (the day sums do not).
        a = actual_attributions
        by_rep = select(func.count(), func.sum(a.c.amount), func.sum(a.c.quantity)).where(
            a.c.source == ORDER,
            a.c.person_id.is_not(None),
            a.c.org_unit_id.in_(subtree),
            a.c.day.between(date_from, date_to),
        )
    reps = _totals(conn.execute(by_rep).one())
    groups = _unattributed(conn, date_from, date_to, subtree, limit, offset)
    received_totals = _totals(conn.execute(received).one())
    unit_totals = _totals(conn.execute(units).one())
    lost = [g.totals for g in groups if g.reason in UNIT_LEVEL]
    balanced = received_totals.amount == unit_totals.amount + sum(
        (t.amount for t in lost), Decimal(0)
    ) and received_totals.quantity == unit_totals.quantity + sum((t.quantity for t in lost), Decimal(0))
    return ReconciliationOut(
        date_from=date_from,
        date_to=date_to,
        org_unit_id=org_unit_id,
        received=received_totals,
        attributed_to_org_units=unit_totals,
        attributed_to_reps=reps,
        unattributed=groups,
        balanced=balanced,
    )


def _unattributed(
    conn: Connection, date_from: date, date_to: date, subtree, limit: int, offset: int
) -> list[UnattributedGroup]:
    """Facts without a rep, by reason: the unit-less ones (unknown dealer or unit) and the rep-less ones."""
    a = actual_attributions
    reason = case(
        (a.c.org_unit_id.is_(None), UnattributedReason.unknown_dealer.value),
        (ou.c.id.is_(None), UnattributedReason.unknown_org_unit.value),
        else_=UnattributedReason.no_covering_rep.value,
    ).label("reason")
    fact_rows = (
        select(a.c.source_id, reason, func.sum(a.c.amount).label("amount"), func.sum(a.c.quantity).label("quantity"))
        .select_from(a.outerjoin(ou, ou.c.id == a.c.org_unit_id))
        .where(a.c.source == ORDER, a.c.person_id.is_(None), a.c.day.between(date_from, date_to))
        .group_by(a.c.source_id, reason)
    )
    if subtree is not None:
        fact_rows = fact_rows.where(a.c.org_unit_id.in_(subtree))
    facts = fact_rows.subquery()
    totals = {
        r.reason: r
        for r in conn.execute(
            select(
                facts.c.reason,
                func.count().label("orders"),
                func.sum(facts.c.amount).label("amount"),
                func.sum(facts.c.quantity).label("quantity"),
            ).group_by(facts.c.reason)
        )
    }
    o = order_actuals
    groups = []
    for name in UnattributedReason:
        if name.value not in totals:
            continue
        t = totals[name.value]
        page = conn.execute(
            select(
                facts.c.source_id, o.c.erp_order_id, o.c.dealer_code, o.c.ordered_on, facts.c.amount, facts.c.quantity
            )
            .join(o, o.c.order_id == facts.c.source_id)
            .where(facts.c.reason == name.value)
            .order_by(o.c.ordered_on, o.c.erp_order_id)
            .limit(limit)
            .offset(offset)
        )
        groups.append(
            UnattributedGroup(
                reason=name.value,
                totals=Totals(orders=t.orders, amount=t.amount, quantity=t.quantity),
                items=[
                    UnattributedOrder(
                        order_id=r.source_id,
                        erp_order_id=r.erp_order_id,
                        dealer_code=r.dealer_code,
                        ordered_on=r.ordered_on,
                        amount=r.amount,
                        quantity=r.quantity,
                    )
                    for r in page
                ],
            )
        )
    return groups
