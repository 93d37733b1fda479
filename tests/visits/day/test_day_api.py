"""Route optimisation over HTTP and the rep's day: optimised order, steps, last findings, ETag / 304."""

from __future__ import annotations

import uuid

from tests.visits.conftest import make_outlet


def north(clients, admin, territory, *offsets, grade="A", owner=None):
    """Outlets due north of (30.27, 120.15), at 0.01 deg (1112 m) steps."""
    return [
        make_outlet(
            clients,
            admin,
            territory["office"],
            grade=grade,
            location={"latitude": 30.27 + 0.01 * k, "longitude": 120.15},
            owner_rep_id=owner and str(owner),
        )
        for k in offsets
    ]


def test_optimise_orders_legs_and_arrivals(clients, admin, token, territory):
    far, near, middle = north(clients, admin, territory, 3, 1, 2)
    supervisor = token("supervisor", org_unit=territory["office"])
    body = {
        "start": {"latitude": 30.27, "longitude": 120.15},
        "start_time": "08:00",
        "outlet_ids": [far["id"], near["id"], middle["id"]],
    }
    answer = clients["visits"].post("/routes/optimise", json=body, headers=supervisor)
    assert answer.status_code == 200, answer.text
    legs = answer.json()["legs"]
    assert [leg["outlet_id"] for leg in legs] == [near["id"], middle["id"], far["id"]]
    assert [leg["leg_m"] for leg in legs] == [1112, 1112, 1112]
    # 1112 m at 25 km/h = 2.7 min -> 3; 15 min in each outlet: 08:03, 08:03+15+3 = 08:21, 08:39
    assert [leg["arrival"] for leg in legs] == ["08:03", "08:21", "08:39"]
    assert answer.json()["total_m"] == 3336


def test_the_reps_day_in_order_with_findings_and_etag(clients, admin, token, territory):
    client = clients["visits"]
    rep = uuid.uuid4()
    far, near, middle = north(clients, admin, territory, 3, 1, 2, owner=rep)
    supervisor = token("supervisor", org_unit=territory["office"])
    route = {
        "rep_id": str(rep),
        "org_unit_id": territory["office"],
        "weekday": 1,
        "name": "Monday",
        "start": {"latitude": 30.27, "longitude": 120.15},
        "outlet_ids": [far["id"], near["id"], middle["id"]],
    }
    assert client.put("/routes", json=route, headers=supervisor).status_code == 200
    generated = client.post(
        "/schedule-generations",
        json={"org_unit_id": territory["office"], "period_start": "2026-03-02", "period_end": "2026-03-08"},
        headers=supervisor,
    )
    assert generated.status_code == 200, generated.text
    sid = client.get(f"/schedules?rep_id={rep}", headers=supervisor).json()[0]["id"]
    rep_headers = token("rep", org_unit=territory["office"], person_id=rep)
    # nothing published yet: the day is empty
    assert client.get(f"/reps/{rep}/day?on=2026-03-02", headers=rep_headers).json()["stops"] == []
    client.post(f"/schedules/{sid}/submit", headers=rep_headers)
    client.post(f"/schedules/{sid}/approve", headers=supervisor)
    client.post(f"/schedules/{sid}/publish", headers=supervisor)

    day = client.get(f"/reps/{rep}/day?on=2026-03-02", headers=rep_headers)
    assert day.status_code == 200, day.text
    stops = day.json()["stops"]
    assert [s["outlet_id"] for s in stops] == [near["id"], middle["id"], far["id"]]
    # supermarkets: stock_check, display, prices; grade A stays 20 min: 08:03, 08:03+20+3 = 08:26, 08:49
    assert stops[0]["steps"] == ["stock_check", "display", "prices"]
    assert [s["arrival"] for s in stops] == ["08:03", "08:26", "08:49"]
    assert "last" not in stops[0] and b": " not in day.content  # compact: no nulls, no spaces
    etag = day.headers["etag"]
    again = client.get(f"/reps/{rep}/day?on=2026-03-02", headers={**rep_headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""

    visit = {
        "id": str(uuid.uuid4()),
        "outlet_id": near["id"],
        "check_in": {
            "position": {"latitude": 30.28, "longitude": 120.15, "datum": "wgs84", "accuracy_m": 5},
            "client_at": "2026-02-23T09:00:00+08:00",
        },
        "steps": [{"step": "stock_check", "items": [{"sku": "SKU-2", "out_of_stock": True}]}],
        "check_out": {"client_at": "2026-02-23T09:30:00+08:00"},
        "sent_at": "2026-02-23T09:30:00+08:00",
    }
    assert client.post("/visits", json=visit, headers=rep_headers).status_code == 201
    changed = client.get(f"/reps/{rep}/day?on=2026-03-02", headers={**rep_headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    last = changed.json()["stops"][0]["last"]
    assert last["on"] == "2026-02-23" and last["out_of_stock"] == ["SKU-2"]

    stranger = token("rep", org_unit=territory["office"], person_id=uuid.uuid4())
    assert client.get(f"/reps/{rep}/day?on=2026-03-02", headers=stranger).status_code == 404
