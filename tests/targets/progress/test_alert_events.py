"""Behind-plan alerts as other services receive them (issue 14, item 6), from outside: the plan through the HTTP
API, the evaluation through POST …/progress/alerts, the events read back from the real broker.

By hand: region R (the plan's root) -> office O with reps r1, r2; 12,000 for 2026, no sales. On 13 March (10 of
March's 22 selling days gone) every node is behind in the month, the quarter and the year: 4 nodes x 3 periods =
12 alerts, each carrying the plan's, the node's, its unit's and (for a rep) the person's name, and behind_since
13 March. A week later (20 March) each gets its one reminder, still behind since 13 March.
"""

from __future__ import annotations

import pytest

from tests.support import create_org_unit
from tests.targets.outside import office_with_reps, ok, published_plan, read_events

pytestmark = pytest.mark.usefixtures("workers")


def test_alert_events_carry_names_and_since_when(clients, admin, settings):
    api = clients["targets"]
    company = create_org_unit(api, admin, kind="company")["id"]
    region = create_org_unit(api, admin, kind="region", parent_id=company)["id"]
    office, (r1, r2) = office_with_reps(clients, admin, parent_id=region)
    plan = published_plan(clients, admin, region, "sales_amount", {"parent_value": "12000"})
    plan_name = ok(api.get(f"/plans/{plan}", headers=admin))["name"]
    office_name = ok(api.get(f"/org-units/{office}", headers=admin))["name"]
    r1_name = ok(api.get(f"/people/{r1}", headers=admin))["name"]
    for day in ("2026-03-13", "2026-03-20"):
        evaluated = ok(api.post(f"/plans/{plan}/progress/alerts", headers=admin, params={"as_of": day}))
        assert (evaluated["behind"], evaluated["alerts_published"]) == (12, 12)

    # Only the two evaluations asked for: a worker's daily evaluation (as of today) may publish for the plan too.
    days = {"2026-03-13", "2026-03-20"}
    events = read_events(settings, "targets.alerts.v1", lambda d: d["plan_id"] == plan and d["as_of"] in days, 24)
    assert len(events) == 24 and {e["type"] for e in events} == {"targets.progress.behind"}
    r1_march = sorted((e["data"] for e in events if (e["data"]["node_id"], e["data"]["period"]) == (r1, "2026-03")),
                      key=lambda d: d["as_of"])  # fmt: skip
    named = ("plan_name", "node_name", "org_unit_name", "person_name", "behind_since", "as_of", "org_unit_id")
    assert [{k: d[k] for k in named} for d in r1_march] == [
        {
            "plan_name": plan_name,
            "node_name": r1_name,
            "org_unit_name": office_name,
            "person_name": r1_name,
            "behind_since": "2026-03-13",
            "as_of": as_of,
            "org_unit_id": office,
        }
        for as_of in ("2026-03-13", "2026-03-20")
    ]
    office_q1 = next(e["data"] for e in events if (e["data"]["node_id"], e["data"]["period"]) == (office, "2026-Q1"))
    assert (office_q1["node_name"], office_q1["org_unit_name"], office_q1["person_name"]) == (
        office_name,
        office_name,
        None,
    )
    assert r2 in {e["data"]["node_id"] for e in events}
