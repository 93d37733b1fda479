"""The demo company: the same seed gives the same company, codes never collide between seeds, the tiny demo is
written through the APIs and ERP topics with the counts it promises, a second run changes nothing, and the audit
finds the planted problems."""

from __future__ import annotations

import random
from dataclasses import asdict

import pytest

from shared.demo import build, company, history
from shared.demo.client import Api, kafka_publisher


def test_the_same_seed_gives_the_same_company_and_history():
    first, again = company.build("small", 7), company.build("small", 7)
    assert [asdict(u) for u in first.units] == [asdict(u) for u in again.units]
    assert first.outlets == again.outlets and first.dealers == again.dealers and first.skus == again.skus
    one, two = history.build(first), history.build(again)
    assert one.orders == two.orders and one.stock_rows == two.stock_rows and one.visits == two.visits
    assert one.planted == two.planted
    other = history.build(company.build("small", 8))
    assert other.orders != one.orders


def test_small_size_is_a_whole_company():
    c = company.build("small", 7)
    h = history.build(c)
    kinds = {k: len(c.of_kind(k)) for k in ("company", "region", "province", "office", "team")}
    assert kinds == {"company": 1, "region": 3, "province": 6, "office": 6, "team": 6}
    assert len(c.skus) >= 200 and len({s.category for s in c.skus}) == 8
    assert len(c.dealers) == 18 and all(d.credit_limit > 0 for d in c.dealers)
    months = {str(o["ordered_on"])[:7] for o in h.orders}
    assert len(months) >= 12  # a year of orders

    # Seasonality: January (Spring Festival) sells more than July, dealer by dealer on average.
    def month_total(m: str) -> float:
        lines: list[dict] = [x for o in h.orders if str(o["ordered_on"]).startswith(m) for x in o["lines"]]  # type: ignore[attr-defined]
        return sum(float(x["quantity"]) * float(x["unit_price"]) for x in lines)

    assert month_total("2026-01") > 1.3 * month_total("2026-07")
    assert {p.rule for p in h.planted} == {
        "price_below_floor",
        "cross_region_goods",
        "checkin_far_from_outlet",
        "stock_days_out_of_band",
    }
    assert all(p.subjects for p in h.planted)


def test_codes_carry_the_seed_so_two_demos_share_a_database():
    a, b = company.build("tiny", 1), company.build("tiny", 11)

    def codes(c):
        return (
            {u.code for u in c.units}
            | {d.code for d in c.dealers}
            | {s.code for s in c.skus}
            | {o.code for o in c.outlets}
        )

    assert not codes(a) & codes(b)
    assert not {u.id for u in a.units} & {u.id for u in b.units}


@pytest.fixture(scope="module")
def demo_api(clients, infra, workers):
    seed = random.randrange(10_000, 99_999)  # the suite may run on a long-lived database
    c = company.build("tiny", seed)
    return Api(clients, infra.issuer, kafka_publisher(infra.settings.kafka_bootstrap_servers), c)


@pytest.fixture(scope="module")
def built(demo_api):
    return build.build(demo_api, say=print)


def test_the_tiny_demo_is_written_through_the_apis(demo_api, built):
    api, c, h = demo_api, built.company, built.history
    units = api.call("targets", "GET", "/org-units").json()
    root = next(u["path"] for u in units if u["id"] == str(c.root.id))
    assert sorted(u["code"] for u in units if u["path"].startswith(root)) == sorted(u.code for u in c.units)
    director = api.headers("director", c.root.id)  # lists answer for the caller's subtree: the demo company
    dealers = api.call("inventory", "GET", "/dealers", headers=director).json()
    assert sorted(d["code"] for d in dealers) == sorted(d.code for d in c.dealers)
    assert api.call("targets", "GET", f"/actuals/{c.root.id}").json()["orders"] == len(h.orders)
    outlets = [api.call("visits", "GET", f"/outlets/{o.id}").json() for o in c.outlets]
    assert [o["code"] for o in outlets] == [o.code for o in c.outlets]
    rep = c.with_role("rep")[0]
    mine = api.call("visits", "GET", f"/visits?rep_id={rep.id}&limit=200").json()
    assert len(mine) == len(h.visits[rep])
    plan = api.call("targets", "GET", f"/plans/{built.plan_id}").json()
    assert plan["status"] == "published" and plan["root_org_unit_id"] == str(c.root.id)


def test_the_audit_finds_the_planted_problems_and_nothing_else(demo_api, built):
    planted = {(p.rule, s) for p in built.history.planted for s in p.subjects}
    may_also = {(rule, s) for p in built.history.planted for s in p.subjects for rule in p.also}
    raised = {(f["rule"], f["subject"]) for f in build.findings(demo_api, built.company)}
    assert planted <= raised <= planted | may_also
    assert {p.rule for p in built.history.planted} == {
        "price_below_floor",
        "cross_region_goods",
        "checkin_far_from_outlet",
        "stock_days_out_of_band",
    }


def test_building_it_again_changes_nothing(demo_api, built):
    api, c = demo_api, built.company
    before = snapshot(api, c)
    again = build.build(api, say=print)
    assert set(again.created.values()) == {0}, again.created
    assert snapshot(api, c) == before


def snapshot(api, c):
    """What the services hold for the demo company, read through their APIs by its director."""
    director = api.headers("director", c.root.id)

    def rows(service, path):
        return api.call(service, "GET", path, headers=director).json()

    return {
        "actuals": rows("targets", f"/actuals/{c.root.id}"),
        "orders": sorted((o["erp_order_id"], o["total_amount"]) for o in rows("inventory", "/orders?limit=500")),
        "stock": sorted((r["dealer_id"], r["period_end"]) for r in rows("inventory", "/stock-reports?limit=500")),
        "shipments": sorted(
            (o["id"], o["status"], o["total_quantity"]) for o in rows("inventory", "/dealer-orders?limit=500")
        ),
        "visits": sorted(v["id"] for v in rows("visits", "/visits?limit=200")),
        "findings": sorted((f["rule"], f["subject"], f["period"]) for f in build.findings(api, c)),
    }
