"""Which product line each SKU belongs to (its category), learned from inventory's SKU events."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert

from services.targets.actuals.tables import sku_lines
from shared.consumer import Decoded
from shared.events.inventory import SkuChanged


def apply_sku_changed(conn: Connection, message: Decoded) -> None:
    """Keep the SKU's latest category; a change older than the one kept (a redelivery) changes nothing."""
    sku = message.payload
    assert isinstance(sku, SkuChanged), "registered for SkuChanged only"
    values = dict(code=sku.code, sku_id=sku.sku_id, product_line=sku.category, updated_at=sku.updated_at)
    stmt = insert(sku_lines).values(values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[sku_lines.c.code],
            set_={k: stmt.excluded[k] for k in values if k != "code"},
            where=sku_lines.c.updated_at <= stmt.excluded.updated_at,
        )
    )
