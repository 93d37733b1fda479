"""Worker of the visits service: publishes its outbox, projects the org tree and dealers."""

from services.visits import db
from services.visits.handlers import HANDLERS
from shared.worker import WorkerSpec

SPEC = WorkerSpec(
    service="visits",
    outbox=db.outbox,
    inbox=db.inbox,
    handlers=HANDLERS,
    dead_letters=db.dead_letters,
    idempotency_keys=db.idempotency_keys,
)
