"""An outlet's dealer obeys the caller's scope (issue 7, item 4): an East outlet naming a North dealer is refused
exactly like one naming a dealer that does not exist."""

import uuid

from services.visits import db
from services.visits.dealers.tables import dealers
from tests.support import unique


def _unit(conn, parent: tuple[uuid.UUID, str] | None, kind: str) -> tuple[uuid.UUID, str]:
    unit_id = uuid.uuid4()
    path = f"{parent[1]}.{unit_id.hex}" if parent else unit_id.hex
    conn.execute(
        db.org_units.insert().values(
            id=unit_id, parent_id=parent[0] if parent else None, kind=kind, code=unique(kind), name=kind, path=path
        )
    )
    return unit_id, path


def test_an_outlet_naming_a_dealer_of_another_region_is_404_like_an_unknown_dealer(clients, engines, token):
    with engines["visits"].begin() as conn:  # visits' copies of the org tree and of inventory's dealers
        company = _unit(conn, None, "company")
        east, north = _unit(conn, company, "region"), _unit(conn, company, "region")
        north_dealer, east_dealer = uuid.uuid4(), uuid.uuid4()
        conn.execute(
            dealers.insert(),
            [
                dict(id=north_dealer, code=unique("D"), name="North dealer", org_unit_id=north[0]),
                dict(id=east_dealer, code=unique("D"), name="East dealer", org_unit_id=east[0]),
            ],
        )
    manager = token("region_manager", org_unit=east[0])
    api = clients["visits"]
    for dealer in (north_dealer, uuid.uuid4()):
        body = {"code": unique("O"), "name": "Shop", "org_unit_id": str(east[0]), "dealer_id": str(dealer)}
        answer = api.post("/outlets", headers=manager, json=body)
        assert answer.status_code == 404, answer.text
        assert answer.json()["errors"] == [{"field": "dealer_id", "reason": f"dealer {dealer} not found"}]
        assert api.get("/outlets", headers=manager, params={"limit": 1000}).json() == []
    body = {"code": unique("O"), "name": "Shop", "org_unit_id": str(east[0]), "dealer_id": str(east_dealer)}
    assert api.post("/outlets", headers=manager, json=body).status_code == 201
