"""Visits' copy of inventory's dealers: outlets name the dealer that supplies them."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert

from services.visits.dealers.tables import dealers
from shared.consumer import Decoded
from shared.events.inventory import DealerRegistered


def project_dealer(conn: Connection, message: Decoded) -> None:
    e = message.payload
    assert isinstance(e, DealerRegistered), "registered for DealerRegistered only"
    values = dict(id=e.dealer_id, code=e.code, name=e.name, org_unit_id=e.org_unit_id)
    stmt = insert(dealers).values(values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[dealers.c.id], set_={k: stmt.excluded[k] for k in values if k != "id"}
        )
    )
