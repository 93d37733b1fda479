"""Rules of the sales organisation tree."""
from __future__ import annotations

from shared.errors import InvalidInput
from shared.org import ORG_UNIT_KINDS


def check_child_kind(parent_kind: str | None, kind: str) -> None:
    """A company is a root; every other unit sits below a unit of a higher level (company > ... > team)."""
    if parent_kind is None:
        if kind != "company":
            raise InvalidInput("only a company may be a root; give parent_id", field="parent_id")
        return
    if kind == "company":
        raise InvalidInput("a company cannot have a parent", field="parent_id")
    if ORG_UNIT_KINDS.index(kind) <= ORG_UNIT_KINDS.index(parent_kind):
        raise InvalidInput(f"a {kind} cannot sit below a {parent_kind}", field="kind")
