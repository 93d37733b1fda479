"""The whole system under a mixed load, as deployed: four API processes and four worker processes (one per service).

ERP orders stream to erp.orders.v1 at a set rate while callers sync visits, submit stock reports and read progress
and findings (40 : 10 : 35 : 15) at a set rate, arriving as users do, independently of each other's answers
(bench/load_clients.py). The default 100 requests/s (40 syncs/s) is above a 20,000-rep company's busiest hour:
25 visits a rep synced within 9 hours is 15 syncs/s, about 30 at the peak.

A third of the way in the inventory worker is killed with SIGKILL (and started again); two thirds in the broker is
restarted (its log is in memory, so it comes back empty: the relays re-publish what it lost, and the ERP sends again
the orders inventory never received, as the README asks of an ERP). Afterwards every service's counts must equal
the inputs exactly: orders in inventory, targets' actuals and audit's archive; visits in visits and the archive;
stock reports in inventory and the archive.

    .venv/bin/python -m bench.system_load [--quick] [--seconds N] [--erp-rate N] [--rate N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import httpx
from kafka import KafkaProducer
from sqlalchemy import create_engine, text

from bench.load_clients import Calls, Script, callers, erp_order, erp_stream
from bench.servers import benchmark_servers, figures, percentile
from bench.system_lag import LagMonitor
from shared.demo import business, company, history, master
from shared.demo.client import Api, kafka_publisher
from shared.runtime.broker import LocalBroker, free_port
from shared.runtime.stack import wait_ready
from shared.runtime.supervise import Processes
from shared.settings import SERVICES

CALLER_PROCESSES = 4


def counts(admin_url: str, orders: int, calls: Calls, dealers: list[str]) -> dict[str, tuple[int, int]]:
    """(found, expected) per service and kind, read straight from each service's tables."""
    visits, reports = calls.visits, calls.reports
    queries = {
        "inventory_orders": ("SELECT count(*) FROM inventory.orders WHERE erp_order_id LIKE 'LOAD-%'", orders),
        "targets_actuals": ("SELECT count(*) FROM targets.order_actuals WHERE erp_order_id LIKE 'LOAD-%'", orders),
        "audit_orders": ("SELECT count(*) FROM audit.event_archive WHERE type = 'inventory.order.recorded' "
                         "AND data->>'erp_order_id' LIKE 'LOAD-%'", orders),
        "visits": ("SELECT count(*) FROM visits.visits WHERE id = ANY(CAST(:visits AS uuid[]))", len(visits)),
        "audit_visits": ("SELECT count(*) FROM audit.event_archive WHERE type = 'visits.visit.completed' "
                         "AND subject = ANY(CAST(:visits AS text[]))", len(visits)),
        "stock_reports": ("SELECT count(*) FROM inventory.stock_reports "
                          "WHERE dealer_id = ANY(CAST(:dealers AS uuid[]))",
                          reports),
        "audit_stock_reports": ("SELECT count(*) FROM audit.event_archive "
                                "WHERE type = 'inventory.stock_report.submitted'"
                                " AND subject = ANY(CAST(:dealers AS text[]))", reports),
    }  # fmt: skip
    engine = create_engine(admin_url)
    try:
        with engine.connect() as conn:
            bound = {"visits": visits, "dealers": dealers}
            return {k: (conn.execute(text(sql), bound).scalar_one(), want) for k, (sql, want) in queries.items()}
    finally:
        engine.dispose()


def orders_received(admin_url: str) -> set[str]:
    engine = create_engine(admin_url)
    try:
        with engine.connect() as conn:
            sql = "SELECT erp_order_id FROM inventory.orders WHERE erp_order_id LIKE 'LOAD-%'"
            return set(conn.execute(text(sql)).scalars())
    finally:
        engine.dispose()


