"""Rules about people and who may manage them."""

from __future__ import annotations

from shared.errors import Forbidden
from shared.identity import PERSON_ROLES

# Who may create or reassign whom: directors (and admins) staff the whole organisation, a region manager
# staffs the levels below their own.
MANAGEABLE_ROLES = {
    "admin": set(PERSON_ROLES),
    "director": set(PERSON_ROLES),
    "region_manager": {"supervisor", "rep"},
}


def check_may_manage(caller_role: str, person_role: str) -> None:
    """403 unless a caller with `caller_role` may create or reassign a person with `person_role`."""
    if person_role not in MANAGEABLE_ROLES.get(caller_role, set()):
        raise Forbidden(f"a {caller_role} may not create or reassign a {person_role}", field="role")
