"""Attribution on the real database: dealer coverage through the API, splits in exact cents, order versions
replacing each other by delta, re-splitting when coverage changes, and the reconciliation report."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from services.targets.actuals.tables import actual_attributions, actual_months
from services.targets.people.tables import people, person_assignments
from tests.support import create_org_unit
from tests.targets.progress.support import cover, record_order, register_dealer


@pytest.fixture
def office(clients, admin, engines):
    """company → region → office, three reps, a covered and an uncovered dealer in the office."""
    api = clients["targets"]
    company = create_org_unit(api, admin, kind="company")
    region = create_org_unit(api, admin, kind="region", parent_id=company["id"])
    unit = create_org_unit(api, admin, kind="office", parent_id=region["id"])
    reps = [uuid.UUID(int=(n << 124) | (uuid.uuid4().int >> 8)) for n in (1, 2, 3)]  # ordered: rep 1 < 2 < 3
    with engines["targets"].begin() as conn:
        conn.execute(people.insert(), [dict(id=r, name=f"Rep {i}", role="rep") for i, r in enumerate(reps, 1)])
        conn.execute(  # in the office since 2020: coverage names only reps of the caller's subtree
            person_assignments.insert(),
            [dict(person_id=r, valid_from=date(2020, 1, 1), org_unit_id=uuid.UUID(unit["id"])) for r in reps],
        )
        covered, uncovered = register_dealer(conn, uuid.UUID(unit["id"])), register_dealer(conn, uuid.UUID(unit["id"]))
    return dict(
        company=uuid.UUID(company["id"]),
        region=uuid.UUID(region["id"]),
        office=uuid.UUID(unit["id"]),
        reps=reps,
        dealer=covered,
        uncovered=uncovered,
    )


def rep_months(engines, person) -> dict:
    m = actual_months
    with engines["targets"].connect() as conn:
        rows = conn.execute(select(m.c.month, m.c.amount).where(m.c.holder_kind == "person", m.c.holder_id == person))
        return {r.month.month: r.amount for r in rows if r.amount}


def ledger(engines, order_id) -> list[tuple]:
    a = actual_attributions
    with engines["targets"].connect() as conn:
        return conn.execute(select(a.c.person_id, a.c.amount).where(a.c.source_id == order_id).order_by(a.c.seq)).all()


def actual(clients, admin, unit, day) -> D:
    answer = clients["targets"].get(f"/actuals/{unit}", headers=admin, params={"date_from": day, "date_to": day})
    assert answer.status_code == 200, answer.text
    return D(answer.json()["amount"])


def test_three_reps_split_an_order_in_exact_cents(clients, admin, engines, office):
    r1, r2, r3 = office["reps"]
    cover(clients["targets"], admin, office["dealer"], {r1: "0.333334", r2: "0.333333", r3: "0.333333"})
    with engines["targets"].begin() as conn:
        order = record_order(conn, office["dealer"], office["office"], "100.00", date(2026, 4, 6))
    # 10,000 cents: 3333.34 / 3333.33 / 3333.33 -> the spare cent to the largest remainder, rep 1.
    assert ledger(engines, order) == [(r1, D("33.34")), (r2, D("33.33")), (r3, D("33.33"))]


def test_newer_versions_replace_older_ones_by_delta(clients, admin, engines, office):
    cover(clients["targets"], admin, office["dealer"], {office["reps"][0]: "1"})
    order_id = uuid.uuid4()
    day = date(2026, 4, 7)
    with engines["targets"].begin() as conn:
        record_order(conn, office["dealer"], office["office"], "1000.00", day, order_id=order_id)
        record_order(
            conn, office["dealer"], office["office"], "1500.00", day, version=2, order_id=order_id, status="shipped"
        )
        record_order(conn, office["dealer"], office["office"], "9999.00", day, version=1, order_id=order_id)  # late
        record_order(conn, office["dealer"], office["office"], "9999.00", day, version=2, order_id=order_id)  # again
    assert actual(clients, admin, office["office"], "2026-04-07") == D("1500.00")
    assert rep_months(engines, office["reps"][0]) == {4: D("1500.00")}
    with engines["targets"].begin() as conn:
        record_order(
            conn, office["dealer"], office["office"], "1500.00", day, version=3, order_id=order_id, status="cancelled"
        )
    assert actual(clients, admin, office["region"], "2026-04-07") == D("0.00")
    assert rep_months(engines, office["reps"][0]) == {}


def test_changing_coverage_re_splits_that_period_only(clients, admin, engines, office):
    api = clients["targets"]
    r1, r2, _ = office["reps"]
    cover(api, admin, office["dealer"], {r1: "1"})
    with engines["targets"].begin() as conn:
        record_order(conn, office["dealer"], office["office"], "1000.00", date(2026, 3, 2))
        record_order(conn, office["dealer"], office["office"], "1000.00", date(2026, 4, 2))
    changed = api.put(
        f"/dealers/{office['dealer']}/coverage",
        headers=admin,
        json={
            "valid_from": "2026-03-01",
            "valid_to": "2026-04-01",
            "reps": [{"person_id": str(r1), "share": "0.5"}, {"person_id": str(r2), "share": "0.5"}],
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["reattributed_facts"] == 1  # the March order; April keeps rep 1 alone
    assert [(s["person_id"], s["share"], s["valid_from"], s["valid_to"]) for s in changed.json()["spans"]] == [
        (str(r1), "1.000000", "2026-01-01", "2026-03-01"),
        *sorted([(str(r1), "0.500000", "2026-03-01", "2026-04-01"), (str(r2), "0.500000", "2026-03-01", "2026-04-01")]),
        (str(r1), "1.000000", "2026-04-01", None),
    ]
    assert rep_months(engines, r1) == {3: D("500.00"), 4: D("1000.00")}
    assert rep_months(engines, r2) == {3: D("500.00")}
    assert actual(clients, admin, office["office"], "2026-03-02") == D("1000.00")  # the unit total never moved
    got = api.get(f"/dealers/{office['dealer']}/coverage", headers=admin)
    assert got.status_code == 200 and got.json()["spans"] == changed.json()["spans"]


@pytest.mark.parametrize(
    "reps,field",
    [
        ([("0", "0.6"), ("1", "0.3")], "reps"),  # 0.9, not 1
        ([("0", "0.5"), ("0", "0.5")], "reps"),  # the same rep twice
        ([("0", "0.0"), ("1", "1")], "reps[0].share"),  # a zero share
        ([("unknown", "1")], "reps[0].person_id"),  # 404, like any id the caller may not see
    ],
)
def test_bad_coverage_is_refused_with_the_field(clients, admin, office, reps, field):
    ids = {"0": office["reps"][0], "1": office["reps"][1], "unknown": uuid.uuid4()}
    answer = clients["targets"].put(
        f"/dealers/{office['dealer']}/coverage",
        headers=admin,
        json={"valid_from": "2026-01-01", "reps": [{"person_id": str(ids[p]), "share": s} for p, s in reps]},
    )
    status = 404 if field.endswith("person_id") else 422
    assert (answer.status_code, answer.json()["errors"][0]["field"]) == (status, field)


def test_coverage_scoping_and_roles(clients, admin, token, office):
    api = clients["targets"]
    body = {"valid_from": "2026-01-01", "reps": [{"person_id": str(office["reps"][0]), "share": "1"}]}
    url = f"/dealers/{office['dealer']}/coverage"
    assert api.put(url, headers=token("rep", org_unit=office["office"]), json=body).status_code == 403
    elsewhere = create_org_unit(api, admin, kind="company")
    assert api.put(url, headers=token("region_manager", org_unit=elsewhere["id"]), json=body).status_code == 404
    assert api.get(url, headers=token("supervisor", org_unit=elsewhere["id"])).status_code == 404
    assert api.put(url, headers=token("supervisor", org_unit=office["office"]), json=body).status_code == 200
    assert api.put(f"/dealers/{uuid.uuid4()}/coverage", headers=admin, json=body).status_code == 404
    backwards = api.put(url, headers=admin, json={**body, "valid_to": "2025-12-31"})
    assert (backwards.status_code, backwards.json()["errors"][0]["field"]) == (422, "valid_to")


def test_reconciliation_lists_every_order_that_could_not_be_attributed(clients, admin, engines, token, office):
    api = clients["targets"]
    cover(api, admin, office["dealer"], {office["reps"][0]: "1"})
    day = date(2026, 8, 3)
    with engines["targets"].begin() as conn:
        record_order(conn, office["dealer"], office["office"], "700.00", day)
        uncovered = record_order(conn, office["uncovered"], office["office"], "200.00", day)
        unknown_dealer = record_order(conn, None, None, "50.00", day)
        unknown_unit = record_order(conn, uuid.uuid4(), uuid.uuid4(), "30.00", day)
    window = {"date_from": "2026-08-03", "date_to": "2026-08-03"}

    mine = api.get("/actuals/reconciliation", headers=admin, params={**window, "org_unit_id": str(office["company"])})
    assert mine.status_code == 200, mine.text
    report = mine.json()
    # The company received 700 + 200 = 900; all of it is in the org units' actuals, 200 of it in no rep's.
    assert (report["received"]["amount"], report["attributed_to_org_units"]["amount"], report["balanced"]) == (
        "900.00",
        "900.00",
        True,
    )
    assert [
        (g["reason"], g["totals"]["amount"], [i["order_id"] for i in g["items"]]) for g in report["unattributed"]
    ] == [("no_covering_rep", "200.00", [str(uncovered)])]
    assert actual(clients, admin, office["company"], "2026-08-03") == D("900.00")  # the top node's actual

    everything = api.get("/actuals/reconciliation", headers=admin, params={**window, "limit": 1000}).json()
    groups = {g["reason"]: g for g in everything["unattributed"]}
    assert {"order_id": str(unknown_dealer), "amount": "50.00"}.items() <= next(
        i for i in groups["unknown_dealer"]["items"] if i["order_id"] == str(unknown_dealer)
    ).items()
    assert str(unknown_unit) in [i["order_id"] for i in groups["unknown_org_unit"]["items"]]
    received = D(everything["received"]["amount"])
    attributed = D(everything["attributed_to_org_units"]["amount"])
    lost = D(groups["unknown_dealer"]["totals"]["amount"]) + D(groups["unknown_org_unit"]["totals"]["amount"])
    assert everything["balanced"] and received == attributed + lost

    stranger = token("region_manager", org_unit=create_org_unit(api, admin, kind="company")["id"])
    theirs = api.get("/actuals/reconciliation", headers=stranger, params=window).json()
    assert (theirs["received"]["orders"], theirs["unattributed"]) == (0, [])
    assert (
        api.get("/actuals/reconciliation", headers=token("rep", org_unit=office["office"]), params=window).status_code
        == 403
    )
