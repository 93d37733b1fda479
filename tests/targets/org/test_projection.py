"""The org tree projection other services keep (shared.org): events of different org units arrive on different
partitions, so any interleaving that keeps each unit's own events in order must give the same tree, and a
replay must change nothing. Run against inventory's real org_units table, rolled back afterwards."""

from __future__ import annotations

import random
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from services.inventory import db as inventory_db
from shared.events.targets import OrgUnitCreated, OrgUnitMoved, OrgUnitRenamed
from shared.org.paths import path_label
from shared.org.projection import org_unit_handlers
from tests.support import unique

t = inventory_db.org_units
handlers = org_unit_handlers(t)
DAY = date(2025, 3, 1)


def apply(conn, event) -> None:
    handlers[type(event)](conn, SimpleNamespace(payload=event))


def history_of_targets():
    """What targets publishes for: company c → r1 (o, o2), r2; t and t3 under o; o moves to r2; t2 is created
    under o; t moves to o2; o is renamed. Paths are as targets knew them when each event was written."""
    ids = {name: uuid.uuid4() for name in ("c", "r1", "r2", "o", "o2", "t", "t2", "t3")}
    lab = {name: path_label(i) for name, i in ids.items()}
    c, r1, r2 = lab["c"], f"{lab['c']}.{lab['r1']}", f"{lab['c']}.{lab['r2']}"

    def created(name, kind, parent, path):
        return OrgUnitCreated(
            org_unit_id=ids[name],
            parent_id=ids[parent] if parent else None,
            kind=kind,
            code=unique(name),
            name=name,
            path=path,
        )

    def moved(name, old_parent, parent, old_path, path, units):
        return OrgUnitMoved(
            org_unit_id=ids[name],
            old_parent_id=ids[old_parent],
            parent_id=ids[parent],
            old_path=old_path,
            path=path,
            effective_date=DAY,
            moved_units=units,
        )

    events = [
        created("c", "company", None, c),
        created("r1", "region", "c", r1),
        created("r2", "region", "c", r2),
        created("o", "office", "r1", f"{r1}.{lab['o']}"),
        created("o2", "office", "r1", f"{r1}.{lab['o2']}"),
        created("t", "team", "o", f"{r1}.{lab['o']}.{lab['t']}"),
        created("t3", "team", "o", f"{r1}.{lab['o']}.{lab['t3']}"),  # its event path goes stale with the move
        moved("o", "r1", "r2", f"{r1}.{lab['o']}", f"{r2}.{lab['o']}", 3),
        created("t2", "team", "o", f"{r2}.{lab['o']}.{lab['t2']}"),
        moved("t", "o", "o2", f"{r2}.{lab['o']}.{lab['t']}", f"{r1}.{lab['o2']}.{lab['t']}", 1),
        OrgUnitRenamed(org_unit_id=ids["o"], old_name="o", name="o renamed"),
    ]
    expected = {
        ids["c"]: c,
        ids["r1"]: r1,
        ids["r2"]: r2,
        ids["o"]: f"{r2}.{lab['o']}",
        ids["o2"]: f"{r1}.{lab['o2']}",
        ids["t"]: f"{r1}.{lab['o2']}.{lab['t']}",
        ids["t2"]: f"{r2}.{lab['o']}.{lab['t2']}",
        ids["t3"]: f"{r2}.{lab['o']}.{lab['t3']}",
    }
    return events, expected, ids


def interleaving(events, rng: random.Random) -> list:
    """A random order that keeps each org unit's own events in the order they were written (one partition)."""
    slots = [e.org_unit_id for e in events]
    rng.shuffle(slots)
    queues: dict[object, list[object]] = {}
    for e in events:
        queues.setdefault(e.org_unit_id, []).append(e)
    return [queues[key].pop(0) for key in slots]


def projected(conn, ids) -> dict:
    rows = conn.execute(select(t.c.id, t.c.path, t.c.parent_id, t.c.name).where(t.c.id.in_(list(ids.values()))))
    return {r.id: r for r in rows}


@pytest.mark.parametrize("seed", range(25))
def test_any_partition_interleaving_converges_to_the_tree_targets_has(engines, seed):
    events, expected, ids = history_of_targets()
    order = interleaving(events, random.Random(seed))
    with engines["inventory"].connect() as conn, conn.begin() as transaction:
        for event in order:
            apply(conn, event)
        state = projected(conn, ids)
        assert {i: r.path for i, r in state.items()} == expected, [type(e).__name__ for e in order]
        assert state[ids["t"]].parent_id == ids["o2"] and state[ids["o"]].parent_id == ids["r2"]
        assert state[ids["o"]].name == "o renamed"
        for event in order:  # a replay (no inbox in this test) still changes nothing
            apply(conn, event)
        assert {i: r.path for i, r in projected(conn, ids).items()} == expected
        transaction.rollback()


def test_the_written_order_moves_the_subtree_in_place(engines):
    events, expected, ids = history_of_targets()
    with engines["inventory"].connect() as conn, conn.begin() as transaction:
        for event in events[:8]:  # up to and including the office's move
            apply(conn, event)
        paths = {i: r.path for i, r in projected(conn, ids).items()}
        assert paths[ids["t"]] == f"{expected[ids['o']]}.{path_label(ids['t'])}"  # the team moved with the office
        assert paths[ids["o2"]] == expected[ids["o2"]]
        transaction.rollback()


def test_a_child_that_overtook_its_parent_is_re_anchored_below_it(engines):
    # Targets: province p under r1, office x under p, team k under x; then p moves to r2. The projection gets
    # p's two events, then k (x still unknown, so k keeps its now stale event path r1.p.x.k), then x, which
    # lands below p's projected path r2.p: k must follow it there.
    ids = {name: uuid.uuid4() for name in ("c", "r1", "r2", "p", "x", "k")}
    lab = {name: path_label(i) for name, i in ids.items()}
    r1, r2 = f"{lab['c']}.{lab['r1']}", f"{lab['c']}.{lab['r2']}"

    def created(name, kind, parent, path):
        return OrgUnitCreated(
            org_unit_id=ids[name],
            parent_id=ids[parent] if parent else None,
            kind=kind,
            code=unique(name),
            name=name,
            path=path,
        )

    order = [
        created("c", "company", None, lab["c"]),
        created("r1", "region", "c", r1),
        created("r2", "region", "c", r2),
        created("p", "province", "r1", f"{r1}.{lab['p']}"),
        OrgUnitMoved(
            org_unit_id=ids["p"],
            old_parent_id=ids["r1"],
            parent_id=ids["r2"],
            old_path=f"{r1}.{lab['p']}",
            path=f"{r2}.{lab['p']}",
            effective_date=DAY,
            moved_units=3,
        ),
        created("k", "team", "x", f"{r1}.{lab['p']}.{lab['x']}.{lab['k']}"),
        created("x", "office", "p", f"{r1}.{lab['p']}.{lab['x']}"),
    ]
    with engines["inventory"].connect() as conn, conn.begin() as transaction:
        for event in order:
            apply(conn, event)
        paths = {i: r.path for i, r in projected(conn, ids).items()}
        assert paths[ids["x"]] == f"{r2}.{lab['p']}.{lab['x']}"
        assert paths[ids["k"]] == f"{r2}.{lab['p']}.{lab['x']}.{lab['k']}"
        transaction.rollback()
