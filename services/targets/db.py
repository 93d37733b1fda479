"""Tables of the targets schema."""

from sqlalchemy import Index

from shared.consumer import make_inbox_table
from shared.db import make_idempotency_table, make_metadata
from shared.dead_letters import make_dead_letters_table
from shared.org.tables import make_org_units_table
from shared.outbox import make_outbox_table

SCHEMA = "targets"
metadata = make_metadata(SCHEMA)

org_units = make_org_units_table(metadata)
outbox = make_outbox_table(metadata)
inbox = make_inbox_table(metadata)
idempotency_keys = make_idempotency_table(metadata)
dead_letters = make_dead_letters_table(metadata)
Index("ix_idempotency_keys_created_at", idempotency_keys.c.created_at)  # expiry job


# Tables of each concept live in their own module on the same metadata; importing them here makes the
# metadata complete for migrations and for anyone who imports `db`.
from services.targets.actuals import tables as _actuals  # noqa: E402,F401
from services.targets.org import tables as _org  # noqa: E402,F401
from services.targets.people import tables as _people  # noqa: E402,F401
from services.targets.plans import tables as _plans  # noqa: E402,F401
from services.targets.progress import tables as _progress  # noqa: E402,F401
