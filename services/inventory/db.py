"""Tables of the inventory schema."""

from sqlalchemy import Index

from shared.consumer import make_inbox_table
from shared.db import make_idempotency_table, make_metadata
from shared.dead_letters import make_dead_letters_table
from shared.org.tables import make_org_units_table
from shared.outbox import make_outbox_table

SCHEMA = "inventory"
metadata = make_metadata(SCHEMA)

org_units = make_org_units_table(metadata)  # projection of targets' org tree
outbox = make_outbox_table(metadata)
inbox = make_inbox_table(metadata)
idempotency_keys = make_idempotency_table(metadata)
dead_letters = make_dead_letters_table(metadata)
Index("ix_idempotency_keys_created_at", idempotency_keys.c.created_at)  # expiry job

# Tables of each concept live in their own module on the same metadata; importing them completes it.
from services.inventory.collections import tables as _collections  # noqa: E402,F401
from services.inventory.dealer_orders import tables as _dealer_orders  # noqa: E402,F401
from services.inventory.dealers import tables as _dealers  # noqa: E402,F401
from services.inventory.orders import tables as _orders  # noqa: E402,F401
from services.inventory.skus import tables as _skus  # noqa: E402,F401
from services.inventory.stock_reports import tables as _stock_reports  # noqa: E402,F401
