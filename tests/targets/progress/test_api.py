"""Progress through the targets API on the real database: figures worked by hand, ranking, roll-up to every
ancestor, date ranges, the holiday calendar, and subtree scoping (orders go in through the consumer handler)."""

from __future__ import annotations

import uuid

import pytest

from tests.support import bearer
from tests.targets.progress.support import AS_OF, build_world


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
    mine = bearer(infra.issuer, "rep", world.o1, person_id=world.r1)
    own = ok(person_progress(api, mine, world, world.r1))
    assert own["figures"]["actual"] == "4000.00"
    # Their office's total (domain/visibility.py), not the region's: O1 = 8,000 + d3's 1,000.
    assert [(a["node"]["id"], a["figures"]["actual"]) for a in own["ancestors"]] == [(str(world.o1), "9000.00")]
    assert person_progress(api, mine, world, world.r2).status_code == 404
    assert unit_progress(api, mine, world, world.o1).status_code == 404


def test_a_manager_reads_only_their_subtree(clients, token, world):
    api = clients["targets"]
    office_manager = token("supervisor", org_unit=world.o1)
    office = ok(unit_progress(api, office_manager, world, world.o1))
    # The region is the caller's parent: its total (21,000) is shown, its other children are not.
    assert [(a["node"]["id"], a["figures"]["actual"]) for a in office["ancestors"]] == [(str(world.region), "21000.00")]
    rep = ok(person_progress(api, office_manager, world, world.r1))
    assert [a["node"]["id"] for a in rep["ancestors"]] == [str(world.region), str(world.o1)]
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
    no_actuals = build_world(clients, admin, engines, metric="expense_budget")  # no fact measures spending
    refused = unit_progress(api, admin, no_actuals, no_actuals.o1)
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "metric")
