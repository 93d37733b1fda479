"""Renaming and moving org units through the targets API: paths of every descendant, history rows, refused
moves, scoping and one event per change (real database, no workers needed)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from services.targets import db as targets_db
from tests.support import create_org_unit, unique

MOVE_DAY = "2025-03-01"


def label(unit: dict) -> str:
    return unit["path"].rsplit(".", 1)[-1]


def outbox_types(engines, key: str) -> list[str]:
    outbox = targets_db.outbox
    with engines["targets"].connect() as conn:
        values = conn.scalars(select(outbox.c.value).where(outbox.c.key == key).order_by(outbox.c.id)).all()
    return [json.loads(v)["type"] for v in values]


def move(client, headers, unit: dict, parent: dict, day: str = MOVE_DAY):
    return client.post(
        f"/org-units/{unit['id']}/move", headers=headers, json={"parent_id": parent["id"], "effective_date": day}
    )


@pytest.fixture
def tree(clients, admin):
    """company → r1 → office → (t1, t2); r1 → o2; company → r2, r3."""
    api = clients["targets"]
    company = create_org_unit(api, admin, kind="company")
    r1, r2, r3 = (create_org_unit(api, admin, kind="region", parent_id=company["id"]) for _ in range(3))
    office = create_org_unit(api, admin, kind="office", parent_id=r1["id"])
    o2 = create_org_unit(api, admin, kind="office", parent_id=r1["id"])
    t1, t2 = (create_org_unit(api, admin, kind="team", parent_id=office["id"]) for _ in range(2))
    return dict(company=company, r1=r1, r2=r2, r3=r3, office=office, o2=o2, t1=t1, t2=t2)


def test_move_rewrites_every_descendant_path_and_records_history(clients, admin, engines, tree):
    api = clients["targets"]
    answer = move(api, admin, tree["office"], tree["r2"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    new_office_path = f"{tree['r2']['path']}.{label(tree['office'])}"
    assert (body["moved_units"], body["old_path"], body["old_parent_id"]) == (
        3,
        tree["office"]["path"],
        tree["r1"]["id"],
    )  # the office and its two teams
    assert (body["org_unit"]["path"], body["org_unit"]["parent_id"]) == (new_office_path, tree["r2"]["id"])
    listed = {u["id"]: u for u in api.get("/org-units", params={"under": tree["company"]["id"]}, headers=admin).json()}
    assert listed[tree["t1"]["id"]]["path"] == f"{new_office_path}.{label(tree['t1'])}"
    assert listed[tree["t2"]["id"]]["path"] == f"{new_office_path}.{label(tree['t2'])}"
    assert listed[tree["t1"]["id"]]["parent_id"] == tree["office"]["id"]  # a team keeps its parent
    assert listed[tree["o2"]["id"]]["path"] == tree["o2"]["path"]  # the sibling office stays
    assert api.get("/org-units", params={"under": tree["r1"]["id"]}, headers=admin).json() == [
        listed[tree["r1"]["id"]],
        listed[tree["o2"]["id"]],
    ]
    team_history = api.get(f"/org-units/{tree['t1']['id']}/history", headers=admin).json()
    assert [(h["valid_from"], h["valid_to"], h["parent_id"], h["path"]) for h in team_history] == [
        (None, MOVE_DAY, tree["office"]["id"], tree["t1"]["path"]),
        (MOVE_DAY, None, tree["office"]["id"], f"{new_office_path}.{label(tree['t1'])}"),
    ]
    office_history = api.get(f"/org-units/{tree['office']['id']}/history", headers=admin).json()
    assert [h["parent_id"] for h in office_history] == [tree["r1"]["id"], tree["r2"]["id"]]
    # One event for the whole subtree, keyed by the moved unit.
    assert outbox_types(engines, tree["office"]["id"]) == ["targets.org_unit.created", "targets.org_unit.moved"]
    assert outbox_types(engines, tree["t1"]["id"]) == ["targets.org_unit.created"]


def test_a_second_move_on_the_same_day_replaces_the_first(clients, admin, engines, tree):
    api = clients["targets"]
    assert move(api, admin, tree["office"], tree["r2"]).status_code == 200
    assert move(api, admin, tree["office"], tree["r3"]).status_code == 200
    history = api.get(f"/org-units/{tree['t2']['id']}/history", headers=admin).json()
    assert [(h["valid_from"], h["valid_to"], h["path"].split(".")[1]) for h in history] == [
        (None, MOVE_DAY, label(tree["r1"])),
        (MOVE_DAY, None, label(tree["r3"])),
    ]
    assert outbox_types(engines, tree["office"]["id"]).count("targets.org_unit.moved") == 2


def test_moving_to_the_current_parent_changes_nothing_and_publishes_nothing(clients, admin, engines, tree):
    again = move(clients["targets"], admin, tree["office"], tree["r1"])
    assert again.status_code == 200 and again.json()["moved_units"] == 0
    assert outbox_types(engines, tree["office"]["id"]) == ["targets.org_unit.created"]
    assert len(clients["targets"].get(f"/org-units/{tree['office']['id']}/history", headers=admin).json()) == 1


def test_a_unit_created_after_a_move_inherits_its_parents_history(clients, admin, tree):
    api = clients["targets"]
    assert move(api, admin, tree["office"], tree["r2"]).status_code == 200
    team = create_org_unit(api, admin, kind="team", parent_id=tree["office"]["id"])
    history = api.get(f"/org-units/{team['id']}/history", headers=admin).json()
    assert [(h["valid_from"], h["valid_to"], h["path"]) for h in history] == [
        (None, MOVE_DAY, f"{tree['office']['path']}.{label(team)}"),
        (MOVE_DAY, None, team["path"]),
    ]


@pytest.mark.parametrize(
    "unit, parent",
    [
        ("office", "t1"),  # below its own descendant
        ("office", "o2"),  # below another office
        ("r1", "r2"),  # a region below a region
        ("company", "r2"),
    ],
)  # a company never moves
def test_refused_moves_are_422_naming_parent_id(clients, admin, engines, tree, unit, parent):
    answer = move(clients["targets"], admin, tree[unit], tree[parent])
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["parent_id"]
    assert "targets.org_unit.moved" not in outbox_types(engines, tree[unit]["id"])


def test_a_move_cannot_take_effect_tomorrow_or_before_the_last_change(clients, admin, tree):
    api = clients["targets"]
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    assert move(api, admin, tree["office"], tree["r2"], tomorrow).json()["errors"][0]["field"] == "effective_date"
    assert move(api, admin, tree["office"], tree["r2"]).status_code == 200
    earlier = move(api, admin, tree["office"], tree["r3"], "2025-02-28")
    assert earlier.status_code == 422
    assert earlier.json()["errors"][0]["field"] == "effective_date" and MOVE_DAY in earlier.json()["detail"]
    # A team that moved on 03-01 pins its new office too: the office cannot move into it before then.
    late = move(api, admin, tree["t2"], tree["o2"], "2025-04-01")
    assert late.status_code == 200
    assert move(api, admin, tree["o2"], tree["r3"], "2025-03-15").status_code == 422


def test_moves_and_renames_stay_in_the_callers_subtree(clients, admin, token, tree):
    api = clients["targets"]
    r1_manager = token("region_manager", tree["r1"]["id"])
    refused = move(api, r1_manager, tree["office"], tree["r2"])
    assert refused.status_code == 404 and refused.json()["errors"][0]["field"] == "parent_id"
    assert move(api, token("region_manager", tree["r2"]["id"]), tree["office"], tree["r2"]).status_code == 404
    assert move(api, token("rep", tree["office"]["id"]), tree["t1"], tree["o2"]).status_code == 403
    assert api.patch(f"/org-units/{tree['r2']['id']}", headers=r1_manager, json={"name": "x"}).status_code == 404
    inside = move(api, r1_manager, tree["t1"], tree["o2"], date(2025, 5, 1).isoformat())
    assert inside.status_code == 200 and inside.json()["moved_units"] == 1
    director = token("director", tree["company"]["id"])
    assert move(api, director, tree["office"], tree["r2"], "2025-06-01").json()["moved_units"] == 2


def test_rename_publishes_once_per_change(clients, admin, engines, tree):
    api = clients["targets"]
    new_name = unique("East office")
    renamed = api.patch(f"/org-units/{tree['office']['id']}", headers=admin, json={"name": new_name})
    assert renamed.status_code == 200 and renamed.json()["name"] == new_name
    assert renamed.json()["path"] == tree["office"]["path"] and renamed.json()["code"] == tree["office"]["code"]
    assert api.patch(f"/org-units/{tree['office']['id']}", headers=admin, json={"name": new_name}).status_code == 200
    assert outbox_types(engines, tree["office"]["id"]) == ["targets.org_unit.created", "targets.org_unit.renamed"]
    assert api.get(f"/org-units/{tree['office']['id']}", headers=admin).json()["name"] == new_name
