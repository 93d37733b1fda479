"""The first end-to-end flow, on the real PostgreSQL and broker: org units travel from targets to every
service; ERP orders travel from the erp topic through inventory into targets' actuals."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from sqlalchemy import func, select, text

from services.inventory import db as inventory_db
from services.targets import db as targets_db
from shared.kafka import make_producer
from shared.outbox import Relay
from shared.runtime.broker import LocalBroker, free_port
from tests.support import create_org_unit, erp_order, unique, wait_until

pytestmark = pytest.mark.usefixtures("workers")


@pytest.fixture(scope="module")
def producer(settings):
    p = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    yield p
    p.close()


@pytest.fixture(scope="module")
def territory(clients, admin):
    """company → region → office, known to inventory, with one dealer in the office."""
    company = create_org_unit(clients["targets"], admin, kind="company")
    region = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    office = create_org_unit(clients["targets"], admin, kind="office", parent_id=region["id"])
    wait_until(
        lambda: clients["inventory"].get(f"/org-units/{office['id']}", headers=admin).status_code == 200,
        message="inventory to learn the office",
    )
    dealer = clients["inventory"].post(
        "/dealers", headers=admin, json={"code": unique("D"), "name": "Test dealer", "org_unit_id": office["id"]}
    )
    assert dealer.status_code == 201, dealer.text
    return {"company": company, "region": region, "office": office, "dealer": dealer.json()}


def send_erp(producer, message: dict | bytes, key: str) -> None:
    value = message if isinstance(message, bytes) else json.dumps(message).encode()
    producer.send("erp.orders.v1", key=key.encode(), value=value).get(timeout=10)


def actual_amount(clients, admin, org_unit_id) -> Decimal:
    response = clients["targets"].get(f"/actuals/{org_unit_id}", headers=admin)
    assert response.status_code == 200, response.text
    return Decimal(response.json()["amount"])


def inventory_order(clients, admin, erp_order_id: str) -> dict | None:
    found = clients["inventory"].get("/orders", params={"erp_order_id": erp_order_id}, headers=admin).json()
    return found[0] if found else None


def test_org_unit_created_in_targets_is_projected_by_every_other_service(clients, admin):
    company = create_org_unit(clients["targets"], admin, kind="company")
    for service in ("inventory", "visits", "audit"):
        projected = wait_until(
            lambda service=service: (
                (r := clients[service].get(f"/org-units/{company['id']}", headers=admin)).status_code == 200
                and r.json()
            ),
            message=f"{service} projection",
        )
        assert {k: projected[k] for k in ("id", "kind", "code", "name", "path")} == {
            k: company[k] for k in ("id", "kind", "code", "name", "path")
        }


def test_erp_order_reaches_inventory_and_targets_actuals(clients, admin, producer, territory):
    before = actual_amount(clients, admin, territory["company"]["id"])
    order_id = unique("SO")
    # 10 × 12.50 + 3 × 7.333 → 125.00 + 22.00 (21.999 rounded half-up) = 147.00
    send_erp(
        producer,
        erp_order(order_id, territory["dealer"]["code"], lines=[("SKU-1", "10", "12.50"), ("SKU-2", "3", "7.333")]),
        key=order_id,
    )
    order = wait_until(lambda: inventory_order(clients, admin, order_id), message="inventory to record the order")
    assert order["org_unit_id"] == territory["office"]["id"]
    assert Decimal(order["total_amount"]) == Decimal("147.00")
    wait_until(
        lambda: actual_amount(clients, admin, territory["company"]["id"]) == before + Decimal("147.00"),
        message="targets actuals to include the order",
    )
    # The office and every ancestor see it; a sibling subtree does not.
    assert actual_amount(clients, admin, territory["office"]["id"]) >= Decimal("147.00")


def test_each_recorded_order_carries_the_correlation_id_of_its_erp_message(
    clients, admin, producer, territory, engines
):
    """Inventory records the orders of a poll in one batch call; each order's event still carries the correlation id
    of the message it came from (its X-Correlation-ID header), and an unusable or missing one gives none."""
    sent = {unique("SO"): unique("erp-trace"), unique("SO"): unique("erp-trace"), unique("SO"): None}
    sent[unique("SO")] = "not a correlation id"  # spaces: never copied into events
    before = actual_amount(clients, admin, territory["region"]["id"])
    for order_id, correlation in sent.items():
        headers = [("X-Correlation-ID", correlation.encode())] if correlation else []
        value = json.dumps(erp_order(order_id, territory["dealer"]["code"])).encode()
        producer.send("erp.orders.v1", key=order_id.encode(), value=value, headers=headers)
    producer.flush()

    def recorded_events() -> dict:
        with engines["inventory"].connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT e->'data'->>'erp_order_id', e->>'correlationid' FROM inventory.outbox, "
                    "LATERAL CAST(convert_from(value, 'UTF8') AS jsonb) AS e "
                    "WHERE topic = 'inventory.orders.v1' AND e->'data'->>'erp_order_id' = ANY(:ids)"
                ),
                {"ids": list(sent)},
            ).all()
        return dict(rows) if len(rows) == len(sent) else {}

    carried = wait_until(recorded_events, message="inventory to record the four orders")
    expected = {order_id: c if c and " " not in c else None for order_id, c in sent.items()}
    assert carried == expected
    traced_order, trace = next(iter(sent.items()))
    auditor = {"Authorization": admin["Authorization"]}
    archived = wait_until(
        lambda: clients["audit"].get("/events", params={"correlation_id": trace}, headers=auditor).json(),
        message="audit to archive the traced order's event",
    )
    assert [e["data"]["erp_order_id"] for e in archived] == [traced_order]
    # and targets counts the four (125.00 each) before the next test reads the region's actuals
    wait_until(
        lambda: actual_amount(clients, admin, territory["region"]["id"]) == before + 4 * Decimal("125.00"),
        message="targets to count the four orders",
    )


def test_same_erp_message_twice_and_older_version_late_have_one_effect(clients, admin, producer, territory, engines):
    order_id = unique("SO")
    dealer = territory["dealer"]["code"]
    v2 = erp_order(order_id, dealer, version=2, lines=[("SKU-1", "4", "10")])  # 40.00
    v1 = erp_order(order_id, dealer, version=1, lines=[("SKU-1", "1", "10")])  # 10.00, arrives late
    before = actual_amount(clients, admin, territory["region"]["id"])
    for message in (v2, v2, v1, v2):
        send_erp(producer, message, key=order_id)
    marker = unique("SO")  # same key → same partition → applied after the four above
    send_erp(producer, erp_order(marker, dealer, lines=[("SKU-9", "1", "1")]), key=order_id)
    wait_until(lambda: inventory_order(clients, admin, marker), message="marker order")
    order = inventory_order(clients, admin, order_id)
    assert order is not None
    assert (order["erp_version"], Decimal(order["total_amount"])) == (2, Decimal("40.00"))
    with engines["inventory"].connect() as conn:
        published = conn.scalar(
            select(func.count()).select_from(inventory_db.outbox).where(inventory_db.outbox.c.key == order["id"])
        )
    assert published == 1  # one OrderRecorded for v2, none for the repeats or the stale v1
    wait_until(
        lambda: actual_amount(clients, admin, territory["region"]["id"]) == before + Decimal("41.00"),
        message="actuals: 40.00 + marker 1.00",
    )


def test_duplicate_envelope_is_applied_once_by_targets(clients, admin, producer, territory, settings):
    order_id = unique("SO")
    before = actual_amount(clients, admin, territory["office"]["id"])
    send_erp(producer, erp_order(order_id, territory["dealer"]["code"], lines=[("SKU-1", "2", "50")]), key=order_id)
    wait_until(
        lambda: actual_amount(clients, admin, territory["office"]["id"]) == before + 100, message="first delivery"
    )
    order = inventory_order(clients, admin, order_id)
    assert order is not None
    # Find the exact envelope inventory published and deliver it again.
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False, consumer_timeout_ms=5000
    )
    partitions = [
        TopicPartition("inventory.orders.v1", p) for p in consumer.partitions_for_topic("inventory.orders.v1")
    ]
    consumer.assign(partitions)
    consumer.seek_to_beginning()
    envelope = next(m.value for m in consumer if m.key == order["id"].encode())
    consumer.close()
    producer.send("inventory.orders.v1", key=order["id"].encode(), value=envelope).get(timeout=10)
    marker = unique("SO")
    send_erp(producer, erp_order(marker, territory["dealer"]["code"], lines=[("SKU-1", "1", "1")]), key=marker)
    wait_until(
        lambda: actual_amount(clients, admin, territory["office"]["id"]) == before + 101, message="marker applied"
    )
    assert json.loads(envelope)["id"]  # the redelivered envelope kept its id, so the inbox recognised it


def test_poison_message_goes_to_dlq_with_reason_and_the_next_message_flows(
    clients, admin, producer, territory, settings
):
    key = unique("SO")
    poison = b'{"order_id": "' + key.encode() + b'", "version": "not a number"'
    send_erp(producer, poison, key=key)
    good = erp_order(key, territory["dealer"]["code"])
    send_erp(producer, good, key=key)  # same key, same partition: right behind the poison
    wait_until(lambda: inventory_order(clients, admin, key), message="the message behind the poison")
    consumer = KafkaConsumer(
        "erp.orders.v1.dlq",
        bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=10000,
    )
    dead = next(m for m in consumer if m.key == key.encode())
    consumer.close()
    headers = dict(dead.headers)
    assert dead.value == poison
    assert b"undecodable" in headers["dlq.reason"]
    assert headers["dlq.topic"] == b"erp.orders.v1"
    assert headers["dlq.consumer"] == b"inventory"


def test_relay_that_died_after_commit_publishes_on_restart(clients, admin, workers, engines, settings):
    workers.stop("targets")  # no relay runs: the commit happens, the publish does not
    try:
        company = create_org_unit(clients["targets"], admin, kind="company")
        with engines["targets"].connect() as conn:
            pending = conn.execute(
                select(targets_db.outbox.c.published_at).where(targets_db.outbox.c.key == company["id"])
            ).scalar_one_or_none()
        assert (
            pending is None
            and clients["inventory"].get(f"/org-units/{company['id']}", headers=admin).status_code == 404
        )
        # A relay whose broker went away fails its pass and marks nothing as published.
        broker = LocalBroker(free_port()).start()
        try:
            producer = make_producer(
                settings,
                bootstrap_servers=[broker.bootstrap_servers],
                request_timeout_ms=1000,
                max_block_ms=2000,
                retries=0,
            )
        finally:
            broker.stop()
        relay = Relay(engines["targets"], targets_db.outbox, producer, service="targets")
        assert relay.publish_pending() == 0  # each lane fails on its own and waits for the next pass
        assert relay.failed_lanes
        producer.close(timeout=1)
        with engines["targets"].connect() as conn:
            assert (
                conn.scalar(select(targets_db.outbox.c.published_at).where(targets_db.outbox.c.key == company["id"]))
                is None
            )
    finally:
        workers.start("targets")
    wait_until(
        lambda: clients["inventory"].get(f"/org-units/{company['id']}", headers=admin).status_code == 200,
        message="event published after the relay restarted",
    )


def test_inventory_role_cannot_read_the_visits_schema(engines):
    from sqlalchemy.exc import ProgrammingError

    with (
        engines["inventory"].connect() as conn,
        pytest.raises(ProgrammingError, match="permission denied for schema visits"),
    ):
        conn.execute(text("SELECT count(*) FROM visits.outlets"))
