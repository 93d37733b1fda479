"""Idempotent consumer: effects and the applied event id commit together; offsets are committed after.

Each poll is applied in one transaction with a savepoint per message. A message whose handler fails is
retried a bounded number of times, then sent to `<topic>.dlq` with the reason, so it never blocks the
partition. Infrastructure failures (database or broker away) roll the batch back and replay it later.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from prometheus_client import Counter
from pydantic import ValidationError
from sqlalchemy import Column, Connection, DateTime, Engine, MetaData, String, Table, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from shared.events.base import REGISTRY, Envelope, Event, InboundMessage, UnknownEvent
from shared.kafka import dlq_topic
from shared.logs import correlation_id

log = logging.getLogger(__name__)
APPLIED = Counter("salesops_events_applied_total", "Events applied by consumers", ["service", "topic"])
DEAD_LETTERED = Counter("salesops_events_dead_lettered_total", "Messages sent to a DLQ", ["service", "topic"])


def make_inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(200), primary_key=True),
        Column("applied_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    )


class PoisonMessage(Exception):
    """The message cannot be decoded; retrying will not help."""


@dataclass(frozen=True)
class Decoded:
    """A message as handlers see it: the typed payload plus the envelope it came in (None for ERP JSON)."""

    topic: str
    event_id: str
    payload: Event | InboundMessage
    envelope: Envelope | None = None

    @property
    def correlation_id(self) -> str | None:
        return self.envelope.correlationid if self.envelope else None


Handler = Callable[[Connection, Decoded], None]


def decode(record: ConsumerRecord) -> Decoded:
    """Envelope topics carry typed events; inbound ERP topics carry plain JSON models."""
    try:
        inbound = REGISTRY.inbound.get(record.topic)
        if inbound is not None:
            message = inbound.model_validate_json(record.value)
            return Decoded(record.topic, message.message_id(), message)
        envelope = Envelope.model_validate_json(record.value)
        return Decoded(record.topic, envelope.id, envelope.payload(), envelope)
    except (ValidationError, UnknownEvent, ValueError, TypeError) as exc:
        raise PoisonMessage(str(exc)) from exc


def _is_infrastructure(exc: BaseException) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


class Consumer:
    def __init__(
        self,
        *,
        service: str,
        engine: Engine,
        inbox: Table,
        handlers: dict[type, Handler],
        kafka_consumer: KafkaConsumer,
        producer: KafkaProducer,
        max_retries: int = 3,
    ):
        self.service = service
        self.engine = engine
        self.inbox = inbox
        self.handlers = handlers
        self.kafka = kafka_consumer
        self.producer = producer
        self.max_retries = max_retries
        self.topics = sorted({cls.topic for cls in handlers})

    def run(self, stop: threading.Event) -> None:
        self.kafka.subscribe(self.topics)
        backoff = 0.1
        while not stop.is_set():
            batch = self.kafka.poll(timeout_ms=200)
            records = [r for part in batch.values() for r in part]
            if not records:
                continue
            try:
                self.apply_batch(records)
                self.kafka.commit()
                backoff = 0.1
            except Exception as exc:
                if not _is_infrastructure(exc) and not isinstance(exc, KafkaSendError):
                    raise
                log.warning("batch rolled back, will replay: %s", exc)
                self._rewind(records)
                stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)

    def apply_batch(self, records: list[ConsumerRecord]) -> None:
        """Apply every record in one transaction; dead letters are flushed before it commits.

        The fast path applies the batch without savepoints. If a handler fails, the batch is rolled back and
        applied again with a savepoint per record, so only the failing record is retried and dead-lettered.
        """
        try:
            self._apply_all(records)
        except _HandlerFailed as failed:
            self._apply_all(records, failed_once=failed.index)
        for record in records:
            APPLIED.labels(self.service, record.topic).inc()

    def _apply_all(self, records: list[ConsumerRecord], *, failed_once: int | None = None) -> None:
        careful = failed_once is not None
        dead: list[tuple[ConsumerRecord, str]] = []
        with self.engine.begin() as conn:
            for index, record in enumerate(records):
                try:
                    decoded = decode(record)
                except PoisonMessage as exc:
                    dead.append((record, f"undecodable: {exc}"))
                    continue
                handler = self.handlers.get(type(decoded.payload))
                if handler is None:
                    continue  # a type on a shared topic this service does not consume
                if not careful:
                    try:
                        self._apply(conn, decoded, handler)
                    except Exception as exc:
                        if _is_infrastructure(exc):
                            raise
                        raise _HandlerFailed(index) from exc
                    continue
                spent = 2 if index == failed_once else 1
                reason = self._apply_with_retries(conn, decoded, handler, first_attempt=spent)
                if reason is not None:
                    dead.append((record, reason))
            if dead:
                self._dead_letter(dead)

    def _apply_with_retries(
        self, conn: Connection, decoded: Decoded, handler: Handler, *, first_attempt: int
    ) -> str | None:
        reason = "no attempt left"
        for attempt in range(first_attempt, self.max_retries + 1):
            savepoint = conn.begin_nested()
            try:
                self._apply(conn, decoded, handler)
                savepoint.commit()
                return None
            except Exception as exc:
                savepoint.rollback()
                if _is_infrastructure(exc):
                    raise
                reason = f"{type(exc).__name__}: {exc}"
                log.warning("handler failed (attempt %d/%d): %s", attempt, self.max_retries, reason)
                time.sleep(0.01 * attempt)
        return f"handler failed after {self.max_retries} attempts: {reason}"

    def _apply(self, conn: Connection, decoded: Decoded, handler: Handler) -> None:
        claimed = conn.execute(
            insert(self.inbox)
            .values(consumer=self.service, event_id=decoded.event_id)
            .on_conflict_do_nothing()
            .returning(self.inbox.c.event_id)  # rowcount is not reliable for this statement; RETURNING is
        ).first()
        if claimed is None:
            return  # already applied
        token = correlation_id.set(decoded.correlation_id)
        try:
            handler(conn, decoded)
        finally:
            correlation_id.reset(token)

    def _dead_letter(self, dead: list[tuple[ConsumerRecord, str]]) -> None:
        futures = []
        for record, reason in dead:
            log.error("dead-lettering %s[%d]@%d: %s", record.topic, record.partition, record.offset, reason)
            headers = [
                ("dlq.reason", reason.encode()[:4000]),
                ("dlq.topic", record.topic.encode()),
                ("dlq.partition", str(record.partition).encode()),
                ("dlq.offset", str(record.offset).encode()),
                ("dlq.consumer", self.service.encode()),
            ]
            futures.append(
                self.producer.send(dlq_topic(record.topic), key=record.key, value=record.value, headers=headers)
            )
            DEAD_LETTERED.labels(self.service, record.topic).inc()
        self.producer.flush()
        try:
            for future in futures:
                future.get(timeout=10)
        except Exception as exc:
            raise KafkaSendError(str(exc)) from exc

    def _rewind(self, records: list[ConsumerRecord]) -> None:
        first: dict[TopicPartition, int] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            first[tp] = min(first.get(tp, r.offset), r.offset)
        for tp, offset in first.items():
            self.kafka.seek(tp, offset)


class _HandlerFailed(Exception):
    """A handler raised on the fast path; the batch is redone record by record (that record's first try spent)."""

    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


class KafkaSendError(Exception):
    """The broker did not take a dead letter; the batch is replayed."""
