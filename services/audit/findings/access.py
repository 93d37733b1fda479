"""Who sees which findings: auditors everything, managers their subtree, reps their own."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Connection, or_, select

from services.audit import db
from services.audit.findings.tables import findings
from shared.errors import Forbidden, NotFound
from shared.identity import Principal, Role
from shared.org import scope_condition

MANAGERS = frozenset({Role.supervisor, Role.region_manager, Role.director})


def visible(principal: Principal) -> ColumnElement:
    """Findings the caller may see: a rep's are those about them or owned by them."""
    if principal.role is Role.rep:
        mine = [findings.c.owner == principal.subject]
        if principal.person_id is not None:
            mine.append(findings.c.subject == f"rep:{principal.person_id}")
        return or_(*mine)
    if principal.role in MANAGERS or principal.sees_everything:
        return scope_condition(db.org_units, principal, findings.c.org_unit_id)
    return findings.c.id.is_(None)  # erp and other roles see none


def load(conn: Connection, principal: Principal, finding_id: uuid.UUID, *, lock: bool = False):
    """The finding, or 404 when it does not exist or lies outside the caller's view."""
    query = select(findings).where(findings.c.id == finding_id, visible(principal))
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"finding {finding_id} not found", field="finding_id")
    return row


def ensure_may_act(principal: Principal, *, auditor_only: bool) -> None:
    """Auditors decide disputes, re-checks and closing; managers and auditors move the rest; reps only comment."""
    if principal.role in (Role.auditor, Role.admin):
        return
    if auditor_only or principal.role not in MANAGERS:
        raise Forbidden(f"role {principal.role.value!r} may not do this to a finding")
