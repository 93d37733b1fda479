"""The system load test's clients, each in its own process as in life: the ERP streaming orders, and callers (reps'
phones syncing, dealers reporting stock, managers reading progress and findings).

Callers arrive as users do, independently of each other's answers: each caller process sends a Poisson stream of
requests at its share of the rate, served by a pool of threads on kept-alive connections (`Http`). Latency is
measured where a user would see it, from the moment a request was due, so time spent waiting for a free thread
counts too (a slow answer cannot hide the requests it held back). The ERP's producer and the lag monitor run in
processes of their own, so neither holds the callers' GIL while an answer waits to be timed.
"""

from __future__ import annotations

import http.client
import json
import queue
import random
import select
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

KINDS = (("sync", 40), ("stock", 10), ("progress", 35), ("findings", 15))


@dataclass(frozen=True)
class Script:
    """What a caller process needs, picklable: the services' ports, the tokens, the company's ids."""

    ports: dict[str, int]
    admin: dict[str, str]
    outlets: list[tuple[str, float, float, dict[str, str]]]  # id, latitude, longitude, its rep's headers
    skus: tuple[str, str]  # counted in visits, reported in stock reports
    dealers: list[str]
    reps: list[str]
    plan_id: str
    root_id: str


@dataclass
class Calls:
    """What a caller process did: latencies per kind (ms) and when each request was due (time.monotonic()), errors,
    the visits it synced, the reports it sent."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    visits: list[str] = field(default_factory=list)
    reports: int = 0
    due: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, other: Calls) -> None:
        for kind, samples in other.latency.items():
            self.latency[kind].extend(samples)
            self.due[kind].extend(other.due[kind])
        for kind, n in other.errors.items():
            self.errors[kind] += n
        self.visits.extend(other.visits)
        self.reports += other.reports


def erp_order(n: int, dealers: list[str], sku: str, price: str) -> dict[str, Any]:
    """The n-th order of the stream (the same every time: the ERP resends lost ones after the run)."""
    order_id = f"LOAD-{n:08d}"
    line = {"sku": sku, "quantity": "1", "unit_price": price}
    return {"order_id": order_id, "version": 1, "dealer_code": dealers[n % len(dealers)], "ordered_on": "2026-11-16",
            "lines": [line]}  # fmt: skip


def erp_stream(
    bootstrap: str, rate: int, dealers: list[str], sku: str, price: str, ready: Any, stop: Any, sent: Any, acked: Any
) -> None:
    """Orders at `rate` per second until stopped. `sent` counts those handed to the producer, `acked` those the
    broker acknowledged: the rate reported is what arrived. The ERP's producer is librdkafka's (confluent-kafka), a
    client that is not the system's and costs a few microseconds an order, where kafka-python's took half a core
    of the two the system runs on; it keeps what it could not send while the broker is away and sends it when the
    broker is back and the topic made again (a message waits message.timeout.ms; the reconciliation after the
    run resends anything older)."""
    from confluent_kafka import KafkaException, Producer

    config = {"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": 1, "message.timeout.ms": 60_000}
    producer = Producer({**config, "allow.auto.create.topics": False})  # the system makes its topics
    delivered = 0

    def ack(error: Any, _: Any) -> None:  # served by poll(), on this thread
        nonlocal delivered
        delivered += error is None

    ready.wait(120)
    n, started = 0, time.monotonic()
    while not stop.is_set():
        due = int((time.monotonic() - started) * rate)
        while n < due:
            order = erp_order(n + 1, dealers, sku, price)
            try:
                producer.produce("erp.orders.v1", key=order["order_id"], value=json.dumps(order), on_delivery=ack)
            except (BufferError, KafkaException):  # a full queue, or the topic gone with the broker's log: later
                break
            n += 1
        producer.poll(0.005)
        sent.value, acked.value = n, delivered
    producer.flush(30)
    sent.value, acked.value = n, delivered


class Http:
    """HTTP/1.1 on kept-alive connections, one per thread and service, with the standard library's http.client.
    The callers share the system's two cores: httpx took about 2 ms of CPU a request (a fifth of the machine at
    100 requests/s), http.client a fraction of that."""

    def __init__(self, ports: dict[str, int]):
        self.ports, self.local = ports, threading.local()

    def send(self, method: str, service: str, path: str, headers: dict[str, str], body: Any = None) -> bytes:
        """The answer's body; an answer that is not 2xx raises."""
        connections = self.local.__dict__.setdefault("connections", {})
        connection = connections.get(service)
        if connection is None:
            connection = connections[service] = http.client.HTTPConnection("127.0.0.1", self.ports[service], timeout=30)
        elif connection.sock is not None and select.select([connection.sock], [], [], 0)[0]:
            connection.close()  # the server closed it while idle (its keep-alive timeout): the next request reopens
        data = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=data, headers={**headers, "Content-Type": "application/json"})
        answer = connection.getresponse()
        content = answer.read()
        if not 200 <= answer.status < 300:
            raise RuntimeError(f"{method} {path}: {answer.status} {content[:300]!r}")
        return content


