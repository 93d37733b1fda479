"""Helpers for the month-of-business scenario (no tests here): the system as deployed in processes, a caller,
the ERP's producer and what an ERP order amounts to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path

import httpx
import pytest
from kafka import KafkaProducer

from shared.runtime.broker import free_port
from shared.runtime.stack import wait_ready
from shared.runtime.supervise import stop_processes
from shared.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
MONTH, AS_OF = "2026-03", "2026-03-31"
HANGZHOU = (30.2741, 120.1551)


@pytest.fixture(scope="module")
def system(infra, request, tmp_path_factory) -> Iterator[dict[str, httpx.Client]]:
    """Each API in its own uvicorn process, every worker in one more (as `up` runs them). Periodic jobs start an
    hour late, so no behind-plan alert about today's date mixes into a month that ended long ago."""
    ports = {service: free_port() for service in SERVICES}
    logs = tmp_path_factory.mktemp("month-logs")
    env = {**os.environ, "JOBS_FIRST_DELAY_SECONDS": "3600"}
    # Workers that earlier tests started in-process leave their consumer groups meanwhile (as in test_readme_block),
    # so the worker process is the only member of each group, as under `up`.
    started_earlier = any(t.name.startswith("test-worker-") for t in threading.enumerate())
    in_process = request.getfixturevalue("workers") if started_earlier else None
    if in_process:
        in_process.stop()
    children = []
    try:
        for name, args in [*((s, ["api", s, "--port", str(p)]) for s, p in ports.items()), ("w", ["worker", "all"])]:
            with open(logs / f"{name}.log", "ab") as log:
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "shared.cli", *args], cwd=ROOT, env=env, stdout=log, stderr=log
                    )
                )
        wait_ready([f"http://127.0.0.1:{p}" for p in ports.values()], timeout=120)
        yield {s: httpx.Client(base_url=f"http://127.0.0.1:{p}", timeout=30) for s, p in ports.items()}
    finally:
        stop_processes(children, timeout=20)
        if in_process:
            in_process.start()


class Caller:
    def __init__(self, clients: dict[str, httpx.Client], headers: dict[str, str]):
        self.clients, self.headers = clients, headers

    def __call__(self, service: str, method: str, path: str, body=None, expect=(200, 201, 202)) -> dict:
        deadline = datetime.now(UTC).timestamp() + 60
        while True:
            answer = self.clients[service].request(method, path, json=body, headers=self.headers)
            if answer.status_code != 503 or datetime.now(UTC).timestamp() > deadline:
                break  # 503: the service has not learnt the unit yet (events travel)
        assert answer.status_code in expect, f"{method} {service}{path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else {}


def ask(caller: Caller, service: str, path: str) -> dict | None:
    answer = caller.clients[service].get(path, headers=caller.headers)
    return answer.json() if answer.status_code == 200 else None


def send(bootstrap: str, topic: str, messages: list[dict], key: str) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for m in messages:
        producer.send(topic, key=str(m[key]).encode(), value=json.dumps(m).encode()).get(30)
    producer.close()


def order(order_id: str, version: int, dealer: dict, day: str, quantity: int, status: str = "confirmed") -> dict:
    return {
        "order_id": order_id,
        "version": version,
        "dealer_code": dealer["code"],
        "status": status,
        "ordered_on": f"{MONTH}-{day}",
        "currency": "CNY",
        "lines": [{"sku": "E2E-CASE", "quantity": str(quantity), "unit_price": "120.00"}],
    }


def latest(messages: list[dict]) -> dict[str, dict]:
    """What the ERP says now: each order's highest version (a duplicate or a late old version changes nothing)."""
    out: dict[str, dict] = {}
    for m in messages:
        if m["order_id"] not in out or m["version"] > out[m["order_id"]]["version"]:
            out[m["order_id"]] = m
    return out


def amount(m: dict) -> D:
    if m["status"] == "cancelled":
        return D(0)
    return sum((D(x["quantity"]) * D(x["unit_price"]) for x in m["lines"]), D(0))
