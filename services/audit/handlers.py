"""The audit service consumes every published event: one set-based handler per poll (facts/from_events.py).

Every contract in the catalog is archived (a contract added to shared/events is picked up at the next start);
audit's own topics are not consumed. One Batch registered for every class makes a poll one run, so the archive,
the org-tree projection, the facts and the streaming rules are written together in the inbox claim's transaction.
"""

from services.audit.facts.from_events import apply_poll
from shared.consumer import Batch, Handler, MessageClass, batch
from shared.events.catalog import REGISTRY

_POLL = batch(apply_poll)
HANDLERS: dict[MessageClass, Handler | Batch] = {
    cls: _POLL for cls in REGISTRY.events.values() if not cls.topic.startswith("audit.")
}
