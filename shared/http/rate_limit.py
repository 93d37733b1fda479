"""Requests per caller: a token bucket per principal subject, in this process.

Per process on purpose (no shared store on the hot path): with N API processes behind a balancer a caller gets
up to N times the rate, so divide the setting by N, or enforce the limit in the gateway in front.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from shared.errors import DomainError


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, retry_after: int):
        super().__init__(f"this caller's request rate is limited; retry after {retry_after} s")
        self.headers = {"Retry-After": str(retry_after)}


class RateLimiter:
    """`rate` requests per second on average, bursts of up to `burst`; buckets of the least recently seen
    callers are dropped past `max_callers` (a dropped caller starts again with a full bucket)."""

    def __init__(self, rate: float, burst: int, max_callers: int = 100_000):
        self.rate = rate
        self.burst = burst
        self.max_callers = max_callers
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # subject -> (tokens, at)

    def take(self, subject: str) -> None:
        """Spend one token of this caller's bucket, or raise TooManyRequests (no lock: runs on the event loop)."""
        now = time.monotonic()
        tokens, at = self._buckets.pop(subject, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        if tokens < 1:
            self._buckets[subject] = (tokens, now)
            raise TooManyRequests(max(1, math.ceil((1 - tokens) / self.rate)))
        self._buckets[subject] = (tokens - 1, now)
        if len(self._buckets) > self.max_callers:
            self._buckets.popitem(last=False)
