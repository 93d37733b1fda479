"""Use cases of schedules: generate from routes and policies, adjust, submit, approve, publish."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import Connection, delete, func, select, update

from services.visits import db
from services.visits.domain import schedule as rules
from services.visits.outlets.tables import outlets
from services.visits.policies.service import all_policies
from services.visits.schedules.schemas import EntryMove, EntryOut, GenerateIn, GenerateOut, NotPlacedOut, ScheduleOut
from services.visits.schedules.tables import holidays, rep_leave, route_stops, routes, schedule_entries, schedules
from services.visits.visits.tables import visits
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events.visits import SchedulePublished, VisitMissed
from shared.identity import Principal, Role
from shared.ids import new_uuid
from shared.org import ensure_in_scope, scope_condition, subtree_ids
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/visits")
MAX_PERIOD = timedelta(days=92)
COPY_NULL = "\\N"
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
    stops = conn.execute(
        select(
            routes.c.rep_id,
            routes.c.org_unit_id,
            routes.c.weekday,
            route_stops.c.position,
            outlets.c.id,
            outlets.c.grade,
        )
        .join(route_stops, route_stops.c.route_id == routes.c.id)
        .join(outlets, outlets.c.id == route_stops.c.outlet_id)
        .where(routes.c.org_unit_id.in_(subtree_ids(db.org_units, command.org_unit_id)))
    ).all()
    rep_unit = {s.rep_id: s.org_unit_id for s in stops}
    kept: set[uuid.UUID] = set(
        conn.scalars(
            select(schedules.c.rep_id).where(
                schedules.c.period_start == start, schedules.c.rep_id.in_(list(rep_unit)), schedules.c.status != "draft"
            )
        )
    )
    conn.execute(
        delete(schedules).where(
            schedules.c.period_start == start, schedules.c.rep_id.in_(list(rep_unit)), schedules.c.status == "draft"
        )
    )
    leave: dict[uuid.UUID, list[date]] = {}
    for off in conn.execute(
        select(rep_leave.c.rep_id, rep_leave.c.day).where(
            rep_leave.c.rep_id.in_(list(rep_unit)), rep_leave.c.day.between(start, end)
        )
    ):
        leave.setdefault(off.rep_id, []).append(off.day)
    planned, missed = rules.generate(
        (rules.RouteStop(s.rep_id, s.weekday, s.position, s.id, s.grade) for s in stops if s.rep_id not in kept),
        start=start,
        end=end,
        interval_weeks={g: p.interval_weeks for g, p in all_policies(conn).items()},
        holidays=conn.scalars(select(holidays.c.day).where(holidays.c.day.between(start, end))).all(),
        leave=leave,
    )
    schedule_of = {rep: new_uuid() for rep in rep_unit if rep not in kept}
    if schedule_of:
        conn.execute(
            schedules.insert().values(
                [
                    dict(
                        id=sid,
                        rep_id=rep,
                        org_unit_id=rep_unit[rep],
                        period_start=start,
                        period_end=end,
                        status="draft",
                    )
                    for rep, sid in schedule_of.items()
                ]
            )
        )
    _copy_entries(conn, schedule_of, planned)
    return GenerateOut(
        schedules=len(schedule_of),
        entries=len(planned),
        kept=len(kept),
        not_placed=[
            NotPlacedOut(rep_id=m.rep_id, outlet_id=m.outlet_id, due_on=m.due_on, reason=m.reason) for m in missed[:200]
        ],
    )


def _copy_entries(conn: Connection, schedule_of: dict, planned: list[rules.PlannedVisit]) -> None:
    """COPY the entries in the caller's transaction: hundreds of thousands of rows for a large region."""
    raw = conn.connection.driver_connection
    assert raw is not None, "a connection in use is checked out, so it has its psycopg connection"
    columns = "schedule_id, rep_id, outlet_id, planned_on, position, moved_from"
    schedule_text = {rep: str(sid) for rep, sid in schedule_of.items()}
    with raw.cursor() as cursor, cursor.copy(f"COPY visits.schedule_entries ({columns}) FROM STDIN") as copy:
        # COPY text built in chunks: psycopg's write_row per row costs more than the rest of generation.
        for offset in range(0, len(planned), 20_000):
            copy.write(
                "".join(
                    f"{schedule_text[v.rep_id]}\t{v.rep_id}\t{v.outlet_id}\t{v.planned_on}\t{v.position}\t"
                    f"{v.moved_from or COPY_NULL}\n"
                    for v in planned[offset : offset + 20_000]
                )
            )


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
    """Published visits planned before `before` with no completed visit: marked once and published as missed."""
    ensure_in_scope(conn, db.org_units, principal, org_unit_id)
    done = select(visits.c.id).where(
        visits.c.schedule_entry_id == schedule_entries.c.id, visits.c.status == "completed"
    )
    missed = conn.execute(
        update(schedule_entries)
        .where(
            schedule_entries.c.schedule_id == schedules.c.id,
            schedules.c.status == "published",
            schedules.c.org_unit_id.in_(subtree_ids(db.org_units, org_unit_id)),
            schedule_entries.c.planned_on < before,
            schedule_entries.c.missed_at.is_(None),
            ~done.exists(),
        )
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
