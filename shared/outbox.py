"""Transactional outbox: events are written with the state that caused them, and a relay publishes them.

Rows are spread over lanes by key. A relay holds a lane's advisory lock while it publishes that lane in id
order, so several relays can run at once and one key's events still leave in the order they were written.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kafka import KafkaProducer
from kafka.errors import InvalidTopicError, KafkaError, MessageSizeTooLargeError, RecordListTooLargeError
from kafka.producer.future import FutureRecordMetadata, RecordMetadata
from prometheus_client import Counter
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Row,
    SmallInteger,
    String,
    Table,
    Text,
    func,
    select,
    text,
    update,
)

from shared.bulk import copy_rows
from shared.events.base import Envelope, Event
from shared.failures import is_connection_loss, short_reason
from shared.logs import correlation_id

if TYPE_CHECKING:
    from shared.outbox_recovery import LossRecovery

log = logging.getLogger(__name__)
LANES = 16
RELAYED = Counter("salesops_outbox_relayed_total", "Events published by the outbox relay", ["service"])
PARKED = Counter("salesops_outbox_parked_total", "Outbox events set aside as never publishable", ["service", "topic"])
LANE_FAILURES = Counter("salesops_outbox_failures_total", "Relay lanes or passes that failed and wait", ["service"])
# Errors that will not go away by retrying the same record: it is parked.
UNPUBLISHABLE = (MessageSizeTooLargeError, InvalidTopicError, RecordListTooLargeError)


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
        # Where the broker acknowledged the row: compared with the broker's log to notice that it lost data.
        Column("published_partition", Integer),
        Column("published_offset", BigInteger),
        # An event the broker can never take (too large, refused) is set aside here instead of retried forever.
        Column("parked_at", DateTime(timezone=True)),
        Column("park_reason", Text),
    )
    Index("ix_outbox_pending", table.c.lane, table.c.id, postgresql_where=table.c.published_at.is_(None))
    Index(
        "ix_outbox_acknowledged",
        table.c.topic,
        table.c.published_partition,
        table.c.published_offset,
        postgresql_where=table.c.published_offset.is_not(None),
    )
    Index("ix_outbox_published_at", table.c.published_at)
    return table


def lane_of(key: str) -> int:
    return zlib.crc32(key.encode()) % LANES


class Outbox:
    """Records events in the caller's transaction."""

    def __init__(self, table: Table, source: str):
        self.table = table
        self.source = source

    def add(
        self, conn: Connection, *events: Event, correlation_ids: Sequence[str | None] | None = None
    ) -> list[Envelope]:
        """Wrap and store the events; each carries its own correlation id when given (a batch handler passes those
        of the messages it handles), else the request's or message's being handled."""
        envelopes, rows = self.rows(*events, correlation_ids=correlation_ids)
        copy_rows(conn, self.table, rows)  # one COPY: one round trip, no bind-parameter limit
        return envelopes

    def rows(
        self, *events: Event, correlation_ids: Sequence[str | None] | None = None
    ) -> tuple[list[Envelope], list[dict[str, Any]]]:
        """The envelopes and outbox rows of events, for a use case that writes them in its own statement."""
        if correlation_ids is None:
            correlation_ids = [correlation_id.get()] * len(events)
        envelopes = [
            Envelope.wrap(e, source=self.source, correlation_id=c) for e, c in zip(events, correlation_ids, strict=True)
        ]
        rows = [
            dict(
                event_id=env.id,
                topic=type(e).topic,
                key=env.subject,
                lane=lane_of(env.subject),
                value=env.model_dump_json().encode(),
            )
            for env, e in zip(envelopes, events, strict=True)
        ]
        return envelopes, rows


