"""The idempotent consumer on the real database and broker, driven record by record."""

from __future__ import annotations

import threading
import uuid
from types import SimpleNamespace

from kafka import KafkaConsumer
from sqlalchemy import func, select

from services.targets import db as targets_db
from shared.consumer import Consumer, PollSize
from shared.events.base import Envelope
from shared.events.targets import OrgUnitCreated
from shared.kafka import ensure_topics, make_producer
from shared.kafka import make_consumer as group_consumer
from shared.runtime.broker import LocalBroker, free_port
from tests.support import wait_until


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


def test_a_consumer_past_the_end_of_a_fresh_log_reads_it_from_the_start(engines, settings):
    """A broker restarted without its log numbers from zero again; tansu answers a fetch past the end with no
    records (Kafka would say OFFSET_OUT_OF_RANGE). The consumer must read the new log from its start, not wait at its
    old position and skip what the new log holds below it."""
    broker = LocalBroker(free_port()).start()
    own = settings.model_copy(update={"kafka_bootstrap_servers": broker.bootstrap_servers})
    ensure_topics(own, [OrgUnitCreated.topic])
    applied: list[str] = []
    consumer = Consumer(
        service=f"test-{uuid.uuid4().hex[:8]}",
        engine=engines["targets"],
        inbox=targets_db.inbox,
        handlers={OrgUnitCreated: lambda conn, message: applied.append(message.event_id)},
        kafka_consumer=group_consumer(own, group_id=f"test-{uuid.uuid4().hex[:8]}"),
        producer=None,
    )
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,))
    thread.start()

    def publish(envelopes: list[Envelope]) -> None:
        producer = make_producer(own)
        for e in envelopes:  # one key: one partition, where the consumer's position is 30 before the restart
            producer.send(OrgUnitCreated.topic, key=b"one-key", value=e.model_dump_json().encode())
        producer.flush()
        producer.close()

    try:
        before = [org_unit_envelope() for _ in range(30)]
        publish(before)
        wait_until(lambda: len(applied) == 30, message="the first 30 events applied")
        broker.stop()
        broker.start()  # empty
        ensure_topics(own, [OrgUnitCreated.topic])
        after = [org_unit_envelope() for _ in range(5)]
        publish(after)  # offsets 0-4 of the new log, below the consumer's position
        wait_until(lambda: len(applied) == 35, timeout=60, message="the new log's records below the old position")
        more = [org_unit_envelope() for _ in range(40)]
        publish(more)  # the new log passes the old position
        wait_until(lambda: len(applied) == 75, timeout=30, message="every record of the new log")
    finally:
        stop.set()
        thread.join(20)
        consumer.kafka.close()
        broker.stop()
    assert applied == [e.id for e in before + after + more]


def test_polls_shrink_after_a_slow_one_and_grow_back_while_quick():
    size = PollSize(1000, poll_interval_ms=60_000)  # a poll may take 10 s of the 60 s
    size.took(12.0, 1000)
    assert size.records == 500
    size.took(11.0, 500)
    assert size.records == 250
    size.took(5.0, 250)  # within the budget but not quick: stays
    assert size.records == 250
    size.took(1.0, 250)
    size.took(1.0, 500)
    size.took(1.0, 1000)
    assert size.records == 1000  # never above the configured size
    size.took(30.0, 1)
    assert size.records == 1
