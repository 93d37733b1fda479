"""ERP order ingestion: 100,000 orders of 5 lines on erp.orders.v1 through inventory's real consumer, one worker
process (`salesops worker inventory`: consumer, relay and jobs), each order committed with its lines and its
OrderRecorded event in the outbox; the raw kafka-python read rate of the same messages in the same run; and the
end-to-end rate at which the orders reach targets' actuals with both workers running as processes.

The messages are all on the topic before the workers start (produced untimed). Rates run from the first order
applied (the group join excluded) to the last: orders_per_s counts inventory's orders table, e2e_per_s targets'
order actuals, both workers started together so that targets works while inventory does. On a shared machine
`orders_per_cpu_s` (orders per CPU second of the inventory worker process) tells the code's cost from the wait for
a core.
"""

from __future__ import annotations

import os
import time

from sqlalchemy import func, select

from bench.event_pipeline import measure_raw_read, produce_orders
from bench.servers import benchmark_servers, cpu_seconds, figures, parse_args, worker_process
from services.inventory.orders.tables import orders
from services.targets.actuals.tables import order_actuals
from shared.db import make_engine
from shared.events.erp import ErpOrder

LINES_PER_ORDER = 5


def progress(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    count = 2_000 if args.quick else 100_000
    with benchmark_servers() as infra:
        s = infra.settings
        produce_orders(s, count, lines_per_order=LINES_PER_ORDER)
        raw_rate = measure_raw_read(s, ErpOrder.topic, count)
        print(f"raw kafka-python read: {count:,} messages at {raw_rate:.0f}/s", flush=True)
        inventory = make_engine(s.service_url("inventory"), pool_size=1)
        targets = make_engine(s.service_url("targets"), pool_size=1)
        with worker_process("inventory") as worker, worker_process("targets"):
            while not progress(inventory, orders):
                time.sleep(0.01)  # the benchmark watching its own progress, not a wait in the system under test
            started, first, cpu = time.perf_counter(), progress(inventory, orders), cpu_seconds(worker.pid)
            while (done := progress(inventory, orders)) < count:
                time.sleep(0.05)
            inventory_seconds = time.perf_counter() - started
            orders_rate = (done - first) / inventory_seconds
            cpu_after = cpu_seconds(worker.pid)
            worker_cpu = None if cpu is None or cpu_after is None else cpu_after - cpu
            print(
                f"inventory: {count:,} orders in {inventory_seconds:.1f} s at {orders_rate:.0f}/s, "
                f"its worker process using {worker_cpu or 0:.1f} s of CPU",
                flush=True,
            )
            while progress(targets, order_actuals) < count:
                time.sleep(0.05)
            e2e_seconds = time.perf_counter() - started
            e2e_rate = (count - first) / e2e_seconds
            print(f"targets' actuals: {count:,} orders {e2e_seconds:.1f} s after the first, {e2e_rate:.0f}/s")
        inventory.dispose()
        targets.dispose()
    print(
        figures(
            orders_per_s=round(orders_rate),
            raw_per_s=round(raw_rate),
            ratio=round(orders_rate / raw_rate, 3),
            e2e_per_s=round(e2e_rate),
            # orders per CPU second of the inventory worker: the rate it would keep on a core of its own
            orders_per_cpu_s="n/a" if not worker_cpu else round((done - first) / worker_cpu),
            orders=count,
            load_avg=round(os.getloadavg()[0], 1),
        )
    )


if __name__ == "__main__":
    main()
