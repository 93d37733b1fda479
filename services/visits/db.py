"""Tables of the visits schema."""

from sqlalchemy import Index

from shared.consumer import make_inbox_table
from shared.db import make_idempotency_table, make_metadata
from shared.dead_letters import make_dead_letters_table
from shared.org.tables import make_org_units_table
from shared.outbox import make_outbox_table

SCHEMA = "visits"
metadata = make_metadata(SCHEMA)

org_units = make_org_units_table(metadata)  # projection of targets' org tree
outbox = make_outbox_table(metadata)
inbox = make_inbox_table(metadata)
idempotency_keys = make_idempotency_table(metadata)
dead_letters = make_dead_letters_table(metadata)
Index("ix_idempotency_keys_created_at", idempotency_keys.c.created_at)  # expiry job

# Tables of each concept live in their own module on the same metadata; importing them completes it.
from services.visits.coaching import tables as _coaching  # noqa: E402,F401
from services.visits.dealer_orders import tables as _dealer_orders  # noqa: E402,F401
from services.visits.dealers import tables as _dealers  # noqa: E402,F401
from services.visits.manager_time import tables as _manager_time  # noqa: E402,F401
from services.visits.outlets import tables as _outlets  # noqa: E402,F401
from services.visits.photos import tables as _photos  # noqa: E402,F401
from services.visits.policies import tables as _policies  # noqa: E402,F401
from services.visits.promotions import tables as _promotions  # noqa: E402,F401
from services.visits.schedules import tables as _schedules  # noqa: E402,F401
from services.visits.sync import tables as _sync  # noqa: E402,F401
from services.visits.visits import tables as _visits  # noqa: E402,F401
