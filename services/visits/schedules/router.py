"""Routes, holidays, leave and schedule endpoints."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.visits.schedules import routes as route_cases
from services.visits.schedules import service
from services.visits.schedules.schemas import (
    EntryMove,
    EntryOut,
    GenerateIn,
    GenerateOut,
    HolidayIn,
    LeaveIn,
    MissedIn,
    MissedOut,
    RouteIn,
    RouteOut,
    ScheduleOut,
)
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep
from shared.identity import Role

router = APIRouter(tags=["routes and schedules"])
PLANNERS = [require_role(Role.supervisor, Role.region_manager, Role.director)]


@router.put(
    "/routes",
    response_model=RouteOut,
    summary="Set a rep's route (outlets in order) for a weekday",
    dependencies=PLANNERS,
)
def set_route(body: RouteIn, conn: ConnDep, principal: PrincipalDep):
    return route_cases.set_route(conn, principal, body)


@router.get("/routes", response_model=list[RouteOut], summary="A rep's routes, Monday first")
def list_routes(rep_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return route_cases.list_routes(conn, principal, rep_id)


@router.put(
    "/holidays",
    response_model=HolidayIn,
    summary="Declare a public holiday: no visits are planned on it",
    dependencies=[require_role(Role.region_manager, Role.director)],
)
def add_holiday(body: HolidayIn, conn: ConnDep):
    return route_cases.add_holiday(conn, body)


@router.get("/holidays", response_model=list[HolidayIn], summary="Holidays of a year")
def list_holidays(year: Annotated[int, Query(ge=2000, le=2100)], conn: ConnDep, principal: PrincipalDep):
    return route_cases.list_holidays(conn, year)


@router.post("/leave", response_model=LeaveIn, summary="Record days a rep is on leave", dependencies=PLANNERS)
def add_leave(body: LeaveIn, conn: ConnDep, principal: PrincipalDep):
    return route_cases.add_leave(conn, principal, body)


@router.post(
    "/schedule-generations",
    response_model=GenerateOut,
    summary="Generate draft schedules for every rep routed under an org unit, from routes, policies, holidays, leave",
    dependencies=PLANNERS,
)
def generate(body: GenerateIn, conn: ConnDep, principal: PrincipalDep):
    return service.generate(conn, principal, body)


@router.get("/schedules", response_model=list[ScheduleOut], summary="Schedules the caller may see (without entries)")
def list_schedules(
    conn: ConnDep,
    principal: PrincipalDep,
    rep_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
):
    return service.list_schedules(conn, principal, rep_id=rep_id, limit=limit)


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut, summary="One schedule with its planned visits")
def get_schedule(schedule_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.get_schedule(conn, principal, schedule_id)


@router.post("/schedules/{schedule_id}/submit", response_model=ScheduleOut, summary="Submit a draft for approval")
def submit(schedule_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.transition(conn, principal, schedule_id, "submit")


@router.post(
    "/schedules/{schedule_id}/approve", response_model=ScheduleOut, summary="Approve a submitted schedule (supervisor)"
)
def approve(schedule_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.transition(conn, principal, schedule_id, "approve")


@router.post(
    "/schedules/{schedule_id}/publish",
    response_model=ScheduleOut,
    summary="Publish an approved schedule to the rep (and as an event)",
)
def publish(schedule_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep):
    return service.transition(conn, principal, schedule_id, "publish")


@router.patch(
    "/schedules/{schedule_id}/entries/{entry_id}",
    response_model=EntryOut,
    summary="Move a planned visit to another day (optimistic: the entry's version must match)",
)
def move_entry(schedule_id: uuid.UUID, entry_id: uuid.UUID, body: EntryMove, conn: ConnDep, principal: PrincipalDep):
    return service.move_entry(conn, principal, schedule_id, entry_id, body)


@router.post(
    "/missed-visits",
    response_model=MissedOut,
    summary="Mark published visits planned before a day with no completed visit as missed, and publish them",
    dependencies=PLANNERS,
)
def report_missed(body: MissedIn, conn: ConnDep, principal: PrincipalDep):
    return MissedOut(missed=service.report_missed(conn, principal, body.org_unit_id, body.before))
