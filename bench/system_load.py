"""The whole system under a mixed load, as deployed: four API processes and four worker processes (one per service).

ERP orders stream to erp.orders.v1 at a set rate while callers sync visits, submit stock reports and read progress
and findings (roughly 40 : 10 : 35 : 15). A third of the way in the inventory worker is killed with SIGKILL (and
started again); two thirds in the broker is restarted (its log is in memory, so it comes back empty: the relays
re-publish what it lost, and the ERP sends again the orders inventory never received, as the README asks of an
ERP). Afterwards every service's counts must equal the inputs exactly: orders in inventory, targets' actuals and
audit's archive; visits in visits and the archive; stock reports in inventory and the archive.

    .venv/bin/python -m bench.system_load [--quick] [--seconds N] [--erp-rate N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

import httpx
from kafka import KafkaProducer
from sqlalchemy import create_engine, text

from bench.servers import benchmark_servers, figures, percentile
from bench.system_lag import lag_by_group
from shared.demo import business, company, history, master
from shared.demo.client import Api, kafka_publisher
from shared.runtime.broker import LocalBroker, free_port
from shared.runtime.stack import wait_ready
from shared.settings import SERVICES

ROOT = Path(__file__).resolve().parents[1]
KINDS = (("sync", 40), ("stock", 10), ("progress", 35), ("findings", 15))


class Load:
    """Closed-loop callers plus the ERP stream; latencies per kind; what was sent, to check the counts."""

    def __init__(self, api: Api, c: company.Company, plan_id: str, bootstrap: str, erp_rate: int):
        self.api, self.c, self.plan_id, self.erp_rate = api, c, plan_id, erp_rate
        self.bootstrap = bootstrap
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.orders_sent: list[dict] = []
        self.visits: list[str] = []
        self.reports = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.weeks: dict[str, date] = {d.code: date(2020, 1, 5) for d in c.dealers}

    def erp_stream(self) -> None:
        producer = KafkaProducer(bootstrap_servers=self.bootstrap, linger_ms=5, acks=1, retries=20)
        dealers, sku = self.c.dealers, self.c.skus[0]
        n, started = 0, time.monotonic()
        while not self.stop.is_set():
            due = int((time.monotonic() - started) * self.erp_rate)
            if due - n > self.erp_rate:  # more than a second behind (the broker was away): the ERP does not catch up
                started += (due - n) / self.erp_rate
                due = n
            while n < due:
                n += 1
                order_id = f"LOAD-{n:08d}"
                order = {"order_id": order_id, "version": 1, "dealer_code": dealers[n % len(dealers)].code,
                         "ordered_on": "2026-11-16", "lines": [{"sku": sku.code, "quantity": "1",
                                                                "unit_price": str(sku.list_price)}]}  # fmt: skip
                try:
                    producer.send("erp.orders.v1", key=order_id.encode(), value=json.dumps(order).encode())
                except Exception:  # noqa: BLE001 - the broker is restarting; the ERP resends lost orders later
                    self.errors["erp_send"] += 1
                self.orders_sent.append(order)
            time.sleep(0.005)
        try:
            producer.flush(30)
            producer.close(5)
        except Exception:  # noqa: BLE001 - what did not go out is resent after the run (the ERP's reconciliation)
            self.errors["erp_send"] += 1

    def caller(self, rng: random.Random) -> None:
        names = [k for k, w in KINDS for _ in range(w)]
        while not self.stop.is_set():
            kind = rng.choice(names)
            started = time.perf_counter()
            try:
                getattr(self, kind)(rng)
                with self.lock:
                    self.latency[kind].append((time.perf_counter() - started) * 1000)
            except Exception:  # noqa: BLE001 - counted, and the run goes on
                self.errors[kind] += 1

    def sync(self, rng: random.Random) -> None:
        outlet = rng.choice(self.c.outlets)
        team = outlet.team.id
        visit = str(uuid.uuid4())
        day = date(2026, 11, 2) + timedelta(days=rng.randrange(25))
        op = {"op_id": str(uuid.uuid4()), "kind": "submit_visit", "visit": {
            "id": visit, "outlet_id": str(outlet.id),
            "check_in": {"position": {"latitude": outlet.latitude, "longitude": outlet.longitude, "datum": "wgs84",
                                      "accuracy_m": 10}, "client_at": f"{day}T10:00:00+08:00"},
            "steps": [{"step": "stock_check", "items": [{"sku": self.c.skus[1].code, "quantity": "5"}]}],
            "check_out": {"client_at": f"{day}T10:20:00+08:00"}, "sent_at": f"{day}T18:00:00+08:00"}}  # fmt: skip
        answer = self.api.call("visits", "POST", "/sync", headers=self.api.headers("rep", team, outlet.rep),
                               body={"device_id": "load", "operations": [op]})  # fmt: skip
        if answer.json()["results"][0]["outcome"] != "applied":
            raise RuntimeError(answer.text)
        with self.lock:
            self.visits.append(visit)

    def stock(self, rng: random.Random) -> None:
        dealer = rng.choice(self.c.dealers)
        with self.lock:
            week = self.weeks[dealer.code] = self.weeks[dealer.code] + timedelta(days=7)
        body = {"dealer_id": str(dealer.id), "period_end": week.isoformat(),
                "lines": [{"sku": self.c.skus[2].code, "opening": 100, "received": 0, "closing": 80}]}  # fmt: skip
        self.api.call("inventory", "POST", "/stock-reports", body=body)
        with self.lock:
            self.reports += 1

    def progress(self, rng: random.Random) -> None:
        rep = rng.choice(self.c.with_role("rep"))
        self.api.call("targets", "GET", f"/plans/{self.plan_id}/progress/people/{rep.id}?period=2026-11")

    def findings(self, rng: random.Random) -> None:
        self.api.call("audit", "GET", f"/findings?org_unit_id={self.c.root.id}&limit=20")


def start(name: str, args: list[str], logs: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with open(logs / f"{name}.log", "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "shared.cli", *args], cwd=ROOT, env=env, stdout=log, stderr=log)


def counts(admin_url: str, load: Load, dealers: list[str]) -> dict[str, tuple[int, int]]:
    """(found, expected) per service and kind, read straight from each service's tables."""
    orders, visits, reports = len(load.orders_sent), load.visits, load.reports
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


