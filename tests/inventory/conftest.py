"""Fixtures for inventory API tests: a territory inventory knows (company → two regions → offices), SKUs."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from services.inventory import db as inventory_db
from tests.support import create_org_unit, unique, wait_until


@pytest.fixture(scope="module")
def territory(clients, admin, workers):
    """company → east → east office, company → west; learned by inventory from targets' events."""
    company = create_org_unit(clients["targets"], admin, kind="company")
    east = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    west = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    office = create_org_unit(clients["targets"], admin, kind="office", parent_id=east["id"])
    for unit in (office, west):
        wait_until(
            lambda unit=unit: clients["inventory"].get(f"/org-units/{unit['id']}", headers=admin).status_code == 200,
            message="inventory to learn the org tree",
        )
    return {"company": company, "east": east, "west": west, "office": office}


def make_sku(client, headers, **fields) -> dict:
    body = {
        "code": unique("SKU"),
        "name": "Jasmine tea 500 ml",
        "category": "beverages",
        "brand": "Spring Hill",
        "unit": "bottle",
        "case_size": 24,
        "shelf_life_days": 180,
        "list_price": "3.50",
        **fields,
    }
    answer = client.post("/skus", headers=headers, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def make_dealer(client, headers, org_unit_id, **fields) -> dict:
    body = {"code": unique("D"), "name": "Test dealer", "org_unit_id": org_unit_id, **fields}
    answer = client.post("/dealers", headers=headers, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def outbox_events(engines, key: str) -> list[dict]:
    """Envelopes recorded in inventory's outbox for one aggregate key, oldest first."""
    outbox = inventory_db.outbox
    with engines["inventory"].connect() as conn:
        values = conn.scalars(select(outbox.c.value).where(outbox.c.key == key).order_by(outbox.c.id)).all()
    return [json.loads(v) for v in values]
