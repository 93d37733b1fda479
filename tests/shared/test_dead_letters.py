"""Dead letters are kept in the service's table and on the DLQ topic, small when the message is not, and operated
through /operations/dead-letters; events the broker can never take are parked and listed at /operations/parked-events.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import prometheus_client
from kafka import KafkaConsumer
from sqlalchemy import select, text

from services.inventory import db as inventory_db
from services.inventory.worker import SPEC as INVENTORY
from services.targets import db as targets_db
from shared.consumer import Consumer
from shared.events.erp import MAX_LINES_PER_ORDER
from shared.kafka import make_producer
from shared.outbox import LANES, Relay, lane_of
from tests.support import erp_order, unique, wait_until


def metric(name: str, **labels) -> float:
    return prometheus_client.REGISTRY.get_sample_value(name, labels) or 0.0


def erp_record(offset: int, value: bytes, key: str = "SO-X"):
    return SimpleNamespace(topic="erp.orders.v1", partition=0, offset=offset, key=key.encode(), value=value, headers=[])


def inventory_consumer(engines, settings, producer) -> Consumer:
    return Consumer(
        service=unique("dlq-test"),
        engine=engines["inventory"],
        inbox=inventory_db.inbox,
        handlers=INVENTORY.handlers,
        kafka_consumer=None,
        producer=producer,
        dead_letters=inventory_db.dead_letters,
        max_message_bytes=settings.kafka_max_message_bytes,
    )


def test_oversized_and_unbounded_messages_are_dead_lettered_small_and_operated(
    clients, admin, token, engines, settings
):
    producer = make_producer(settings)
    consumer = inventory_consumer(engines, settings, producer)
    since = datetime.now(UTC).isoformat()
    huge = b'{"order_id": "' + b"x" * 2_000_000 + b'"}'  # 2 MB: more than the broker takes
    too_many = erp_order(unique("SO"), "D-NONE", lines=[(f"SKU-{i}", "1", "1") for i in range(MAX_LINES_PER_ORDER + 1)])
    base = 10_000_000 + uuid.uuid4().int % 1_000_000  # offsets unique to this test
    consumer.apply_batch(
        [erp_record(base, huge), erp_record(base + 1, json.dumps(too_many).encode(), too_many["order_id"])]
    )  # no MessageSizeTooLargeError: the worker would have crashed here before
    producer.close()
    dl = inventory_db.dead_letters
    with engines["inventory"].connect() as conn:
        rows = conn.execute(select(dl).where(dl.c.consumer == consumer.service).order_by(dl.c.offset)).all()
    assert [(r.payload_truncated, r.payload_size) for r in rows] == [(True, len(huge)), (False, rows[1].payload_size)]
    assert len(rows[0].payload) == 16_384 and rows[0].reason.startswith("undecodable")
    assert "at most 1000 items" in rows[1].reason
    dlq = KafkaConsumer(
        "erp.orders.v1.dlq",
        bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        consumer_timeout_ms=10_000,
    )
    small = next(m for m in dlq if dict(m.headers).get("dlq.offset") == str(base).encode())
    dlq.close()
    assert len(small.value) == 16_384 and b"cut to 16384" in dict(small.headers)["dlq.truncated"]
    assert metric("salesops_events_dead_lettered_total", service=consumer.service, topic="erp.orders.v1") == 2

    ops = clients["inventory"]
    assert ops.get("/operations/dead-letters", headers=token("auditor")).status_code == 403
    page = ops.get("/operations/dead-letters", params={"since": since, "limit": 1}, headers=admin).json()
    ours = [i for i in page["items"] if i["consumer"] == consumer.service]
    assert page["next_cursor"] and len(page["items"]) == 1
    second = ops.get(
        "/operations/dead-letters", params={"since": since, "cursor": page["next_cursor"], "limit": 500}, headers=admin
    ).json()
    ids = [i["id"] for i in page["items"] + second["items"] if i["consumer"] == consumer.service]
    assert ids == [r.id for r in rows] and ours
    shown = ops.get(f"/operations/dead-letters/{rows[0].id}", headers=admin).json()
    assert shown["payload_truncated"] and shown["status"] == "open"
    assert ops.post(f"/operations/dead-letters/{rows[0].id}/replay", headers=admin).status_code == 409  # a prefix only
    discarded = ops.post(
        f"/operations/dead-letters/{rows[0].id}/discard", json={"reason": "ERP sent junk"}, headers=admin
    ).json()
    assert discarded["status"] == "discarded" and discarded["resolution"].endswith("ERP sent junk")
    replayed = ops.post(f"/operations/dead-letters/{rows[1].id}/replay", headers=admin)
    assert replayed.status_code == 200 and replayed.json()["status"] == "replayed"
    with engines["inventory"].connect() as conn:
        again = conn.execute(
            select(inventory_db.outbox.c.topic, inventory_db.outbox.c.value).where(
                inventory_db.outbox.c.key == too_many["order_id"]
            )
        ).one()
    assert again.topic == "erp.orders.v1" and json.loads(again.value)["order_id"] == too_many["order_id"]
    assert ops.post(f"/operations/dead-letters/{rows[1].id}/replay", headers=admin).status_code == 409


def test_erp_order_over_the_line_limit_is_refused_over_http(clients, admin):
    order = erp_order(unique("SO"), "D-1", lines=[(f"S{i}", "1", "1") for i in range(MAX_LINES_PER_ORDER + 1)])
    response = clients["inventory"].post("/erp/orders", json=order, headers=admin)
    assert response.status_code == 400, response.text


def test_an_event_too_large_to_publish_is_parked_and_other_lanes_go_on(clients, admin, engines, settings):
    ob = targets_db.outbox
    big_key = unique("big")
    small_key = next(k for k in (unique("small") for _ in range(100)) if lane_of(k) != lane_of(big_key))
    assert LANES > 1
    with engines["targets"].begin() as conn:
        for key, size in ((big_key, settings.kafka_max_message_bytes + 10_000), (small_key, 10)):
            conn.execute(
                ob.insert().values(
                    event_id=str(uuid.uuid4()),
                    topic="targets.org-units.v1",
                    key=key,
                    lane=lane_of(key),
                    value=b"x" * size,
                )
            )
    producer = make_producer(settings)
    relay = Relay(engines["targets"], ob, producer, service="targets")
    relay.publish_pending()  # the session's relay may take some rows first: the outcome is the same
    producer.close()

    def state(key):
        with engines["targets"].connect() as conn:
            return conn.execute(
                select(ob.c.id, ob.c.published_at, ob.c.parked_at, ob.c.park_reason).where(ob.c.key == key)
            ).one()

    wait_until(lambda: state(big_key).parked_at and state(small_key).published_at, message="parked and published")
    big = state(big_key)
    assert metric("salesops_outbox_parked_total", service="targets", topic="targets.org-units.v1") >= 1
    assert big.published_at is None and "MessageSizeTooLarge" in big.park_reason
    listed = clients["targets"].get("/operations/parked-events", params={"limit": 500}, headers=admin).json()
    assert big.id in [i["id"] for i in listed["items"]]
    gone = clients["targets"].post(
        f"/operations/parked-events/{big.id}/discard", json={"reason": "too big, re-sent in parts"}, headers=admin
    )
    assert gone.status_code == 200 and gone.json()["status"] == "discarded"
    assert clients["targets"].post(f"/operations/parked-events/{big.id}/replay", headers=admin).status_code == 409


def test_statement_errors_are_the_messages_and_connection_loss_is_the_infrastructures(engines):
    from sqlalchemy.exc import DBAPIError

    from shared.failures import is_connection_loss, short_reason

    with engines["targets"].connect() as conn:
        params = {f"p{i}": i for i in range(70_000)}
        statement = text("SELECT " + ", ".join(f":p{i}" for i in range(70_000)))
        try:
            conn.execute(statement, params)
            raise AssertionError("70,000 parameters were accepted")
        except DBAPIError as exc:
            assert not is_connection_loss(exc)
            assert "SELECT" not in short_reason(exc) and len(short_reason(exc)) <= 300
    with engines["targets"].connect() as conn:
        pid = conn.scalar(text("SELECT pg_backend_pid()"))
        with engines["targets"].connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        try:
            conn.execute(text("SELECT 1"))
            raise AssertionError("a terminated connection answered")
        except DBAPIError as exc:
            assert is_connection_loss(exc)
