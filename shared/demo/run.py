"""Building the demo against a running system (`salesops demo`, and `salesops up` on an empty database)."""

from __future__ import annotations

from contextlib import ExitStack

import httpx

from shared.demo import build, company
from shared.demo.client import Api, Issuer, kafka_publisher
from shared.settings import SERVICE_PORTS, SERVICES, Settings


def local_api(settings: Settings, issuer: Issuer, size: str, seed: int, stack: ExitStack) -> Api:
    clients = {
        s: stack.enter_context(httpx.Client(base_url=f"http://127.0.0.1:{SERVICE_PORTS[s]}", timeout=60))
        for s in SERVICES
    }
    return Api(clients, issuer, kafka_publisher(settings.kafka_bootstrap_servers), company.build(size, seed))


def empty(api: Api) -> bool:
    """No org unit at all: a fresh database, where `up` builds the demo."""
    return not api.call("targets", "GET", "/org-units").json()


def run(settings: Settings, issuer: Issuer, *, size: str, seed: int, only_if_empty: bool = False) -> None:
    with ExitStack() as stack:
        api = local_api(settings, issuer, size, seed, stack)
        if only_if_empty and not empty(api):
            print("the database already holds data: no demo built (`salesops demo` builds one anyway)", flush=True)
            return
        built = build.build(api, say=lambda line: print(line, flush=True))
        print("built: " + ", ".join(f"{k} {v}" for k, v in built.counts.items()), flush=True)
        for p in built.history.planted:
            print(f"  planted: {p.problem} -> rule {p.rule}, {len(p.subjects)} subject(s)", flush=True)
        print(f"  company {built.company.root.id}  plan {built.plan_id}", flush=True)
