"""Org units still travelling: created in targets, not yet received by this service's projection."""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable

# Targets' relay and this service's consumer together take well under a second on a healthy system; a reference
# unknown for longer than this is answered 404, so a client retrying a mistyped id is told the truth soon.
GRACE_SECONDS = 30.0
RETRY_AFTER_SECONDS = 1


class ArrivalWindow:
    """When each unknown org unit id was first asked for in this process; bounded, the oldest forgotten first."""

    def __init__(
        self, grace_seconds: float = GRACE_SECONDS, max_ids: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.grace_seconds = grace_seconds
        self.max_ids = max_ids
        self.clock = clock
        self._first_asked: OrderedDict[uuid.UUID, float] = OrderedDict()
        self._lock = threading.Lock()

    def still_travelling(self, org_unit_id: uuid.UUID) -> bool:
        """True while the id was first asked for less than the grace period ago (the first ask starts it)."""
        now = self.clock()
        with self._lock:
            first = self._first_asked.setdefault(org_unit_id, now)
            while len(self._first_asked) > self.max_ids:
                self._first_asked.popitem(last=False)
        return now - first < self.grace_seconds


ARRIVALS = ArrivalWindow()