def resend_lost(admin_url: str, load: Load, bootstrap: str) -> int:
    """The ERP's reconciliation: send again every order inventory never received (lost with the broker's log)."""
    engine = create_engine(admin_url)
    with engine.connect() as conn:
        known: set[str] = set(
            conn.execute(text("SELECT erp_order_id FROM inventory.orders WHERE erp_order_id LIKE 'LOAD-%'")).scalars()
        )
    engine.dispose()
    lost = [o for o in load.orders_sent if o["order_id"] not in known]
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
    parser.add_argument("--callers", type=int, help="concurrent HTTP callers (default 8; --quick 4)")
    args = parser.parse_args()
    seconds = args.seconds or (30 if args.quick else 180)
    erp_rate = args.erp_rate or (100 if args.quick else 1000)
    callers = args.callers or (4 if args.quick else 8)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(__import__("tempfile").TemporaryDirectory(prefix="salesops-load-")))
        broker_port = free_port()
        brokers = [LocalBroker(broker_port, folder / "broker.log").start()]
        stack.callback(lambda: brokers[-1].stop())
        os.environ["KAFKA_BOOTSTRAP_SERVERS"] = bootstrap = brokers[0].bootstrap_servers
        infra = stack.enter_context(benchmark_servers())
        env = {**os.environ, "JOBS_FIRST_DELAY_SECONDS": "3600", "RELAY_LOSS_CHECK_SECONDS": "5"}
        ports = {s: free_port() for s in SERVICES}
        children: dict[str, subprocess.Popen[bytes]] = {}
        for s, p in ports.items():
            children[f"api-{s}"] = start(f"api-{s}", ["api", s, "--port", str(p)], folder, env)
            children[f"worker-{s}"] = start(f"worker-{s}", ["worker", s], folder, env)

        def stop_children() -> None:
            for child in children.values():
                child.terminate()
            for child in children.values():
                try:
                    child.wait(20)
                except subprocess.TimeoutExpired:
                    child.kill()

        stack.callback(stop_children)
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
              f"{callers} callers", flush=True)  # fmt: skip

        load = Load(api, c, plan_id, bootstrap, erp_rate)
        threads = [threading.Thread(target=load.erp_stream, daemon=True)]
        threads += [threading.Thread(target=load.caller, args=(random.Random(i),), daemon=True) for i in range(callers)]
        started = time.monotonic()
        for t in threads:
            t.start()
        killed = restarted = False
        while (elapsed := time.monotonic() - started) < seconds:
            if not killed and elapsed > seconds / 3:
                children["worker-inventory"].send_signal(signal.SIGKILL)
                children["worker-inventory"].wait()
                children["worker-inventory"] = start("worker-inventory", ["worker", "inventory"], folder, env)
                killed = True
                print(f"t={elapsed:.0f}s kill -9 inventory worker, started again", flush=True)
            if not restarted and elapsed > 2 * seconds / 3:
                brokers[-1].stop()
                brokers.append(LocalBroker(broker_port, folder / "broker2.log").start())
                infra.migrate()  # topics again: the broker came back without its log
                restarted = True
                print(f"t={elapsed:.0f}s broker restarted (empty log)", flush=True)
            try:
                lag = lag_by_group(bootstrap)
            except Exception as exc:  # noqa: BLE001 - during the broker restart
                lag = {f"unavailable ({type(exc).__name__})": -1}
            done = {k: len(v) for k, v in load.latency.items()}
            print(f"t={elapsed:.0f}s orders_sent={len(load.orders_sent)} requests={done} lag={lag}", flush=True)
            time.sleep(5)
        load.stop.set()
        for t in threads:
            t.join(60)
        run_seconds = time.monotonic() - started

        deadline = time.monotonic() + 300
        resent = 0
        while True:
            found = counts(infra.settings.database_url, load, [str(d.id) for d in c.dealers])
            exact = all(f == want for f, want in found.values())
            if exact or time.monotonic() > deadline:
                break
            if not resent and time.monotonic() > deadline - 240:
                resent = resend_lost(infra.settings.database_url, load, bootstrap)
                print(f"ERP resent {resent} orders the restarted broker had lost", flush=True)
            time.sleep(3)
        for k, (f, want) in found.items():
            print(f"  {k:<20} {f:>8} of {want:>8} {'ok' if f == want else 'MISMATCH'}", flush=True)
        for kind, samples in sorted(load.latency.items()):
            p50, p95, p99 = (percentile(samples, q) for q in (50, 95, 99))
            print(f"  {kind:<10} n={len(samples):>6} {len(samples) / run_seconds:7.1f}/s p50={p50:.1f}ms "
                  f"p95={p95:.1f}ms p99={p99:.1f}ms errors={load.errors[kind]}")  # fmt: skip
        requests = sum(len(v) for v in load.latency.values())
        print(f"erp_send_errors={load.errors['erp_send']} resent={resent} load={os.getloadavg()}", flush=True)
        print(figures(seconds=round(run_seconds), requests=requests, errors=sum(load.errors.values()),
                      progress_p95_ms=round(percentile(load.latency["progress"], 95), 1),
                      sync_p99_ms=round(percentile(load.latency["sync"], 99), 1),
                      erp_orders_per_s=round(len(load.orders_sent) / run_seconds), exact=int(exact)))  # fmt: skip


if __name__ == "__main__":
    main()
