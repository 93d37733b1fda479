"""Worker of the targets service: publishes its outbox and applies order events to actuals."""

from services.targets import db
from services.targets.handlers import HANDLERS
from shared.worker import WorkerSpec

SPEC = WorkerSpec(
    service="targets",
    outbox=db.outbox,
    inbox=db.inbox,
    handlers=HANDLERS,
    dead_letters=db.dead_letters,
    idempotency_keys=db.idempotency_keys,
)
