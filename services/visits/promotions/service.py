"""Use cases of promotions: set one up for a territory (published), list those the caller works under."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, or_, select, true

from services.visits import db
from services.visits.promotions.schemas import PromotionIn, PromotionOut
from services.visits.promotions.tables import promotions as t
from shared.errors import Conflict, InvalidInput
from shared.events.visits import PromotionCreated
from shared.identity import Principal
from shared.ids import new_uuid
from shared.org import ensure_in_scope
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/visits")
units = db.org_units


def _path_of(org_unit_id) -> ColumnElement:
    return select(units.c.path).where(units.c.id == org_unit_id).scalar_subquery()


def visible_promotions(principal: Principal) -> ColumnElement[bool]:
    """Promotions of the caller's subtree and of the units above it: a rep works under the region's promotions."""
    if principal.sees_everything:
        return true()
    mine = _path_of(principal.org_unit_id)
    theirs = _path_of(t.c.org_unit_id)
    return or_(theirs.op("<@")(mine), mine.op("<@")(theirs))


def create_promotion(conn: Connection, principal: Principal, command: PromotionIn) -> PromotionOut:
    ensure_in_scope(conn, db.org_units, principal, command.org_unit_id)
    if command.ends_on < command.starts_on:
        raise InvalidInput("the promotion ends before it starts", field="ends_on")
    if conn.scalar(select(t.c.id).where(t.c.code == command.code)):
        raise Conflict(f"promotion code {command.code!r} already exists", field="code")
    promotion = PromotionOut(id=new_uuid(), **command.model_dump())
    conn.execute(t.insert().values(**promotion.model_dump()))
    outbox.add(conn, PromotionCreated(promotion_id=promotion.id, **promotion.model_dump(exclude={"id"})))
    return promotion


def list_promotions(
    conn: Connection, principal: Principal, *, running_on: date | None, limit: int, offset: int
) -> list[PromotionOut]:
    query = select(t).where(visible_promotions(principal))
    if running_on is not None:
        query = query.where(t.c.starts_on <= running_on, t.c.ends_on >= running_on)
    rows = conn.execute(query.order_by(t.c.starts_on.desc(), t.c.code).limit(limit).offset(offset))
    return [PromotionOut(**r._asdict()) for r in rows]


def running_for_outlets(conn: Connection, outlet_units: set[uuid.UUID], on: date) -> Sequence[Row[Any]]:
    """Promotions running on `on` in any of these org units or above them, with the units each covers."""
    if not outlet_units:
        return []
    outlet_unit = units.alias("outlet_unit")
    promotion_unit = units.alias("promotion_unit")
    return conn.execute(
        select(t, outlet_unit.c.id.label("outlet_unit_id"))
        .join(promotion_unit, promotion_unit.c.id == t.c.org_unit_id)
        .join(outlet_unit, outlet_unit.c.path.op("<@")(promotion_unit.c.path))
        .where(outlet_unit.c.id.in_(outlet_units), t.c.starts_on <= on, t.c.ends_on >= on)
        .order_by(t.c.code)
    ).all()
