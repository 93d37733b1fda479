"""Use cases of schedules: generate from routes and policies, adjust, submit, approve, publish."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import Connection, func, select, update

from services.visits import db
from services.visits.policies.service import all_policies
from services.visits.schedules.generation import generate_in_database
from services.visits.schedules.schemas import EntryMove, EntryOut, GenerateIn, GenerateOut, NotPlacedOut, ScheduleOut
from services.visits.schedules.tables import schedule_entries, schedules
from services.visits.visits.tables import visits
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events.visits import SchedulePublished, VisitMissed
from shared.identity import Principal, Role
from shared.org import ensure_in_scope, scope_condition, subtree_ids
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/visits")
MAX_PERIOD = timedelta(days=92)
# Who moves a schedule on: the rep submits their own; a supervisor or manager above approves and publishes.
TRANSITIONS = {
    "submit": ("draft", "submitted", {Role.rep, Role.supervisor, Role.region_manager, Role.director}),
    "approve": ("submitted", "approved", {Role.supervisor, Role.region_manager, Role.director}),
    "publish": ("approved", "published", {Role.supervisor, Role.region_manager, Role.director}),
}


def ensure_entry_of(conn: Connection, rep_id: uuid.UUID, outlet_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    """A schedule entry named in a body must be this rep's, for this outlet; otherwise it does not exist."""
    found = conn.scalar(
        select(schedule_entries.c.id).where(
            schedule_entries.c.id == entry_id,
            schedule_entries.c.rep_id == rep_id,
            schedule_entries.c.outlet_id == outlet_id,
        )
    )
    if found is None:
        raise NotFound(f"schedule entry {entry_id} not found", field="schedule_entry_id")


def generate(conn: Connection, principal: Principal, command: GenerateIn) -> GenerateOut:
    """Draft schedules for every rep routed under the org unit; drafts are replaced, later stages kept."""
    start, end = command.period_start, command.period_end
    if end < start:
        raise InvalidInput("the period ends before it starts", field="period_end")
    if end - start > MAX_PERIOD:
        raise InvalidInput("a schedule covers at most 3 months", field="period_end")
    ensure_in_scope(conn, db.org_units, principal, command.org_unit_id)
    intervals = {g: p.interval_weeks for g, p in all_policies(conn).items()}
    made, entries, kept, missed = generate_in_database(conn, command.org_unit_id, start, end, intervals)
    return GenerateOut(schedules=made, entries=entries, kept=kept, not_placed=[NotPlacedOut(**m) for m in missed])


def _visible(principal: Principal):
    if principal.role == Role.rep:
        return schedules.c.rep_id == principal.person_id if principal.person_id else schedules.c.id.is_(None)
    return scope_condition(db.org_units, principal, schedules.c.org_unit_id)


def get_schedule(
    conn: Connection, principal: Principal, schedule_id: uuid.UUID, *, entries: bool = True
) -> ScheduleOut:
    row = conn.execute(select(schedules).where(schedules.c.id == schedule_id, _visible(principal))).first()
    if row is None:
        raise NotFound(f"schedule {schedule_id} not found")
    found = []
    if entries:
        found = [
            EntryOut(**e._asdict())
            for e in conn.execute(
                select(schedule_entries)
                .where(schedule_entries.c.schedule_id == schedule_id)
                .order_by(schedule_entries.c.planned_on, schedule_entries.c.position)
            )
        ]
    return ScheduleOut(**row._asdict(), entries=found)


def list_schedules(
    conn: Connection, principal: Principal, *, rep_id: uuid.UUID | None, limit: int
) -> list[ScheduleOut]:
    query = select(schedules).where(_visible(principal))
    if rep_id is not None:
        query = query.where(schedules.c.rep_id == rep_id)
    rows = conn.execute(query.order_by(schedules.c.period_start.desc(), schedules.c.rep_id).limit(limit))
    return [ScheduleOut(**r._asdict()) for r in rows]


