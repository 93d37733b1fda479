"""The first read of a published version sums its targets (progress_targets) in one statement, because a read runs
in autocommit on the lean path: two first reads at once must both succeed and leave one set of sums."""

from __future__ import annotations

from sqlalchemy import func, select

from services.targets.progress.figures import ensure_targets_cached, load_plan
from services.targets.progress.tables import progress_target_builds, progress_targets
from shared.identity import Principal, Role
from tests.targets.progress.support import AS_OF, build_world

ADMIN = Principal(subject="test-admin", role=Role.admin, org_unit_id=None)


def _sums(conn, plan_id) -> tuple[int, int]:
    t, b = progress_targets, progress_target_builds
    rows = conn.scalar(select(func.count()).where(t.c.plan_id == plan_id))
    marks = conn.scalar(select(func.count()).where(b.c.plan_id == plan_id))
    return rows, marks


def test_two_first_reads_at_once_leave_one_set_of_sums(clients, admin, engines):
    w = build_world(clients, admin, engines)
    with engines["targets"].connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        plan = load_plan(conn, w.plan, ADMIN)
        assert not plan.targets_built and _sums(conn, w.plan) == (0, 0)
        ensure_targets_cached(conn, plan)
        # one row per holder of cells: the two offices and the three reps; the version marked built once
        assert _sums(conn, w.plan) == (5, 1)
        # A second read that loaded the plan before the first one's sums were in: nothing conflicts, nothing doubles
        ensure_targets_cached(conn, plan)
        assert _sums(conn, w.plan) == (5, 1)
        assert load_plan(conn, w.plan, ADMIN).targets_built
    answer = clients["targets"].get(
        f"/plans/{w.plan}/progress/people/{w.r1}", headers=admin, params={"period": "2026-03", "as_of": AS_OF}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["figures"]["target"] == "11000.00"  # 6,000 + 5,000 over two product lines
