"""A territory for visits tests: a region and an office created in targets and projected into visits, an
outlet at a known WGS-84 position open every day 08:00-21:00, and two reps of the office."""

from __future__ import annotations

import uuid

import pytest

from tests.support import create_org_unit, unique, wait_until

OUTLET_POSITION = {"latitude": 30.2825, "longitude": 120.1332}  # Wensan Rd, Hangzhou (WGS-84)
EVERY_DAY = [{"weekday": d, "opens": "08:00", "closes": "21:00"} for d in range(1, 8)]


def projected(clients, admin, org_unit_id) -> bool:
    return clients["visits"].get(f"/org-units/{org_unit_id}", headers=admin).status_code == 200


@pytest.fixture(scope="module")
def territory(clients, admin, workers):
    company = create_org_unit(clients["targets"], admin, kind="company")
    region = create_org_unit(clients["targets"], admin, kind="region", parent_id=company["id"])
    office = create_org_unit(clients["targets"], admin, kind="office", parent_id=region["id"])
    other = create_org_unit(clients["targets"], admin, kind="office", parent_id=region["id"])
    for unit in (office, other):
        wait_until(lambda u=unit: projected(clients, admin, u["id"]), message="org unit projected into visits")
    return {"region": region["id"], "office": office["id"], "other_office": other["id"]}


def make_outlet(clients, admin, org_unit_id, **extra) -> dict:
    body = {
        "code": unique("O"),
        "name": "Lianhua Supermarket Wensan Rd",
        "org_unit_id": org_unit_id,
        "grade": "A",
        "loyalty": "loyal",
        "channel": "supermarket",
        "location": OUTLET_POSITION,
        "opening_hours": EVERY_DAY,
        **extra,
    }
    response = clients["visits"].post("/outlets", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def rep(token, territory):
    person = uuid.uuid4()
    return {"id": person, "headers": token("rep", org_unit=territory["office"], person_id=person)}


@pytest.fixture
def outlet(clients, admin, territory, rep):
    """An outlet of `rep`'s book: a rep visits only the outlets they own."""
    return make_outlet(clients, admin, territory["office"], owner_rep_id=str(rep["id"]))


@pytest.fixture
def other_rep(token, territory):
    person = uuid.uuid4()
    return {"id": person, "headers": token("rep", org_unit=territory["office"], person_id=person)}


@pytest.fixture(scope="module", autouse=True)
def default_policies(clients, admin):
    """Visit policies are global; other tests (the OpenAPI fuzzer) may have set any: start from the defaults."""
    from services.visits.policies.service import default_policy

    for grade in "ABCD":
        body = default_policy(grade).model_dump(exclude={"grade"})
        answer = clients["visits"].put(f"/visit-policies/{grade}", json=body, headers=admin)
        assert answer.status_code == 200, answer.text
