"""Collections (货款回笼) learned from inventory's payment events, attributed like orders.

A payment counts for the collections metric on the day it was paid, for the org unit that owned its dealer
(inventory stamps it; the regions above are those of that day, as for orders) and is split over the reps
covering the dealer that day. Each newer ERP version replaces the previous one; repeats and late older
versions change nothing. Inventory publishes a payment only once its dealer is known, so every payment
is attributed.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Connection, func
from sqlalchemy.dialects.postgresql import insert

from services.targets.actuals.ledger import Fact, record_facts
from services.targets.actuals.tables import payment_actuals
from services.targets.domain.attribution import Source, supersedes
from shared.consumer import Decoded
from shared.events.inventory import PaymentRecorded


def apply_payments_recorded(conn: Connection, messages: list[Decoded]) -> None:
    """Keep the latest ERP version of each payment and attribute it, set-based for a whole poll."""
    latest: dict = {}
    for message in messages:
        payment = message.payload
        assert isinstance(payment, PaymentRecorded), "registered for PaymentRecorded only"
        kept = latest.get(payment.payment_id)
        if kept is None or supersedes(payment.erp_version, True, kept.erp_version, True):
            latest[payment.payment_id] = payment
    if not latest:
        return
    ordered = sorted(latest.values(), key=lambda p: str(p.payment_id))  # key order: writers never deadlock
    rows = [
        dict(
            payment_id=p.payment_id,
            erp_system=p.erp_system,
            external_id=p.external_id,
            erp_version=p.erp_version,
            dealer_id=p.dealer_id,
            org_unit_id=p.org_unit_id,
            paid_on=p.paid_on,
            amount=p.amount,
        )
        for p in ordered
    ]
    stmt, kept_row = insert(payment_actuals), payment_actuals.c
    applied: set[uuid.UUID] = set(
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[kept_row.payment_id],
                set_={**{k: stmt.excluded[k] for k in rows[0] if k != "payment_id"}, "updated_at": func.now()},
                where=kept_row.erp_version < stmt.excluded.erp_version,
            ).returning(kept_row.payment_id),
            rows,
        ).scalars()
    )
    facts = [
        Fact(
            source=Source.payment.value,
            source_id=p.payment_id,
            dealer_id=p.dealer_id,
            org_unit_id=p.org_unit_id,
            day=p.paid_on,
            amount=p.amount,
            quantity=Decimal(0),
        )
        for p in ordered
        if p.payment_id in applied
    ]
    if facts:
        record_facts(conn, facts)
