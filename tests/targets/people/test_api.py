"""People with roles and their assignments over time through the targets API: history arithmetic on the real
database, who was where on a date (as the tree stood then), scoping and one event per change."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from services.targets import db as targets_db
from tests.support import bearer, create_org_unit, unique


def outbox_types(engines, key: str) -> list[str]:
    outbox = targets_db.outbox
    with engines["targets"].connect() as conn:
        values = conn.scalars(select(outbox.c.value).where(outbox.c.key == key).order_by(outbox.c.id)).all()
    return [json.loads(v)["type"] for v in values]


def create_person(
    client, headers, org_unit: dict, *, role: str = "rep", valid_from: str = "2025-01-01", **extra
) -> dict:
    answer = client.post(
        "/people",
        headers=headers,
        json={"name": unique("Person"), "role": role, "org_unit_id": org_unit["id"], "valid_from": valid_from, **extra},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def assign(client, headers, person: dict, org_unit: dict, valid_from: str, valid_to: str | None = None):
    body = {"org_unit_id": org_unit["id"], "valid_from": valid_from}
    if valid_to:
        body["valid_to"] = valid_to
    return client.post(f"/people/{person['id']}/assignments", headers=headers, json=body)


def periods(answer) -> list[tuple]:
    return [(a["org_unit_id"], a["valid_from"], a["valid_to"]) for a in answer.json()["assignments"]]


@pytest.fixture
def tree(clients, admin):
    """company → r1 → office → team; company → r2 → o2; r1 → o3."""
    api = clients["targets"]
    company = create_org_unit(api, admin, kind="company")
    r1 = create_org_unit(api, admin, kind="region", parent_id=company["id"])
    r2 = create_org_unit(api, admin, kind="region", parent_id=company["id"])
    office = create_org_unit(api, admin, kind="office", parent_id=r1["id"])
    team = create_org_unit(api, admin, kind="team", parent_id=office["id"])
    o2 = create_org_unit(api, admin, kind="office", parent_id=r2["id"])
    o3 = create_org_unit(api, admin, kind="office", parent_id=r1["id"])
    return dict(company=company, r1=r1, r2=r2, office=office, team=team, o2=o2, o3=o3)


def test_create_is_idempotent_and_published_once(clients, admin, engines, tree):
    api = clients["targets"]
    body = {"name": unique("Wang Fang"), "role": "rep", "org_unit_id": tree["office"]["id"], "valid_from": "2025-01-01"}
    key = {"Idempotency-Key": unique("key")}
    first = api.post("/people", headers={**admin, **key}, json=body)
    again = api.post("/people", headers={**admin, **key}, json=body)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    person = first.json()
    assert person["assignment"] == {"org_unit_id": tree["office"]["id"], "valid_from": "2025-01-01", "valid_to": None}
    assert outbox_types(engines, person["id"]) == ["targets.person.created"]
    assert api.get(f"/people/{person['id']}", headers=admin).json() == person


def test_reassignments_close_split_and_back_date_the_history(clients, admin, engines, tree):
    api = clients["targets"]
    office, o2, o3 = tree["office"]["id"], tree["o2"]["id"], tree["o3"]["id"]
    person = create_person(api, admin, tree["office"])
    # office since 01-01; o2 from 03-01 → office [01-01, 03-01), o2 [03-01, ∞)
    moved = assign(api, admin, person, tree["o2"], "2025-03-01")
    assert moved.status_code == 201, moved.text
    assert periods(moved) == [(office, "2025-01-01", "2025-03-01"), (o2, "2025-03-01", None)]
    # back-dated: o3 from 02-01 lasts until the recorded move on 03-01
    back_dated = assign(api, admin, person, tree["o3"], "2025-02-01")
    assert periods(back_dated) == [
        (office, "2025-01-01", "2025-02-01"),
        (o3, "2025-02-01", "2025-03-01"),
        (o2, "2025-03-01", None),
    ]
    # seconded to the office for two weeks in April: o2 resumes on 04-15
    seconded = assign(api, admin, person, tree["office"], "2025-04-01", "2025-04-15")
    assert periods(seconded)[2:] == [
        (o2, "2025-03-01", "2025-04-01"),
        (office, "2025-04-01", "2025-04-15"),
        (o2, "2025-04-15", None),
    ]
    # the same request again changes nothing and publishes nothing
    assert periods(assign(api, admin, person, tree["office"], "2025-04-01", "2025-04-15")) == periods(seconded)
    assert periods(api.get(f"/people/{person['id']}/assignments", headers=admin)) == periods(seconded)
    assert outbox_types(engines, person["id"]) == ["targets.person.created"] + ["targets.person.assigned"] * 3
    outbox = targets_db.outbox
    with engines["targets"].connect() as conn:
        last = json.loads(
            conn.scalars(
                select(outbox.c.value).where(outbox.c.key == person["id"]).order_by(outbox.c.id.desc())
            ).first()
        )["data"]
    assert (last["valid_from"], last["valid_to"], len(last["assignments"])) == ("2025-04-01", "2025-04-15", 5)


def test_a_period_that_ends_before_it_starts_is_422_naming_valid_to(clients, admin, tree):
    api = clients["targets"]
    person = create_person(api, admin, tree["office"])
    answer = assign(api, admin, person, tree["o2"], "2025-03-01", "2025-03-01")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "valid_to"


def test_where_a_person_was_on_a_date(clients, admin, tree):
    api = clients["targets"]
    person = create_person(api, admin, tree["team"])
    assert assign(api, admin, person, tree["o2"], "2025-03-01").status_code == 201
    before = api.get(f"/people/{person['id']}/placement", params={"on": "2025-02-28"}, headers=admin).json()
    assert (before["org_unit_id"], before["path"], before["valid_to"]) == (
        tree["team"]["id"],
        tree["team"]["path"],
        "2025-03-01",
    )
    after = api.get(f"/people/{person['id']}/placement", params={"on": "2025-03-01"}, headers=admin).json()
    assert (after["org_unit_id"], after["org_unit_code"], after["valid_from"]) == (
        tree["o2"]["id"],
        tree["o2"]["code"],
        "2025-03-01",
    )
    nowhere = api.get(f"/people/{person['id']}/placement", params={"on": "2024-12-31"}, headers=admin)
    assert nowhere.status_code == 404 and nowhere.json()["errors"][0]["field"] == "on"
    on_day = api.get(f"/people/{person['id']}", params={"on": "2025-02-01"}, headers=admin).json()
    assert on_day["assignment"]["org_unit_id"] == tree["team"]["id"]


def test_who_was_in_a_unit_follows_the_tree_as_it_stood_that_day(clients, admin, tree):
    api = clients["targets"]
    rep = create_person(api, admin, tree["team"])
    boss = create_person(api, admin, tree["r1"], role="region_manager")
    moved = api.post(
        f"/org-units/{tree['office']['id']}/move",
        headers=admin,
        json={"parent_id": tree["r2"]["id"], "effective_date": "2025-06-01"},
    )
    assert moved.status_code == 200, moved.text

    def members(unit: str, on: str, **params) -> dict[str, str]:
        answer = api.get(f"/org-units/{tree[unit]['id']}/people", params={"on": on, **params}, headers=admin)
        assert answer.status_code == 200, answer.text
        return {m["person_id"]: m["path"] for m in answer.json()}

    old_team_path = tree["team"]["path"]
    new_team_path = f"{tree['r2']['path']}.{tree['office']['path'].rsplit('.', 1)[1]}.{old_team_path.rsplit('.', 1)[1]}"
    assert members("r1", "2025-05-31") == {rep["id"]: old_team_path, boss["id"]: tree["r1"]["path"]}
    assert members("r1", "2025-06-01") == {boss["id"]: tree["r1"]["path"]}
    assert members("r2", "2025-06-01") == {rep["id"]: new_team_path}
    assert members("r2", "2025-05-31") == {}
    assert members("r1", "2025-05-31", subtree="false", role="region_manager") == {boss["id"]: tree["r1"]["path"]}
    assert members("office", "2025-05-31", subtree="false") == {}  # the rep sits in the team, not the office
    assert members("r1", "2024-12-31") == {}  # nobody had joined yet
    placed = api.get(f"/people/{rep['id']}/placement", params={"on": "2025-05-31"}, headers=admin).json()
    assert placed["path"] == old_team_path


def test_people_are_scoped_to_the_callers_subtree_and_a_rep_sees_only_themselves(clients, admin, token, infra, tree):
    api = clients["targets"]
    in_r1 = create_person(api, admin, tree["office"])
    in_r2 = create_person(api, admin, tree["o2"])
    r1_manager = token("region_manager", tree["r1"]["id"])
    listed = {p["id"] for p in api.get("/people", params={"under": tree["r1"]["id"]}, headers=r1_manager).json()}
    assert in_r1["id"] in listed and in_r2["id"] not in listed
    assert {p["id"] for p in api.get("/people", headers=r1_manager).json()} == listed
    assert api.get(f"/people/{in_r2['id']}", headers=r1_manager).status_code == 404
    assert api.get(f"/people/{in_r2['id']}/assignments", headers=r1_manager).status_code == 404
    assert api.get("/people", params={"under": tree["r2"]["id"]}, headers=r1_manager).status_code == 404
    rep = bearer(infra.issuer, "rep", tree["office"]["id"], person_id=in_r1["id"])
    assert [p["id"] for p in api.get("/people", headers=rep).json()] == [in_r1["id"]]
    assert api.get(f"/people/{in_r1['id']}/placement", params={"on": "2025-01-01"}, headers=rep).status_code == 200
    colleague = create_person(api, admin, tree["office"])
    assert api.get(f"/people/{colleague['id']}", headers=rep).status_code == 404
    assert (
        api.get(f"/org-units/{tree['office']['id']}/people", params={"on": "2025-01-01"}, headers=rep).status_code
        == 403
    )
    assert api.get("/people", headers=bearer(infra.issuer, "rep", tree["office"]["id"])).json() == []


def test_who_may_create_and_reassign_whom(clients, admin, token, tree):
    api = clients["targets"]
    r1_manager = token("region_manager", tree["r1"]["id"])
    refused = api.post(
        "/people", headers=r1_manager, json={"name": "Boss", "role": "director", "org_unit_id": tree["office"]["id"]}
    )
    assert refused.status_code == 403 and refused.json()["errors"][0]["field"] == "role"
    outside = api.post(
        "/people", headers=r1_manager, json={"name": "Far", "role": "rep", "org_unit_id": tree["o2"]["id"]}
    )
    assert outside.status_code == 404 and outside.json()["errors"][0]["field"] == "org_unit_id"
    rep = create_person(api, r1_manager, tree["office"])
    assert rep["assignment"]["org_unit_id"] == tree["office"]["id"]
    assert assign(api, r1_manager, rep, tree["o3"], "2025-02-01").status_code == 201
    assert assign(api, r1_manager, rep, tree["o2"], "2025-03-01").status_code == 404  # not the manager's region
    peer = create_person(api, admin, tree["r1"], role="region_manager")
    assert assign(api, r1_manager, peer, tree["office"], "2025-03-01").status_code == 403
    supervisor = token("supervisor", tree["office"]["id"])
    assert (
        api.post(
            "/people", headers=supervisor, json={"name": "New", "role": "rep", "org_unit_id": tree["team"]["id"]}
        ).status_code
        == 403
    )
    director = token("director", tree["company"]["id"])
    assert assign(api, director, rep, tree["o2"], "2025-03-01").status_code == 201


def test_a_client_generated_id_cannot_be_taken_twice(clients, admin, tree):
    api = clients["targets"]
    person_id = str(uuid.uuid4())
    create_person(api, admin, tree["office"], id=person_id)
    again = api.post(
        "/people", headers=admin, json={"name": "Twin", "role": "rep", "org_unit_id": tree["o3"]["id"], "id": person_id}
    )
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "id"
