"""The README's "Drive the first flow by hand" block, pasted whole into bash against a running system: the four
APIs and the workers as `./salesops up` runs them (separate processes), on free ports substituted for the README's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from shared.runtime.broker import free_port
from shared.runtime.stack import wait_ready
from shared.runtime.supervise import stop_processes
from shared.settings import SERVICE_PORTS, SERVICES
from tests.support import unique

ROOT = Path(__file__).resolve().parents[2]


def readme_block() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Drive the first flow by hand") :]
    match = re.search(r"```bash\n(.*?)```", section, flags=re.S)
    assert match, "no bash block under 'Drive the first flow by hand'"
    return match.group(1)


@pytest.fixture(scope="module")
def running_system(infra, request, tmp_path_factory) -> Iterator[dict[str, int]]:
    """Each API in its own process on a free port, and one process running every worker (as `up` does).

    In-process workers that earlier tests started leave their consumer groups meanwhile, so the worker process is
    the only member (as under `up`) instead of rebalancing with them."""
    ports = {service: free_port() for service in SERVICES}
    logs = tmp_path_factory.mktemp("readme-logs")
    children = []
    started_earlier = any(t.name.startswith("test-worker-") for t in threading.enumerate())
    workers = request.getfixturevalue("workers") if started_earlier else None
    if workers:
        workers.stop()
    try:
        for name, args in [
            *((s, ["api", s, "--port", str(p)]) for s, p in ports.items()),
            ("workers", ["worker", "all"]),
        ]:
            with open(logs / f"{name}.log", "ab") as log:  # the child keeps its own handle
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "shared.cli", *args],
                        cwd=ROOT,
                        env=os.environ.copy(),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        wait_ready([f"http://127.0.0.1:{port}" for port in ports.values()], timeout=120)
        yield ports
    finally:
        stop_processes(children, timeout=20)
        if workers:
            workers.start()


def test_the_first_flow_block_works_pasted_whole(running_system, infra):
    script = readme_block()
    for service, port in running_system.items():
        script = script.replace(f"localhost:{SERVICE_PORTS[service]}", f"127.0.0.1:{port}")
    script = script.replace("127.0.0.1:59092", infra.settings.kafka_bootstrap_servers)
    # Codes are unique per database; the suite may run on a long-lived one (DATABASE_URL).
    for code in ("ACME", "EAST", "D-0001", "SO-1"):
        script = re.sub(rf"\b{code}\b", unique(code.split("-")[0]), script)
    assert "localhost:" not in script and "59092" not in script, script
    sent = re.search(r'"order_id": "(SO-[^"]+)"', script)
    assert sent, "the block sends an order"
    order_id = sent.group(1)

    try:
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=ROOT,
            env={**os.environ, "TOKEN": infra.issuer.issue(role="admin")},
            capture_output=True,
            text=True,
            timeout=180,
        )
    except subprocess.TimeoutExpired as stuck:
        pytest.fail(f"the block did not finish; it printed:\n{stuck.stdout!r}\n{stuck.stderr!r}")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "error" not in done.stderr.lower(), done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    region, dealer, orders, actuals, archived = answers  # one line per wait_for, in the README's order

    assert region["kind"] == "region" and region["name"] == "East China"
    assert dealer["name"] == "Hangzhou Xinhua Trading" and dealer["org_unit_id"] == region["id"]
    (order,) = orders
    # 10 × 12.50 = 125.00, attributed to the dealer (and so to its region), not stored without one.
    assert order["erp_order_id"] == order_id and order["dealer_id"] == dealer["id"]
    assert order["org_unit_id"] == region["id"]
    assert Decimal(order["total_amount"]) == Decimal("125.00") and Decimal(order["total_quantity"]) == 10
    # The company is the region's parent: its actual is the one order, 125.00.
    assert actuals["orders"] == 1 and Decimal(actuals["amount"]) == Decimal("125.00")
    (event,) = archived  # the archive, asked for this order's events of that type
    assert event["type"] == "inventory.order.recorded" and event["subject"] == order["id"]
    assert event["data"]["erp_order_id"] == order_id and Decimal(event["data"]["total_amount"]) == Decimal("125.00")
