"""ERP invoices and payments recorded idempotently on (ERP system, external id, version); one naming a dealer not
registered yet waits, and is attributed (and published) when the dealer is registered."""

from __future__ import annotations

import uuid
from typing import cast

from sqlalchemy import Connection, Table, func, select, update

from services.inventory import db
from services.inventory.collections.schemas import ErpAccepted
from services.inventory.collections.tables import invoices, payments
from services.inventory.dealers.tables import dealers as d
from services.inventory.domain.orders import VersionDecision, content_hash, decide_version
from shared.consumer import Decoded
from shared.errors import InvalidInput
from shared.events.base import Event
from shared.events.erp_collections import ErpInvoice, ErpPayment
from shared.events.inventory import InvoiceRecorded, PaymentRecorded
from shared.ids import new_uuid
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")


def _values(message: ErpInvoice | ErpPayment) -> tuple[Table, str, dict]:
    if isinstance(message, ErpInvoice):
        if message.due_on < message.invoiced_on:
            raise InvalidInput("due_on is before invoiced_on", field="due_on")
        fields = dict(invoiced_on=message.invoiced_on, due_on=message.due_on)
        return invoices, message.invoice_id, fields
    return payments, message.payment_id, dict(invoice_external_id=message.invoice_id, paid_on=message.paid_on)


def record(conn: Connection, message: ErpInvoice | ErpPayment) -> ErpAccepted:
    """Record one version; a repeat or an older version arriving late changes nothing."""
    table, external_id, fields = _values(message)
    digest = content_hash(message.model_dump(mode="json"))
    stored = conn.execute(
        select(table.c.id, table.c.version, table.c.content_hash, table.c.dealer_id)
        .where(table.c.erp_system == message.erp_system, table.c.external_id == external_id)
        .with_for_update()
    ).first()
    decision = decide_version((stored.version, stored.content_hash) if stored else None, message.version, digest)
    record_id = stored.id if stored else new_uuid()
    if decision is VersionDecision.unchanged:
        waiting = stored is not None and stored.dealer_id is None
        return ErpAccepted(
            id=record_id, erp_system=message.erp_system, external_id=external_id, version=message.version,
            applied=False, waiting_for_dealer=waiting,
        )  # fmt: skip
    dealer = conn.execute(select(d.c.id, d.c.org_unit_id).where(d.c.code == message.dealer_code)).first()
    values = dict(
        version=message.version,
        content_hash=digest,
        dealer_code=message.dealer_code,
        dealer_id=dealer.id if dealer else None,
        org_unit_id=dealer.org_unit_id if dealer else None,
        currency=message.currency,
        amount=message.amount,
        **fields,
    )
    if stored:
        conn.execute(update(table).where(table.c.id == record_id).values(**values, updated_at=func.now()))
    else:
        conn.execute(
            table.insert().values(id=record_id, erp_system=message.erp_system, external_id=external_id, **values)
        )
    if dealer:
        _publish(conn, table, [record_id])
    return ErpAccepted(
        id=record_id, erp_system=message.erp_system, external_id=external_id, version=message.version, applied=True,
        waiting_for_dealer=dealer is None,
    )  # fmt: skip


def _publish(conn: Connection, table: Table, ids: list[uuid.UUID]) -> None:
    rows = conn.execute(select(table).where(table.c.id.in_(ids)).order_by(table.c.created_at)).all()
    events: list[Event]
    if table is invoices:
        events = [
            InvoiceRecorded(invoice_id=r.id, invoiced_on=r.invoiced_on, due_on=r.due_on, **_common(r)) for r in rows
        ]
    else:
        events = [
            PaymentRecorded(payment_id=r.id, invoice_external_id=r.invoice_external_id, paid_on=r.paid_on, **_common(r))
            for r in rows
        ]
    outbox.add(conn, *events)


def _common(r) -> dict:
    return dict(
        erp_system=r.erp_system, external_id=r.external_id, erp_version=r.version, dealer_id=r.dealer_id,
        dealer_code=r.dealer_code, org_unit_id=r.org_unit_id, currency=r.currency, amount=r.amount,
    )  # fmt: skip


def release_for_dealer(conn: Connection, dealer_code: str) -> int:
    """Attribute what waited for this dealer and publish the events it would have caused; returns how many."""
    dealer = conn.execute(select(d.c.id, d.c.org_unit_id).where(d.c.code == dealer_code)).one()
    released = 0
    for table in (invoices, payments):
        ids = conn.scalars(
            update(table)
            .where(table.c.dealer_code == dealer_code, table.c.dealer_id.is_(None))
            .values(dealer_id=dealer.id, org_unit_id=dealer.org_unit_id, updated_at=func.now())
            .returning(table.c.id)
        ).all()
        if ids:
            _publish(conn, table, list(ids))
        released += len(ids)
    return released


def apply_erp_invoice(conn: Connection, message: Decoded) -> None:
    record(conn, cast(ErpInvoice, message.payload))


def apply_erp_payment(conn: Connection, message: Decoded) -> None:
    record(conn, cast(ErpPayment, message.payload))
