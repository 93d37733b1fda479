"""Idempotent consumer: effects and the applied event ids commit together; offsets are committed after.

The records of one poll are applied in one transaction (shared.consumer_batch): one statement claims every event id
in the inbox, and each run of records sharing a handler goes to that handler at once. Broker trouble of any kind
(commit refused after a rebalance, unknown member, disconnects) and lost database connections rewind to the first
record of the poll and replay it after a backoff; the inbox makes the replay change nothing twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import (
    CommitFailedError,
    IllegalGenerationError,
    KafkaError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)
from prometheus_client import Counter, Gauge
from pydantic import ValidationError
from sqlalchemy import Column, Connection, DateTime, Engine, Index, MetaData, String, Table, text

from shared.events.base import REGISTRY, Envelope, Event, InboundMessage, UnknownEvent
from shared.failures import is_connection_loss, short_reason
from shared.logs import CORRELATION_HEADER, valid_correlation_id

log = logging.getLogger(__name__)
GROUP_CHANGES = (CommitFailedError, RebalanceInProgressError, UnknownMemberIdError, IllegalGenerationError)
LAG = Gauge(
    "salesops_consumer_lag",
    "Messages behind the partition's high watermark (never negative)",
    ["group", "topic", "partition"],
)
PAUSED = Counter("salesops_consumer_replays_total", "Polls rolled back and replayed after a failure", ["service"])
RESTARTED = Counter(
    "salesops_consumer_partition_restarts_total",
    "Partitions read again from the start: log shorter",
    ["service", "topic"],
)
END_CHECK_SECONDS = 0.5


def make_inbox_table(metadata: MetaData) -> Table:
    table = Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(200), primary_key=True),
        Column("applied_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    )
    Index("ix_inbox_applied_at", table.c.applied_at)
    return table


class PoisonMessage(Exception):
    """The message cannot be decoded; retrying will not help."""


@dataclass(frozen=True)
class Decoded:
    """A message as handlers see it: the typed payload plus the envelope it came in (None for ERP JSON).

    `correlation_id` is the envelope's, or for ERP JSON the message's X-Correlation-ID header: the events a handler
    writes for this message carry it (batch handlers pass it to `Outbox.add` per event).
    """

    topic: str
    event_id: str
    payload: Event | InboundMessage
    envelope: Envelope | None = None
    correlation_id: str | None = None


Handler = Callable[[Connection, Decoded], None]
BatchHandler = Callable[[Connection, list[Decoded]], None]
# What a worker consumes: the event and ERP message classes, each with a topic, mapped to their handlers.
MessageClass = type[Event] | type[InboundMessage]


@dataclass(frozen=True)
class Batch:
    """Registers a handler that takes every record of its run in one call (in order) and writes set-based."""

    apply: BatchHandler


def batch(handler: BatchHandler) -> Batch:
    """Mark a handler as taking a list: `HANDLERS = {OrderRecorded: batch(apply_orders_recorded)}`."""
    return Batch(handler)


def decode(record: ConsumerRecord) -> Decoded:
    """Envelope topics carry typed events; inbound ERP topics carry plain JSON models."""
    try:
        inbound = REGISTRY.inbound.get(record.topic)
        if inbound is not None:
            message = inbound.model_validate_json(record.value)
            return Decoded(record.topic, message.message_id(), message, correlation_id=_header_correlation(record))
        envelope = Envelope.model_validate_json(record.value)
        return Decoded(record.topic, envelope.id, envelope.payload(), envelope, envelope.correlationid)
    except (ValidationError, UnknownEvent, ValueError, TypeError) as exc:
        raise PoisonMessage(str(exc)[:2000]) from exc


class PollSize:
    """How many records to ask for: fewer after a slow poll, so that applying one never outlasts the group's poll
    interval (a consumer that does is put out of its group, its commit refused and the poll replayed — for ever, if
    every attempt is as slow); back up to the configured size while polls are quick."""

    def __init__(self, most: int, poll_interval_ms: int):
        self.most = self.records = most
        self.budget_s = poll_interval_ms / 1000 / 6

    def took(self, seconds: float, records: int) -> None:
        if seconds > self.budget_s:
            self.records = max(1, records // 2)
            log.warning("a poll of %d records took %.1f s; asking for %d at most", records, seconds, self.records)
        elif seconds < self.budget_s / 4 and records >= self.records:
            self.records = min(self.most, self.records * 2)


_CORRELATION_KEY = CORRELATION_HEADER.lower()


def _header_correlation(record: ConsumerRecord) -> str | None:
    for name, value in record.headers or ():
        if name.lower() == _CORRELATION_KEY and isinstance(value, bytes):
            return valid_correlation_id(value)
    return None


class Consumer:
    def __init__(
        self,
        *,
        service: str,
        engine: Engine,
        inbox: Table,
        handlers: Mapping[MessageClass, Handler | Batch],
        kafka_consumer: KafkaConsumer,
        producer: KafkaProducer,
        max_retries: int = 3,
        dead_letters: Table | None = None,
        max_message_bytes: int = 1_048_576,
    ):
        from shared.consumer_batch import BatchApplier
        from shared.dead_letters import DeadLetters

        self.service = service
        self.kafka = kafka_consumer
        self.handlers = handlers
        self.topics = sorted({cls.topic for cls in handlers})
        self._next_end_check = 0.0
        config = kafka_consumer.config if kafka_consumer is not None else {}
        self.poll_size = PollSize(config.get("max_poll_records", 1000), config.get("max_poll_interval_ms", 60_000))
        sink = DeadLetters(service=service, table=dead_letters, producer=producer, max_message_bytes=max_message_bytes)
        self.applier = BatchApplier(
            service=service, engine=engine, inbox=inbox, handlers=handlers, dead_letters=sink, max_retries=max_retries
        )

    def run(self, stop: threading.Event) -> None:
        """Poll, apply, commit until `stop`; broker and connection trouble rewinds and backs off, never exits."""
        self.kafka.subscribe(self.topics)
        backoff = 0.1
        while not stop.is_set():
            records: list[ConsumerRecord] = []
            started = time.monotonic()
            try:
                polled = self.kafka.poll(timeout_ms=200, max_records=self.poll_size.records)
                records = [r for part in polled.values() for r in part]
                self._restart_partitions_past_their_end()
                if not records:
                    continue
                started = time.monotonic()
                self.apply_batch(records)
                self.kafka.commit()
                self.poll_size.took(time.monotonic() - started, len(records))
                self._measure_lag(records)
                backoff = 0.1
            except Exception as exc:
                if not is_connection_loss(exc):
                    raise
                if records:
                    self.poll_size.took(time.monotonic() - started, len(records))
                PAUSED.labels(self.service).inc()
                log.warning("poll rolled back, will replay after %.1f s: %s", backoff, short_reason(exc))
                log.debug("replay cause", exc_info=exc)
                self._rewind(records)
                stop.wait(backoff)
                # A group being rebalanced is rejoined inside poll(): poll again soon rather than sleep through it.
                backoff = min(backoff * 2, 0.5 if isinstance(exc, GROUP_CHANGES) else 5.0)

    def apply_batch(self, records: list[ConsumerRecord]) -> None:
        self.applier.apply(records)

    def _restart_partitions_past_their_end(self) -> None:
        """Read a partition again from its start when the broker's log ends before our position.

        A broker that lost its log (a fresh one on the same address; an unclean leader election) numbers from zero
        again and the relay re-drives what it lost. Kafka answers a fetch past the end with OFFSET_OUT_OF_RANGE and
        auto_offset_reset applies, but tansu answers with no records and a high watermark below the position, so a
        consumer would wait there and skip every record the refilled log holds below it. The high watermark of the
        last fetch response is checked (tansu's ListOffsets answer, `end_offsets`, is below the true end when the
        last batch holds several records); the inbox makes whatever is read twice change nothing.
        """
        now = time.monotonic()
        if now < self._next_end_check:
            return
        self._next_end_check = now + END_CHECK_SECONDS
        behind = []
        for tp in self.kafka.assignment():
            high = self.kafka.highwater(tp)
            position = self.kafka.position(tp, timeout_ms=0) if high is not None else None
            if high is not None and position is not None and position > high:
                behind.append((tp, position, high))
        for tp, position, high in behind:
            log.warning(
                "%s[%d] ends at %d, before our position %d: the broker lost its log; reading it from the start",
                tp.topic,
                tp.partition,
                high,
                position,
            )
            RESTARTED.labels(self.service, tp.topic).inc()
            self.kafka.seek_to_beginning(tp)

    def _measure_lag(self, records: list[ConsumerRecord]) -> None:
        last: dict[TopicPartition, int] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            last[tp] = max(last.get(tp, r.offset), r.offset)
        for tp, offset in last.items():
            high = self.kafka.highwater(tp)
            if high is not None:  # tansu's memory engine may report it below committed offsets: clamp, never negative
                LAG.labels(self.service, tp.topic, tp.partition).set(max(0, high - offset - 1))

    def _rewind(self, records: list[ConsumerRecord]) -> None:
        """Seek back to the first record of the poll on partitions still assigned (a rebalance resets the others)."""
        first: dict[TopicPartition, int] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            first[tp] = min(first.get(tp, r.offset), r.offset)
        try:
            assigned = self.kafka.assignment()
            for tp, offset in first.items():
                if tp in assigned:
                    self.kafka.seek(tp, offset)
        except (KafkaError, AssertionError) as exc:  # the assignment changed under us: positions come from the group
            log.info("rewind skipped: %s", short_reason(exc))
