"""Outlet book changes: edits with optimistic versions, and grades recomputed from sales on demand."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Connection, Numeric, String, cast, column, func, select, update, values
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.visits import db
from services.visits.dealers.tables import dealers
from services.visits.domain.classification import grades_by_volume, value_class
from services.visits.outlets.schemas import GradeChange, GradeRecompute, GradeRecomputeOut, OutletOut, OutletUpdate
from services.visits.outlets.tables import outlets as t
from services.visits.visits.tables import visit_steps, visits
from shared.db import utcnow
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.visits import OutletUpdated
from shared.identity import Principal
from shared.org import ensure_in_scope, scope_condition, subtree_ids
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/visits")


def check_opening_hours(windows) -> None:
    """A window closes after it opens: a business rule (422), not a schema rule."""
    for i, w in enumerate(windows or []):
        if w.closes <= w.opens:
            raise InvalidInput("closes must be later than opens", field=f"opening_hours[{i}].closes")


def _updated_event(row, changed: list[str]) -> OutletUpdated:
    return OutletUpdated(
        outlet_id=row.id,
        outlet_version=row.version,
        code=row.code,
        name=row.name,
        org_unit_id=row.org_unit_id,
        dealer_id=row.dealer_id,
        grade=row.grade,
        loyalty=row.loyalty,
        value_class=value_class(row.grade, row.loyalty),
        channel=row.channel,
        owner_rep_id=row.owner_rep_id,
        latitude=row.latitude,
        longitude=row.longitude,
        changed=changed,
    )


def update_outlet(conn: Connection, principal: Principal, outlet_id: uuid.UUID, command: OutletUpdate) -> OutletOut:
    """Change an outlet's book entry; a stale `version` is refused, and the new state is published."""
    current = conn.execute(
        select(t)
        .where(t.c.id == outlet_id, scope_condition(db.org_units, principal, t.c.org_unit_id))
        .with_for_update()
    ).first()
    if current is None:
        raise NotFound(f"outlet {outlet_id} not found")
    check_opening_hours(command.opening_hours)
    if command.version is not None and command.version != current.version:
        raise Conflict(f"outlet is at version {current.version}, not {command.version}", field="version")
    values = command.model_dump(exclude_unset=True, exclude={"version", "location"})
    if "location" in command.model_fields_set:
        loc = command.location
        values.update(latitude=loc.latitude if loc else None, longitude=loc.longitude if loc else None)
    if values.get("dealer_id") is not None:
        found = conn.scalar(
            select(dealers.c.id).where(
                dealers.c.id == values["dealer_id"], scope_condition(db.org_units, principal, dealers.c.org_unit_id)
            )
        )
        if found is None:
            raise NotFound(f"dealer {values['dealer_id']} not found", field="dealer_id")
    changed = sorted(k for k, v in values.items() if getattr(current, k) != v)
    if not changed:
        return OutletOut.from_row(current)
    row = conn.execute(
        update(t)
        .where(t.c.id == outlet_id)
        .values(**{k: values[k] for k in changed}, version=t.c.version + 1, updated_at=utcnow())
        .returning(*t.c)
    ).one()
    outbox.add(conn, _updated_event(row, changed))
    return OutletOut.from_row(row)


def recompute_grades(conn: Connection, principal: Principal, command: GradeRecompute) -> GradeRecomputeOut:
    """A/B/C/D from the volume ordered on visits in the window, for every outlet under the org unit."""
    ensure_in_scope(conn, db.org_units, principal, command.org_unit_id)
    line = func.jsonb_array_elements(visit_steps.c.data["lines"]).table_valued(column("value", JSONB)).alias("line")
    quantity = func.coalesce(func.sum(cast(line.c.value["quantity"].astext, Numeric)), 0)
    ordered = (
        select(visits.c.outlet_id, quantity.label("volume"))
        .join(visit_steps, visit_steps.c.visit_id == visits.c.id)
        .join(line, visit_steps.c.step == "order")
        .where(visits.c.status == "completed", visits.c.check_in_client_at >= utcnow() - timedelta(days=command.days))
        .group_by(visits.c.outlet_id)
        .subquery()
    )
    rows = conn.execute(
        select(t.c.id, t.c.grade, func.coalesce(ordered.c.volume, 0).label("volume"))
        .outerjoin(ordered, ordered.c.outlet_id == t.c.id)
        .where(t.c.org_unit_id.in_(subtree_ids(db.org_units, command.org_unit_id)))
    ).all()
    graded = grades_by_volume({r.id: Decimal(r.volume) for r in rows})
    changes = [
        GradeChange(outlet_id=r.id, volume=str(r.volume), old_grade=r.grade, new_grade=graded[r.id])
        for r in rows
        if graded[r.id] != r.grade
    ]
    if changes:
        new = values(column("outlet_id", UUID(as_uuid=True)), column("grade", String), name="new_grades").data(
            [(c.outlet_id, c.new_grade) for c in changes]
        )
        updated = conn.execute(
            update(t)
            .where(t.c.id == new.c.outlet_id)
            .values(grade=new.c.grade, version=t.c.version + 1, updated_at=utcnow())
            .returning(*t.c)
        ).all()
        outbox.add(conn, *[_updated_event(row, ["grade"]) for row in updated])
    return GradeRecomputeOut(outlets=len(rows), changed=sorted(changes, key=lambda c: str(c.outlet_id)))
