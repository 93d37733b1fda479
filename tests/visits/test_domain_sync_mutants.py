"""Offline sync when the phone knew no plan version, or the plan entry is gone."""

from services.visits.domain.sync import resolve


def test_an_operation_based_on_no_plan_version_is_applied_as_is():
    assert resolve("submit_visit", None, 2).outcome == "applied"
    assert resolve("move_planned_visit", None, 2).outcome == "applied"
    assert resolve("move_planned_visit", None, None).outcome == "applied"


def test_moving_an_entry_that_no_longer_exists_is_refused_and_says_so():
    assert resolve("move_planned_visit", 1, None) == resolve("move_planned_visit", 7, None)
    refused = resolve("move_planned_visit", 1, None)
    assert (refused.outcome, refused.conflict) == ("rejected", "schedule entry no longer exists")
    stale = resolve("move_planned_visit", 1, 2)
    assert stale.conflict == "schedule entry is at version 2, client had 1"
