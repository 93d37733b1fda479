"""One dealer's weekly stock report through the API: the seed's formulas on hand-worked numbers, last closing as
the default opening, rejected lines naming the line, events, explanations, retries and scope."""

from __future__ import annotations

import uuid

import pytest

from tests.inventory.conftest import make_dealer, make_sku, outbox_events


@pytest.fixture
def shop(clients, admin, token, territory):
    director = token("director")
    sku = make_sku(clients["inventory"], director, case_size=12, shelf_life_days=180)
    dealer = make_dealer(clients["inventory"], admin, territory["office"]["id"])
    rep = token("rep", org_unit=territory["office"]["id"])
    return {"sku": sku, "dealer": dealer, "rep": rep}


def report(dealer, period_end, *lines, **extra) -> dict:
    return {"dealer_id": dealer["id"], "period_end": period_end, "lines": list(lines), **extra}


def test_two_weeks_derive_sold_safety_stock_stock_days_band_and_order(clients, engines, shop):
    api, sku, rep = clients["inventory"], shop["sku"], shop["rep"]
    week1 = api.post(
        "/stock-reports",
        headers=rep,
        json=report(
            shop["dealer"],
            "2026-03-08",
            {
                "sku": sku["code"],
                "opening": 300,
                "received": 400,
                "closing": 210,
                "batches": [{"code": "B1", "produced_on": "2026-02-01", "quantity": 210}],
            },
        ),
    )
    assert week1.status_code == 201, week1.text
    line = week1.json()["lines"][0]
    # sold 300 + 400 − 210 = 490 (70 a day); 210 / 70 = 3.0 days → low; no previous week → safety 0;
    # cover 22.5 × 70 = 1575 − 210 = 1365 → 113.75 cases of 12 → 114 cases = 1368
    assert (line["sold"], line["stock_days"], line["band"], line["safety_stock"]) == (490, "3.0", "low", "0.0")
    assert line["suggested_order"] == 1368
    assert line["oldest_age_days"] == 35  # 2026-02-01 → 2026-03-08: 27 + 8
    assert line["near_expiry"] == 0 and "no_previous_period" in line["flags"]
    assert line["explanation"][-1] == "suggested order = gap rounded up to whole cases of 12 = 1368"

    week2 = api.post(
        "/stock-reports",
        headers=rep,
        json=report(shop["dealer"], "2026-03-15", {"sku": sku["code"], "received": 1368, "closing": 1000}),
    )
    assert week2.status_code == 201, week2.text
    line = week2.json()["lines"][0]
    # opening defaults to last closing 210; sold 210 + 1368 − 1000 = 578; 1000 × 7 / 578 = 12.11 → 12.1 → low;
    # safety 490 × 1.5 = 735.0; cover ⌈578 × 22.5 / 7⌉ = ⌈1857.86⌉ = 1858; gap 1858 − 1000 = 858 → 71.5 → 72 cases = 864
    assert (line["opening"], line["sold"], line["stock_days"], line["band"]) == (210, 578, "12.1", "low")
    assert (line["safety_stock"], line["previous_sold"], line["suggested_order"]) == ("735.0", 490, 864)
    assert "batches_missing" in line["flags"]

    events = outbox_events(engines, shop["dealer"]["id"])
    types = [e["type"] for e in events]
    assert types.count("inventory.stock_report.submitted") == 2 and types.count("inventory.stock.alerts_raised") == 2
    submitted = [e for e in events if e["type"] == "inventory.stock_report.submitted"][-1]["data"]
    assert (submitted["lines"][0]["sold"], submitted["lines"][0]["suggested_order"]) == (578, 864)


