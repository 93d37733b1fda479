"""Changing a published plan: adjustment requests approved by a manager above, new versions, cell-by-cell diffs."""

import json
from decimal import Decimal as D

from sqlalchemy import select

from services.targets import db
from tests.support import bearer
from tests.targets.plans.support import (
    TARGETS,
    cells,
    decomposed_plan,
    published_plan,
)


def change(unit, person, line, month, value) -> dict:
    return {"org_unit_id": unit, "person_id": person, "product_line": line, "month": month, "value": value}


def request(client, headers, plan_id, changes, reason="Typhoon closed the port in August"):
    return client.post(f"/plans/{plan_id}/adjustments", headers=headers, json={"reason": reason, "changes": changes})


def test_an_approved_adjustment_makes_a_new_version_and_every_version_stays_readable(
    clients, engines, infra, org, planner, director
):
    client = clients[TARGETS]
    plan = published_plan(client, org, planner, director)
    pid, a1, c1 = plan["id"], org.reps["a1"], org.reps["c1"]
    # a1/A/January was 188 and c1/B/December 20 (hand-worked in the fixtures).
    asked = request(client, planner, pid, [change(org.o1, a1, "A", 1, "300"), change(org.o3, c1, "B", 12, "0")])
    assert asked.status_code == 201, asked.text
    adjustment = asked.json()
    assert (adjustment["status"], adjustment["base_version"], adjustment["new_version"]) == ("pending", 1, None)
    own = client.post(f"/plans/{pid}/adjustments/{adjustment['id']}/approve", headers=planner)
    assert own.status_code == 403 and "their own" in own.json()["detail"]
    peer = client.post(
        f"/plans/{pid}/adjustments/{adjustment['id']}/approve",
        headers=bearer(infra.issuer, "region_manager", org.region),
    )
    assert peer.status_code == 403 and "above the requester" in peer.json()["detail"]
    approved = client.post(
        f"/plans/{pid}/adjustments/{adjustment['id']}/approve", headers=director, json={"note": "agreed"}
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["new_version"]) == ("approved", 2)
    again = client.post(f"/plans/{pid}/adjustments/{adjustment['id']}/approve", headers=director)
    assert again.status_code == 409 and "already approved" in again.json()["detail"]

    now = client.get(f"/plans/{pid}", headers=planner).json()
    assert (now["current_version"], now["published_version"], now["status"]) == (2, 2, "published")
    versions = client.get(f"/plans/{pid}/versions", headers=planner).json()
    assert [(v["version"], v["published"], v["based_on"], v["adjustment_id"]) for v in versions] == [
        (1, False, None, None),
        (2, True, 1, adjustment["id"]),
    ]
    old, new = cells(client, planner, pid, version=1), cells(client, planner, pid)
    assert old[(org.o1, a1, "A", 1)] == D(188) and new[(org.o1, a1, "A", 1)] == D(300)
    assert old[(org.o3, c1, "B", 12)] == D(20) and new[(org.o3, c1, "B", 12)] == D(0)
    assert sum(old.values()) == D(12000) and sum(new.values()) == D(12092)  # +112 - 20

    diff = client.get(f"/plans/{pid}/diff", headers=planner, params={"from_version": 1, "to_version": 2}).json()
    assert (diff["changed_cells"], D(diff["total_delta"])) == (2, D(92))
    assert {
        (d["person_id"], d["product_line"], d["month"]): (D(d["old_value"]), D(d["new_value"]), D(d["delta"]))
        for d in diff["cells"]
    } == {(a1, "A", 1): (D(188), D(300), D(112)), (c1, "B", 12): (D(20), D(0), D(-20))}
    back = client.get(f"/plans/{pid}/diff", headers=planner, params={"from_version": 2, "to_version": 1}).json()
    assert D(back["total_delta"]) == D(-92)

    why = client.get(
        f"/plans/{pid}/cells/explanation",
        headers=planner,
        params={"org_unit_id": org.o1, "person_id": a1, "product_line": "A", "month": 1},
    ).json()
    assert why["steps"][-1]["kind"] == "override"
    assert (
        "an approved adjustment set it from 188 CNY to 300 CNY because: Typhoon closed the port in August"
        in why["steps"][-1]["sentence"]
    )
    with engines[TARGETS].connect() as conn:
        value = conn.scalar(
            select(db.outbox.c.value).where(db.outbox.c.key == pid).order_by(db.outbox.c.id.desc()).limit(1)
        )
    event = json.loads(value)
    assert event["type"] == "targets.plan.adjusted"
    assert (event["data"]["previous_version"], event["data"]["published_version"], event["data"]["changed_cells"]) == (
        1,
        2,
        2,
    )


def test_rejection_and_a_stale_request_leave_the_version_alone(clients, org, planner, director):
    client = clients[TARGETS]
    plan = published_plan(client, org, planner, director)
    pid, a1 = plan["id"], org.reps["a1"]
    first = request(client, planner, pid, [change(org.o1, a1, "A", 2, "200")]).json()
    second = request(client, planner, pid, [change(org.o1, a1, "A", 3, "200")]).json()
    third = request(client, planner, pid, [change(org.o1, a1, "A", 4, "200")]).json()
    rejected = client.post(
        f"/plans/{pid}/adjustments/{third['id']}/reject", headers=director, json={"note": "no evidence"}
    )
    assert (rejected.json()["status"], rejected.json()["decision_note"]) == ("rejected", "no evidence")
    assert client.post(f"/plans/{pid}/adjustments/{first['id']}/approve", headers=director).status_code == 200
    stale = client.post(f"/plans/{pid}/adjustments/{second['id']}/approve", headers=director)
    assert stale.status_code == 409 and "moved from version 1 to 2" in stale.json()["detail"]
    pending = client.get(f"/plans/{pid}/adjustments", headers=director, params={"status": "pending"}).json()
    assert [a["id"] for a in pending] == [second["id"]]
    assert cells(client, planner, pid)[(org.o1, a1, "A", 4)] == D(188)


def test_adjustments_need_a_published_plan_a_reason_and_cells_in_scope(clients, infra, org, planner, director):
    client = clients[TARGETS]
    draft = decomposed_plan(client, org, planner)
    a1 = org.reps["a1"]
    early = request(client, planner, draft["id"], [change(org.o1, a1, "A", 1, "1")])
    assert early.status_code == 409 and "this plan is draft" in early.json()["detail"]
    plan = published_plan(client, org, planner, director)
    blank = request(client, planner, plan["id"], [change(org.o1, a1, "A", 1, "1")], reason="   ")
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"
    negative = request(client, planner, plan["id"], [change(org.o1, a1, "A", 1, "-1")])
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "changes[0].value"
    office_manager = bearer(infra.issuer, "supervisor", org.o3)
    outside = request(client, office_manager, plan["id"], [change(org.o1, a1, "A", 1, "1")])
    assert outside.status_code == 404 and outside.json()["errors"][0]["field"] == "changes[0].org_unit_id"
    rep = request(
        client, bearer(infra.issuer, "rep", org.o1, person_id=a1), plan["id"], [change(org.o1, a1, "A", 1, "1")]
    )
    assert rep.status_code == 403
