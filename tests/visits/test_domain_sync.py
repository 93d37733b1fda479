"""The offline-sync conflict rule: facts recorded in the outlet are kept, the server's plan wins."""

import pytest

from services.visits.domain.sync import resolve


def test_a_visit_on_a_current_plan_entry_is_applied():
    assert resolve("submit_visit", 3, 3).outcome == "applied"
    assert resolve("submit_visit", None, None).outcome == "applied"  # an unplanned visit


def test_a_visit_on_a_changed_plan_entry_is_kept_as_unplanned_and_reported():
    r = resolve("submit_visit", 1, 2)
    assert r.outcome == "applied_unplanned" and r.conflict is not None and "changed" in r.conflict
    assert resolve("submit_visit", 1, None).outcome == "applied_unplanned"  # entry removed meanwhile


def test_a_plan_change_on_a_stale_copy_is_rejected():
    r = resolve("move_planned_visit", 1, 2)
    assert r.outcome == "rejected" and r.conflict is not None and "version 2" in r.conflict
    assert resolve("move_planned_visit", 2, 2).outcome == "applied"


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError):
        resolve("delete_everything", None, None)