def transition(conn: Connection, principal: Principal, schedule_id: uuid.UUID, action: str) -> ScheduleOut:
    """submit -> approve -> publish, each by the roles allowed; publishing announces the schedule."""
    source, target, roles = TRANSITIONS[action]
    current = get_schedule(conn, principal, schedule_id, entries=False)
    if principal.role not in roles | {Role.admin}:
        raise Forbidden(f"role {principal.role.value!r} may not {action} a schedule")
    if current.status != source:
        raise Conflict(f"schedule is {current.status}; only a {source} schedule can be {target}", field="status")
    conn.execute(update(schedules).where(schedules.c.id == schedule_id).values(status=target))
    if target == "published":
        count = conn.scalar(
            select(func.count()).select_from(schedule_entries).where(schedule_entries.c.schedule_id == schedule_id)
        )
        outbox.add(
            conn,
            SchedulePublished(
                schedule_id=schedule_id,
                rep_id=current.rep_id,
                org_unit_id=current.org_unit_id,
                period_start=current.period_start,
                period_end=current.period_end,
                planned_visits=count,
            ),
        )
    return get_schedule(conn, principal, schedule_id)


def move_entry(
    conn: Connection, principal: Principal, schedule_id: uuid.UUID, entry_id: uuid.UUID, command: EntryMove
) -> EntryOut:
    """Move a planned visit inside the period; a stale version is refused (the server's plan wins)."""
    current = get_schedule(conn, principal, schedule_id, entries=False)
    if principal.role == Role.rep and current.status != "draft":
        raise Conflict(f"schedule is {current.status}; a rep adjusts only a draft", field="status")
    if not current.period_start <= command.planned_on <= current.period_end:
        raise InvalidInput("the day is outside the schedule's period", field="planned_on")
    row = conn.execute(
        update(schedule_entries)
        .where(
            schedule_entries.c.id == entry_id,
            schedule_entries.c.schedule_id == schedule_id,
            schedule_entries.c.version == command.version,
        )
        .values(planned_on=command.planned_on, version=schedule_entries.c.version + 1)
        .returning(*schedule_entries.c)
    ).first()
    if row is None:
        exists = conn.scalar(
            select(schedule_entries.c.version).where(
                schedule_entries.c.id == entry_id, schedule_entries.c.schedule_id == schedule_id
            )
        )
        if exists is None:
            raise NotFound(f"schedule entry {entry_id} not found")
        raise Conflict(f"schedule entry is at version {exists}, not {command.version}", field="version")
    return EntryOut(**row._asdict())


def report_missed(conn: Connection, principal: Principal, org_unit_id: uuid.UUID, before: date) -> int:
    """Published visits of the subtree planned before `before` with no completed visit: marked once, published."""
    ensure_in_scope(conn, db.org_units, principal, org_unit_id)
    return mark_missed(conn, before, within=schedules.c.org_unit_id.in_(subtree_ids(db.org_units, org_unit_id)))


def mark_missed(conn: Connection, before: date, *, within=None, limit: int | None = None) -> int:
    """Mark published entries planned before `before` with no completed visit as missed and publish VisitMissed
    for each (at most `limit` of them, the first found unlocked); an entry is marked and published only once."""
    done = select(visits.c.id).where(
        visits.c.schedule_entry_id == schedule_entries.c.id, visits.c.status == "completed"
    )
    due = (
        select(schedule_entries.c.id)
        .join(schedules, schedules.c.id == schedule_entries.c.schedule_id)
        .where(
            schedules.c.status == "published",
            schedule_entries.c.planned_on < before,
            schedule_entries.c.missed_at.is_(None),
            ~done.exists(),
        )
    )
    if within is not None:
        due = due.where(within)
    if limit is not None:  # the job's batches: short transactions that never wait on a rep's open visit
        due = due.limit(limit).with_for_update(of=schedule_entries, skip_locked=True)
    missed = conn.execute(
        update(schedule_entries)
        .where(schedule_entries.c.id.in_(due.scalar_subquery()))
        .values(missed_at=func.now())
        .returning(
            schedule_entries.c.id,
            schedule_entries.c.rep_id,
            schedule_entries.c.outlet_id,
            schedule_entries.c.planned_on,
        )
    ).all()
    outbox.add(
        conn,
        *[
            VisitMissed(schedule_entry_id=m.id, rep_id=m.rep_id, outlet_id=m.outlet_id, planned_on=m.planned_on)
            for m in missed
        ],
    )
    return len(missed)