class Relay:
    """Publishes pending outbox rows; marks them published (with partition and offset) once the broker acknowledged.

    Each lane is published on its own: a lane that fails is retried on the next pass and never holds back the
    others. A row the broker can never take (too large for it, refused topic) is parked with its reason.
    """

    def __init__(
        self,
        engine: Engine,
        table: Table,
        producer: KafkaProducer,
        *,
        service: str,
        batch_size: int = 500,
        recovery: LossRecovery | None = None,
    ):
        self.engine = engine
        self.table = table
        self.producer = producer
        self.service = service
        self.batch_size = batch_size
        self.recovery = recovery
        self.failed_lanes: list[int] = []
        self._lock_base = zlib.crc32(f"outbox:{table.schema}".encode()) * LANES

    def publish_pending(self) -> int:
        """One pass over every lane with pending rows; returns how many events went out."""
        t = self.table
        with self.engine.connect() as conn:
            lanes: Sequence[int] = conn.scalars(
                select(t.c.lane).where(t.c.published_at.is_(None), t.c.parked_at.is_(None)).distinct()
            ).all()
        sent, self.failed_lanes = 0, []
        for lane in lanes:
            if self.recovery is not None and self.recovery.settling():
                break  # the broker lost its log: nothing more goes out until consumers found their positions gone
            try:
                sent += self._publish_lane(lane)
            except Exception as exc:  # this lane waits for the next pass; the other lanes go on
                if not is_connection_loss(exc):
                    raise
                self.failed_lanes.append(lane)
                LANE_FAILURES.labels(self.service).inc()
                log.warning("outbox lane %d not published, will retry: %s", lane, short_reason(exc))
        return sent

    def _publish_lane(self, lane: int) -> int:
        t = self.table
        with self.engine.begin() as conn:
            if not conn.scalar(select(func.pg_try_advisory_xact_lock(self._lock_base + lane))):
                return 0  # another relay owns this lane right now
            rows = conn.execute(
                select(t.c.id, t.c.event_id, t.c.topic, t.c.key, t.c.value)
                .where(t.c.lane == lane, t.c.published_at.is_(None), t.c.parked_at.is_(None))
                .order_by(t.c.id)
                .limit(self.batch_size)
            ).all()
            outcomes = self._send(rows)
            acked = [(r.id, md.partition, md.offset) for r, md in outcomes if not isinstance(md, BaseException)]
            parked = [(r.id, r.topic, short_reason(md)) for r, md in outcomes if isinstance(md, BaseException)]
            if acked:
                conn.execute(
                    text(
                        f"UPDATE {t.schema}.{t.name} AS o SET published_at = now(), published_partition = v.p, "
                        "published_offset = v.o FROM unnest(CAST(:ids AS bigint[]), CAST(:ps AS int[]), "
                        "CAST(:os AS bigint[])) AS v(id, p, o) WHERE o.id = v.id"
                    ),
                    {"ids": [a[0] for a in acked], "ps": [a[1] for a in acked], "os": [a[2] for a in acked]},
                )
            for row_id, topic, reason in parked:
                conn.execute(update(t).where(t.c.id == row_id).values(parked_at=func.now(), park_reason=reason))
                log.error("outbox event %s for %s parked: %s", row_id, topic, reason)
                PARKED.labels(self.service, topic).inc()
        RELAYED.labels(self.service).inc(len(acked))
        if self.recovery is not None and acked:
            topic_of = {r.id: r.topic for r in rows}
            self.recovery.observe([(topic_of[i], p, o, i) for i, p, o in acked])
        return len(acked)

    def _send(self, rows: Sequence[Row[Any]]) -> list[tuple[Row[Any], RecordMetadata | Exception]]:
        """(row, metadata or the unpublishable error) for the acknowledged prefix of the rows, in order.

        A retriable failure ends the prefix: that row and the ones after it stay pending, in order.
        """
        futures: list[tuple[Row[Any], FutureRecordMetadata | Exception]] = []
        for r in rows:
            try:
                future = self.producer.send(
                    r.topic, key=r.key.encode(), value=r.value, headers=[("event_id", r.event_id.encode())]
                )
            except UNPUBLISHABLE as exc:  # raised before sending, for example a record above max_request_size
                future = exc
            futures.append((r, future))
        self.producer.flush()
        outcomes: list[tuple[Row[Any], RecordMetadata | Exception]] = []
        for r, future in futures:
            if isinstance(future, BaseException):
                outcomes.append((r, future))
                continue
            try:
                outcomes.append((r, future.get(timeout=10)))
            except UNPUBLISHABLE as exc:
                outcomes.append((r, exc))
            except KafkaError:
                if not outcomes:
                    raise
                break  # publish what was acknowledged before it; the rest goes again on the next pass
        return outcomes

    def run(self, stop: threading.Event, idle_seconds: float = 0.05, max_backoff: float = 5.0) -> None:
        """Publish until `stop` is set; waits longer while idle and backs off while the broker is away."""
        wait = idle_seconds
        while not stop.is_set():
            try:
                if self.recovery is not None:
                    self.recovery.check_if_due()
                    if pause := self.recovery.settling():
                        stop.wait(pause)
                        continue
                sent = self.publish_pending()
                if self.failed_lanes:
                    if self.recovery is not None:
                        self.recovery.suspect()
                    wait = min(max(wait, 0.2) * 2, max_backoff)
                elif sent:
                    wait = idle_seconds
                    continue
                else:
                    wait = min(wait * 2, 0.5)
            except Exception as exc:  # the supervisor loop of the relay: log, count, back off, go on
                LANE_FAILURES.labels(self.service).inc()
                log.warning("outbox relay pass failed; retrying: %s", short_reason(exc))
                log.debug("relay failure", exc_info=exc)
                if self.recovery is not None:
                    self.recovery.suspect()
                wait = min(max(wait, 0.2) * 2, max_backoff)
            stop.wait(wait)
