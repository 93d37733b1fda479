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


def test_the_day_shows_the_dealers_open_orders_and_the_running_promotions(clients, admin, token, territory):
    from tests.inventory.conftest import make_dealer, make_sku
    from tests.support import create_org_unit, wait_until

    client, inventory = clients["visits"], clients["inventory"]
    team = create_org_unit(clients["targets"], admin, kind="team", parent_id=territory["office"])["id"]
    wait_until(lambda: client.get(f"/org-units/{team}", headers=admin).status_code == 200)
    wait_until(lambda: inventory.get(f"/org-units/{team}", headers=admin).status_code == 200)
    sku = make_sku(inventory, token("director"), case_size=12, list_price="10.00")
    dealer = make_dealer(inventory, admin, team, credit_limit="100000.00")
    rep = uuid.uuid4()

    def supplied_outlet(channel):  # an outlet naming the dealer, once visits has its copy of the dealer
        body = {
            "code": f"O-{uuid.uuid4().hex[:8]}",
            "name": channel,
            "org_unit_id": team,
            "grade": "A",
            "loyalty": "loyal",
            "channel": channel,
            "dealer_id": dealer["id"],
            "owner_rep_id": str(rep),
            "location": {"latitude": 30.28, "longitude": 120.15},
        }
        made = []

        def created() -> bool:
            made.append(client.post("/outlets", json=body, headers=admin))
            return made[-1].status_code == 201

        wait_until(created, message="the dealer projected into visits")
        return made[-1].json()

    shop, canteen = supplied_outlet("supermarket"), supplied_outlet("restaurant")
    # Orders of the dealer: one submitted (open), one cancelled (finished, not shown).
    dealer_rep = token("rep", org_unit=team)
    lines = [{"sku": sku["code"], "quantity": 24}]
    open_order = inventory.post("/dealer-orders", headers=dealer_rep, json={"dealer_id": dealer["id"], "lines": lines})
    assert open_order.status_code == 201, open_order.text
    assert inventory.post(f"/dealer-orders/{open_order.json()['id']}/submit", headers=dealer_rep).status_code == 200
    cancelled = inventory.post("/dealer-orders", headers=dealer_rep, json={"dealer_id": dealer["id"], "lines": lines})
    assert inventory.post(f"/dealer-orders/{cancelled.json()['id']}/cancel", headers=dealer_rep).status_code == 200
    # Promotions: the team's April bundle for supermarkets; the region's April offer for every channel; a March
    # one that is over by the day asked for.
    region_manager = token("region_manager", org_unit=territory["region"])
    promotions = [
        ("B-" + uuid.uuid4().hex[:6], team, ["supermarket"], "2026-04-01", "2026-04-30", "buy 2 get 1"),
        ("R-" + uuid.uuid4().hex[:6], territory["region"], [], "2026-04-06", "2026-04-12", "5% off"),
        ("M-" + uuid.uuid4().hex[:6], team, [], "2026-03-01", "2026-03-31", "old"),
    ]
    for code, unit, channels, starts, ends, mechanic in promotions:
        body = {"code": code, "name": code, "org_unit_id": unit, "starts_on": starts, "ends_on": ends}
        body.update(channels=channels, mechanic=mechanic, skus=[sku["code"]])
        assert client.post("/promotions", json=body, headers=region_manager).status_code == 201
    bundle, offer, old = (p[0] for p in promotions)
    rep_headers = token("rep", org_unit=team, person_id=rep)
    seen = {
        p["code"] for p in client.get("/promotions", params={"running_on": "2026-04-06"}, headers=rep_headers).json()
    }
    assert {bundle, offer} <= seen and old not in seen  # the region's promotions reach the team's rep

    supervisor = token("supervisor", org_unit=team)
    route = {
        "rep_id": str(rep),
        "org_unit_id": team,
        "weekday": 1,
        "name": "Mon",
        "outlet_ids": [shop["id"], canteen["id"]],
    }
    assert client.put("/routes", json=route, headers=supervisor).status_code == 200
    week = {"org_unit_id": team, "period_start": "2026-04-06", "period_end": "2026-04-12"}
    assert client.post("/schedule-generations", json=week, headers=supervisor).status_code == 200
    sid = client.get(f"/schedules?rep_id={rep}", headers=supervisor).json()[0]["id"]
    for action, who in (("submit", rep_headers), ("approve", supervisor), ("publish", supervisor)):
        assert client.post(f"/schedules/{sid}/{action}", headers=who).status_code == 200

    def day():
        return client.get(f"/reps/{rep}/day?on=2026-04-06", headers=rep_headers)

    wait_until(lambda: "orders" in day().json()["stops"][0], message="the dealer order projected into visits")
    answer = day().json()
    stops = {s["outlet_id"]: s for s in answer["stops"]}
    expected_order = {"id": open_order.json()["id"], "status": "submitted", "qty": 24, "amount": "240.00"}
    assert stops[shop["id"]]["orders"] == stops[canteen["id"]]["orders"] == [expected_order]
    assert stops[shop["id"]]["promos"] == sorted([bundle, offer]) and stops[canteen["id"]]["promos"] == [offer]
    assert {p["code"]: p["mechanic"] for p in answer["promotions"]} == {bundle: "buy 2 get 1", offer: "5% off"}
    # The ETag covers orders and promotions: a new promotion, or the order moving on, changes it.
    etag = day().headers["etag"]
    assert (
        client.get(f"/reps/{rep}/day?on=2026-04-06", headers={**rep_headers, "If-None-Match": etag}).status_code == 304
    )
    body = {"code": "N-" + uuid.uuid4().hex[:6], "name": "n", "org_unit_id": team, "starts_on": "2026-04-06"}
    body.update(ends_on="2026-04-06", mechanic="free sample")
    assert client.post("/promotions", json=body, headers=supervisor).status_code == 201
    assert day().headers["etag"] != etag
    etag = day().headers["etag"]
    assert inventory.post(f"/dealer-orders/{open_order.json()['id']}/cancel", headers=dealer_rep).status_code == 200
    wait_until(lambda: day().headers["etag"] != etag, message="the cancelled order projected into visits")
    assert all("orders" not in s for s in day().json()["stops"])
