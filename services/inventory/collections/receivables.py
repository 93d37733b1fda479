"""Open receivables of a dealer: invoice amount less payments and approved write-offs."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, and_, func, select

from services.inventory.collections.tables import invoices as i
from services.inventory.collections.tables import payments as p
from services.inventory.domain.credit import OpenInvoice


def open_invoices(conn: Connection, dealer_id: uuid.UUID) -> list[OpenInvoice]:
    """Every invoice of the dealer with what is still open on it (payments matched by ERP system and invoice id)."""
    paid = (
        select(func.coalesce(func.sum(p.c.amount), 0))
        .where(and_(p.c.erp_system == i.c.erp_system, p.c.invoice_external_id == i.c.external_id))
        .scalar_subquery()
    )
    rows = conn.execute(
        select(i.c.external_id, i.c.invoiced_on, i.c.due_on, (i.c.amount - i.c.written_off - paid).label("open"))
        .where(i.c.dealer_id == dealer_id)
    )  # fmt: skip
    return [OpenInvoice(r.external_id, r.invoiced_on, r.due_on, r.open) for r in rows]
