"""Refilling a broker that lost its log from the outbox, which keeps published rows for a re-drive window.

Each published row records the partition and offset the broker acknowledged it at. The log lost data when an
acknowledgement comes back at an offset below one acknowledged before in that partition (a fresh broker numbers from
zero again), or when the last acknowledged record of a partition is no longer there. The rows acknowledged at or past
the first missing offset are then made pending again; after a pause of a consumer session (so consumers reading at
their old positions find the new log shorter and start it from the beginning, or rejoin their groups) the relay
publishes them in their lanes' order, and the consumers' inboxes make any copy that did survive harmless.
`redrive` does the same by hand.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from prometheus_client import Counter
from sqlalchemy import ColumnElement, Engine, Table, and_, func, select, update

from shared.failures import short_reason

log = logging.getLogger(__name__)
REDRIVEN = Counter("salesops_outbox_redriven_total", "Published events made pending again", ["service", "topic", "why"])
LOSSES = Counter("salesops_broker_log_losses_total", "Partitions found shorter than acknowledged", ["service", "topic"])


def redrive(engine: Engine, table: Table, *, since: datetime | None = None, topic: str | None = None) -> int:
    """Make published (not parked) rows pending again, so the relay publishes them once more; returns how many."""
    t = table
    conditions: list[ColumnElement[bool]] = [t.c.published_at.is_not(None), t.c.parked_at.is_(None)]
    if since is not None:
        conditions.append(t.c.created_at >= since)
    if topic is not None:
        conditions.append(t.c.topic == topic)
    with engine.begin() as conn:
        count = conn.execute(
            update(t).where(*conditions).values(published_at=None, published_partition=None, published_offset=None)
        ).rowcount
    log.warning("re-drive: %d outbox events made pending", count, extra={"topic": topic, "since": str(since)})
    return count


class LossRecovery:
    """Notices a broker that lost acknowledged records and re-drives the rows it lost."""

    def __init__(
        self,
        engine: Engine,
        table: Table,
        *,
        service: str,
        bootstrap_servers: str,
        ensure_topics: Callable[[], None] = lambda: None,
        every_s: float = 30.0,
        settle_s: float = 8.0,
    ):
        self.settle_s = settle_s
        self.settle_until = 0.0
        self.ensure_topics = ensure_topics
        self.engine = engine
        self.table = table
        self.service = service
        self.bootstrap_servers = bootstrap_servers
        self.every_s = every_s
        self.highest: dict[tuple[str, int], int] | None = None  # loaded at the first check
        self._due = 0.0

    def settling(self) -> float:
        """Seconds the relay should still hold back after a loss was found (0 when it may publish)."""
        return max(0.0, self.settle_until - time.monotonic())

    def suspect(self) -> None:
        """The broker was unreachable: check as soon as it answers again."""
        self._due = 0.0

    def check_if_due(self) -> int:
        if time.monotonic() < self._due:
            return 0
        redriven = self.check()
        self._due = time.monotonic() + self.every_s
        return redriven

    def observe(self, acks: list[tuple[str, int, int, int]]) -> None:
        """(topic, partition, offset, row id) just acknowledged; an offset going backwards means a lost log."""
        if self.highest is None:
            self.highest = self._load()
        lowest: dict[tuple[str, int], int] = {}
        for topic, partition, offset, _ in acks:
            tp = (topic, partition)
            lowest[tp] = min(lowest.get(tp, offset), offset)
        for tp, low in lowest.items():
            if low <= self.highest.get(tp, -1):
                # The rows just acknowledged go again too: they sit below positions that consumers reading the old
                # log still hold, and only what is published after the settling pause is sure to be read.
                self._lost(tp, low, why="offset went back")
        for topic, partition, offset, _ in acks:
            self.highest[(topic, partition)] = max(self.highest.get((topic, partition), -1), offset)

    def check(self) -> int:
        """Probe the last acknowledged record of every partition; re-drive what the broker no longer has."""
        try:
            # A fresh broker lost them; clients do not make topics (shared/kafka.py), and nobody names a dead-letter
            # topic until a message goes there.
            self.ensure_topics()
        except KafkaError as exc:
            log.info("broker log check postponed: %s", short_reason(exc))
            self._due = 0.0
            return 0
        self.highest = self._load()
        if not self.highest:
            return 0
        probe = KafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            enable_auto_commit=False,
            group_id=None,
            allow_auto_create_topics=False,
        )
        redriven = 0
        try:
            for tp, last in sorted(self.highest.items()):
                if self._present(probe, tp, last):
                    continue
                first_missing = self._first_missing(probe, tp, last)
                redriven += self._lost(tp, first_missing, why="record missing")
        except KafkaError as exc:
            log.info("broker log check postponed: %s", short_reason(exc))
            self._due = 0.0
        finally:
            probe.close()
        return redriven

    def _load(self) -> dict[tuple[str, int], int]:
        t = self.table
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.c.topic, t.c.published_partition, func.max(t.c.published_offset))
                .where(t.c.published_offset.is_not(None))
                .group_by(t.c.topic, t.c.published_partition)
            ).all()
        return {(r[0], r[1]): r[2] for r in rows}

    def _event_at(self, tp: tuple[str, int], offset: int) -> str | None:
        t = self.table
        with self.engine.connect() as conn:
            return conn.scalar(
                select(t.c.event_id).where(
                    t.c.topic == tp[0], t.c.published_partition == tp[1], t.c.published_offset == offset
                )
            )

    def _present(self, probe: KafkaConsumer, tp: tuple[str, int], offset: int) -> bool:
        """True when the broker still holds, at `offset`, the record the outbox says it acknowledged there."""
        partitions = probe.partitions_for_topic(tp[0])
        if not partitions or tp[1] not in partitions:
            return False
        part = TopicPartition(*tp)
        probe.assign([part])
        probe.seek(part, offset)
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            for record in probe.poll(timeout_ms=300, max_records=1).get(part, []):
                if record.offset != offset:
                    return False
                event_id: str = dict(record.headers or []).get("event_id", b"").decode()
                return event_id == self._event_at(tp, offset)
        return False

    def _first_missing(self, probe: KafkaConsumer, tp: tuple[str, int], last: int) -> int:
        """Binary search over the acknowledged offsets for the first one the broker no longer holds."""
        t = self.table
        with self.engine.connect() as conn:
            offsets: Sequence[int] = conn.scalars(
                select(t.c.published_offset)
                .where(t.c.topic == tp[0], t.c.published_partition == tp[1], t.c.published_offset.is_not(None))
                .order_by(t.c.published_offset)
            ).all()
        lo, hi = 0, len(offsets) - 1  # offsets[hi] is missing
        if not self._present(probe, tp, offsets[0]):
            return offsets[0]  # a fresh, empty log: everything acknowledged in the window is gone
        while lo < hi:
            mid = (lo + hi) // 2
            if self._present(probe, tp, offsets[mid]):
                lo = mid + 1
            else:
                hi = mid
        return offsets[lo]

    def _lost(self, tp: tuple[str, int], first_missing: int, *, why: str) -> int:
        t = self.table
        with self.engine.begin() as conn:
            count = conn.execute(
                update(t)
                .where(
                    and_(t.c.topic == tp[0], t.c.published_partition == tp[1], t.c.published_offset >= first_missing),
                    t.c.parked_at.is_(None),
                )
                .values(published_at=None, published_partition=None, published_offset=None)
            ).rowcount
        if self.highest is not None:
            self.highest.pop(tp, None)
        if count:
            # Consumers still reading at their old positions must first find the new log shorter (and reset to its
            # start) or rejoin their groups, before the re-driven rows fill it past those positions.
            self.settle_until = time.monotonic() + self.settle_s
            LOSSES.labels(self.service, tp[0]).inc()
            REDRIVEN.labels(self.service, tp[0], why).inc(count)
            log.warning(
                "broker lost %s[%d] from offset %d (%s): %d outbox events re-driven",
                tp[0],
                tp[1],
                first_missing,
                why,
                count,
            )
        return count
