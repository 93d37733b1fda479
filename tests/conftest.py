"""The suite runs on a real PostgreSQL and a real Kafka-protocol broker that it starts itself
(or on the servers named by DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS). It never skips for want of them."""

from __future__ import annotations

import importlib
import threading
import uuid

import pytest
from fastapi.testclient import TestClient

from shared.settings import SERVICES
from tests.support import bearer


@pytest.fixture(scope="session")
def infra(tmp_path_factory):
    """Real servers for the whole session; their data lives in a fresh temporary folder."""
    from shared.runtime.stack import migrated_infrastructure

    with migrated_infrastructure(tmp_path_factory.mktemp("state"), "salesops_test") as infra:
        yield infra


@pytest.fixture(scope="session")
def settings(infra):
    return infra.settings


@pytest.fixture(scope="session")
def engines(settings):
    from shared.db import make_engine

    made = {s: make_engine(settings.service_url(s), pool_size=5) for s in SERVICES}
    yield made
    for engine in made.values():
        engine.dispose()


@pytest.fixture(scope="session")
def apps(settings, engines):
    return {
        s: importlib.import_module(f"services.{s}.main").create_app(settings=settings, engine=engines[s])
        for s in SERVICES
    }


@pytest.fixture(scope="session")
def clients(apps):
    made = {s: TestClient(app, raise_server_exceptions=False) for s, app in apps.items()}
    yield made
    for client in made.values():
        client.close()


@pytest.fixture(scope="session")
def token(infra):
    """token(role, org_unit=None, subject=None, person_id=None) -> Authorization header for that caller."""

    def make(
        role: str = "admin",
        org_unit: uuid.UUID | str | None = None,
        subject: str | None = None,
        person_id: uuid.UUID | str | None = None,
    ) -> dict:
        return bearer(infra.issuer, role, org_unit=org_unit, person_id=person_id, subject=subject)

    return make


@pytest.fixture(scope="session")
def admin(token):
    return token("admin", subject="test-admin")


class Workers:
    """Each service's worker (relay + consumers) in a thread, startable and stoppable by tests."""

    def __init__(self, settings):
        self.settings = settings
        self.running: dict[str, tuple[threading.Thread, threading.Event]] = {}

    def start(self, *services: str) -> None:
        from shared.worker import run_worker

        for service in services or SERVICES:
            if service in self.running:
                continue
            spec = importlib.import_module(f"services.{service}.worker").SPEC
            stop = threading.Event()
            thread = threading.Thread(
                target=run_worker, args=(spec, self.settings, stop), daemon=True, name=f"test-worker-{service}"
            )
            thread.start()
            self.running[service] = (thread, stop)

    def stop(self, *services: str) -> None:
        for service in services or list(self.running):
            thread, stop = self.running.pop(service)
            stop.set()
            thread.join(30)
            assert not thread.is_alive(), f"{service} worker did not stop"


@pytest.fixture(scope="session")
def workers(settings):
    controller = Workers(settings)
    controller.start()
    yield controller
    controller.stop()
