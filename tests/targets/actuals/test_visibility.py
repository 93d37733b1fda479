"""Who reads which actuals: the one rule of domain/visibility.py (issue 14 item 6)."""

from __future__ import annotations

from decimal import Decimal as D

from tests.support import create_org_unit
from tests.targets.progress.support import build_world

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-13"}


def test_a_rep_reads_their_office_total_and_a_manager_their_parents(clients, admin, engines, token):
    w = build_world(clients, admin, engines)
    api = clients["targets"]
    team = create_org_unit(api, admin, kind="team", parent_id=str(w.o1))["id"]
    rep = token("rep", org_unit=w.o1, person_id=w.r1)
    office = api.get(f"/actuals/{w.o1}", headers=rep, params=MARCH)
    assert office.status_code == 200, office.text
    # O1 up to 13 March: d1 8,000 + d3 1,000 = 9,000 (the cancelled 500 does not count).
    assert D(office.json()["amount"]) == D(9000)
    # A unit inside the office holds peers' figures; the region and the other office are not the rep's.
    for unit in (team, w.region, w.o2):
        assert api.get(f"/actuals/{unit}", headers=rep, params=MARCH).status_code == 404
    supervisor = token("supervisor", org_unit=w.o1)
    parent = api.get(f"/actuals/{w.region}", headers=supervisor, params=MARCH)
    assert parent.status_code == 200, parent.text
    # The region up to 13 March: O1 9,000 + O2 (d2) 12,000 = 21,000 (d2's 5,000 on the 20th is outside).
    assert D(parent.json()["amount"]) == D(21000)
    assert api.get(f"/actuals/{w.o2}", headers=supervisor, params=MARCH).status_code == 404  # a sibling's own
    assert api.get(f"/actuals/{w.company}", headers=supervisor, params=MARCH).status_code == 404  # above the parent


def test_a_directors_reconciliation_has_the_rep_split(clients, admin, engines, token):
    w = build_world(clients, admin, engines)
    director = token("director", org_unit=w.company)
    report = clients["targets"].get("/actuals/reconciliation", headers=director, params=MARCH)
    assert report.status_code == 200, report.text
    # Covered up to 13 March: d1 8,000 (r1 4,000 + r2 4,000: two pieces) and d2 12,000 (r3, re-split when its
    # coverage was set); d3's 1,000 has no covering rep. 8,000 + 12,000 = 20,000 in three pieces.
    reps = report.json()["attributed_to_reps"]
    assert (reps["orders"], D(reps["amount"])) == (3, D(20000))
    assert D(report.json()["attributed_to_org_units"]["amount"]) == D(21000)