def resend_lost(admin_url: str, sent: list[dict], bootstrap: str) -> int:
    """The ERP's reconciliation: send again every order inventory never received (lost with the broker's log)."""
    known = orders_received(admin_url)
    lost = [o for o in sent if o["order_id"] not in known]
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    for o in lost:
        producer.send("erp.orders.v1", key=o["order_id"].encode(), value=json.dumps(o).encode())
    producer.flush(60)
    producer.close()
    return len(lost)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short, light run, for a smoke check")
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--erp-rate", type=int, help="ERP orders per second (default 1000; --quick 100)")
    parser.add_argument("--rate", type=int, help="HTTP requests per second (default 100; --quick 40)")
    args = parser.parse_args()
    seconds = args.seconds or (30 if args.quick else 180)
    erp_rate = args.erp_rate or (100 if args.quick else 1000)
    rate = args.rate or (40 if args.quick else 100)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="salesops-load-")))
        broker_port = free_port()
        brokers = [LocalBroker(broker_port, folder / "broker.log").start()]
        stack.callback(lambda: brokers[-1].stop())
        os.environ["KAFKA_BOOTSTRAP_SERVERS"] = bootstrap = brokers[0].bootstrap_servers
        infra = stack.enter_context(benchmark_servers())
        os.environ.update(JOBS_FIRST_DELAY_SECONDS="3600", RELAY_LOSS_CHECK_SECONDS="5")
        ports = {s: free_port() for s in SERVICES}
        # Supervised as `salesops up` supervises them: a process that dies is restarted, and says so.
        children = Processes(say=lambda *a, **_: print(f"t={time.monotonic() - started:.0f}s", *a, flush=True))
        started = time.monotonic()
        for s, p in ports.items():
            children.spawn(f"api-{s}", "api", s, "--port", str(p), log_dir=folder)
            children.spawn(f"worker-{s}", "worker", s, log_dir=folder)
        stack.callback(lambda: children.stop(timeout=20))
        wait_ready([f"http://127.0.0.1:{p}" for p in ports.values()], timeout=180)
        clients = {
            s: stack.enter_context(httpx.Client(base_url=f"http://127.0.0.1:{p}", timeout=30)) for s, p in ports.items()
        }
        c = company.build("tiny", 7)
        api = Api(clients, infra.issuer, kafka_publisher(bootstrap), c)
        master.org_and_people(api, c)
        master.projected(api, c, c.units[-1])
        master.catalogue(api, c)
        master.coverage(api, c)
        master.outlets_and_routes(api, c)
        plan_id = business.plan(api, c, history.build(c))
        print(f"system up: 4 APIs, 4 workers; tiny demo company set up; load for {seconds} s, ERP {erp_rate}/s, "
              f"HTTP {rate}/s", flush=True)  # fmt: skip

        # The clients, each in its own process (bench/load_clients.py): the ERP, and callers of eight threads each.
        script = Script(
            ports=ports,
            admin=api.admin,
            outlets=[(str(o.id), o.latitude, o.longitude, api.headers("rep", o.team.id, o.rep)) for o in c.outlets],
            skus=(c.skus[1].code, c.skus[2].code),
            dealers=[str(d.id) for d in c.dealers],
            reps=[str(r.id) for r in c.with_role("rep")],
            plan_id=plan_id,
            root_id=str(c.root.id),
        )
        spawn = multiprocessing.get_context("spawn")
        stop, sent, acked, done = spawn.Event(), spawn.Value("q", 0), spawn.Value("q", 0), spawn.Queue()
        n_processes = 1 + CALLER_PROCESSES
        ready = spawn.Barrier(n_processes + 1)  # the clock starts when every client is set up
        dealer_codes, sku = [d.code for d in c.dealers], c.skus[0]
        erp_args = (bootstrap, erp_rate, dealer_codes, sku.code, str(sku.list_price), ready, stop, sent, acked)
        processes = [spawn.Process(target=erp_stream, args=erp_args, daemon=True)]
        share = rate / CALLER_PROCESSES
        processes += [spawn.Process(target=callers, args=(script, i, share, 8, ready, stop, done), daemon=True)
                      for i in range(CALLER_PROCESSES)]  # fmt: skip
        lag = stack.enter_context(LagMonitor(bootstrap))
        for process in processes:
            process.start()
        ready.wait(120)
        started = time.monotonic()
        killed = restarted = False
        while (elapsed := time.monotonic() - started) < seconds:
            if not killed and elapsed > seconds / 3:
                children.children["worker-inventory"].process.send_signal(signal.SIGKILL)  # the supervisor restarts it
                killed = True
                print(f"t={elapsed:.0f}s kill -9 inventory worker", flush=True)
            if not restarted and elapsed > 2 * seconds / 3:
                brokers[-1].stop()
                brokers.append(LocalBroker(broker_port, folder / "broker2.log").start())
                infra.migrate()  # topics again: the broker came back without its log
                restarted = True
                print(f"t={elapsed:.0f}s broker restarted (empty log)", flush=True)
            print(f"t={elapsed:.0f}s orders_sent={sent.value} acked={acked.value} lag={lag.read()}", flush=True)
            time.sleep(5)
            children.supervise()
        stop.set()
        run_seconds = time.monotonic() - started
        in_window = len(orders_received(infra.settings.database_url))  # consumed while the ERP streamed
        delivered = acked.value
        calls = Calls()
        for _ in processes[1:]:
            latency, errors, visits, reports, due = done.get(timeout=120)
            calls.add(Calls(latency, errors, visits, reports, defaultdict(list, due)))
        for process in processes:
            process.join(90)
        orders = [erp_order(n, dealer_codes, sku.code, str(sku.list_price)) for n in range(1, sent.value + 1)]

        deadline = time.monotonic() + 300
        resent = 0
        while True:
            found = counts(infra.settings.database_url, len(orders), calls, [str(d.id) for d in c.dealers])
            exact = all(f == want for f, want in found.values())
            if exact or time.monotonic() > deadline:
                break
            if not resent and time.monotonic() > deadline - 240:
                # Lost with the broker's log, or still in a consumer's lag: applied once either way.
                resent = resend_lost(infra.settings.database_url, orders, bootstrap)
                print(f"ERP resent {resent} orders inventory had not received after 60 s", flush=True)
            time.sleep(3)
            children.supervise()
        if not exact:  # the folder goes with the run: keep its logs for the post-mortem
            kept = shutil.copytree(folder, tempfile.mkdtemp(prefix="salesops-load-failed-"), dirs_exist_ok=True)
            print(f"counts differ: the processes' logs are kept in {kept}", flush=True)
        for k, (f, want) in found.items():
            print(f"  {k:<20} {f:>8} of {want:>8} {'ok' if f == want else 'MISMATCH'}", flush=True)
        for kind, samples in sorted(calls.latency.items()):
            p50, p95, p99 = (percentile(samples, q) for q in (50, 95, 99))
            print(f"  {kind:<10} n={len(samples):>6} {len(samples) / run_seconds:7.1f}/s p50={p50:.1f}ms "
                  f"p95={p95:.1f}ms p99={p99:.1f}ms errors={calls.errors.get(kind, 0)}")  # fmt: skip
        # Before the worker is killed, until the broker restarts, after it: is a figure steady, or one phase's?
        for kind in ("progress", "sync"):
            thirds: list[list[float]] = [[], [], []]
            for ms, at in zip(calls.latency[kind], calls.due[kind], strict=True):
                thirds[min(2, max(0, int((at - started) * 3 // seconds)))].append(ms)
            p95s = " / ".join(f"{percentile(t, 95):.1f}" for t in thirds)
            print(f"  {kind:<10} p95 by thirds of the run: {p95s} ms", flush=True)
        restarts = {name: c.restarts for name, c in children.children.items() if c.restarts}
        print(f"  restarted by the supervisor: {restarts} (the inventory worker once, after its kill -9)", flush=True)
        requests = sum(len(v) for v in calls.latency.values())
        print(f"ERP: {len(orders)} orders sent in {run_seconds:.0f} s, {delivered} acknowledged by the broker; "
              f"{in_window} in inventory as the load stopped ({in_window / run_seconds:.0f}/s); resent={resent} "
              f"load={os.getloadavg()}", flush=True)  # fmt: skip
        print(figures(seconds=round(run_seconds), requests=requests, errors=sum(calls.errors.values()),
                      progress_p95_ms=round(percentile(calls.latency["progress"], 95), 1),
                      sync_p99_ms=round(percentile(calls.latency["sync"], 99), 1),
                      erp_orders_per_s=round(delivered / run_seconds), exact=int(exact)))  # fmt: skip


if __name__ == "__main__":
    main()
