"""An org unit's attributed order totals, following the tree as it stood on each day."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, exists, func, or_, select

from services.targets import db
from services.targets.actuals.schemas import ActualsOut
from services.targets.actuals.tables import actual_days
from services.targets.domain.attribution import AMOUNT_STEP, QUANTITY_STEP, Source
from services.targets.org.tables import org_unit_history as history
from services.targets.plans.access import viewer_of
from services.targets.progress.tree import passes_through
from shared.errors import NotFound
from shared.identity import Principal, Role
from shared.org import scope_condition

ou = db.org_units


def ensure_ever_in_scope(conn: Connection, principal: Principal, org_unit_id: uuid.UUID) -> None:
    """404 unless the unit is in the caller's subtree now or stood in it at some time (a unit moved away)."""
    now = select(ou.c.id).where(ou.c.id == org_unit_id, scope_condition(ou, principal, ou.c.id))
    found = conn.scalar(now)
    if found is None and principal.org_unit_id is not None and not principal.sees_everything:
        found = conn.scalar(
            select(history.c.org_unit_id).where(
                history.c.org_unit_id == org_unit_id, passes_through(history.c.path, principal.org_unit_id)
            )
        )
    if found is None:
        raise NotFound(f"org unit {org_unit_id} not found", field="org_unit_id")


def actuals(
    conn: Connection, principal: Principal, org_unit_id: uuid.UUID, date_from: date | None, date_to: date | None
) -> ActualsOut:
    """Order totals of the units below the org unit on each day, counted only on days the caller managed them.

    Who reads which total follows domain/visibility.py: a rep their office's total (no unit inside it, whose
    figures would be a peer's); a manager their subtree and their parent's total.
    """
    viewer = viewer_of(conn, principal)
    # The unit whose days count: the caller's own, or (for their parent's total) the parent itself.
    through = principal.org_unit_id
    if principal.role == Role.rep and not principal.sees_everything:
        if org_unit_id != principal.org_unit_id:
            raise NotFound(f"org unit {org_unit_id} not found", field="org_unit_id")
    elif not principal.sees_everything and viewer.parent is not None and org_unit_id == viewer.parent:
        through = org_unit_id
    else:
        ensure_ever_in_scope(conn, principal, org_unit_id)
    d, h = actual_days, history
    on_the_day = [
        h.c.org_unit_id == d.c.holder_id,
        or_(h.c.valid_from.is_(None), h.c.valid_from <= d.c.day),
        or_(h.c.valid_to.is_(None), h.c.valid_to > d.c.day),
        passes_through(h.c.path, org_unit_id),
    ]
    if not principal.sees_everything:
        # A manager sees a unit's days inside their subtree only: its months under another region are not theirs.
        assert through is not None  # a caller without an org unit was refused above (rep) or by ensure_ever_in_scope
        on_the_day.append(passes_through(h.c.path, through))
    query = select(
        func.coalesce(func.sum(d.c.amount), 0).label("amount"),
        func.coalesce(func.sum(d.c.quantity), 0).label("quantity"),
        func.coalesce(func.sum(d.c.facts), 0).label("orders"),
    ).where(d.c.source == Source.order.value, d.c.holder_kind == "org_unit", exists(select(1).where(*on_the_day)))
    if date_from:
        query = query.where(d.c.day >= date_from)
    if date_to:
        query = query.where(d.c.day <= date_to)
    totals = conn.execute(query).one()
    # An empty range reads as money and quantity like any other (0.00 and 0.000), not as a bare 0.
    return ActualsOut(
        org_unit_id=org_unit_id,
        date_from=date_from,
        date_to=date_to,
        amount=Decimal(totals.amount).quantize(AMOUNT_STEP),
        quantity=Decimal(totals.quantity).quantize(QUANTITY_STEP),
        orders=totals.orders,
    )
