"""Events per second through the outbox relay and through an idempotent consumer, on real servers.

relay:    N OrgUnitCreated events already committed to targets' outbox -> published to the broker, acknowledged,
          marked published.
consumer: N ERP orders on erp.orders.v1 -> inventory's consumer records each order with its lines and writes its
          OrderRecorded event to the outbox, inbox row and offsets committed (the full effect of each message).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from sqlalchemy import func, select

from bench.servers import benchmark_servers, figures, parse_args
from services.inventory import db as inventory_db
from services.inventory.dealers import tables as inventory_dealers
from services.inventory.orders import tables as inventory_orders
from services.inventory.worker import SPEC as INVENTORY
from services.targets import db as targets_db
from shared.consumer import Consumer
from shared.db import make_engine
from shared.events.targets import OrgUnitCreated
from shared.kafka import make_consumer, make_producer
from shared.org.paths import path_label
from shared.outbox import Outbox, Relay


def measure_relay(settings, count: int) -> float:
    engine = make_engine(settings.service_url("targets"))
    outbox = Outbox(targets_db.outbox, source="/bench")
    with engine.begin() as conn:
        for start in range(0, count, 1000):
            events = []
            for _ in range(min(1000, count - start)):
                unit = uuid.uuid4()
                events.append(
                    OrgUnitCreated(
                        org_unit_id=unit,
                        parent_id=None,
                        kind="company",
                        code=unit.hex[:12],
                        name="bench",
                        path=path_label(unit),
                    )
                )
            outbox.add(conn, *events)
    producer = make_producer(settings)
    relay = Relay(engine, targets_db.outbox, producer, service="targets", batch_size=settings.relay_batch_size)
    started = time.perf_counter()
    sent = 0
    while sent < count:
        sent += relay.publish_pending()
    elapsed = time.perf_counter() - started
    producer.close()
    engine.dispose()
    return count / elapsed


def measure_consumer(settings, count: int) -> float:
    engine = make_engine(settings.service_url("inventory"))
    unit, dealer = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(
            inventory_db.org_units.insert().values(
                id=unit, kind="company", code="BENCH", name="bench", path=path_label(unit)
            )
        )
        conn.execute(
            inventory_dealers.dealers.insert().values(id=dealer, code="D-BENCH", name="bench", org_unit_id=unit)
        )
    producer = make_producer(settings, linger_ms=20)
    for i in range(count):
        order: dict[str, Any] = {
            "order_id": f"B-{i}",
            "version": 1,
            "dealer_code": "D-BENCH",
            "ordered_on": "2026-03-14",
            "lines": [
                {"sku": "SKU-1", "quantity": "3", "unit_price": "9.90"},
                {"sku": "SKU-2", "quantity": "1", "unit_price": "120"},
            ],
        }
        producer.send("erp.orders.v1", key=order["order_id"].encode(), value=json.dumps(order).encode())
    producer.flush()
    stop = threading.Event()
    consumer = Consumer(
        service="inventory",
        engine=engine,
        inbox=inventory_db.inbox,
        handlers=INVENTORY.handlers,
        kafka_consumer=make_consumer(settings, group_id=f"bench-{uuid.uuid4().hex[:6]}"),
        producer=producer,
    )
    thread = threading.Thread(target=consumer.run, args=(stop,))

    def recorded() -> int:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(inventory_orders.orders)).scalar_one()

    thread.start()
    while not recorded():  # the consumer group join is not part of the rate
        time.sleep(0.01)
    started, first = time.perf_counter(), recorded()
    while recorded() < count:
        time.sleep(0.05)  # a poll of the benchmark's own progress, not a wait in the system under test
    elapsed = time.perf_counter() - started
    count -= first
    stop.set()
    thread.join()
    consumer.kafka.close()
    producer.close()
    engine.dispose()
    return count / elapsed


def main() -> None:
    args = parse_args(__doc__)
    count = 2_000 if args.quick else 20_000
    with benchmark_servers() as infra:
        relay_rate = measure_relay(infra.settings, count)
        print(f"relay: {count} events at {relay_rate:.0f}/s", flush=True)
        consumer_rate = measure_consumer(infra.settings, count)
        print(f"consumer: {count} ERP orders at {consumer_rate:.0f}/s (after the group join)", flush=True)
    print(figures(events=count, relay_events_per_s=round(relay_rate), consumer_events_per_s=round(consumer_rate)))


if __name__ == "__main__":
    main()
