"""Events per second through the outbox relay and through the batched idempotent consumers, on real servers.

relay:    N OrgUnitCreated events already committed to targets' outbox -> published to the broker, acknowledged,
          marked published.
consumer: N ERP orders (2 lines each) on erp.orders.v1 -> inventory's consumer (one process, one thread) records each
          order with its lines and writes its OrderRecorded event to the outbox; inbox rows and offsets committed.
raw:      the same N messages read by a bare kafka-python consumer in the same run: the ceiling for the consumer.
targets:  the N OrderRecorded events (relayed from inventory's outbox) -> targets' actuals (order upsert, ledger).
audit:    the same N events -> audit's archive.

The consumers run in this process with the heap settled as a worker process settles it (shared.runtime.heap).
consumer_cpu_us_per_event is this process's CPU time while inventory's consumer ran, per ERP order: less sensitive
than the rates to other work on the machine. A consumer that has not finished after MEASURE_LIMIT_S is reported at
the rate it reached then (the line before the figures says so).
"""

from __future__ import annotations

import json
import resource
import threading
import time
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import func, select

from bench.servers import benchmark_servers, figures, parse_args
from services.audit.archive.tables import event_archive
from services.audit.worker import SPEC as AUDIT
from services.inventory import db as inventory_db
from services.inventory.dealers import tables as inventory_dealers
from services.inventory.orders import tables as inventory_orders
from services.inventory.worker import SPEC as INVENTORY
from services.targets import db as targets_db
from services.targets.actuals.tables import order_actuals
from services.targets.worker import SPEC as TARGETS
from shared.consumer import Consumer
from shared.db import make_engine
from shared.events.erp import ErpOrder
from shared.events.inventory import OrderRecorded
from shared.events.targets import OrgUnitCreated
from shared.ids import new_uuid
from shared.kafka import make_consumer, make_producer
from shared.org.paths import path_label
from shared.outbox import Outbox, Relay
from shared.runtime.heap import settle_heap

MEASURE_LIMIT_S = 120.0


def measure_relay(settings, service: str, table, count: int, *, fill: bool) -> float:
    engine = make_engine(settings.service_url(service))
    if fill:
        outbox = Outbox(table, source="/bench")
        with engine.begin() as conn:
            for start in range(0, count, 1000):
                units = [new_uuid() for _ in range(min(1000, count - start))]
                outbox.add(
                    conn,
                    *[
                        OrgUnitCreated(
                            org_unit_id=u, parent_id=None, kind="company", code=u.hex[:12], name="b", path=path_label(u)
                        )
                        for u in units
                    ],
                )
    producer = make_producer(settings)
    relay = Relay(engine, table, producer, service=service, batch_size=settings.relay_batch_size)
    started = time.perf_counter()
    sent = 0
    while sent < count:
        sent += relay.publish_pending()
    elapsed = time.perf_counter() - started
    producer.close()
    engine.dispose()
    return count / elapsed


def produce_orders(settings, count: int, *, lines_per_order: int = 2) -> None:
    """`count` ERP orders of one dealer (known to inventory) on erp.orders.v1, `lines_per_order` lines each."""
    engine = make_engine(settings.service_url("inventory"))
    unit, dealer = new_uuid(), new_uuid()
    with engine.begin() as conn:
        conn.execute(
            inventory_db.org_units.insert().values(
                id=unit, kind="company", code="BENCH", name="b", path=path_label(unit)
            )
        )
        conn.execute(
            inventory_dealers.dealers.insert().values(id=dealer, code="D-BENCH", name="bench", org_unit_id=unit)
        )
    engine.dispose()
    producer = make_producer(settings, linger_ms=20)
    for i in range(count):
        order: dict[str, Any] = {
            "order_id": f"B-{i}",
            "version": 1,
            "dealer_code": "D-BENCH",
            "ordered_on": "2026-03-14",
            "lines": [
                {"sku": f"SKU-{n}", "quantity": str(n * 3 % 7 + 1), "unit_price": f"{9 + n}.90"}
                for n in range(1, lines_per_order + 1)
            ],
        }
        producer.send(ErpOrder.topic, key=order["order_id"].encode(), value=json.dumps(order).encode())
    producer.flush()
    producer.close()


