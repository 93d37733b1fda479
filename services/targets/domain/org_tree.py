"""Rules of the sales organisation tree."""

from __future__ import annotations

from datetime import date

from shared.errors import InvalidInput
from shared.identity import ORG_UNIT_KINDS


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


def is_within(path: str, ancestor_path: str) -> bool:
    """True when `path` is `ancestor_path` or lies below it (ltree's `<@`, label by label)."""
    labels, ancestor = path.split("."), ancestor_path.split(".")
    return labels[: len(ancestor)] == ancestor


def rebased(path: str, old_root: str, new_root: str) -> str:
    """Where a unit at `path` ends up when the subtree rooted at `old_root` moves to `new_root`."""
    if not is_within(path, old_root):
        return path
    return ".".join(new_root.split(".") + path.split(".")[len(old_root.split(".")) :])


def check_move(*, kind: str, path: str, new_parent_kind: str, new_parent_path: str) -> None:
    """A unit moves with its subtree below a unit of a higher level that is not inside that subtree."""
    if kind == "company":
        raise InvalidInput("a company is a root and cannot move", field="parent_id")
    if is_within(new_parent_path, path):
        raise InvalidInput("a unit cannot move below itself or one of its own descendants", field="parent_id")
    if ORG_UNIT_KINDS.index(kind) <= ORG_UNIT_KINDS.index(new_parent_kind):
        raise InvalidInput(f"a {kind} cannot sit below a {new_parent_kind}", field="parent_id")


def check_effective_date(effective_date: date, *, last_change: date | None, today: date) -> None:
    """A move takes effect no later than today (paths scope every service now) and not before the last
    recorded change of the subtree or its new parent (history is appended to, never rewritten)."""
    if effective_date > today:
        raise InvalidInput(f"a move takes effect on or before today ({today})", field="effective_date")
    if last_change is not None and effective_date < last_change:
        raise InvalidInput(
            f"the subtree or its new parent last changed on {last_change}; a move cannot take effect before that",
            field="effective_date",
        )
