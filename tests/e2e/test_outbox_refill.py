"""A broker that lost its log is refilled from the outbox, and workers ride out broker restarts.

The test runs inventory's, targets' and audit's workers against a broker of its own, records orders through
inventory, stops that broker in the middle of the stream and starts an empty one on the same port. With no manual
step, every recorded order must reach targets' actuals and audit's archive exactly once.

Targets is held at a known point while the broker is replaced: a table lock keeps its consumer inside the
transaction of a poll it read from the old broker. Released on the new broker, it commits that poll and its
offsets, which lie past the end of the new, empty log: the case where a consumer used to wait for the log to grow
past its position and so skipped every re-driven record below it.
"""

from __future__ import annotations

import importlib
import json
import os
import threading

import pytest
from kafka import KafkaAdminClient, KafkaProducer
from sqlalchemy import text

from shared.events.catalog import REGISTRY
from shared.kafka import PARTITIONS, dlq_topic, ensure_topics
from shared.runtime.broker import LocalBroker, free_port
from shared.worker import run_worker
from tests.support import create_org_unit, erp_order, unique, wait_until

SERVICES = ("inventory", "targets", "audit")
ORDERS = int(os.environ.get("SALESOPS_LOSS_ORDERS", "2000"))  # 20,000 in the manual run reported in the README
SCALE = max(1.0, ORDERS / 2000)  # waits grow with the stream


@pytest.fixture
def dealer_code(clients, admin, workers) -> str:
    """A dealer in a company that inventory and targets both know (made through the session's workers)."""
    company = create_org_unit(clients["targets"], admin, kind="company")
    wait_until(lambda: clients["inventory"].get(f"/org-units/{company['id']}", headers=admin).status_code == 200)
    code = unique("D")
    made = clients["inventory"].post(
        "/dealers", headers=admin, json={"code": code, "name": "Loss", "org_unit_id": company["id"]}
    )
    assert made.status_code == 201, made.text
    return code


@pytest.fixture
def own_broker(settings, workers, engines, dealer_code):
    """A broker of the test's own, with these services' workers on it (the session's workers paused)."""
    # Every published row is re-driven to the new broker and back again: waits grow with what the session published.
    scale = max(SCALE, (ORDERS + _outbox_rows(engines)) / 2000)
    broker = LocalBroker(free_port()).start()
    own = settings.model_copy(
        update={"kafka_bootstrap_servers": broker.bootstrap_servers, "relay_loss_check_seconds": 5}
    )
    ensure_topics(own, REGISTRY.topics())
    workers.stop(*[s for s in SERVICES if s in workers.running])
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=run_worker, args=(importlib.import_module(f"services.{s}.worker").SPEC, own, stop), daemon=True
        )
        for s in SERVICES
    ]
    for t in threads:
        t.start()
    yield broker, scale
    stop.set()
    for t in threads:
        t.join(20)
    assert not any(t.is_alive() for t in threads), "a worker did not stop"
    broker.stop()
    workers.start(*SERVICES)
    # Back on the session's broker, the relays find the rows acknowledged by this test's broker missing and publish
    # them again; let that settle so the tests after this one start from a drained pipeline.
    wait_until(lambda: _pending(engines) == 0, timeout=180 * scale, message="outboxes drained on the session's broker")


def _pending(engines, *services: str) -> int:
    total = 0
    for service in services or SERVICES:
        with engines[service].connect() as conn:
            total += conn.scalar(
                text(f"SELECT count(*) FROM {service}.outbox WHERE published_at IS NULL AND parked_at IS NULL")
            )
    return total


def _outbox_rows(engines) -> int:
    total = 0
    for service in SERVICES:
        with engines[service].connect() as conn:
            total += conn.scalar(text(f"SELECT count(*) FROM {service}.outbox"))
    return total


def _waiting_on_lock(engines) -> bool:
    with engines["targets"].connect() as conn:
        return bool(
            conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = current_user AND wait_event_type = 'Lock' "
                    "AND query ILIKE '%order_actuals%'"
                )
            )
        )


def count(engines, service: str, sql: str, batch: str) -> int:
    with engines[service].connect() as conn:
        return conn.scalar(text(sql), {"p": f"{batch}-%"})


@pytest.mark.timeout(int(900 * SCALE))
def test_broker_that_lost_its_log_is_refilled_from_the_outbox(own_broker, engines, dealer_code):
    broker, scale = own_broker
    batch = unique("LOSS")

    def recorded() -> int:
        return count(engines, "inventory", "SELECT count(*) FROM inventory.orders WHERE erp_order_id LIKE :p", batch)

    def actuals() -> tuple:
        with engines["targets"].connect() as conn:
            return tuple(
                conn.execute(
                    text(
                        "SELECT count(*), coalesce(sum(amount), 0) FROM targets.order_actuals "
                        "WHERE erp_order_id LIKE :p"
                    ),
                    {"p": f"{batch}-%"},
                ).one()
            )

    held = engines["targets"].connect()
    hold = held.begin()
    held.execute(text("LOCK TABLE targets.order_actuals IN EXCLUSIVE MODE"))  # reads go on, targets' writes wait
    try:
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap_servers, acks="all", linger_ms=5)
        for i in range(ORDERS):
            message = erp_order(f"{batch}-{i}", dealer_code, lines=[("SKU-1", str(i % 5 + 1), "3")])
            producer.send("erp.orders.v1", key=message["order_id"].encode(), value=json.dumps(message).encode())
        producer.flush()
        producer.close()
        wait_until(lambda: recorded() == ORDERS, timeout=60 * scale, message="inventory recorded every order")
        wait_until(lambda: _pending(engines, "inventory") == 0, timeout=60 * scale, message="order events published")
        wait_until(lambda: _waiting_on_lock(engines), timeout=30, message="targets' consumer holding a poll")
        assert actuals()[0] == 0  # targets read from the old broker but applied nothing yet: mid-stream
        broker.stop()  # its log is in memory: gone
        broker.start()  # a fresh, empty broker on the same port
    finally:
        hold.rollback()
        held.close()
    expected = sum(3 * (i % 5 + 1) for i in range(ORDERS))
    wait_until(lambda: actuals() == (ORDERS, expected), timeout=180 * scale, message="every order in targets' actuals")
    archived = (
        "SELECT count(*) FROM audit.event_archive "
        "WHERE type = 'inventory.order.recorded' AND data->>'erp_order_id' LIKE :p"
    )
    wait_until(
        lambda: count(engines, "audit", archived, batch) == ORDERS, timeout=180 * scale, message="archived once each"
    )
    assert recorded() == ORDERS
    # Made again by whichever came first, the broker on a client's request or the relays' loss check, the topics
    # have the partitions they had: a key keeps its partition, and no producer holds partitions that are gone.
    topics = [t for topic in REGISTRY.topics() for t in (topic, dlq_topic(topic))]
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap_servers)
    try:
        partitions = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(topics)}
    finally:
        admin.close()
    assert partitions == dict.fromkeys(topics, PARTITIONS)


def test_consumer_lag_is_measured_and_never_negative(clients, admin, workers):
    import prometheus_client

    create_org_unit(clients["targets"], admin, kind="company")  # something for every consumer to read
    wait_until(
        lambda: [
            s
            for m in prometheus_client.REGISTRY.collect()
            if m.name == "salesops_consumer_lag"
            for s in m.samples
            if s.labels["group"] == "inventory"
        ],
        message="lag measured for inventory's group",
    )
    samples = [s for m in prometheus_client.REGISTRY.collect() if m.name == "salesops_consumer_lag" for s in m.samples]
    assert all(s.value >= 0 for s in samples)
