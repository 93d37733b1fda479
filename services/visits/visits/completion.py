"""Check-out: the visit's checks and authenticity score are computed and the visit is published."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, func, select, text

from services.visits import db
from services.visits.domain.authenticity import VisitEvidence, score, signals
from services.visits.domain.checks import check_visit
from services.visits.domain.geo import Position, distance_m
from services.visits.outlets.tables import outlets
from services.visits.photos.tables import photos, visit_photos
from services.visits.policies.service import all_policies, required_steps
from services.visits.visits.schemas import CheckOut, VisitOut
from services.visits.visits.service import get_visit, owned_visit
from services.visits.visits.tables import visit_steps, visits
from shared.errors import Conflict, InvalidInput
from shared.events.visits import HandedMaterial, ObservedPrice, ObservedStock, OrderRequested, VisitCompleted
from shared.identity import Principal
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/visits")
LOCAL = ZoneInfo("Asia/Shanghai")  # opening hours are written in the outlet's local time
SAME_TRIP = timedelta(hours=12)  # a previous check-out older than this says nothing about travel speed
NEAR_DUPLICATE_BITS = 6  # pHash Hamming distance at or below which two photos show the same scene
PHOTO_MEMORY = timedelta(days=90)

_NEAR_DUPLICATES = text(
    """
    SELECT count(DISTINCT vp.content_hash) FROM visits.visit_photos vp
    WHERE vp.visit_id <> :visit_id AND vp.created_at > :since AND vp.content_hash <> ALL(:hashes)
      AND EXISTS (SELECT 1 FROM unnest(CAST(:phashes AS bigint[])) AS mine(p)
                  WHERE bit_count(CAST(vp.phash # mine.p AS bit(64))) <= :bits)
    """
).bindparams(bindparam("hashes"), bindparam("phashes"))


def _hours(windows) -> dict[int, list[tuple[time, time]]] | None:
    if windows is None:
        return None
    hours: dict[int, list[tuple[time, time]]] = {}
    for w in windows:
        hours.setdefault(w["weekday"], []).append((time.fromisoformat(w["opens"]), time.fromisoformat(w["closes"])))
    return hours


def _photo_signals(conn: Connection, visit: dict, refs: list[dict], now: datetime) -> tuple[list[dict], int, int]:
    """The visit's photo links to insert, and how many of its photos other visits showed, exactly or nearly."""
    hashes = list(dict.fromkeys(r["content_hash"] for r in refs))
    if not hashes:
        return [], 0, 0
    found = conn.execute(select(photos.c.content_hash, photos.c.phash).where(photos.c.content_hash.in_(hashes)))
    known = {r.content_hash: r.phash for r in found}
    missing = [h for h in hashes if h not in known]
    if missing:
        raise InvalidInput(f"photos not uploaded: {', '.join(missing)}; POST /photos first", field="steps")
    reused = conn.execute(
        select(func.count(func.distinct(visit_photos.c.content_hash))).where(
            visit_photos.c.content_hash.in_(hashes), visit_photos.c.visit_id != visit["id"]
        )
    ).scalar_one()  # count() always yields one row
    near = conn.scalar(
        _NEAR_DUPLICATES,
        dict(
            visit_id=visit["id"],
            since=now - PHOTO_MEMORY,
            hashes=hashes,
            phashes=list(known.values()),
            bits=NEAR_DUPLICATE_BITS,
        ),
    )
    taken = {r["content_hash"]: r for r in refs}
    rows = [
        dict(
            visit_id=visit["id"],
            content_hash=h,
            phash=known[h],
            rep_id=visit["rep_id"],
            taken_at=taken[h].get("taken_at"),
            meta={"caption": taken[h].get("caption")},
        )
        for h in hashes
    ]
    return rows, reused, near


def _previous(conn: Connection, visit: dict):
    return conn.execute(
        select(visits.c.latitude, visits.c.longitude, visits.c.check_out_client_at)
        .where(
            visits.c.rep_id == visit["rep_id"],
            visits.c.status == "completed",
            visits.c.id != visit["id"],
            visits.c.check_out_client_at <= visit["check_in_client_at"],
            visits.c.check_out_client_at > visit["check_in_client_at"] - SAME_TRIP,
        )
        .order_by(visits.c.check_out_client_at.desc())
        .limit(1)
    ).first()


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
    values, photo_rows, events = evaluate(conn, visit, outlet, policy, steps, command.client_at, now=now, sent_at=None)
    conn.execute(visits.update().where(visits.c.id == visit_id).values(values))
    if photo_rows:
        conn.execute(visit_photos.insert().values(photo_rows))
    outbox.add(conn, *events)
    return get_visit(conn, principal, visit_id)


def evaluate(
    conn: Connection,
    visit: dict,
    outlet,
    policy,
    steps: Sequence[tuple[str, dict[str, Any]]],
    check_out_at: datetime,
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
    refs = [p for d in by_step.get("display", []) for p in d["photos"]]
    photo_rows, reused, near = _photo_signals(conn, visit, refs, now)
    previous = _previous(conn, visit)
    skew = ((sent_at or check_out_at) - now).total_seconds()
    here = Position(visit["latitude"], visit["longitude"])
    found = signals(
        VisitEvidence(
            distance_m=visit["distance_m"] or 0.0,
            accuracy_m=visit["accuracy_m"],
            radius_m=policy.radius_m,
            duration_minutes=checks.duration_minutes,
            minimum_minutes=policy.minimum_minutes,
            previous_distance_m=None
            if previous is None
            else distance_m(Position(previous.latitude, previous.longitude), here),
            previous_gap_s=None
            if previous is None
            else (visit["check_in_client_at"] - previous.check_out_client_at).total_seconds(),
            reused_photos=reused,
            near_duplicate_photos=near,
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
