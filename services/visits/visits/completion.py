"""Check-out: the visit's checks and authenticity score are computed and the visit is published."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from services.visits import db
from services.visits.domain.authenticity import VisitEvidence, score, signals
from services.visits.domain.checks import check_visit
from services.visits.domain.geo import Position, distance_m
from services.visits.outlets.tables import outlets
from services.visits.photos.tables import visit_photos
from services.visits.policies.service import all_policies, required_steps
from services.visits.visits.schemas import CheckOut, VisitOut
from services.visits.visits.service import get_visit, owned_visit
from services.visits.visits.statements import PRIOR, prior_params
from services.visits.visits.tables import visit_steps, visits
from shared.errors import Conflict, InvalidInput
from shared.events.visits import HandedMaterial, ObservedPrice, ObservedStock, OrderRequested, VisitCompleted
from shared.identity import Principal
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/visits")
LOCAL = ZoneInfo("Asia/Shanghai")  # opening hours are written in the outlet's local time


@dataclass(frozen=True)
class PriorFacts:
    """What a visit's score needs from other visits: the rep's previous check-out and the photos seen before."""

    previous: Any  # (latitude, longitude, check_out_client_at) of the rep's previous visit that day, or None
    known_photos: dict[str, int]  # content hash -> pHash of the uploaded photos the visit names
    reused_photos: int
    near_duplicate_photos: int


def prior_from(row) -> PriorFacts:
    """PriorFacts from a row holding the columns of statements.PRIOR."""
    previous = None if row.prev_check_out is None else (row.prev_latitude, row.prev_longitude, row.prev_check_out)
    return PriorFacts(previous, row.known_photos, row.reused_photos or 0, row.near_duplicate_photos or 0)


def prior_facts(
    conn: Connection, visit_id: uuid.UUID, rep_id: uuid.UUID, check_in: datetime, hashes: list[str], *, now: datetime
) -> PriorFacts:
    return prior_from(conn.exec_driver_sql(PRIOR, prior_params(visit_id, rep_id, check_in, hashes, now)).one())


def _hours(windows) -> dict[int, list[tuple[time, time]]] | None:
    if windows is None:
        return None
    hours: dict[int, list[tuple[time, time]]] = {}
    for w in windows:
        hours.setdefault(w["weekday"], []).append((time.fromisoformat(w["opens"]), time.fromisoformat(w["closes"])))
    return hours


def photo_hashes(steps: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
    """The distinct content hashes the display steps name, in order."""
    return list(dict.fromkeys(p["content_hash"] for step, d in steps if step == "display" for p in d["photos"]))


def complete_visit(
    conn: Connection,
    principal: Principal,
    visit_id: uuid.UUID,
    command: CheckOut,
    *,
    now: datetime,
) -> VisitOut:
    """Check out an open visit: its checks and score are recorded and it is published."""
    visit = owned_visit(conn, principal, visit_id, for_update=True)._asdict()
    if visit["status"] == "completed":
        if visit["check_out_client_at"] != command.client_at:
            raise Conflict(
                f"visit {visit_id} was already checked out at {visit['check_out_client_at']}", field="client_at"
            )
        return get_visit(conn, principal, visit_id)  # a retried check-out
    outlet = conn.execute(
        select(outlets.c.grade, outlets.c.channel, outlets.c.opening_hours, outlets.c.dealer_id).where(
            outlets.c.id == visit["outlet_id"]
        )
    ).one()
    steps = [
        (r.step, r.data)
        for r in conn.execute(
            select(visit_steps.c.step, visit_steps.c.data).where(visit_steps.c.visit_id == visit_id).order_by("seq")
        )
    ]
    policy = all_policies(conn)[outlet.grade]
    prior = prior_facts(conn, visit_id, visit["rep_id"], visit["check_in_client_at"], photo_hashes(steps), now=now)
    values, photo_rows, events = evaluate(visit, outlet, policy, steps, command.client_at, prior, now=now, sent_at=None)
    conn.execute(visits.update().where(visits.c.id == visit_id).values(values))
    if photo_rows:
        conn.execute(visit_photos.insert().values(photo_rows))
    outbox.add(conn, *events)
    return get_visit(conn, principal, visit_id)


def evaluate(
    visit: dict,
    outlet,
    policy,
    steps: Sequence[tuple[str, dict[str, Any]]],
    check_out_at: datetime,
    prior: PriorFacts,
    *,
    now: datetime,
    sent_at: datetime | None,
) -> tuple[dict, list[dict], list]:
    """The check-out columns, the photo links and the events of a visit checked out at `check_out_at`."""
    if check_out_at < visit["check_in_client_at"]:
        raise InvalidInput("check-out is before check-in", field="check_out.client_at")
    checks = check_visit(
        check_in_at=visit["check_in_client_at"].astimezone(LOCAL),
        check_out_at=check_out_at.astimezone(LOCAL),
        minimum_minutes=policy.minimum_minutes,
        opening_hours=_hours(outlet.opening_hours),
        required_steps=required_steps(policy, outlet.channel),
        steps_done=[step for step, _ in steps],
    )
    by_step: dict[str, list[dict]] = {}
    for step, data in steps:
        by_step.setdefault(step, []).append(data)
    photo_rows = _photo_rows(visit, [p for d in by_step.get("display", []) for p in d["photos"]], prior)
    previous = prior.previous
    skew = ((sent_at or check_out_at) - now).total_seconds()
    here = Position(visit["latitude"], visit["longitude"])
    found = signals(
        VisitEvidence(
            distance_m=visit["distance_m"] or 0.0,
            accuracy_m=visit["accuracy_m"],
            radius_m=policy.radius_m,
            duration_minutes=checks.duration_minutes,
            minimum_minutes=policy.minimum_minutes,
            previous_distance_m=None if previous is None else distance_m(Position(previous[0], previous[1]), here),
            previous_gap_s=None if previous is None else (visit["check_in_client_at"] - previous[2]).total_seconds(),
            reused_photos=prior.reused_photos,
            near_duplicate_photos=prior.near_duplicate_photos,
            clock_skew_s=skew,
            mock_location=visit["mock_location"],
        )
    )
    flags = list(checks.flags) + (["outside_geofence"] if visit["outside_geofence"] else [])
    signal_rows = [
        dict(name=s.name, weight=s.weight, suspicion=round(s.suspicion, 4), penalty=s.penalty, detail=s.detail)
        for s in found
    ]
    values = dict(
        status="completed",
        check_out_client_at=check_out_at.astimezone(UTC),
        check_out_server_at=now,
        clock_skew_s=skew,
        duration_minutes=checks.duration_minutes,
        flags=flags,
        missing_steps=list(checks.missing_steps),
        order_taken="order" in by_step,
        authenticity_score=score(found),
        authenticity_signals=signal_rows,
    )
    return values, photo_rows, _events(visit, outlet, values, by_step, [r["content_hash"] for r in photo_rows])


def _photo_rows(visit: dict, refs: list[dict], prior: PriorFacts) -> list[dict]:
    """The visit's photo links; a photo named but never uploaded refuses the visit."""
    missing = [h for h in dict.fromkeys(r["content_hash"] for r in refs) if h not in prior.known_photos]
    if missing:
        raise InvalidInput(f"photos not uploaded: {', '.join(missing)}; POST /photos first", field="steps")
    taken = {r["content_hash"]: r for r in refs}
    return [
        dict(
            visit_id=visit["id"],
            content_hash=h,
            phash=prior.known_photos[h],
            rep_id=visit["rep_id"],
            taken_at=r.get("taken_at"),
            meta={"caption": r.get("caption")},
        )
        for h, r in taken.items()
    ]


