"""Use cases for the org tree: each takes a connection inside the caller's unit of work."""
from __future__ import annotations

import uuid

from sqlalchemy import Connection, select

from services.targets import db
from services.targets.api.schemas import OrgUnitCreate, OrgUnitOut
from services.targets.domain.org_tree import check_child_kind
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, NotFound
from shared.events.targets import OrgUnitCreated
from shared.org import ensure_in_scope, path_label, scope_condition, subtree_ids
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/targets")
ou = db.org_units


def create_org_unit(conn: Connection, principal: Principal, command: OrgUnitCreate) -> OrgUnitOut:
    """Add a node below a parent the caller may manage, and publish it."""
    parent = None
    if command.parent_id is not None:
        ensure_in_scope(conn, ou, principal, command.parent_id)
        parent = conn.execute(select(ou).where(ou.c.id == command.parent_id)).one()
    elif principal.role != Role.admin:
        raise Forbidden("only an admin may create a company")
    check_child_kind(parent.kind if parent else None, command.kind)
    if conn.scalar(select(ou.c.id).where(ou.c.code == command.code)):
        raise Conflict(f"org unit code {command.code!r} already exists", field="code")
    org_unit_id = command.id or uuid.uuid4()
    if conn.scalar(select(ou.c.id).where(ou.c.id == org_unit_id)):
        raise Conflict(f"org unit {org_unit_id} already exists", field="id")
    path = f"{parent.path}.{path_label(org_unit_id)}" if parent else path_label(org_unit_id)
    row = conn.execute(
        ou.insert()
        .values(id=org_unit_id, parent_id=command.parent_id, kind=command.kind, code=command.code,
                name=command.name, path=path)
        .returning(*ou.c)
    ).one()
    outbox.add(conn, OrgUnitCreated(org_unit_id=org_unit_id, parent_id=command.parent_id, kind=command.kind,
                                    code=command.code, name=command.name, path=path))
    return OrgUnitOut.model_validate(row, from_attributes=True)


def get_org_unit(conn: Connection, principal: Principal, org_unit_id: uuid.UUID) -> OrgUnitOut:
    row = conn.execute(select(ou).where(ou.c.id == org_unit_id, scope_condition(ou, principal, ou.c.id))).first()
    if row is None:
        raise NotFound(f"org unit {org_unit_id} not found")
    return OrgUnitOut.model_validate(row, from_attributes=True)


def list_org_units(conn: Connection, principal: Principal, *, under: uuid.UUID | None, limit: int,
                   offset: int) -> list[OrgUnitOut]:
    query = select(ou).where(scope_condition(ou, principal, ou.c.id)).order_by(ou.c.path).limit(limit).offset(offset)
    if under is not None:
        query = query.where(ou.c.id.in_(subtree_ids(ou, under)))
    return [OrgUnitOut.model_validate(r, from_attributes=True) for r in conn.execute(query)]
