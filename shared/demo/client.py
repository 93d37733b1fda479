"""How the demo talks to the system: each service's public REST API and the ERP topics, nothing else."""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import httpx

from shared.demo.company import Company, Person


class Issuer(Protocol):
    def issue(
        self, *, role: str, org_unit: str | None = ..., subject: str | None = ..., person_id: str | None = ...
    ) -> str: ...


class Publish(Protocol):
    def __call__(self, topic: str, messages: Iterable[tuple[str, dict[str, Any]]]) -> None: ...


class DemoError(RuntimeError):
    """A service refused what the demo sent: the answer is in the message."""


OK = (200, 201, 202, 204)


class Api:
    """Calls with the right caller's token; waits out `503 + Retry-After` (a unit the service has not learnt yet)."""

    def __init__(self, clients: Mapping[str, httpx.Client], issuer: Issuer, publish: Publish, company: Company):
        self.clients = clients
        self.issuer = issuer
        self.publish = publish
        self.company = company
        self._tokens: dict[tuple[str, str, str], dict[str, str]] = {}

    def headers(self, role: str, org_unit: uuid.UUID | None = None, person: Person | None = None) -> dict[str, str]:
        key = (role, str(org_unit or ""), str(person.id if person else ""))
        if key not in self._tokens:
            token = self.issuer.issue(
                role=role,
                org_unit=str(org_unit) if org_unit else None,
                subject=f"demo-{role}-{person.id if person else org_unit or 'all'}",
                person_id=str(person.id) if person else None,
            )
            self._tokens[key] = {"Authorization": f"Bearer {token}"}
        return self._tokens[key]

    @property
    def admin(self) -> dict[str, str]:
        return self.headers("admin")

    def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: Any = None,
        ok: tuple[int, ...] = OK,
        content: bytes | None = None,
        content_type: str = "application/json",
        timeout: float = 60.0,
    ) -> httpx.Response:
        deadline = time.monotonic() + timeout
        while True:
            extra = {"content-type": content_type} if content is not None else {}
            answer = self.clients[service].request(
                method, path, headers={**(headers or self.admin), **extra}, json=body, content=content
            )
            # 503: the service has not learnt a unit yet; 404 on a read while events are still on their way.
            if answer.status_code == 503 and time.monotonic() < deadline:
                time.sleep(min(float(answer.headers.get("Retry-After", "0.2")), 0.5))
                continue
            if answer.status_code not in ok:
                raise DemoError(f"{method} {service}{path} -> {answer.status_code}: {answer.text[:500]}")
            return answer

    def exists(self, service: str, path: str) -> bool:
        return self.call(service, "GET", path, ok=(200, 404)).status_code == 200

    def wait_exists(self, service: str, path: str) -> None:
        self.wait(f"{path} in {service}", functools.partial(self.exists, service, path))

    def wait(self, what: str, check: Callable[[], bool], timeout: float = 120.0) -> None:
        """Until the system shows what was sent (events travel between services)."""
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise DemoError(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(0.2)


def kafka_publisher(bootstrap_servers: str) -> Publish:
    """Plain JSON messages keyed by their id, as an ERP system sends them."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=20, acks="all")

    def publish(topic: str, messages: Iterable[tuple[str, dict[str, Any]]]) -> None:
        futures = [producer.send(topic, key=k.encode(), value=json.dumps(m).encode()) for k, m in messages]
        producer.flush(60)
        for future in futures:
            future.get(60)

    return publish