def measure_raw_read(settings, topic: str, count: int) -> float:
    """kafka-python alone reading the same messages (no group, no database): the ceiling."""
    reader = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic)]
    reader.assign(partitions)
    reader.seek_to_beginning()
    read, started = 0, time.perf_counter()
    while read < count:
        read += sum(len(records) for records in reader.poll(timeout_ms=500, max_records=1000).values())
    elapsed = time.perf_counter() - started
    reader.close()
    return count / elapsed


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_consumer(settings, service: str, spec, event_type, table, count: int) -> tuple[float, float]:
    """Events per second through one service's consumer, from its first applied record (the group join excluded),
    and this process's CPU microseconds per event meanwhile."""
    engine = make_engine(settings.service_url(service))
    producer = make_producer(settings)
    consumer = Consumer(
        service=service,
        engine=engine,
        inbox=spec.inbox,
        handlers={event_type: spec.handlers[event_type]},
        kafka_consumer=make_consumer(settings, group_id=f"bench-{service}-{new_uuid().hex[:6]}"),
        producer=producer,
        dead_letters=spec.dead_letters,
    )
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,))

    def applied() -> int:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar_one()

    thread.start()
    while not applied():
        time.sleep(0.01)
    started, cpu_before, first = time.perf_counter(), cpu_seconds(), applied()
    done = first
    while done < count and time.perf_counter() - started < MEASURE_LIMIT_S:
        time.sleep(0.05)  # a poll of the benchmark's own progress, not a wait in the system under test
        done = applied()
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_before
    if done < count:
        print(f"{service}: stopped after {MEASURE_LIMIT_S:.0f} s with {done} of {count} applied", flush=True)
    stop.set()
    thread.join()
    consumer.kafka.close()
    producer.close()
    engine.dispose()
    return (done - first) / elapsed, cpu / max(done - first, 1) * 1e6


def main() -> None:
    args = parse_args(__doc__)
    count = 2_000 if args.quick else 20_000
    settle_heap()
    with benchmark_servers() as infra:
        s = infra.settings
        relay_rate = measure_relay(s, "targets", targets_db.outbox, count, fill=True)
        print(f"relay: {count} events at {relay_rate:.0f}/s", flush=True)
        produce_orders(s, count)
        raw_rate = measure_raw_read(s, ErpOrder.topic, count)
        print(f"raw kafka-python read: {count} messages at {raw_rate:.0f}/s", flush=True)
        consumer_rate, consumer_cpu = measure_consumer(
            s, "inventory", INVENTORY, ErpOrder, inventory_orders.orders, count
        )
        print(f"consumer: ERP orders at {consumer_rate:.0f}/s (after the group join)", flush=True)
        measure_relay(s, "inventory", inventory_db.outbox, count, fill=False)
        targets_rate, _ = measure_consumer(s, "targets", TARGETS, OrderRecorded, order_actuals, count)
        print(f"targets: order events into actuals at {targets_rate:.0f}/s", flush=True)
        audit_rate, _ = measure_consumer(s, "audit", AUDIT, OrderRecorded, event_archive, count)
        print(f"audit: order events archived at {audit_rate:.0f}/s", flush=True)
    print(
        figures(
            events=count,
            relay_events_per_s=round(relay_rate),
            consumer_events_per_s=round(consumer_rate),
            raw_read_per_s=round(raw_rate),
            ratio=round(consumer_rate / raw_rate, 3),
            consumer_cpu_us_per_event=round(consumer_cpu),
            targets_events_per_s=round(targets_rate),
            audit_events_per_s=round(audit_rate),
        )
    )


if __name__ == "__main__":
    main()
