"""Offline sync: a day's operations from a phone, each applied once and in order, with a result per item.

The conflict rule is in services/visits/domain/sync.py: facts from the outlet are kept, the server's plan
wins. Each operation runs in its own savepoint, so one that fails leaves nothing half-written and the rest
of the batch still applies (the failure is reported with its problem document, and may be sent again). The
result of every applied or rejected operation is stored under its op_id, so a batch sent again reports the
same results without applying anything twice.
"""

from __future__ import annotations

import hashlib
import uuid
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Row, select

from services.visits.domain.sync import resolve
from services.visits.outlets.book import update_outlet
from services.visits.outlets.schemas import OutletUpdate
from services.visits.outlets.service import get_outlet, register_outlet
from services.visits.schedules.schemas import EntryMove
from services.visits.schedules.service import move_entry
from services.visits.schedules.tables import schedule_entries
from services.visits.sync.schemas import (
    ItemResult,
    MovePlannedVisitOp,
    RecordOrderRequestOp,
    RegisterOutletOp,
    SubmitVisitOp,
    SyncIn,
    SyncOut,
    UpdateOutletContactsOp,
)
from services.visits.sync.tables import sync_operations as t
from services.visits.visits.completion import outbox
from services.visits.visits.service import outlet_for_visit, rep_of
from services.visits.visits.submission import submit_visit
from shared.db import utcnow
from shared.errors import DomainError
from shared.events.visits import OrderRequested
from shared.identity import Principal


def _server_version(conn: Connection, rep_id, entry_id) -> int | None:
    return conn.scalar(
        select(schedule_entries.c.version).where(schedule_entries.c.id == entry_id, schedule_entries.c.rep_id == rep_id)
    )


def _apply(conn: Connection, principal: Principal, op) -> ItemResult:
    rep = rep_of(principal)
    if isinstance(op, RegisterOutletOp):
        outlet = register_outlet(conn, principal, op.outlet)
        return ItemResult(op_id=op.op_id, kind=op.kind, outcome="applied", outlet_id=outlet.id, outlet_version=1)
    if isinstance(op, UpdateOutletContactsOp):
        current = get_outlet(conn, principal, op.outlet_id)  # outside the rep's book: 404, reported as failed
        decision = resolve(op.kind, op.based_on_version, current.version)
        if decision.outcome == "rejected":
            return ItemResult(op_id=op.op_id, kind=op.kind, outcome="rejected", conflict=decision.conflict)
        changed = update_outlet(
            conn, principal, op.outlet_id, OutletUpdate(contacts=op.contacts, version=op.based_on_version)
        )
        return ItemResult(
            op_id=op.op_id, kind=op.kind, outcome="applied", outlet_id=changed.id, outlet_version=changed.version
        )
    if isinstance(op, RecordOrderRequestOp):
        outlet = outlet_for_visit(conn, principal, op.outlet_id)
        outbox.add(
            conn,
            OrderRequested(
                request_id=op.op_id,
                visit_id=None,
                outlet_id=op.outlet_id,
                dealer_id=outlet.dealer_id,
                rep_id=rep,
                requested_on=op.requested_on,
                lines=[line.model_dump(mode="json") for line in op.lines],
            ),
        )
        return ItemResult(op_id=op.op_id, kind=op.kind, outcome="applied", outlet_id=op.outlet_id, request_id=op.op_id)
    if isinstance(op, SubmitVisitOp):
        visit = op.visit
        entry = visit.schedule_entry_id
        server = _server_version(conn, rep, entry) if entry else None
        client = op.based_on_version if entry else None
        decision = resolve("submit_visit", client if entry else None, server)
        if decision.outcome == "applied_unplanned":
            visit = visit.model_copy(update={"schedule_entry_id": None})
        recorded = submit_visit(conn, principal, visit, now=utcnow())
        return ItemResult(
            op_id=op.op_id, kind=op.kind, outcome=decision.outcome, conflict=decision.conflict, visit_id=recorded.id
        )
    assert isinstance(op, MovePlannedVisitOp)
    decision = resolve("move_planned_visit", op.based_on_version, _server_version(conn, rep, op.entry_id))
    if decision.outcome == "rejected":
        return ItemResult(op_id=op.op_id, kind=op.kind, outcome="rejected", conflict=decision.conflict)
    move_entry(
        conn, principal, op.schedule_id, op.entry_id, EntryMove(planned_on=op.planned_on, version=op.based_on_version)
    )
    return ItemResult(op_id=op.op_id, kind=op.kind, outcome="applied")


def sync(conn: Connection, principal: Principal, command: SyncIn) -> SyncOut:
    """Apply each operation once, in order; report a result per item."""
    rep = rep_of(principal)
    # Earlier operations: their stored rows, then those applied in this batch (same fields, by attribute).
    stored: dict[uuid.UUID, Row[Any] | SimpleNamespace] = {
        r.op_id: r
        for r in conn.execute(
            select(t.c.op_id, t.c.rep_id, t.c.fingerprint, t.c.result).where(
                t.c.op_id.in_([op.op_id for op in command.operations])
            )
        )
    }
    results = []
    for seq, op in enumerate(command.operations):
        fingerprint = hashlib.sha256(op.model_dump_json().encode()).hexdigest()
        earlier = stored.get(op.op_id)
        if earlier is not None:
            if earlier.rep_id != rep or earlier.fingerprint != fingerprint:
                results.append(
                    ItemResult(op_id=op.op_id, kind=op.kind, outcome="rejected", conflict="op_id already used")
                )
            else:
                results.append(ItemResult(**{**earlier.result, "duplicate": True}))
            continue
        savepoint = conn.begin_nested()
        try:
            result = _apply(conn, principal, op)
            savepoint.commit()
        except DomainError as exc:  # a refused operation: undone alone, reported, the batch goes on
            savepoint.rollback()
            problem = {"status": exc.status, "title": exc.title, "detail": exc.detail, "errors": exc.errors}
            # Not stored: the phone may fix the cause (upload the photo) and send the same op_id again.
            results.append(ItemResult(op_id=op.op_id, kind=op.kind, outcome="failed", error=problem))
            continue
        conn.execute(
            t.insert().values(
                op_id=op.op_id,
                rep_id=rep,
                device_id=command.device_id,
                seq=seq,
                kind=op.kind,
                fingerprint=fingerprint,
                result=result.model_dump(mode="json"),
            )
        )
        # A repeated op_id later in the same batch is a duplicate too.
        stored[op.op_id] = SimpleNamespace(rep_id=rep, fingerprint=fingerprint, result=result.model_dump(mode="json"))
        results.append(result)
    return SyncOut(results=results)
