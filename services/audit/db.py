"""Tables of the audit schema."""

from shared.consumer import make_inbox_table
from shared.db import make_idempotency_table, make_metadata
from shared.org.tables import make_org_units_table
from shared.outbox import make_outbox_table

SCHEMA = "audit"
metadata = make_metadata(SCHEMA)

org_units = make_org_units_table(metadata)  # projection of targets' org tree
outbox = make_outbox_table(metadata)
inbox = make_inbox_table(metadata)
idempotency_keys = make_idempotency_table(metadata)

# Tables of each concept live in their own module on the same metadata; importing them completes it.
from services.audit.archive import tables as _archive  # noqa: E402,F401
from services.audit.facts import tables as _facts  # noqa: E402,F401
from services.audit.findings import tables as _findings  # noqa: E402,F401
from services.audit.plans import tables as _plans  # noqa: E402,F401
from services.audit.rules import tables as _rules  # noqa: E402,F401
