"""Every number a plan's schema accepts is storable (issue 7, item 3): the largest rounding step is a plan."""

from tests.targets.plans.support import TARGETS, new_plan


def test_the_largest_rounding_step_the_schema_allows_is_stored(clients, org, planner):
    # NUMBER_PATTERN allows 15 integer digits; with the 2 decimals a step may have, numeric(19, 4) holds it,
    # and it is answered like every plan value, with exactly 2 decimals.
    plan = new_plan(clients[TARGETS], planner, org.region, step="999999999999999.99")
    assert plan["rounding_step"] == "999999999999999.99"
    again = clients[TARGETS].get(f"/plans/{plan['id']}", headers=planner).json()
    assert again["rounding_step"] == "999999999999999.99"
