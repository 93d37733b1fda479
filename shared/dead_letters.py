"""Dead letters: kept in the service's own table (for operators) and sent to `<topic>.dlq` (for other tools).

A message too large for the broker is dead-lettered as a small record: its reason, where it came from and a prefix
of its payload; the table keeps the same prefix. Nothing here ever raises for the size of a message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kafka import KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.producer.future import FutureRecordMetadata
from prometheus_client import Counter
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import insert

from shared.kafka import dlq_topic

log = logging.getLogger(__name__)
DEAD_LETTERED = Counter("salesops_events_dead_lettered_total", "Messages sent to a DLQ", ["service", "topic"])
PAYLOAD_PREFIX = 16_384  # bytes kept of a payload too large for the broker, in the table and on the DLQ topic
REASON_LIMIT = 4000


def make_dead_letters_table(metadata: MetaData) -> Table:
    table = Table(
        "dead_letters",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("consumer", String(100), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("key", String(200)),
        Column("payload", LargeBinary, nullable=False),
        Column("payload_size", Integer, nullable=False),
        Column("payload_truncated", Boolean, nullable=False),
        Column("reason", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("first_seen_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
        Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
        Column("status", String(20), nullable=False, server_default="open"),  # open, replayed, discarded
        Column("resolved_at", DateTime(timezone=True)),
        Column("resolution", Text),
    )
    Index("uq_dead_letters_source", table.c.consumer, table.c.topic, table.c.partition, table.c.offset, unique=True)
    Index("ix_dead_letters_first_seen", table.c.topic, table.c.first_seen_at)
    return table


@dataclass(frozen=True)
class DeadLetter:
    record: ConsumerRecord
    reason: str
    attempts: int


class DeadLetters:
    """Writes dead letters to the table (in the caller's transaction) and to the DLQ topic."""

    def __init__(self, *, service: str, table: Table | None, producer: KafkaProducer, max_message_bytes: int):
        self.service = service
        self.table = table
        self.producer = producer
        self.max_message_bytes = max_message_bytes

    def write(self, conn: Connection, dead: list[DeadLetter]) -> None:
        """Record in the table, then send to the topic and wait for the acknowledgement (a KafkaError replays)."""
        if not dead:
            return
        if self.table is not None:
            self._store(conn, self.table, dead)
        futures = [self._send(d) for d in dead]
        self.producer.flush()
        for future in futures:
            future.get(timeout=10)

    def _store(self, conn: Connection, table: Table, dead: list[DeadLetter]) -> None:
        rows = []
        for d in dead:
            value = d.record.value or b""
            cut = self._oversized(value)
            rows.append(
                dict(
                    consumer=self.service,
                    topic=d.record.topic,
                    partition=d.record.partition,
                    offset=d.record.offset,
                    key=(d.record.key or b"").decode(errors="replace")[:200] or None,
                    payload=value[:PAYLOAD_PREFIX] if cut else value,
                    payload_size=len(value),
                    payload_truncated=cut,
                    reason=d.reason[:REASON_LIMIT],
                    attempts=d.attempts,
                )
            )
        stmt = insert(table).values(rows)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["consumer", "topic", "partition", "offset"],
                set_={
                    "last_seen_at": text("now()"),
                    "attempts": table.c.attempts + stmt.excluded.attempts,
                    "reason": stmt.excluded.reason,
                },
            )
        )

    def _oversized(self, value: bytes) -> bool:
        """Too large to send back to the broker with the dead-letter headers (the table keeps the same prefix)."""
        return len(value) + 2 * REASON_LIMIT + 1024 > self.max_message_bytes

    def _send(self, d: DeadLetter) -> FutureRecordMetadata:
        record = d.record
        first_line = (d.reason.splitlines() or [""])[0][:300]  # the whole reason is in the table, not the log
        log.error("dead-lettering %s[%d]@%d: %s", record.topic, record.partition, record.offset, first_line)
        value = record.value or b""
        key = record.key
        headers = [
            ("dlq.reason", d.reason.encode()[:REASON_LIMIT]),
            ("dlq.topic", record.topic.encode()),
            ("dlq.partition", str(record.partition).encode()),
            ("dlq.offset", str(record.offset).encode()),
            ("dlq.consumer", self.service.encode()),
        ]
        if self._oversized(value):
            value = value[:PAYLOAD_PREFIX]
            key = (key or b"")[:200] or None
            headers.append(("dlq.truncated", f"payload of {len(record.value)} bytes cut to {len(value)}".encode()))
        DEAD_LETTERED.labels(self.service, record.topic).inc()
        return self.producer.send(dlq_topic(record.topic), key=key, value=value, headers=headers)
