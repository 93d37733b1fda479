"""Transactional outbox: events are written with the state that caused them, and a relay publishes them.

Rows are spread over lanes by key. A relay holds a lane's advisory lock while it publishes that lane in id
order, so several relays can run at once and one key's events still leave in the order they were written.
"""

from __future__ import annotations

import logging
import threading
import zlib

from kafka import KafkaProducer
from prometheus_client import Counter
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Identity,
    Index,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    func,
    select,
    text,
    update,
)

from shared.events.base import Envelope, Event
from shared.logs import correlation_id

log = logging.getLogger(__name__)
LANES = 16
RELAYED = Counter("salesops_outbox_relayed_total", "Events published by the outbox relay", ["service"])


def make_outbox_table(metadata: MetaData) -> Table:
    table = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("lane", SmallInteger, nullable=False),
        Column("value", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
        Column("published_at", DateTime(timezone=True)),
    )
    Index("ix_outbox_pending", table.c.lane, table.c.id, postgresql_where=table.c.published_at.is_(None))
    return table


def lane_of(key: str) -> int:
    return zlib.crc32(key.encode()) % LANES


class Outbox:
    """Records events in the caller's transaction."""

    def __init__(self, table: Table, source: str):
        self.table = table
        self.source = source

    def add(self, conn: Connection, *events: Event) -> list[Envelope]:
        envelopes = [Envelope.wrap(e, source=self.source, correlation_id=correlation_id.get()) for e in events]
        if envelopes:
            # One multi-row INSERT: a single round trip, where executemany would pipeline one per row.
            conn.execute(
                self.table.insert().values(
                    [
                        dict(
                            event_id=env.id,
                            topic=type(e).topic,
                            key=env.subject,
                            lane=lane_of(env.subject),
                            value=env.model_dump_json().encode(),
                        )
                        for env, e in zip(envelopes, events, strict=False)
                    ]
                )
            )
        return envelopes


class Relay:
    """Publishes pending outbox rows; marks them published only after the broker acknowledged them."""

    def __init__(self, engine: Engine, table: Table, producer: KafkaProducer, *, service: str, batch_size: int = 500):
        self.engine = engine
        self.table = table
        self.producer = producer
        self.service = service
        self.batch_size = batch_size
        self._lock_base = zlib.crc32(f"outbox:{table.schema}".encode()) * LANES

    def publish_pending(self) -> int:
        """One pass over every lane with pending rows; returns how many events went out."""
        with self.engine.connect() as conn:
            lanes = conn.scalars(select(self.table.c.lane).where(self.table.c.published_at.is_(None)).distinct()).all()
        return sum(self._publish_lane(lane) for lane in lanes)

    def _publish_lane(self, lane: int) -> int:
        t = self.table
        with self.engine.begin() as conn:
            if not conn.scalar(select(func.pg_try_advisory_xact_lock(self._lock_base + lane))):
                return 0  # another relay owns this lane right now
            rows = conn.execute(
                select(t.c.id, t.c.topic, t.c.key, t.c.value)
                .where(t.c.lane == lane, t.c.published_at.is_(None))
                .order_by(t.c.id)
                .limit(self.batch_size)
            ).all()
            futures = [self.producer.send(r.topic, key=r.key.encode(), value=r.value) for r in rows]
            self.producer.flush()
            for future in futures:
                future.get(timeout=10)  # raises if the broker did not acknowledge: the transaction rolls back
            conn.execute(update(t).where(t.c.id.in_([r.id for r in rows])).values(published_at=func.now()))
        RELAYED.labels(self.service).inc(len(rows))
        return len(rows)

    def run(self, stop: threading.Event, idle_seconds: float = 0.05, max_backoff: float = 5.0) -> None:
        """Publish until `stop` is set; waits longer while idle and backs off while the broker is away."""
        wait = idle_seconds
        while not stop.is_set():
            try:
                if self.publish_pending():
                    wait = idle_seconds
                    continue
                wait = min(wait * 2, 0.5)
            except Exception:
                log.exception("outbox relay pass failed; retrying")
                wait = min(max(wait, 0.2) * 2, max_backoff)
            stop.wait(wait)
