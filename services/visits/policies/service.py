"""Visit policies: stored per grade, with defaults for grades nobody configured."""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert

from services.visits.domain.schedule import DEFAULT_INTERVAL_WEEKS
from services.visits.policies.schemas import PolicyIn, PolicyOut
from services.visits.policies.tables import visit_policies as t

DEFAULT_MINUTES = {"A": 20, "B": 15, "C": 10, "D": 10}
DEFAULT_RADIUS_M = 200.0
DEFAULT_STEPS = {"*": ["stock_check"], "supermarket": ["stock_check", "display", "prices"]}


def default_policy(grade: str) -> PolicyOut:
    return PolicyOut(
        grade=grade,
        interval_weeks=DEFAULT_INTERVAL_WEEKS[grade],
        minimum_minutes=DEFAULT_MINUTES[grade],
        radius_m=DEFAULT_RADIUS_M,
        required_steps=DEFAULT_STEPS,
    )


def all_policies(conn: Connection) -> dict[str, PolicyOut]:
    """Every grade's policy, stored or default."""
    stored = {r.grade: PolicyOut(**r._asdict()) for r in conn.execute(select(t))}
    return {g: stored.get(g) or default_policy(g) for g in ("A", "B", "C", "D")}


def required_steps(policy: PolicyOut, channel: str) -> list[str]:
    return list(policy.required_steps.get(channel, policy.required_steps.get("*", [])))


def set_policy(conn: Connection, grade: str, command: PolicyIn) -> PolicyOut:
    """Create or replace the policy of a grade."""
    values = command.model_dump()
    stmt = insert(t).values(grade=grade, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=[t.c.grade], set_=values))
    return PolicyOut(grade=grade, **values)