class Caller:
    def __init__(self, script: Script, index: int):
        self.script, self.calls, self.lock = script, Calls(), threading.Lock()
        self.http = Http(script.ports)
        # Each caller process its own run of weeks, so two never report the same dealer's week.
        first = date(2000, 1, 2) + timedelta(weeks=520 * index)
        self.weeks = {d: first for d in script.dealers}

    def get(self, service: str, path: str) -> None:
        self.http.send("GET", service, path, self.script.admin)

    def sync(self, rng: random.Random) -> None:
        outlet_id, latitude, longitude, headers = rng.choice(self.script.outlets)
        visit = str(uuid.uuid4())
        day = date(2026, 11, 2) + timedelta(days=rng.randrange(25))
        op = {"op_id": str(uuid.uuid4()), "kind": "submit_visit", "visit": {
            "id": visit, "outlet_id": outlet_id,
            "check_in": {"position": {"latitude": latitude, "longitude": longitude, "datum": "wgs84",
                                      "accuracy_m": 10}, "client_at": f"{day}T10:00:00+08:00"},
            "steps": [{"step": "stock_check", "items": [{"sku": self.script.skus[0], "quantity": "5"}]}],
            "check_out": {"client_at": f"{day}T10:20:00+08:00"}, "sent_at": f"{day}T18:00:00+08:00"}}  # fmt: skip
        answer = self.http.send("POST", "visits", "/sync", headers, {"device_id": "load", "operations": [op]})
        if json.loads(answer)["results"][0]["outcome"] != "applied":
            raise RuntimeError(answer)
        with self.lock:
            self.calls.visits.append(visit)

    def stock(self, rng: random.Random) -> None:
        dealer = rng.choice(self.script.dealers)
        with self.lock:
            week = self.weeks[dealer] = self.weeks[dealer] + timedelta(days=7)
        body = {"dealer_id": dealer, "period_end": week.isoformat(),
                "lines": [{"sku": self.script.skus[1], "opening": 100, "received": 0, "closing": 80}]}  # fmt: skip
        self.http.send("POST", "inventory", "/stock-reports", self.script.admin, body)
        with self.lock:
            self.calls.reports += 1

    def progress(self, rng: random.Random) -> None:
        rep = rng.choice(self.script.reps)
        self.get("targets", f"/plans/{self.script.plan_id}/progress/people/{rep}?period=2026-11")

    def findings(self, rng: random.Random) -> None:
        self.get("audit", f"/findings?org_unit_id={self.script.root_id}&limit=20")

    def serve(self, work: queue.SimpleQueue, rng: random.Random) -> None:
        """Send each (kind, due) request taken from `work` until a None; time it from when it was due."""
        while (request := work.get()) is not None:
            kind, due = request
            try:
                getattr(self, kind)(rng)
                with self.lock:
                    self.calls.latency[kind].append((time.monotonic() - due) * 1000)
                    self.calls.due[kind].append(due)
            except Exception:  # noqa: BLE001 - counted, and the run goes on
                with self.lock:
                    self.calls.errors[kind] += 1


def callers(script: Script, index: int, rate: float, threads: int, ready: Any, stop: Any, done: Any) -> None:
    """A caller process: requests at `rate` per second (a Poisson stream, kinds in the KINDS ratio) until stopped,
    sent by `threads` threads; what they did goes to `done`."""
    caller, rng = Caller(script, index), random.Random(index)
    names = [k for k, w in KINDS for _ in range(w)]
    work: queue.SimpleQueue = queue.SimpleQueue()
    workers = [
        threading.Thread(target=caller.serve, args=(work, random.Random(index * 100 + i))) for i in range(threads)
    ]
    for t in workers:
        t.start()
    ready.wait(120)
    due = time.monotonic()
    while True:
        due += rng.expovariate(rate)
        if stop.wait(max(0.0, due - time.monotonic())):
            break
        work.put((rng.choice(names), due))
    for _ in workers:
        work.put(None)
    for t in workers:
        t.join()
    calls = caller.calls
    done.put((dict(calls.latency), dict(calls.errors), calls.visits, calls.reports, dict(calls.due)))
