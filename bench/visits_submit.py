"""Completed-visit submissions (check-in + 10 observations + check-out in one call) over HTTP from 50 concurrent
clients, against a bare FastAPI endpoint returning a constant served by the same process, in the same run.

The API runs in a child process (uvicorn, one worker) on real PostgreSQL; the clients are asyncio tasks sharing
one HTTP/1.1 connection pool in this process. Each submission is a new visit by one of 50 reps to one of their
outlets, with every step kind but photos (stock, prices, competitors, materials, order, feedback).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from bench.servers import benchmark_servers, figures, parse_args, percentile
from shared.db import make_engine
from shared.org import path_label
from shared.runtime.broker import free_port

CLIENTS = 50
OUTLETS_PER_REP = 20
STEPS = [
    {"step": "stock_check", "items": [{"sku": "SKU-1", "quantity": "24", "batch_codes": ["B260301"]}]},
    {"step": "stock_check", "items": [{"sku": "SKU-2", "out_of_stock": True}]},
    {"step": "prices", "items": [{"sku": "SKU-1", "brand": "Ours", "ours": True, "price": "12.50"}]},
    {"step": "prices", "items": [{"sku": "C-1", "brand": "Rival", "ours": False, "price": "11.90"}]},
    {"step": "competitor_activity", "items": [{"brand": "Rival", "kind": "promotion", "note": "buy 2 get 1"}]},
    {"step": "promotion_materials", "items": [{"material": "poster", "quantity": "2", "recipient": "owner"}]},
    {"step": "order", "lines": [{"sku": "SKU-2", "quantity": "12", "unit_price": "10.00"}]},
    {"step": "feedback", "items": [{"kind": "feedback", "text": "wants the new flavour"}]},
    {"step": "feedback", "items": [{"kind": "complaint", "text": "delivery late"}]},
    {"step": "competitor_activity", "items": [{"brand": "Rival", "kind": "packaging", "note": "new bottle"}]},
]


def serve(port_visits: int, port_bare: int) -> None:
    """Child process: the visits API and a bare app answering a constant, one uvicorn loop each."""
    import uvicorn
    from fastapi import FastAPI

    from services.visits.main import create_app

    bare = FastAPI()

    @bare.get("/constant")
    def constant() -> dict:
        return {"ok": True}

    # A long keep-alive: on a loaded machine a client may sit idle past uvicorn's 5 s default and then find its
    # connection closed under it, which would count as an error of the service.
    servers = [
        uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, timeout_keep_alive=120))
        for app, port in ((create_app(), port_visits), (bare, port_bare))
    ]

    async def run() -> None:
        await asyncio.gather(*(s.serve() for s in servers))

    asyncio.run(run())


def seed(settings, issuer) -> list[tuple[dict, list[str]]]:
    """One company, 50 reps with 20 outlets each; returns (auth header, outlet ids) per rep."""
    engine = make_engine(settings.service_url("visits"), pool_size=1)
    unit = uuid.uuid4()
    reps = []
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO visits.org_units (id, kind, code, name, path) VALUES (%s, 'company', %s, 'bench', %s)",
            (unit, f"B-{unit.hex[:8]}", path_label(unit)),
        )
        for r in range(CLIENTS):
            person = uuid.uuid4()
            outlets = []
            for o in range(OUTLETS_PER_REP):
                outlet = uuid.uuid4()
                conn.exec_driver_sql(
                    "INSERT INTO visits.outlets (id, code, name, org_unit_id, grade, loyalty, latitude, longitude, "
                    "channel, owner_rep_id) VALUES (%s, %s, 'bench outlet', %s, 'B', 'loyal', %s, %s, 'grocery', %s)",
                    (outlet, f"O-{r}-{o}-{outlet.hex[:6]}", unit, 30.2 + o * 0.001, 120.1 + r * 0.001, person),
                )
                outlets.append(str(outlet))
            token = issuer.issue(role="rep", org_unit=str(unit), person_id=str(person), subject=f"bench-rep-{r}")
            reps.append(({"Authorization": f"Bearer {token}"}, outlets))
    engine.dispose()
    return reps


def submission(outlet: str, n: int) -> dict:
    check_in = datetime(2026, 3, 16, 1, 0, tzinfo=UTC) + timedelta(hours=n)  # an hour apart: no speed signal
    return {
        "id": str(uuid.uuid4()),
        "outlet_id": outlet,
        "check_in": {
            "position": {"latitude": 30.2, "longitude": 120.1, "datum": "wgs84", "accuracy_m": 20},
            "client_at": check_in.isoformat(),
        },
        "steps": STEPS,
        "check_out": {"client_at": (check_in + timedelta(minutes=20)).isoformat()},
        "sent_at": datetime.now(UTC).isoformat(),
    }


async def drive(url: str, per_client: int, make_request) -> tuple[float, list[float]]:
    """50 tasks each sending `per_client` requests back to back; returns (requests/s, latencies in ms)."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def one_client(c: int) -> None:
            for i in range(per_client):
                method, path, kwargs = make_request(c, i)
                started = time.perf_counter()
                answer = await client.request(method, path, **kwargs)
                latencies.append((time.perf_counter() - started) * 1000)
                if answer.status_code >= 300:
                    raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")

        started = time.perf_counter()
        await asyncio.gather(*(one_client(c) for c in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies


def wait_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise TimeoutError(url)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), int(sys.argv[3]))
        return
    args = parse_args(__doc__.splitlines()[0])
    per_client = 20 if args.quick else 120
    with benchmark_servers() as infra:
        reps = seed(infra.settings, infra.issuer)
        port_visits, port_bare = free_port(), free_port()
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.visits_submit", "--serve", str(port_visits), str(port_bare)],
            env=os.environ.copy(),
        )
        try:
            visits_url, bare_url = f"http://127.0.0.1:{port_visits}", f"http://127.0.0.1:{port_bare}"
            wait_up(visits_url + "/healthz")
            wait_up(bare_url + "/constant")

            def visit_request(c: int, i: int):
                headers, outlets = reps[c]
                return "POST", "/visits", {"json": submission(outlets[i % OUTLETS_PER_REP], i), "headers": headers}

            asyncio.run(drive(visits_url, 4, visit_request))  # warm-up: connections, pools, caches
            rate, latencies = asyncio.run(drive(visits_url, per_client, visit_request))
            p99 = percentile(latencies, 99)
            print(
                f"visits: {len(latencies)} submissions at {rate:.0f}/s, p50 {percentile(latencies, 50):.0f} ms, "
                f"p99 {p99:.0f} ms",
                flush=True,
            )
            asyncio.run(drive(bare_url, 4, lambda c, i: ("GET", "/constant", {})))
            bare_rate, bare_latencies = asyncio.run(
                drive(bare_url, per_client * 4, lambda c, i: ("GET", "/constant", {}))
            )
            print(
                f"bare: {len(bare_latencies)} requests at {bare_rate:.0f}/s, "
                f"p99 {percentile(bare_latencies, 99):.0f} ms",
                flush=True,
            )
        finally:
            child.terminate()
            child.wait(30)
    print(
        figures(
            visits_per_s=round(rate), p99_ms=round(p99), bare_rps=round(bare_rate), ratio=round(rate / bare_rate, 3)
        )
    )


if __name__ == "__main__":
    main()
