"""Offline sync: each operation once and in order, duplicates and reordered retries, the conflict rule
(visits kept as unplanned when the server changed the plan; stale plan changes refused), failures isolated."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from tests.visits.conftest import make_outlet


def published_week(clients, admin, token, territory):
    client = clients["visits"]
    rep = uuid.uuid4()
    outlet = make_outlet(clients, admin, territory["office"], owner_rep_id=str(rep))
    supervisor = token("supervisor", org_unit=territory["office"])
    route = {
        "rep_id": str(rep),
        "org_unit_id": territory["office"],
        "weekday": 1,
        "name": "Mon",
        "outlet_ids": [outlet["id"]],
    }
    assert client.put("/routes", json=route, headers=supervisor).status_code == 200
    week = {"org_unit_id": territory["office"], "period_start": "2026-03-02", "period_end": "2026-03-08"}
    assert client.post("/schedule-generations", json=week, headers=supervisor).status_code == 200
    sid = client.get(f"/schedules?rep_id={rep}", headers=supervisor).json()[0]["id"]
    rep_headers = token("rep", org_unit=territory["office"], person_id=rep)
    client.post(f"/schedules/{sid}/submit", headers=rep_headers)
    client.post(f"/schedules/{sid}/approve", headers=supervisor)
    client.post(f"/schedules/{sid}/publish", headers=supervisor)
    entry = client.get(f"/schedules/{sid}", headers=supervisor).json()["entries"][0]
    return outlet, rep_headers, supervisor, sid, entry


def visit(outlet, at="09:00", entry=None):
    return {
        "id": str(uuid.uuid4()),
        "outlet_id": outlet["id"],
        "schedule_entry_id": entry,
        "check_in": {
            "position": {"latitude": 30.2825, "longitude": 120.1332, "datum": "wgs84", "accuracy_m": 8},
            "client_at": f"2026-03-02T{at}:00+08:00",
        },
        "steps": [{"step": "stock_check", "items": [{"sku": "SKU-1", "quantity": "6"}]}],
        "check_out": {"client_at": f"2026-03-02T{at[:3]}30:00+08:00"},
        "sent_at": "2026-03-02T18:00:00+08:00",
    }


def test_a_day_offline_with_conflicts_duplicates_and_a_reordered_retry(clients, admin, token, territory, engines):
    client = clients["visits"]
    outlet, rep_headers, supervisor, sid, entry = published_week(clients, admin, token, territory)
    # While the phone was offline the supervisor moved the planned visit: the entry is now at version 2.
    moved = client.patch(
        f"/schedules/{sid}/entries/{entry['id']}", json={"planned_on": "2026-03-03", "version": 1}, headers=supervisor
    )
    assert moved.json()["version"] == 2
    planned_visit, extra_visit = visit(outlet, "09:00", entry["id"]), visit(outlet, "11:00")
    ops = [
        {"op_id": str(uuid.uuid4()), "kind": "submit_visit", "based_on_version": 1, "visit": planned_visit},
        {
            "op_id": str(uuid.uuid4()),
            "kind": "move_planned_visit",
            "based_on_version": 1,
            "schedule_id": sid,
            "entry_id": entry["id"],
            "planned_on": "2026-03-04",
        },
        {"op_id": str(uuid.uuid4()), "kind": "submit_visit", "visit": extra_visit},
    ]
    ops.append(ops[2])  # the phone queued the same operation twice
    answer = client.post("/sync", json={"device_id": "phone-1", "operations": ops}, headers=rep_headers)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["outcome"], r["duplicate"]) for r in results] == [
        ("applied_unplanned", False),
        ("rejected", False),
        ("applied", False),
        ("applied", True),
    ]
    assert "changed on the server" in results[0]["conflict"] and "version 2" in results[1]["conflict"]
    # the visit happened and is kept, detached from the entry the supervisor changed; the server's move stands
    kept = client.get(f"/visits/{planned_visit['id']}", headers=rep_headers).json()
    assert kept["schedule_entry_id"] is None and kept["status"] == "completed"
    entries = client.get(f"/schedules/{sid}", headers=supervisor).json()["entries"]
    assert entries[0]["planned_on"] == "2026-03-03"
    # applied in order: the 11:00 visit sees the 09:00 one as the previous visit of the day
    speed = next(
        s
        for s in client.get(f"/visits/{extra_visit['id']}", headers=rep_headers).json()["authenticity_signals"]
        if s["name"] == "travel_speed"
    )
    assert "km/h" in speed["detail"]

    retry = client.post("/sync", json={"device_id": "phone-1", "operations": ops[::-1]}, headers=rep_headers)
    assert [r["op_id"] for r in retry.json()["results"]] == [o["op_id"] for o in ops[::-1]]
    assert all(r["duplicate"] for r in retry.json()["results"])
    assert [r["outcome"] for r in retry.json()["results"]][::-1] == [r["outcome"] for r in results]
    with engines["visits"].connect() as conn:
        count = conn.scalar(text("SELECT count(*) FROM visits.visits WHERE outlet_id = :o"), {"o": outlet["id"]})
    assert count == 2


def test_a_failing_operation_is_isolated_and_can_be_sent_again(clients, admin, token, territory, engines):
    client = clients["visits"]
    outlet, rep_headers, *_ = published_week(clients, admin, token, territory)
    elsewhere = make_outlet(clients, admin, territory["other_office"])
    bad, good = visit(elsewhere), visit(outlet, "14:00")
    ops = [
        {"op_id": str(uuid.uuid4()), "kind": "submit_visit", "visit": bad},
        {"op_id": str(uuid.uuid4()), "kind": "submit_visit", "visit": good},
    ]
    results = client.post("/sync", json={"device_id": "p", "operations": ops}, headers=rep_headers).json()["results"]
    assert results[0]["outcome"] == "failed" and results[0]["error"]["status"] == 404
    assert results[1]["outcome"] == "applied"
    with engines["visits"].connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM visits.visits WHERE id = :i"), {"i": bad["id"]}) == 0
    again = client.post("/sync", json={"device_id": "p", "operations": ops[:1]}, headers=rep_headers).json()
    assert again["results"][0]["outcome"] == "failed" and not again["results"][0]["duplicate"]


def test_another_rep_cannot_replay_an_op_id(clients, admin, token, territory):
    client = clients["visits"]
    outlet, rep_headers, *_ = published_week(clients, admin, token, territory)
    op = {"op_id": str(uuid.uuid4()), "kind": "submit_visit", "visit": visit(outlet, "16:00")}
    client.post("/sync", json={"device_id": "p", "operations": [op]}, headers=rep_headers)
    other = token("rep", org_unit=territory["office"], person_id=uuid.uuid4())
    replay = client.post("/sync", json={"device_id": "p", "operations": [op]}, headers=other).json()
    assert replay["results"][0]["outcome"] == "rejected" and replay["results"][0]["visit_id"] is None
