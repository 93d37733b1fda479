"""Who a caller is, and the words for roles and org-unit kinds: defined once, importing nothing.

Domain code, auth, events and schemas all use these; nothing here knows of HTTP, SQL or Kafka.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, get_args

OrgUnitKind = Literal["company", "region", "province", "office", "team"]
ORG_UNIT_KINDS: tuple[str, ...] = get_args(OrgUnitKind)  # root first: a child's kind comes later

PersonRole = Literal["rep", "supervisor", "region_manager", "director"]
PERSON_ROLES: tuple[str, ...] = get_args(PersonRole)


class Role(StrEnum):
    rep = "rep"
    supervisor = "supervisor"
    region_manager = "region_manager"
    director = "director"
    auditor = "auditor"
    erp = "erp"
    admin = "admin"


# Roles that see the whole company whatever their org-unit claim.
GLOBAL_ROLES = frozenset({Role.admin, Role.auditor})


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    org_unit_id: uuid.UUID | None
    person_id: uuid.UUID | None = None

    @property
    def sees_everything(self) -> bool:
        """Only the company-wide roles; any other role without an org-unit claim sees nothing (fail closed)."""
        return self.role in GLOBAL_ROLES
