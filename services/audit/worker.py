"""Worker of the audit service: archives every event and projects the org tree."""

from services.audit import db
from services.audit.handlers import HANDLERS
from shared.worker import WorkerSpec

SPEC = WorkerSpec(
    service="audit",
    outbox=db.outbox,
    inbox=db.inbox,
    handlers=HANDLERS,
    dead_letters=db.dead_letters,
    idempotency_keys=db.idempotency_keys,
)
