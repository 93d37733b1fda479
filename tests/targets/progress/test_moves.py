"""An office moved mid-year (issue 14, item 1): actuals, progress and who sees them follow the tree as it stood on
each order's day, through the HTTP API, with orders applied by the consumer handler before and after the move.

The world, by hand: company C → regions EAST (offices SH, HZ) and NORTH (office BJ). SH moves to NORTH effective
2026-07-01. Published company plan, monthly: SH 10,000 (all on its rep S1), HZ 5,000, BJ 8,000.
Orders (dealer of the office; S1 covers SH's dealer with share 1):
  before the move is recorded: SH 02-10 100,000 and 05-15 50,000; HZ 03-02 20,000; BJ 04-01 40,000
  after it: SH 08-03 70,000; SH 03-20 30,000 (dated before the move, arriving late); HZ 09-01 5,000; BJ 10-05 8,000
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from services.targets.people.tables import people, person_assignments
from services.targets.plans.tables import target_cells, target_plans
from tests.support import bearer, create_org_unit
from tests.targets.progress.support import cover, record_order, register_dealer

AS_OF = "2026-11-30"


@pytest.fixture(scope="module")
def world(clients, admin, engines, infra):
    api = clients["targets"]
    company = create_org_unit(api, admin, kind="company")["id"]
    east, north = (create_org_unit(api, admin, kind="region", parent_id=company)["id"] for _ in range(2))
    sh, hz = (create_org_unit(api, admin, kind="office", parent_id=east)["id"] for _ in range(2))
    bj = create_org_unit(api, admin, kind="office", parent_id=north)["id"]
    w = SimpleNamespace(
        **{k: uuid.UUID(v) for k, v in dict(company=company, east=east, north=north, sh=sh, hz=hz, bj=bj).items()},
        s1=uuid.uuid4(),
        plan=uuid.uuid4(),
    )
    with engines["targets"].begin() as conn:
        conn.execute(people.insert().values(id=w.s1, name="Rep SH", role="rep"))
        conn.execute(person_assignments.insert().values(person_id=w.s1, valid_from=date(2026, 1, 1), org_unit_id=w.sh))
        conn.execute(
            target_plans.insert().values(
                id=w.plan,
                root_org_unit_id=w.company,
                name="Company sales 2026",
                metric="sales_amount",
                fiscal_year=2026,
                unit="CNY",
                rounding_step=D("0.01"),
                status="published",
                published_version=1,
                current_version=1,
            )
        )
        monthly = [(w.sh, w.s1, "10000.00"), (w.hz, None, "5000.00"), (w.bj, None, "8000.00")]
        conn.execute(
            target_cells.insert(),
            [
                dict(plan_id=w.plan, version=1, org_unit_id=u, person_id=p, product_line="", month=m, value=D(v))
                for u, p, v in monthly
                for m in range(1, 13)
            ],
        )
        w.d_sh, w.d_hz, w.d_bj = (register_dealer(conn, u) for u in (w.sh, w.hz, w.bj))
    cover(api, admin, w.d_sh, {w.s1: "1"})
    with engines["targets"].begin() as conn:
        record_order(conn, w.d_sh, w.sh, "100000.00", date(2026, 2, 10))
        record_order(conn, w.d_sh, w.sh, "50000.00", date(2026, 5, 15))
        record_order(conn, w.d_hz, w.hz, "20000.00", date(2026, 3, 2))
        record_order(conn, w.d_bj, w.bj, "40000.00", date(2026, 4, 1))
    moved = api.post(
        f"/org-units/{w.sh}/move", headers=admin, json={"parent_id": north, "effective_date": "2026-07-01"}
    )
    assert moved.status_code == 200, moved.text
    with engines["targets"].begin() as conn:
        record_order(conn, w.d_sh, w.sh, "70000.00", date(2026, 8, 3))
        record_order(conn, w.d_sh, w.sh, "30000.00", date(2026, 3, 20))  # late: dated in EAST's time
        record_order(conn, w.d_hz, w.hz, "5000.00", date(2026, 9, 1))
        record_order(conn, w.d_bj, w.bj, "8000.00", date(2026, 10, 5))
    w.east_manager = bearer(infra.issuer, "region_manager", w.east)
    w.north_manager = bearer(infra.issuer, "region_manager", w.north)
    return w


def amount(client, headers, unit, **params) -> str:
    answer = client.get(f"/actuals/{unit}", headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["amount"]


def progress(client, headers, w, unit, period, kind="org-units"):
    return client.get(
        f"/plans/{w.plan}/progress/{kind}/{unit}", headers=headers, params={"period": period, "as_of": AS_OF}
    )


def figures(answer) -> tuple[str, str]:
    assert answer.status_code == 200, answer.text
    body = answer.json()["figures"]
    return body["target"], body["actual"]


def test_actuals_follow_the_tree_of_each_order_day(clients, admin, world):
    api = clients["targets"]
    # EAST's first half: SH 100,000 + 50,000 + the late 30,000 (all dated before July) + HZ 20,000 = 200,000.
    assert amount(api, admin, world.east, date_from="2026-01-01", date_to="2026-06-30") == "200000.00"
    # EAST's year: 200,000 + HZ's September 5,000 = 205,000; NORTH's: BJ 40,000 + 8,000 + SH's August 70,000.
    assert amount(api, admin, world.east) == "205000.00"
    assert amount(api, admin, world.north) == "118000.00"
    assert amount(api, admin, world.company) == "323000.00"  # 205,000 + 118,000: every order once


def test_each_manager_reads_the_months_a_unit_was_theirs(clients, world):
    api = clients["targets"]
    # SH under EAST until 30 June: 100,000 + 50,000 + 30,000; under NORTH since: 70,000.
    assert amount(api, world.east_manager, world.sh) == "180000.00"
    assert amount(api, world.north_manager, world.sh) == "70000.00"
    assert amount(api, world.east_manager, world.sh, date_from="2026-07-01") == "0.00"


def test_progress_rolls_up_by_the_tree_of_the_period(clients, admin, world):
    api = clients["targets"]
    # Q1: SH's target 3 x 10,000 and HZ's 3 x 5,000 = 45,000; actual SH 100,000 + 30,000 + HZ 20,000 = 150,000.
    assert figures(progress(api, admin, world, world.east, "2026-Q1")) == ("45000.00", "150000.00")
    # Q3: BJ 3 x 8,000 + SH 3 x 10,000 = 54,000 of target; SH's August 70,000 of actual (BJ's is in October).
    assert figures(progress(api, admin, world, world.north, "2026-Q3")) == ("54000.00", "70000.00")
    # The year: SH's plan moves with it from July. EAST 6 x 10,000 + 12 x 5,000 = 120,000 against 205,000;
    # NORTH 12 x 8,000 + 6 x 10,000 = 156,000 against 118,000; the company 276,000 against 323,000.
    assert figures(progress(api, admin, world, world.east, "2026")) == ("120000.00", "205000.00")
    assert figures(progress(api, admin, world, world.north, "2026")) == ("156000.00", "118000.00")
    assert figures(progress(api, admin, world, world.company, "2026")) == ("276000.00", "323000.00")


def test_a_moved_office_is_its_old_managers_for_its_old_months(clients, world):
    api = clients["targets"]
    march = progress(api, world.east_manager, world, world.sh, "2026-03")
    assert figures(march) == ("10000.00", "30000.00")  # the late order, dated 20 March
    # Its roll-up is the tree of March: the company (EAST's parent, total only), then EAST.
    assert [a["node"]["id"] for a in march.json()["ancestors"]] == [str(world.company), str(world.east)]
    assert progress(api, world.north_manager, world, world.sh, "2026-03").status_code == 404
    assert figures(progress(api, world.north_manager, world, world.sh, "2026-08")) == ("10000.00", "70000.00")
    assert progress(api, world.east_manager, world, world.sh, "2026-08").status_code == 404


def test_a_reps_roll_up_follows_their_office(clients, world):
    api = clients["targets"]
    answer = progress(api, world.east_manager, world, world.s1, "2026-Q1", kind="people")
    # S1 covers SH's dealer alone: 100,000 + 30,000 against 3 x 10,000; the company has no other Q1 order but
    # HZ's 20,000 (BJ's first is 1 April), so company = EAST = 150,000.
    assert figures(answer) == ("30000.00", "130000.00")
    ancestors = [(a["node"]["id"], a["figures"]["actual"]) for a in answer.json()["ancestors"]]
    assert ancestors == [
        (str(world.company), "150000.00"),
        (str(world.east), "150000.00"),
        (str(world.sh), "130000.00"),
    ]
