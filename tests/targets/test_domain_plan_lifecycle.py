"""The plan lifecycle by status and by role: every allowed transition, and the forbidden ones."""

import pytest

from services.targets.domain.plan_lifecycle import (
    PlanAction,
    PlanStatus,
    check_adjustable,
    check_authority,
    check_editable,
    check_open_to_proposals,
    next_status,
)
from shared.errors import Conflict, Forbidden

ALLOWED = [
    (PlanStatus.draft, PlanAction.submit, PlanStatus.submitted),
    (PlanStatus.submitted, PlanAction.approve, PlanStatus.approved),
    (PlanStatus.submitted, PlanAction.return_, PlanStatus.draft),
    (PlanStatus.approved, PlanAction.return_, PlanStatus.draft),
    (PlanStatus.approved, PlanAction.publish, PlanStatus.published),
    (PlanStatus.published, PlanAction.archive, PlanStatus.archived),
]


@pytest.mark.parametrize(("status", "action", "target"), ALLOWED)
def test_allowed_transitions_lead_where_the_lifecycle_says(status, action, target):
    assert next_status(status, action) is target


FORBIDDEN = [
    (s, a) for s in PlanStatus for a in PlanAction if (s, a) not in {(status, action) for status, action, _ in ALLOWED}
]


@pytest.mark.parametrize(("status", "action"), FORBIDDEN)
def test_every_other_transition_is_a_conflict_naming_the_current_status(status, action):
    with pytest.raises(Conflict) as caught:
        next_status(status, action)
    assert f"a plan that is {status.value};" in caught.value.detail
    assert caught.value.field == "status"


def test_there_are_exactly_the_expected_forbidden_pairs():
    # 5 statuses x 5 actions = 25 pairs, 6 allowed -> 19 forbidden.
    assert len(FORBIDDEN) == 19


@pytest.mark.parametrize("role", ["rep", "supervisor", "auditor", "erp"])
@pytest.mark.parametrize("action", list(PlanAction))
def test_roles_other_than_managers_never_move_a_plan(role, action):
    with pytest.raises(Forbidden) as caught:
        check_authority(action, role, at_or_above_root=True, above_root=True)
    assert role in caught.value.detail


@pytest.mark.parametrize("action", [PlanAction.approve, PlanAction.return_, PlanAction.archive])
def test_the_planner_at_the_root_cannot_approve_or_archive_their_own_plan(action):
    with pytest.raises(Forbidden) as caught:
        check_authority(action, "region_manager", at_or_above_root=True, above_root=False)
    assert "above the plan's root" in caught.value.detail


def test_the_planner_at_the_root_publishes_their_approved_plan_to_their_reps():
    assert check_authority("publish", "region_manager", at_or_above_root=True, above_root=False).action == "publish"
    with pytest.raises(Forbidden):
        check_authority("publish", "region_manager", at_or_above_root=False, above_root=False)


@pytest.mark.parametrize("action", list(PlanAction))
def test_a_companys_own_director_moves_the_company_plan_and_nobody_below_does(action):
    assert check_authority(action, "director", at_or_above_root=True, above_root=False, root_is_company=True)
    with pytest.raises(Forbidden):
        check_authority(action, "region_manager", at_or_above_root=True, above_root=False, root_is_company=True)
    with pytest.raises(Forbidden):
        check_authority(action, "director", at_or_above_root=False, above_root=False, root_is_company=True)


@pytest.mark.parametrize("action", [PlanAction.approve, PlanAction.return_, PlanAction.publish, PlanAction.archive])
def test_a_manager_above_the_root_approves_publishes_and_archives(action):
    assert check_authority(action, "director", at_or_above_root=True, above_root=True).action is action


def test_submit_needs_a_manager_at_or_above_the_root():
    assert (
        check_authority("submit", "region_manager", at_or_above_root=True, above_root=False).action is PlanAction.submit
    )
    with pytest.raises(Forbidden):
        check_authority("submit", "region_manager", at_or_above_root=False, above_root=False)


def test_numbers_change_in_place_only_in_draft_and_proposals_close_at_approval():
    check_editable("draft", "decompose")
    with pytest.raises(Conflict, match="request an adjustment instead"):
        check_editable("published", "decompose")
    check_open_to_proposals("submitted")
    with pytest.raises(Conflict, match="approved"):
        check_open_to_proposals("approved")
    check_adjustable("published")
    with pytest.raises(Conflict, match="this plan is draft"):
        check_adjustable("draft")
