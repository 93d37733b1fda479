"""Worker of the inventory service: publishes its outbox, projects the org tree, records ERP orders."""

from services.inventory import db
from services.inventory.handlers import HANDLERS
from services.inventory.orders.waiting import attribute_waiting
from shared.jobs import Job
from shared.worker import WorkerSpec

SPEC = WorkerSpec(
    service="inventory",
    outbox=db.outbox,
    inbox=db.inbox,
    handlers=HANDLERS,
    dead_letters=db.dead_letters,
    idempotency_keys=db.idempotency_keys,
    # A dealer registered while an order naming it was being recorded: neither transaction saw the other.
    jobs=(Job("attribute-waiting", 60, attribute_waiting),),
)