def test_impossible_lines_are_rejected_naming_the_line_and_nothing_is_written(clients, token, shop):
    api, code = clients["inventory"], shop["sku"]["code"]
    other = make_sku(api, token("director"))["code"]
    bad = api.post(
        "/stock-reports",
        headers=shop["rep"],
        json=report(
            shop["dealer"],
            "2026-03-08",
            {"sku": code, "opening": 10, "received": 0, "closing": 10},
            {"sku": other, "opening": 10, "received": 5, "closing": 16},
            {"sku": "NO-SUCH-SKU", "opening": 1, "received": 0, "closing": 1},
        ),
    )
    assert bad.status_code == 422, bad.text
    fields = {e["field"]: e["reason"] for e in bad.json()["errors"]}
    assert "larger than opening + received = 15" in fields["lines[1].closing"]
    assert "not found" in fields["lines[2].sku"]
    assert api.get("/stock-reports", headers=shop["rep"], params={"dealer_id": shop["dealer"]["id"]}).json() == []
    missing_opening = api.post(
        "/stock-reports",
        headers=shop["rep"],
        json=report(shop["dealer"], "2026-03-08", {"sku": code, "received": 5, "closing": 1}),
    )
    assert missing_opening.status_code == 422
    assert missing_opening.json()["errors"][0]["field"] == "lines[0].opening"


def test_retry_with_the_same_id_returns_the_first_report_and_a_second_one_for_the_week_is_refused(clients, shop):
    api, code = clients["inventory"], shop["sku"]["code"]
    body = report(
        shop["dealer"], "2026-03-08", {"sku": code, "opening": 5, "received": 0, "closing": 5}, id=str(uuid.uuid4())
    )
    first = api.post("/stock-reports", headers=shop["rep"], json=body)
    again = api.post("/stock-reports", headers=shop["rep"], json=body)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    other = api.post("/stock-reports", headers=shop["rep"], json={**body, "id": str(uuid.uuid4())})
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "lines[0].period_end"


def test_dealers_and_reports_outside_the_callers_territory_are_not_found(clients, admin, token, territory, shop):
    api = clients["inventory"]
    west_dealer = make_dealer(api, admin, territory["west"]["id"])
    body = report(west_dealer, "2026-03-08", {"sku": shop["sku"]["code"], "opening": 5, "received": 0, "closing": 5})
    refused = api.post("/stock-reports", headers=shop["rep"], json=body)
    assert refused.status_code == 404 and refused.json()["errors"][0]["field"] == "dealer_id"
    written = api.post("/stock-reports", headers=admin, json=body)
    assert written.status_code == 201
    assert api.get(f"/stock-reports/{written.json()['id']}", headers=shop["rep"]).status_code == 404
    assert api.get(f"/stock-reports/{written.json()['id']}", headers=token("auditor")).status_code == 200


def test_band_from_the_company_policy_then_the_sku_then_the_dealer(clients, admin, token, territory):
    # a director acts within their own subtree (scope fails closed without an org unit)
    api, director = clients["inventory"], token("director", org_unit=territory["company"]["id"])
    policy = api.put(
        f"/stock-policies/{territory['company']['id']}",
        headers=director,
        json={"band_low_days": 10, "band_high_days": 14, "target_days": "12"},
    )
    assert policy.status_code == 200, policy.text
    plain, own_band = (
        make_sku(api, director, case_size=1),
        make_sku(api, director, case_size=1, band_low_days=2, band_high_days=3),
    )
    dealer = make_dealer(api, admin, territory["office"]["id"])
    lines = [{"sku": s["code"], "opening": 100, "received": 0, "closing": 72} for s in (plain, own_band)]
    answer = api.post("/stock-reports", headers=admin, json=report(dealer, "2026-03-08", *lines))
    assert answer.status_code == 201, answer.text
    by_sku = {line["sku"]: line for line in answer.json()["lines"]}
    # sold 28 (4 a day), 72 / 4 = 18.0 days: above the company's 10–14 → high; above the SKU's 2–3 → high
    assert (by_sku[plain["code"]]["band_low_days"], by_sku[plain["code"]]["band"]) == (10, "high")
    assert (by_sku[own_band["code"]]["band_high_days"], by_sku[own_band["code"]]["band"]) == (3, "high")
    # the company target is 12 days: 12 × 4 = 48 < 72 → nothing to order
    assert by_sku[plain["code"]]["suggested_order"] == 0
    wide = make_dealer(api, admin, territory["office"]["id"], band_low_days=15, band_high_days=30)
    answer = api.post("/stock-reports", headers=admin, json=report(wide, "2026-03-08", *lines))
    assert {line["band"] for line in answer.json()["lines"]} == {"normal"}  # the dealer's 15–30 wins
