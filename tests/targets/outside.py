"""Building blocks for outside-in targets tests (no tests here): org, people, dealers, SKUs and plans through the
HTTP APIs, ERP orders and payments through inventory, events on the real broker (the `workers` fixture runs
every service's relay and consumers)."""

from __future__ import annotations

import json

from kafka import KafkaConsumer, KafkaProducer

from shared.events.base import Envelope, Event
from tests.support import create_org_unit, unique, wait_until
from tests.targets.plans.support import add_rep

YEAR_END = "2026-12-31"


def ok(answer, status: int = 200) -> dict:
    assert answer.status_code == status, answer.text
    return answer.json()


def office_with_reps(clients, admin, *, parent_id: str, reps: int = 2) -> tuple[str, list[str]]:
    office = create_org_unit(clients["targets"], admin, kind="office", parent_id=parent_id)["id"]
    return office, [add_rep(clients["targets"], admin, office, unique(f"Rep {i + 1}")) for i in range(reps)]


def dealer_covered(clients, admin, office: str, shares: dict[str, str]) -> dict:
    """A dealer registered in inventory (once it knows the office) and covered in targets by the reps' shares."""
    targets, inventory = clients["targets"], clients["inventory"]
    wait_until(lambda: inventory.get(f"/org-units/{office}", headers=admin).status_code == 200, message="office")
    dealer = ok(
        inventory.post("/dealers", headers=admin, json={"code": unique("D"), "name": "D", "org_unit_id": office}), 201
    )
    wait_until(
        lambda: targets.get(f"/dealers/{dealer['id']}/coverage", headers=admin).status_code == 200,
        message="targets to learn the dealer",
    )
    reps = [{"person_id": p, "share": s} for p, s in shares.items()]
    ok(targets.put(f"/dealers/{dealer['id']}/coverage", headers=admin, json={"valid_from": "2026-01-01", "reps": reps}))
    return dealer


def published_plan(clients, admin, root: str, metric: str, decomposition: dict) -> str:
    """A 2026 plan decomposed and taken through submit, approve and publish by an admin."""
    api = clients["targets"]
    plan = ok(
        api.post(
            "/plans",
            headers=admin,
            json={
                "name": unique(f"{metric} 2026"),
                "metric": metric,
                "fiscal_year": 2026,
                "unit": "CNY",
                "rounding_step": "1",
                "root_org_unit_id": root,
            },
        ),
        201,
    )["id"]
    ok(api.post(f"/plans/{plan}/decomposition", headers=admin, json=decomposition))
    for action in ("submit", "approve", "publish"):
        ok(api.post(f"/plans/{plan}/{action}", headers=admin))
    return plan


def figures(client, headers, plan: str, kind: str, node: str, **params) -> dict:
    """A node's figures (kind: org-units or people), the year as of its last day unless told otherwise."""
    query = {"period": "2026", "as_of": YEAR_END, **params}
    return ok(client.get(f"/plans/{plan}/progress/{kind}/{node}", headers=headers, params=query))["figures"]


def publish_event(settings, event: Event, key: str | None = None) -> None:
    """Put an event on its topic as its producing service's relay would (an envelope keyed by the aggregate, or by
    `key`: another aggregate's key lands on that aggregate's partition, after what was sent there before)."""
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    try:
        envelope = Envelope.wrap(event, source="/salesops/inventory", correlation_id=None)
        producer.send(event.topic, key=(key or event.key()).encode(), value=envelope.model_dump_json().encode()).get(10)
    finally:
        producer.close()


def read_events(settings, topic: str, predicate, count: int, timeout: float = 60) -> list[dict]:
    """The envelopes on a topic (from its start) whose data satisfies the predicate, once `count` are there."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        consumer_timeout_ms=1000,
        group_id=unique("reader"),
    )
    found: list[dict] = []

    def enough() -> bool:
        found.extend(e for r in consumer if predicate((e := json.loads(r.value))["data"]))
        return len(found) >= count

    try:
        wait_until(
            enough,
            timeout=timeout,
            message=f"{count} events on {topic}",
        )
    finally:
        consumer.close()
    return found
