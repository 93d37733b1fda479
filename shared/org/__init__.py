"""The org tree as every service stores it: its table, ltree paths, scope rules and the event projection.

Import from the modules (`shared.org.scope`, …); the names below are re-exported so code written against the
former single module `shared.org` keeps importing.
"""

from shared.org.paths import ltree, path_label, rebased_path
from shared.org.projection import org_unit_handlers, org_unit_projector
from shared.org.scope import (
    ensure_all_in_scope,
    ensure_in_scope,
    ensure_known_in_scope,
    ids_in_scope,
    scope_condition,
    subtree_ids,
)
from shared.org.tables import make_org_units_table

__all__ = [
    "ensure_all_in_scope",
    "ensure_in_scope",
    "ensure_known_in_scope",
    "ids_in_scope",
    "ltree",
    "make_org_units_table",
    "org_unit_handlers",
    "org_unit_projector",
    "path_label",
    "rebased_path",
    "scope_condition",
    "subtree_ids",
]
