"""A target plan's status lifecycle: draft -> submitted -> approved -> published -> archived, and who may move it.

Who may do what (roles from DOMAIN.md; "at the root" = the manager whose own unit is the plan's root):

| action                        | plan rooted below a company (region…) | plan rooted at a company             |
|-------------------------------|---------------------------------------|--------------------------------------|
| draft, decompose, submit      | a manager at or above the root        | the company's director, an admin     |
| approve, return               | a manager strictly above the root     | the company's director, an admin     |
| publish (once approved)       | a manager at or above the root        | the company's director, an admin     |
| archive                       | a manager strictly above the root     | the company's director, an admin     |
| request an adjustment         | a manager, for cells in their subtree | the same                             |
| decide an adjustment          | a manager above the requester         | the same; an admin decides a request |
|                               |                                       | made at the company itself           |

A company has nobody above it but the company-wide roles, so its own director approves its plan; below it the
approval comes from above the root, and the region manager handed the target publishes it to their reps once
approved (001: 公平制定和下达区域内业务代表的目标). Reps, supervisors, auditors and ERP never move a plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.errors import Conflict, Forbidden
from shared.identity import Role


class PlanStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    published = "published"
    archived = "archived"


class PlanAction(StrEnum):
    submit = "submit"
    approve = "approve"
    return_ = "return"  # sent back to the planner for rework
    publish = "publish"
    archive = "archive"


class Authority(StrEnum):
    """How the caller must stand to the plan's root unit."""

    planner = "planner"  # at or above the root
    above = "above"  # strictly above the root


MANAGER_ROLES = frozenset({Role.region_manager, Role.director, Role.admin})
# Who may propose a different number for their own unit before approval (bottom-up).
PROPOSER_ROLES = frozenset({Role.supervisor, Role.region_manager, Role.director, Role.admin})


@dataclass(frozen=True)
class Transition:
    action: PlanAction
    sources: frozenset[PlanStatus]
    target: PlanStatus
    authority: Authority


TRANSITIONS = {
    t.action: t
    for t in (
        Transition(PlanAction.submit, frozenset({PlanStatus.draft}), PlanStatus.submitted, Authority.planner),
        Transition(PlanAction.approve, frozenset({PlanStatus.submitted}), PlanStatus.approved, Authority.above),
        Transition(
            PlanAction.return_,
            frozenset({PlanStatus.submitted, PlanStatus.approved}),
            PlanStatus.draft,
            Authority.above,
        ),
        Transition(PlanAction.publish, frozenset({PlanStatus.approved}), PlanStatus.published, Authority.planner),
        Transition(PlanAction.archive, frozenset({PlanStatus.published}), PlanStatus.archived, Authority.above),
    )
}

# Statuses in which the plan's numbers may still be changed in place (no new version).
EDITABLE = frozenset({PlanStatus.draft})
# Statuses in which child managers may still propose a different number (before approval).
OPEN_TO_PROPOSALS = frozenset({PlanStatus.draft, PlanStatus.submitted})


def check_authority(
    action: PlanAction | str, role: str, *, at_or_above_root: bool, above_root: bool, root_is_company: bool = False
) -> Transition:
    """Refuse a caller whose role or place in the tree does not allow the action (403)."""
    transition = TRANSITIONS[PlanAction(action)]
    if role not in MANAGER_ROLES:
        raise Forbidden(f"role {str(role)!r} may not {transition.action.value} a plan")
    if root_is_company:
        # Nobody stands above a company but the company-wide roles: its own director decides its plan.
        if not (above_root or (role == Role.director and at_or_above_root)):
            raise Forbidden(f"only the company's director or an admin may {transition.action.value} its plan")
        return transition
    if transition.authority is Authority.above and not above_root:
        raise Forbidden(f"only a manager above the plan's root unit may {transition.action.value} it")
    if transition.authority is Authority.planner and not at_or_above_root:
        raise Forbidden(f"only a manager at or above the plan's root unit may {transition.action.value} it")
    return transition


def next_status(status: PlanStatus | str, action: PlanAction | str) -> PlanStatus:
    """The status the action leads to; 409 naming the current status when the action is not allowed from it."""
    status = PlanStatus(status)
    transition = TRANSITIONS[PlanAction(action)]
    if status not in transition.sources:
        allowed = ", ".join(sorted(s.value for s in transition.sources))
        raise Conflict(
            f"cannot {transition.action.value} a plan that is {status.value}; only a plan that is {allowed} can be",
            field="status",
        )
    return transition.target


def check_editable(status: PlanStatus | str, what: str) -> None:
    """Numbers change in place only while the plan is a draft; afterwards through an adjustment request."""
    status = PlanStatus(status)
    if status not in EDITABLE:
        hint = "; request an adjustment instead" if status is PlanStatus.published else ""
        raise Conflict(f"cannot {what} a plan that is {status.value}{hint}", field="status")


def check_open_to_proposals(status: PlanStatus | str) -> None:
    """Bottom-up proposals are made and decided before approval only."""
    status = PlanStatus(status)
    if status not in OPEN_TO_PROPOSALS:
        raise Conflict(f"proposals are closed: the plan is {status.value}", field="status")


def check_adjustable(status: PlanStatus | str) -> None:
    """Adjustment requests exist only for a published plan."""
    status = PlanStatus(status)
    if status is not PlanStatus.published:
        raise Conflict(f"only a published plan is adjusted; this plan is {status.value}", field="status")
