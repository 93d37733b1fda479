"""Which plan figures a caller may see, written once for plan splits, cell explanations and progress.

- A company-wide caller (admin, auditor, a director without a unit) sees everything.
- A manager sees every figure of their own subtree, and their parent's total, never its split over the siblings.
- A rep sees their own figures and their office's total, never a peer's.

A node is named by its lineage: the ids from the company down to the node itself (a rep: their office's lineage
and then their person id). A parent's total with one child's value and share tells the siblings' sum, which the
rule allows; the siblings' own numbers it does not.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

Child = TypeVar("Child")


@dataclass(frozen=True)
class Viewer:
    """The caller as the rule sees them: their own node and its parent (a rep: their person id and office)."""

    everything: bool = False
    own: uuid.UUID | None = None
    parent: uuid.UUID | None = None


def sees_figures(viewer: Viewer, lineage: Sequence[uuid.UUID]) -> bool:
    """The node's own figures, its split and its children: the viewer's own node or below it."""
    return viewer.everything or (viewer.own is not None and viewer.own in lineage)


def sees_total(viewer: Viewer, lineage: Sequence[uuid.UUID]) -> bool:
    """The node's total alone: what sees_figures allows, and the viewer's parent."""
    if sees_figures(viewer, lineage):
        return True
    return viewer.parent is not None and bool(lineage) and lineage[-1] == viewer.parent


def visible_children(
    viewer: Viewer, parent_lineage: Sequence[uuid.UUID], children: Sequence[tuple[uuid.UUID, Child]]
) -> list[Child] | None:
    """Of a parent's (child id, child) pairs, those the viewer may see; None when the parent itself is hidden."""
    if sees_figures(viewer, parent_lineage):
        return [child for _, child in children]
    if sees_total(viewer, parent_lineage):
        return [child for key, child in children if key == viewer.own]
    return None
