"""Progress through the targets API on the real database: figures worked by hand, ranking, roll-up to every
ancestor, date ranges, the holiday calendar, and subtree scoping (orders go in through the consumer handler)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from services.targets.actuals_service import apply_dealer_registered, apply_order_recorded
from services.targets.db_people import people, person_assignments
from services.targets.db_plans import target_cells, target_plans
from shared.consumer import Decoded
from shared.events.inventory import DealerRegistered, OrderRecorded
from tests.support import create_org_unit, unique

AS_OF = "2026-03-13"  # a Friday: 10 of March's 22 selling days have elapsed


def record_order(conn, dealer, org_unit, amount, day, *, status="confirmed", version=1, order_id=None):
    """An OrderRecorded event applied by the targets consumer handler, as the worker would."""
    order = OrderRecorded(
        order_id=order_id or uuid.uuid4(),
        erp_order_id=unique("SO"),
        erp_version=version,
        dealer_id=dealer,
        dealer_code=unique("D"),
        org_unit_id=org_unit,
        status=status,
        ordered_on=day,
        currency="CNY",
        total_quantity=D("1"),
        total_amount=D(amount),
        lines=[],
    )
    apply_order_recorded(conn, Decoded(OrderRecorded.topic, str(uuid.uuid4()), order))
    return order.order_id


def register_dealer(conn, org_unit) -> uuid.UUID:
    dealer = DealerRegistered(dealer_id=uuid.uuid4(), code=unique("D"), name="Dealer", org_unit_id=org_unit)
    apply_dealer_registered(conn, Decoded(DealerRegistered.topic, str(uuid.uuid4()), dealer))
    return dealer.dealer_id


def cover(client, headers, dealer, reps: dict, valid_from="2026-01-01"):
    answer = client.put(
        f"/dealers/{dealer}/coverage",
        headers=headers,
        json={"valid_from": valid_from, "reps": [{"person_id": str(p), "share": s} for p, s in reps.items()]},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def build_world(clients, admin, engines, metric="sales_amount", published=True):
    """company → region R (the plan's root) → offices O1 (reps r1, r2) and O2 (rep r3).

    March targets: r1 11,000 (6,000 + 5,000 over two product lines), r2 11,000, r3 22,000; February: r1 10,000.
    Orders up to 13 March: dealer d1 (O1, r1 and r2 half each) 8,000; d2 (O2, r3) 12,000; d3 (O1, nobody)
    1,000; a cancelled 500 on d1. After 13 March: d2 5,000 on the 20th.
    """
    api = clients["targets"]
    company = create_org_unit(api, admin, kind="company")
    region = create_org_unit(api, admin, kind="region", parent_id=company["id"])
    o1, o2 = (create_org_unit(api, admin, kind="office", parent_id=region["id"]) for _ in range(2))
    w = SimpleNamespace(
        company=uuid.UUID(company["id"]),
        region=uuid.UUID(region["id"]),
        o1=uuid.UUID(o1["id"]),
        o2=uuid.UUID(o2["id"]),
        r1=uuid.uuid4(),
        r2=uuid.uuid4(),
        r3=uuid.uuid4(),
        plan=uuid.uuid4(),
    )
    cells = [
        (w.o1, w.r1, "BEER", 3, "6000.00"),
        (w.o1, w.r1, "WINE", 3, "5000.00"),
        (w.o1, w.r2, "", 3, "11000.00"),
        (w.o2, w.r3, "", 3, "22000.00"),
        (w.o1, w.r1, "", 2, "10000.00"),
    ]
    with engines["targets"].begin() as conn:
        conn.execute(
            people.insert(),
            [dict(id=p, name=n, role="rep") for p, n in ((w.r1, "Rep One"), (w.r2, "Rep Two"), (w.r3, "Rep Three"))],
        )
        conn.execute(
            person_assignments.insert(),
            [
                dict(person_id=p, valid_from=date(2026, 1, 1), org_unit_id=u)
                for p, u in ((w.r1, w.o1), (w.r2, w.o1), (w.r3, w.o2))
            ],
        )
        conn.execute(
            target_plans.insert().values(
                id=w.plan,
                root_org_unit_id=w.region,
                name="Region sales 2026",
                metric=metric,
                fiscal_year=2026,
                unit="CNY",
                rounding_step=D("0.01"),
                status="published" if published else "draft",
                published_version=1 if published else None,
                current_version=1,
            )
        )
        conn.execute(
            target_cells.insert(),
            [
                dict(plan_id=w.plan, version=1, org_unit_id=u, person_id=p, product_line=line, month=m, value=D(v))
                for u, p, line, m, v in cells
            ],
        )
        w.d1, w.d2, w.d3 = register_dealer(conn, w.o1), register_dealer(conn, w.o2), register_dealer(conn, w.o1)
    cover(api, admin, w.d1, {w.r1: "0.5", w.r2: "0.5"})  # before the orders: the handler splits them
    with engines["targets"].begin() as conn:
        record_order(conn, w.d1, w.o1, "8000.00", date(2026, 3, 2))
        record_order(conn, w.d2, w.o2, "12000.00", date(2026, 3, 5))
        record_order(conn, w.d3, w.o1, "1000.00", date(2026, 3, 10))
        record_order(conn, w.d2, w.o2, "5000.00", date(2026, 3, 20))
        cancelled = record_order(conn, w.d1, w.o1, "500.00", date(2026, 3, 3))
        record_order(conn, w.d1, w.o1, "500.00", date(2026, 3, 3), status="cancelled", version=2, order_id=cancelled)
    cover(api, admin, w.d2, {w.r3: "1"})  # after the orders: the coverage change re-splits them
    return w


@pytest.fixture(scope="module")
def world(clients, admin, engines):
    return build_world(clients, admin, engines)


def query(**params) -> dict:
    """March as of the 13th unless told otherwise; None leaves a parameter out."""
    return {k: v for k, v in {"period": "2026-03", "as_of": AS_OF, **params}.items() if v is not None}


def unit_progress(client, headers, w, unit, **params):
    return client.get(f"/plans/{w.plan}/progress/org-units/{unit}", headers=headers, params=query(**params))


def person_progress(client, headers, w, person, **params):
    return client.get(f"/plans/{w.plan}/progress/people/{person}", headers=headers, params=query(**params))


def ok(answer) -> dict:
    assert answer.status_code == 200, answer.text
    return answer.json()


def rep_headers(infra, w, person, unit):
    jwt = infra.issuer.issue(role="rep", org_unit=str(unit), person_id=str(person), subject=unique("rep"))
    return {"Authorization": f"Bearer {jwt}"}


def test_rep_figures_worked_by_hand(clients, admin, world):
    body = ok(person_progress(clients["targets"], admin, world, world.r1))
    assert body["figures"] == {
        "target": "11000.00",  # 6,000 + 5,000 over two product lines
        "actual": "4000.00",  # half of d1's 8,000; the cancelled 500 counts zero
        "gap": "7000.00",  # 11,000 - 4,000
        "achievement_rate": "0.3636",  # 4,000 / 11,000
        "time_progress": "0.4545",  # 10 / 22 selling days
        "selling_days": 22,
        "elapsed_selling_days": 10,
        "remaining_selling_days": 12,
        "required_daily_run_rate": "583.33",  # 7,000 / 12
        "run_rate_forecast": "8800.00",  # 4,000 / 10 x 22
        "status": "behind",  # 0.3636 < 0.4545 - 0.05
    }
    assert (body["rank"], body["rank_of"]) == (1, 2)  # tied with r2 (also 4,000 of 11,000)
    assert (body["node"]["kind"], body["node"]["name"], body["node"]["org_unit_id"]) == (
        "person",
        "Rep One",
        str(world.o1),
    )
    # Roll-up: the region (root) then the office, each with its own figures and rank.
    assert [(a["node"]["id"], a["figures"]["actual"], a["rank"], a["rank_of"]) for a in body["ancestors"]] == [
        (str(world.region), "21000.00", 1, 1),  # 8,000 + 12,000 + 1,000 up to 13 March
        (str(world.o1), "9000.00", 2, 2),  # 8,000 + d3's 1,000; 9/22 = 0.41 ranks below O2's 12/22
    ]


def test_unit_status_rank_and_the_top_node_adds_up_every_order(clients, admin, world):
    o2 = ok(unit_progress(clients["targets"], admin, world, world.o2))
    # 12,000 / 22,000 = 0.5455 > 0.4545 + 0.05: ahead, first of the two offices.
    assert (o2["figures"]["achievement_rate"], o2["figures"]["status"], o2["rank"]) == ("0.5455", "ahead", 1)
    o1 = ok(unit_progress(clients["targets"], admin, world, world.o1))
    # 9,000 / 22,000 = 0.4091, inside 0.4545 ± 0.05: on track.
    assert (o1["figures"]["actual"], o1["figures"]["status"], o1["rank"]) == ("9000.00", "on_track", 2)
    region = ok(unit_progress(clients["targets"], admin, world, world.region))
    assert (region["figures"]["target"], region["figures"]["actual"], region["ancestors"]) == (
        "44000.00",
        "21000.00",
        [],
    )
    # The uncovered dealer's 1,000 is in the office's actual but in no rep's: r1 + r2 = 8,000.
    r2 = ok(person_progress(clients["targets"], admin, world, world.r2))
    assert r2["figures"]["actual"] == "4000.00"


def test_quarter_and_year_sum_their_months(clients, admin, world):
    q1 = ok(person_progress(clients["targets"], admin, world, world.r1, period="2026-Q1"))
    # Feb 10,000 + Mar 11,000; Q1 has 22 + 20 + 22 = 64 selling days, 22 + 20 + 10 = 52 elapsed.
    assert (q1["figures"]["target"], q1["figures"]["selling_days"], q1["figures"]["elapsed_selling_days"]) == (
        "21000.00",
        64,
        52,
    )
    year = ok(unit_progress(clients["targets"], admin, world, world.region, period=None))
    assert (year["period"]["label"], year["figures"]["target"], year["figures"]["selling_days"]) == (
        "2026",
        "54000.00",
        261,
    )  # 2026: 52 weeks + Thursday 1 January = 261 weekdays


def test_a_date_range_prorates_targets_by_selling_days(clients, admin, world):
    body = ok(
        clients["targets"].get(
            f"/plans/{world.plan}/progress/org-units/{world.o1}",
            headers=admin,
            params={"date_from": "2026-03-01", "date_to": "2026-03-13", "as_of": "2026-03-31"},
        )
    )
    # 22,000 x 10/22 = 10,000 of target; the whole range has elapsed.
    assert (body["figures"]["target"], body["figures"]["actual"], body["figures"]["time_progress"]) == (
        "10000.00",
        "9000.00",
        "1.0000",
    )


def test_as_of_later_counts_later_orders(clients, admin, world):
    body = ok(unit_progress(clients["targets"], admin, world, world.o2, as_of="2026-03-31"))
    assert (body["figures"]["actual"], body["figures"]["elapsed_selling_days"]) == ("17000.00", 22)


def test_ranking_lists_children_and_reps_best_first(clients, admin, world):
    api = clients["targets"]
    region = ok(
        api.get(
            f"/plans/{world.plan}/progress/org-units/{world.region}/ranking",
            headers=admin,
            params={"period": "2026-03", "as_of": AS_OF},
        )
    )
    assert [(u["node"]["id"], u["rank"]) for u in region["org_units"]] == [(str(world.o2), 1), (str(world.o1), 2)]
    assert region["reps"] == []
    office = ok(
        api.get(
            f"/plans/{world.plan}/progress/org-units/{world.o1}/ranking",
            headers=admin,
            params={"period": "2026-03", "as_of": AS_OF},
        )
    )
    assert sorted((r["node"]["id"], r["rank"], r["rank_of"]) for r in office["reps"]) == sorted(
        [(str(world.r1), 1, 2), (str(world.r2), 1, 2)]
    )


def test_a_rep_reads_only_their_own_progress(clients, infra, world):
    api = clients["targets"]
    mine = rep_headers(infra, world, world.r1, world.o1)
    own = ok(person_progress(api, mine, world, world.r1))
    assert own["ancestors"] == [] and own["figures"]["actual"] == "4000.00"
    assert person_progress(api, mine, world, world.r2).status_code == 404
    assert unit_progress(api, mine, world, world.o1).status_code == 404


def test_a_manager_reads_only_their_subtree(clients, token, world):
    api = clients["targets"]
    office_manager = token("supervisor", org_unit=world.o1)
    office = ok(unit_progress(api, office_manager, world, world.o1))
    assert office["ancestors"] == []  # the region is above the caller
    rep = ok(person_progress(api, office_manager, world, world.r1))
    assert [a["node"]["id"] for a in rep["ancestors"]] == [str(world.o1)]
    assert unit_progress(api, office_manager, world, world.o2).status_code == 404
    assert person_progress(api, office_manager, world, world.r3).status_code == 404
    regional = token("region_manager", org_unit=world.region)
    assert ok(person_progress(api, regional, world, world.r3))["figures"]["actual"] == "12000.00"


def test_holidays_and_make_up_days_change_time_progress(clients, admin, engines):
    w = build_world(clients, admin, engines)
    api = clients["targets"]
    assert (
        api.put(
            f"/selling-calendars/{w.company}/days/2026-03-09",
            headers=admin,
            json={"selling": False, "reason": "Company holiday"},
        ).status_code
        == 200
    )
    assert (
        api.put(
            f"/selling-calendars/{w.company}/days/2026-03-07",
            headers=admin,
            json={"selling": True, "reason": "Make-up Saturday"},
        ).status_code
        == 200
    )
    body = ok(unit_progress(api, admin, w, w.o1))
    # 22 - Monday 9th + Saturday 7th = 22 selling days; elapsed to the 13th: 10 - 1 + 1 = 10.
    assert (body["figures"]["selling_days"], body["figures"]["elapsed_selling_days"]) == (22, 10)
    assert api.delete(f"/selling-calendars/{w.company}/days/2026-03-07", headers=admin).status_code == 204
    body = ok(unit_progress(api, admin, w, w.o1))
    # Now 21 selling days, 9 elapsed: time progress 9/21 = 0.4286.
    assert (body["figures"]["selling_days"], body["figures"]["time_progress"]) == (21, "0.4286")
    calendar = ok(
        api.put(
            f"/selling-calendars/{w.company}",
            headers=admin,
            params={"year": 2026},
            json={"weekend_days": [7], "behind_margin": "0.10"},
        )
    )
    assert (calendar["weekend_days"], calendar["behind_margin"], [d["day"] for d in calendar["days"]]) == (
        [7],
        "0.1000",
        ["2026-03-09"],
    )
    body = ok(unit_progress(api, admin, w, w.o1))
    # Sundays only off: 31 - 5 Sundays (1, 8, 15, 22, 29) - the 9th = 25; elapsed 1-13 March: 13 - Sundays 1st
    # and 8th - the 9th = 10.
    assert (body["figures"]["selling_days"], body["figures"]["elapsed_selling_days"], body["margin"]) == (
        25,
        10,
        "0.1000",
    )


def test_plan_problems_answer_404_and_422(clients, admin, engines, world):
    api = clients["targets"]
    assert api.get(f"/plans/{uuid.uuid4()}/progress/org-units/{world.o1}", headers=admin).status_code == 404
    assert unit_progress(api, admin, world, uuid.uuid4()).status_code == 404
    outside = unit_progress(api, admin, world, world.company)  # above the plan's root
    assert outside.status_code == 404
    wrong_year = unit_progress(api, admin, world, world.o1, period="2025-03")
    assert (wrong_year.status_code, wrong_year.json()["errors"][0]["field"]) == (422, "period")
    draft = build_world(clients, admin, engines, published=False)
    assert unit_progress(api, admin, draft, draft.o1).status_code == 422
    no_actuals = build_world(clients, admin, engines, metric="collections")
    refused = unit_progress(api, admin, no_actuals, no_actuals.o1)
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "metric")
