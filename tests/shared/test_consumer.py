"""The idempotent consumer on the real database and broker, driven record by record."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from kafka import KafkaConsumer
from sqlalchemy import func, select

from services.targets import db as targets_db
from shared.consumer import Consumer
from shared.events.base import Envelope
from shared.events.targets import OrgUnitCreated
from shared.kafka import make_producer


def record(offset: int, envelope: Envelope):
    return SimpleNamespace(
        topic=OrgUnitCreated.topic,
        partition=0,
        offset=offset,
        key=envelope.subject.encode(),
        value=envelope.model_dump_json().encode(),
        headers=[],
    )


def org_unit_envelope() -> Envelope:
    event = OrgUnitCreated(org_unit_id=uuid.uuid4(), parent_id=None, kind="company", code="X", name="X", path="x")
    return Envelope.wrap(event, source="/test", correlation_id=None)


def make_consumer(engines, settings, handler, producer=None) -> Consumer:
    return Consumer(
        service=f"test-{uuid.uuid4().hex[:8]}",
        engine=engines["targets"],
        inbox=targets_db.inbox,
        handlers={OrgUnitCreated: handler},
        kafka_consumer=None,
        producer=producer,
        max_retries=3,
    )


def test_a_redelivered_event_is_applied_once(engines, settings):
    applied = []
    consumer = make_consumer(engines, settings, lambda conn, message: applied.append(message.event_id))
    envelope = org_unit_envelope()
    consumer.apply_batch([record(0, envelope), record(1, envelope)])  # twice in one batch
    consumer.apply_batch([record(0, envelope)])  # and again later
    assert applied == [envelope.id]
    with engines["targets"].connect() as conn:
        assert (
            conn.scalar(
                select(func.count())
                .select_from(targets_db.inbox)
                .where(targets_db.inbox.c.consumer == consumer.service)
            )
            == 1
        )


def test_a_failing_handler_is_retried_then_dead_lettered_and_the_batch_goes_on(engines, settings):
    producer = make_producer(settings)
    attempts, applied = [], []
    bad, good = org_unit_envelope(), org_unit_envelope()

    def handler(conn, message):
        if message.event_id == bad.id:
            attempts.append(1)
            raise ValueError("boom")
        applied.append(message.event_id)

    consumer = make_consumer(engines, settings, handler, producer)
    consumer.apply_batch([record(0, bad), record(1, good)])
    producer.close()
    assert len(attempts) == 3 and applied == [good.id]
    with engines["targets"].connect() as conn:
        ids = set(
            conn.scalars(select(targets_db.inbox.c.event_id).where(targets_db.inbox.c.consumer == consumer.service))
        )
    assert ids == {good.id}  # the failed event's inbox row rolled back with its effect
    dlq = KafkaConsumer(
        "targets.org-units.v1.dlq",
        bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        consumer_timeout_ms=10000,
    )
    dead = next(m for m in dlq if m.key == bad.subject.encode())
    dlq.close()
    headers = dict(dead.headers)
    assert headers["dlq.reason"] == b"handler failed after 3 attempts: ValueError: boom"
    assert headers["dlq.consumer"] == consumer.service.encode()