def _events(visit: dict, outlet, values: dict, by_step: dict[str, list[dict]], hashes: list[str]) -> list:
    events: list = [
        VisitCompleted(
            visit_id=visit["id"],
            rep_id=visit["rep_id"],
            outlet_id=visit["outlet_id"],
            org_unit_id=visit["org_unit_id"],
            schedule_entry_id=visit["schedule_entry_id"],
            check_in_at=visit["check_in_client_at"],
            check_out_at=values["check_out_client_at"],
            latitude=visit["latitude"],
            longitude=visit["longitude"],
            accuracy_m=visit["accuracy_m"],
            distance_m=visit["distance_m"],
            outside_geofence=visit["outside_geofence"],
            duration_minutes=values["duration_minutes"],
            flags=values["flags"],
            authenticity_score=values["authenticity_score"],
            authenticity_signals=values["authenticity_signals"],
            stock=[ObservedStock(**i) for d in by_step.get("stock_check", []) for i in d["items"]],
            prices=[ObservedPrice(**i) for d in by_step.get("prices", []) for i in d["items"]],
            photo_hashes=hashes,
            promotion_materials=[
                HandedMaterial(**i) for d in by_step.get("promotion_materials", []) for i in d["items"]
            ],
            order_taken=values["order_taken"],
        )
    ]
    if "order" in by_step:
        events.append(
            OrderRequested(
                request_id=visit["id"],
                visit_id=visit["id"],
                outlet_id=visit["outlet_id"],
                dealer_id=outlet.dealer_id,
                rep_id=visit["rep_id"],
                requested_on=values["check_out_client_at"].astimezone(LOCAL).date(),
                lines=[line for d in by_step["order"] for line in d["lines"]],
            )
        )
    return events
