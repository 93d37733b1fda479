"""Coverage metrics over HTTP: one rep's planned and done visits, orders, time in store and owned outlets."""

from __future__ import annotations

import uuid

from tests.support import wait_until
from tests.visits.conftest import make_outlet, projected


def test_coverage_of_a_rep_and_the_team(clients, admin, token, territory):
    client = clients["visits"]
    team = (
        clients["targets"]
        .post(
            "/org-units",
            json={"kind": "team", "code": f"T-{uuid.uuid4().hex[:8]}", "name": "t", "parent_id": territory["office"]},
            headers=admin,
        )
        .json()
    )
    wait_until(lambda: projected(clients, admin, team["id"]))
    rep = uuid.uuid4()
    owned = [make_outlet(clients, admin, team["id"], owner_rep_id=str(rep)) for _ in range(3)]
    supervisor = token("supervisor", org_unit=team["id"])
    route = {
        "rep_id": str(rep),
        "org_unit_id": team["id"],
        "weekday": 1,
        "name": "Mon",
        "outlet_ids": [owned[0]["id"], owned[1]["id"]],
    }
    client.put("/routes", json=route, headers=supervisor)
    client.post(
        "/schedule-generations",
        json={"org_unit_id": team["id"], "period_start": "2026-03-02", "period_end": "2026-03-08"},
        headers=supervisor,
    )
    sid = client.get(f"/schedules?rep_id={rep}", headers=supervisor).json()[0]["id"]
    rep_headers = token("rep", org_unit=team["id"], person_id=rep)
    for action, who in (("submit", rep_headers), ("approve", supervisor), ("publish", supervisor)):
        client.post(f"/schedules/{sid}/{action}", headers=who)
    entry = next(
        e
        for e in client.get(f"/schedules/{sid}", headers=supervisor).json()["entries"]
        if e["outlet_id"] == owned[0]["id"]
    )

    def submit(outlet, minutes, steps, entry_id=None):
        body = {
            "id": str(uuid.uuid4()),
            "outlet_id": outlet["id"],
            "schedule_entry_id": entry_id,
            "check_in": {
                "position": {"latitude": 30.2825, "longitude": 120.1332, "datum": "wgs84", "accuracy_m": 5},
                "client_at": "2026-03-02T10:00:00+08:00",
            },
            "steps": steps,
            "check_out": {"client_at": f"2026-03-02T10:{minutes:02d}:00+08:00"},
            "sent_at": "2026-03-02T18:00:00+08:00",
        }
        answer = client.post("/visits", json=body, headers=rep_headers)
        assert answer.status_code == 201, answer.text

    submit(owned[0], 20, [{"step": "order", "lines": [{"sku": "SKU-1", "quantity": "6"}]}], entry["id"])
    submit(owned[2], 10, [])  # unplanned, no order
    answer = client.get(f"/coverage?org_unit_id={team['id']}&start=2026-03-02&end=2026-03-08", headers=supervisor)
    assert answer.status_code == 200, answer.text
    row = answer.json()["reps"][0]
    assert row["counts"] == {
        "planned": 2,
        "done_planned": 1,
        "visits": 2,
        "visits_with_order": 1,
        "minutes_in_store": 30.0,
        "outlets_owned": 3,
        "outlets_visited": 2,
    }
    # 1/2 planned done, 2/3 outlets covered, 30/2 = 15 min in store, 1/2 visits with an order
    assert row["metrics"] == {
        "plan_compliance": "0.5000",
        "coverage": "0.6667",
        "average_minutes_in_store": "15.0",
        "strike_rate": "0.5000",
    }
    assert answer.json()["total"]["counts"] == row["counts"]
    outsider = token("supervisor", org_unit=territory["other_office"])
    assert (
        client.get(f"/coverage?org_unit_id={team['id']}&start=2026-03-02&end=2026-03-08", headers=outsider).status_code
        == 404
    )
