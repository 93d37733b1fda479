"""Materialised org paths (`ltree`): labels, casts and rebasing a subtree onto a new root."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, cast, func

from shared.db import Ltree


def path_label(org_unit_id: uuid.UUID) -> str:
    """ltree labels allow only letters, digits and underscores: a uuid's hex fits."""
    return org_unit_id.hex


def ltree(value: str) -> ColumnElement[Any]:
    """A path literal cast to `ltree`, so PostgreSQL compares it as a path and not as text."""
    return cast(value, Ltree)


def rebased_path(
    path: ColumnElement[Any], old_root: ColumnElement[Any] | str, new_root: ColumnElement[Any] | str
) -> ColumnElement[Any]:
    """`path` (at or below `old_root`) with that prefix replaced by `new_root`; roots end in the same label."""
    old_root = ltree(old_root) if isinstance(old_root, str) else old_root
    new_root = ltree(new_root) if isinstance(new_root, str) else new_root
    # subpath(path, nlevel(old_root) - 1) keeps the root's own label, so the root row needs no special case.
    new_parent = func.subpath(new_root, 0, func.nlevel(new_root) - 1)
    return new_parent.op("||")(func.subpath(path, func.nlevel(old_root) - 1))
