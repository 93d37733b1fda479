"""Use cases for collections: invoices read back with what is open on them, receivables ageing, what still waits
for master data, and bad-debt write-offs requested by a manager and approved by a director."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Connection, and_, func, literal, select, union_all

from services.inventory import db
from services.inventory.collections.schemas import AgeingOut, InvoiceOut, WaitingOut, WriteOffCreate, WriteOffOut
from services.inventory.collections.tables import invoices as i
from services.inventory.collections.tables import payments as p
from services.inventory.collections.tables import write_offs as w
from services.inventory.dealers.service import org_scope, visible_dealer
from services.inventory.domain.credit import OpenInvoice, ageing
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.inventory import InvoiceWrittenOff
from shared.identity import Principal
from shared.ids import new_uuid
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")


def _paid():
    return (
        select(func.coalesce(func.sum(p.c.amount), 0))
        .where(and_(p.c.erp_system == i.c.erp_system, p.c.invoice_external_id == i.c.external_id))
        .scalar_subquery()
    )


def _invoices(principal: Principal):
    paid = _paid().label("paid")
    open_amount = (i.c.amount - i.c.written_off - _paid()).label("open_amount")
    columns = [c for c in i.c if c.name not in ("content_hash", "org_unit_id", "created_at", "updated_at")]
    return select(*columns, paid, open_amount).where(i.c.dealer_id.is_not(None), org_scope(principal, i.c.org_unit_id))


def get_invoice(conn: Connection, principal: Principal, invoice_id: uuid.UUID) -> InvoiceOut:
    row = conn.execute(_invoices(principal).where(i.c.id == invoice_id)).first()
    if row is None:
        raise NotFound(f"invoice {invoice_id} not found")
    return InvoiceOut.model_validate(row, from_attributes=True)


def list_invoices(
    conn: Connection, principal: Principal, *, dealer_id: uuid.UUID | None, external_id: str | None, limit: int,
    offset: int,
) -> list[InvoiceOut]:  # fmt: skip
    query = _invoices(principal)
    if dealer_id:
        query = query.where(i.c.dealer_id == dealer_id)
    if external_id:
        query = query.where(i.c.external_id == external_id)
    rows = conn.execute(query.order_by(i.c.invoiced_on, i.c.external_id).limit(limit).offset(offset))
    return [InvoiceOut.model_validate(r, from_attributes=True) for r in rows]


def receivables_ageing(
    conn: Connection, principal: Principal, *, dealer_id: uuid.UUID | None, as_of: date
) -> AgeingOut:
    """Open amounts in the 0–30, 31–60, 61–90 and >90 day buckets, for one dealer or the caller's whole subtree."""
    if dealer_id:
        visible_dealer(conn, principal, dealer_id)
    query = _invoices(principal).where(i.c.invoiced_on <= as_of)
    if dealer_id:
        query = query.where(i.c.dealer_id == dealer_id)
    open_invoices = [OpenInvoice(r.external_id, r.invoiced_on, r.due_on, r.open_amount) for r in conn.execute(query)]
    buckets = ageing(open_invoices, as_of)
    return AgeingOut(as_of=as_of, dealer_id=dealer_id, buckets=buckets, total_open=sum(buckets.values(), Decimal(0)))


def waiting_for_master_data(conn: Connection, *, limit: int) -> list[WaitingOut]:
    """Invoices and payments whose dealer is not registered yet, oldest first."""
    parts = [
        select(literal(kind).label("kind"), t.c.id, t.c.erp_system, t.c.external_id, t.c.dealer_code, t.c.amount,
               t.c.created_at.label("waiting_since")).where(t.c.dealer_id.is_(None))
        for kind, t in (("invoice", i), ("payment", p))
    ]  # fmt: skip
    query = union_all(*parts).order_by("waiting_since").limit(limit)
    now = datetime.now(UTC)
    return [
        WaitingOut(**r._asdict(), age_hours=round((now - r.waiting_since).total_seconds() / 3600, 2))
        for r in conn.execute(query)
    ]


def request_write_off(
    conn: Connection, principal: Principal, invoice_id: uuid.UUID, command: WriteOffCreate
) -> WriteOffOut:
    """A manager asks to write off (part of) what is open on an invoice as a bad debt; a director decides."""
    invoice = get_invoice(conn, principal, invoice_id)
    if command.amount <= 0 or command.amount > invoice.open_amount:
        raise InvalidInput(f"the amount must be above 0 and at most the open {invoice.open_amount}", field="amount")
    row = conn.execute(
        w.insert().values(id=new_uuid(), invoice_id=invoice_id, amount=command.amount, reason=command.reason,
                          status="requested", requested_by=principal.subject).returning(w)
    ).one()  # fmt: skip
    return WriteOffOut.model_validate(row, from_attributes=True)


def decide_write_off(conn: Connection, principal: Principal, write_off_id: uuid.UUID, *, approve: bool) -> WriteOffOut:
    """Approve (the invoice's open amount falls, published) or reject a requested write-off."""
    row = conn.execute(select(w).where(w.c.id == write_off_id).with_for_update()).first()
    if row is None:
        raise NotFound(f"write-off {write_off_id} not found")
    invoice = conn.execute(
        select(i).where(i.c.id == row.invoice_id, org_scope(principal, i.c.org_unit_id)).with_for_update()
    ).first()
    if invoice is None:
        raise NotFound(f"write-off {write_off_id} not found")
    if row.status != "requested":
        raise Conflict(f"the write-off is already {row.status}", field="status")
    if row.requested_by == principal.subject:
        raise Conflict("a write-off is approved by someone other than who asked for it", field="status")
    status = "approved" if approve else "rejected"
    if approve:
        still_open = get_invoice(conn, principal, invoice.id).open_amount
        if row.amount > still_open:
            raise Conflict(f"only {still_open} is still open on the invoice", field="amount")
        conn.execute(i.update().where(i.c.id == invoice.id).values(written_off=i.c.written_off + row.amount))
        outbox.add(
            conn,
            InvoiceWrittenOff(write_off_id=row.id, invoice_id=invoice.id, dealer_id=invoice.dealer_id,
                              org_unit_id=invoice.org_unit_id, amount=row.amount, reason=row.reason),
        )  # fmt: skip
    updated = conn.execute(
        w.update().where(w.c.id == write_off_id).values(status=status, decided_by=principal.subject).returning(w)
    ).one()
    return WriteOffOut.model_validate(updated, from_attributes=True)
