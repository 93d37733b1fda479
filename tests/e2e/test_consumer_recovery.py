"""Consumers survive replays and crashes: a rewound group changes nothing, a killed worker loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from decimal import Decimal

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import OffsetSpec
from sqlalchemy import func, select, text

from services.inventory.orders import tables as inventory_orders
from shared.runtime.stack import ROOT
from shared.settings import SERVICES
from tests.support import create_org_unit, erp_order, unique, wait_until

pytestmark = pytest.mark.usefixtures("workers")

STATE_QUERIES = {
    "targets": [
        "SELECT count(*), sum(amount), sum(erp_version) FROM targets.order_actuals",
        "SELECT count(*), sum(amount) FROM targets.actual_attributions",
        "SELECT count(*), sum(amount) FROM targets.actual_days",
        "SELECT count(*) FROM targets.org_units",
        "SELECT count(*) FROM targets.outbox",
    ],
    "inventory": [
        "SELECT count(*), sum(total_amount), sum(erp_version) FROM inventory.orders",
        "SELECT count(*) FROM inventory.order_lines",
        "SELECT count(*) FROM inventory.org_units",
        "SELECT count(*) FROM inventory.outbox",
    ],
    "visits": [
        "SELECT count(*) FROM visits.org_units",
        "SELECT count(*) FROM visits.dealers",
        "SELECT count(*) FROM visits.outbox",
    ],
    "audit": [
        "SELECT count(*), count(DISTINCT event_id) FROM audit.event_archive",
        "SELECT count(*) FROM audit.org_units",
        "SELECT count(*) FROM audit.outbox",
    ],
}


def snapshot(engines) -> dict:
    state = {}
    for service, queries in STATE_QUERIES.items():
        with engines[service].connect() as conn:
            state[service] = [tuple(conn.execute(text(q)).one()) for q in queries]
    return state


def group_lag(settings, group: str, topics: list[str]) -> int:
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        committed = admin.list_group_offsets({group: None}).get(group, {})
        partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t)]
        ends = consumer.end_offsets(partitions)
        # Clamped per partition: tansu's memory engine reports the end of a multi-record batch as its first offset
        # + 1, below a caught-up group's committed offset, and a negative partition must not cancel a lagging one.
        return sum(max(0, end - (committed[tp].offset if tp in committed else 0)) for tp, end in ends.items())
    finally:
        consumer.close()
        admin.close()


def rewind(settings, group: str, topics: list[str]) -> None:
    """Reset the (stopped) group to the earliest offsets: it will read its topics again from the start."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t)]
    consumer.close()
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        admin.reset_group_offsets(group, {tp: OffsetSpec.EARLIEST for tp in partitions})
    finally:
        admin.close()


def topics_of(service: str) -> list[str]:
    import importlib

    return sorted({cls.topic for cls in importlib.import_module(f"services.{service}.worker").SPEC.handlers})


def test_rewinding_every_consumer_group_to_the_start_changes_no_state(clients, admin, workers, engines, settings):
    # Make sure there is history to replay: an org unit, a dealer and an order.
    company = create_org_unit(clients["targets"], admin, kind="company")
    wait_until(lambda: clients["inventory"].get(f"/org-units/{company['id']}", headers=admin).status_code == 200)
    dealer = (
        clients["inventory"]
        .post(
            "/dealers", headers=admin, json={"code": unique("D"), "name": "Replay dealer", "org_unit_id": company["id"]}
        )
        .json()
    )
    pushed = clients["inventory"].post("/erp/orders", headers=admin, json=erp_order(unique("SO"), dealer["code"]))
    assert pushed.status_code == 202, pushed.text
    order_id = pushed.json()["order_id"]
    wait_until(
        lambda: clients["audit"].get("/events", params={"subject": order_id}, headers=admin).json(),
        message="the order event to reach the archive",
    )
    wait_until(
        lambda: clients["targets"].get(f"/actuals/{company['id']}", headers=admin).json()["orders"] == 1,
        message="the order event to reach targets",
    )
    for service in SERVICES:
        wait_until(
            lambda service=service: group_lag(settings, service, topics_of(service)) == 0,
            message=f"{service} caught up",
        )
    before = snapshot(engines)
    workers.stop()
    for service in SERVICES:
        rewind(settings, service, topics_of(service))
        assert group_lag(settings, service, topics_of(service)) > 0
    workers.start()
    for service in SERVICES:
        wait_until(
            lambda service=service: group_lag(settings, service, topics_of(service)) == 0,
            timeout=60,
            message=f"{service} replayed its topics",
        )
    assert snapshot(engines) == before


def test_consumer_killed_mid_stream_applies_every_effect_exactly_once(clients, admin, workers, engines, settings):
    company = create_org_unit(clients["targets"], admin, kind="company")
    office = create_org_unit(
        clients["targets"],
        admin,
        kind="office",
        parent_id=create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])["id"],
    )
    wait_until(lambda: clients["inventory"].get(f"/org-units/{office['id']}", headers=admin).status_code == 200)
    dealer = (
        clients["inventory"]
        .post(
            "/dealers", headers=admin, json={"code": unique("D"), "name": "Crash dealer", "org_unit_id": office["id"]}
        )
        .json()
    )
    batch = unique("CRASH")
    count = 1500
    workers.stop("inventory")
    worker = start_worker_process("inventory")
    try:
        producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all", linger_ms=5)
        for i in range(count):
            # order i: (i % 7 + 1) units at 2.00 → total Σ 2·(i % 7 + 1)
            message = erp_order(f"{batch}-{i}", dealer["code"], lines=[("SKU-1", str(i % 7 + 1), "2")])
            producer.send("erp.orders.v1", key=message["order_id"].encode(), value=json.dumps(message).encode())
        producer.flush()
        producer.close()

        def recorded():
            return orders_recorded(engines, batch)

        wait_until(lambda: recorded() >= count // 5, timeout=60, message="part of the stream applied")
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        assert recorded() < count, "the worker finished before it was killed; the test proves nothing"
        worker = start_worker_process("inventory")
        wait_until(lambda: recorded() == count, timeout=120, message="every order applied after the restart")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        workers.start("inventory")
    o = inventory_orders.orders
    with engines["inventory"].connect() as conn:
        order_rows = conn.execute(
            select(func.count(), func.count(func.distinct(o.c.erp_order_id))).where(o.c.erp_order_id.like(f"{batch}-%"))
        ).one()
        events = conn.scalar(
            text(
                "SELECT count(*) FROM inventory.outbox ob JOIN inventory.orders o "
                "ON ob.key = o.id::text WHERE o.erp_order_id LIKE :p"
            ),
            {"p": f"{batch}-%"},
        )
        applied = conn.scalar(
            text("SELECT count(*) FROM inventory.inbox WHERE event_id LIKE :p"), {"p": f"erp.order:{batch}-%"}
        )
    assert tuple(order_rows) == (count, count)
    assert events == count  # exactly one OrderRecorded per order, despite the crash and replay
    assert applied == count
    expected = sum(Decimal(2) * (i % 7 + 1) for i in range(count))
    wait_until(
        lambda: (
            Decimal(clients["targets"].get(f"/actuals/{company['id']}", headers=admin).json()["amount"]) == expected
        ),
        timeout=60,
        message="targets actuals",
    )


def orders_recorded(engines, batch: str) -> int:
    with engines["inventory"].connect() as conn:
        return conn.scalar(
            select(func.count())
            .select_from(inventory_orders.orders)
            .where(inventory_orders.orders.c.erp_order_id.like(f"{batch}-%"))
        )


def start_worker_process(service: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "worker", service],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
