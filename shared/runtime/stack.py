"""The whole system on one machine: servers from packages, migrations, and every service's processes."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import psutil

from shared.runtime.supervise import Processes
from shared.settings import SERVICE_PORTS, SERVICES, Settings

ROOT = Path(__file__).resolve().parents[2]


class Infrastructure:
    """PostgreSQL and the broker: the ones named by DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS, else local ones."""

    def __init__(self, state_dir: Path, *, pg_port: int, broker_port: int, database: str = "salesops"):
        self.state_dir = state_dir
        self.pg_port = pg_port
        self.broker_port = broker_port
        self.database = database
        self._stack = ExitStack()

    def __enter__(self) -> Infrastructure:
        from shared.auth import LocalIssuer
        from shared.runtime.broker import LocalBroker
        from shared.runtime.postgres import LocalPostgres

        self.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            if not os.environ.get("DATABASE_URL"):
                pg = LocalPostgres(self.state_dir / "pgdata", self.pg_port).start()
                self._stack.callback(pg.stop)
                pg.create_database(self.database)
                os.environ["DATABASE_URL"] = pg.url(self.database)
            if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
                broker = LocalBroker(self.broker_port, self.state_dir / "broker.log").start()
                self._stack.callback(broker.stop)
                os.environ["KAFKA_BOOTSTRAP_SERVERS"] = broker.bootstrap_servers
            if not os.environ.get("AUTH_JWKS_URL"):
                self.issuer = LocalIssuer(self.state_dir)
                os.environ["AUTH_JWKS_URL"] = str(self.issuer.jwks_path)
        except BaseException:
            self._stack.close()
            raise
        self.settings = Settings()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def migrate(self) -> None:
        from shared.events.catalog import REGISTRY
        from shared.kafka import ensure_topics
        from shared.migrations import migrate_all

        migrate_all(self.settings)
        ensure_topics(self.settings, REGISTRY.topics())


@contextmanager
def migrated_infrastructure(state_dir: Path, database: str) -> Iterator[Infrastructure]:
    """Fresh servers on free ports (or the ones named in the environment), migrated, with a local token
    issuer that the services trust: what the tests and the benchmarks run on."""
    from shared.auth import LocalIssuer
    from shared.runtime.broker import free_port

    issuer = LocalIssuer(state_dir)
    os.environ["AUTH_JWKS_URL"] = str(issuer.jwks_path)
    with Infrastructure(state_dir, pg_port=free_port(), broker_port=free_port(), database=database) as infra:
        infra.migrate()
        infra.issuer = issuer
        yield infra


def wait_ready(urls: list[str], timeout: float = 60.0) -> None:
    """Poll each /readyz until 200."""
    deadline = time.monotonic() + timeout
    pending = list(urls)
    while pending:
        try:
            if httpx.get(pending[0] + "/readyz", timeout=2).status_code == 200:
                pending.pop(0)
                continue
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"not ready: {pending}")
        time.sleep(0.1)


class LocalStack:
    """`salesops up`: infrastructure, migrations, four APIs and four workers."""

    def __init__(self, state_dir: Path, *, pg_port: int, broker_port: int):
        self.state_dir = state_dir
        self.infra = Infrastructure(state_dir, pg_port=pg_port, broker_port=broker_port)
        self.processes = Processes()

    def __enter__(self) -> LocalStack:
        self.infra.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        print("stopping…", flush=True)
        self.processes.stop()
        self.infra.__exit__(*exc)
        print("stopped", flush=True)

    def run_until_interrupted(self, demo: str | None = None) -> None:
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.infra.migrate()
        logs = self.state_dir / "logs"
        logs.mkdir(exist_ok=True)
        urls = {s: f"http://127.0.0.1:{SERVICE_PORTS[s]}" for s in SERVICES}
        # Locally all APIs share one process and all workers another: the same code as one process per service
        # (as deployed), at a quarter of the start-up cost on a small machine.
        self.processes.spawn("apis", "api", "all", log_dir=logs)
        self.processes.spawn("workers", "worker", "all", log_dir=logs)
        wait_ready(list(urls.values()))
        if demo:
            self._demo(demo)
        self._print_banner(urls, logs)
        while not stop.wait(0.5):
            self.processes.supervise()  # a child that died is restarted with backoff, not the end of the stack

    def _demo(self, size: str) -> None:
        """On an empty database, the demo company, so a newcomer lands in a living company (see README "Tour")."""
        from shared.auth import LocalIssuer
        from shared.demo.run import run

        run(self.infra.settings, LocalIssuer(self.state_dir), size=size, seed=1, only_if_empty=True)

    def _print_banner(self, urls: dict[str, str], logs: Path) -> None:
        from shared.auth import LocalIssuer

        token = LocalIssuer(self.state_dir).issue(role="admin")
        since_start = time.time() - psutil.Process().create_time()
        print(f"salesops is ready {since_start:.1f} s after the command started", flush=True)
        for service, url in urls.items():
            print(f"  {service:<10} {url}   docs: {url}/docs", flush=True)
        print(f"  postgres   {os.environ['DATABASE_URL']}", flush=True)
        print(f"  kafka      {os.environ['KAFKA_BOOTSTRAP_SERVERS']}", flush=True)
        print(f"  logs       {logs}", flush=True)
        print(f"admin token (12 h):\nexport TOKEN={token}", flush=True)
        print("Ctrl-C stops everything.", flush=True)
