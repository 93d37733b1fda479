"""Applying one poll: one transaction, one inbox claim, one call per run of records sharing a handler.

Fast path: every event id of the poll is claimed with a single multi-row INSERT … ON CONFLICT DO NOTHING RETURNING;
the claimed records are cut into runs of consecutive records with the same handler (so one key's records keep their
order) and each run goes to its handler. If a handler raises, the transaction rolls back and the poll is applied
again record by record, each under a savepoint with bounded retries, so only the failing record is dead-lettered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from itertools import groupby

from kafka.consumer.fetcher import ConsumerRecord
from prometheus_client import Counter
from sqlalchemy import Connection, Engine, String, Table, bindparam, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, insert

from shared.consumer import Batch, Decoded, Handler, MessageClass, PoisonMessage, decode
from shared.dead_letters import DeadLetter, DeadLetters
from shared.failures import is_connection_loss, short_reason
from shared.logs import correlation_id

log = logging.getLogger(__name__)
APPLIED = Counter("salesops_events_applied_total", "Events applied by consumers", ["service", "topic"])

Item = tuple[ConsumerRecord, Decoded, Handler | Batch]


class _HandlerFailed(Exception):
    """A handler raised on the fast path; `index` is the record whose first attempt that was (None for a run)."""

    def __init__(self, index: int | None):
        super().__init__(index)
        self.index = index


class BatchApplier:
    def __init__(
        self,
        *,
        service: str,
        engine: Engine,
        inbox: Table,
        handlers: Mapping[MessageClass, Handler | Batch],
        dead_letters: DeadLetters,
        max_retries: int,
    ):
        self.service = service
        self.engine = engine
        self.inbox = inbox
        self.handlers = handlers
        self.dead_letters = dead_letters
        self.max_retries = max_retries
        # One array parameter, not a row of parameters per id: a single statement, bound and sent once.
        ids = select(literal(service, String), func.unnest(bindparam("ids", type_=ARRAY(String))))
        self._claim_statement = (
            insert(inbox)
            .from_select([inbox.c.consumer, inbox.c.event_id], ids)
            .on_conflict_do_nothing()
            .returning(inbox.c.event_id)
        )

    def apply(self, records: list[ConsumerRecord]) -> None:
        """Apply the poll; dead letters are stored and sent before the transaction commits."""
        items: list[Item] = []
        poison: list[DeadLetter] = []
        for record in records:
            try:
                decoded = decode(record)
            except PoisonMessage as exc:
                poison.append(DeadLetter(record, f"undecodable: {exc}", 1))
                continue
            handler = self.handlers.get(type(decoded.payload))
            if handler is not None:  # other types on a shared topic are not this service's
                items.append((record, decoded, handler))
        try:
            with self.engine.begin() as conn:
                self._fast(conn, items)
                self.dead_letters.write(conn, poison)
        except _HandlerFailed as failed:
            log.info("poll redone record by record: %s", short_reason(failed.__cause__ or failed))
            with self.engine.begin() as conn:
                dead = self._careful(conn, items, failed.index)
                self.dead_letters.write(conn, poison + dead)
        for record in records:
            APPLIED.labels(self.service, record.topic).inc()

    def _claim(self, conn: Connection, event_ids: list[str]) -> set[str]:
        """The ids not applied before: one INSERT … SELECT unnest(:ids) … RETURNING whatever the poll's size."""
        return set(conn.execute(self._claim_statement, {"ids": event_ids}).scalars())

    def _fast(self, conn: Connection, items: list[Item]) -> None:
        if not items:
            return
        claimed = self._claim(conn, list(dict.fromkeys(d.event_id for _, d, _ in items)))
        fresh: list[tuple[int, Item]] = []
        for index, item in enumerate(items):
            if item[1].event_id in claimed:
                claimed.discard(item[1].event_id)  # a second copy in the same poll is a redelivery
                fresh.append((index, item))
        for _, group in groupby(fresh, key=lambda pair: id(pair[1][2])):
            run = list(group)
            handler = run[0][1][2]
            try:
                if isinstance(handler, Batch):
                    handler.apply(conn, [item[1] for _, item in run])
                    continue
                for index, (_, decoded, _) in run:
                    _call(handler, conn, decoded, index)
            except _HandlerFailed:
                raise
            except Exception as exc:
                if is_connection_loss(exc):
                    raise
                raise _HandlerFailed(None) from exc

    def _careful(self, conn: Connection, items: list[Item], failed_index: int | None) -> list[DeadLetter]:
        dead = []
        for index, (record, decoded, handler) in enumerate(items):
            spent = 1 if index == failed_index else 0
            reason = self._with_retries(conn, decoded, handler, first_attempt=spent + 1)
            if reason is not None:
                dead.append(DeadLetter(record, reason, self.max_retries))
        return dead

    def _with_retries(
        self, conn: Connection, decoded: Decoded, handler: Handler | Batch, *, first_attempt: int
    ) -> str | None:
        reason = "no attempt left"
        for attempt in range(first_attempt, self.max_retries + 1):
            savepoint = conn.begin_nested()
            try:
                if self._claim(conn, [decoded.event_id]):
                    if isinstance(handler, Batch):
                        handler.apply(conn, [decoded])
                    else:
                        _call(handler, conn, decoded, None)
                savepoint.commit()
                return None
            except Exception as exc:
                savepoint.rollback()
                if is_connection_loss(exc):
                    raise
                cause = exc.__cause__ if isinstance(exc, _HandlerFailed) and exc.__cause__ else exc
                reason = short_reason(cause)
                log.warning("handler failed (attempt %d/%d): %s", attempt, self.max_retries, reason)
                log.debug("handler failure", exc_info=cause)
                time.sleep(0.01 * attempt)
        return f"handler failed after {self.max_retries} attempts: {reason}"


def _call(handler: Handler, conn: Connection, decoded: Decoded, index: int | None) -> None:
    token = correlation_id.set(decoded.correlation_id)
    try:
        handler(conn, decoded)
    except Exception as exc:
        if is_connection_loss(exc) or index is None:
            raise
        raise _HandlerFailed(index) from exc
    finally:
        correlation_id.reset(token)
