"""Endpoints for progress against a published plan, rankings, alerts and the selling calendar."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from services.targets.domain.progress import PERIOD_PATTERN
from services.targets.progress import alerts as progress_alerts
from services.targets.progress import calendar as progress_calendar
from services.targets.progress import product_lines, service
from services.targets.progress.schemas import (
    AlertEvaluationOut,
    CalendarDayIn,
    CalendarDayOut,
    CalendarSettingsIn,
    NodeProgressOut,
    ProductLinesOut,
    RankingOut,
    SellingCalendarOut,
)
from shared.auth import PrincipalDep, require_role
from shared.http.app import ConnDep
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter()
managers = require_role(Role.director, Role.region_manager, Role.supervisor)
calendar_keepers = require_role(Role.director)


class PeriodQuery:
    """Which period (a year, quarter, month, or a date range in the fiscal year) and as of which day."""

    def __init__(
        self,
        period: Annotated[
            str | None,
            Query(
                pattern=PERIOD_PATTERN,
                max_length=7,
                examples=["2026-Q1"],
                description="2026, 2026-Q1 or 2026-03; default the plan's year",
            ),
        ] = None,
        date_from: Annotated[
            IsoDate | None, Query(examples=["2026-03-01"], description="A date range instead of period")
        ] = None,
        date_to: Annotated[IsoDate | None, Query(examples=["2026-03-20"])] = None,
        as_of: Annotated[
            IsoDate | None,
            Query(examples=["2026-03-13"], description="Figures as of the end of this day; default today"),
        ] = None,
    ):
        self.period = period
        self.date_from = date_from
        self.date_to = date_to
        self.as_of = as_of or date.today()

    def args(self) -> dict:
        return dict(period=self.period, date_from=self.date_from, date_to=self.date_to, as_of=self.as_of)


PeriodDep = Annotated[PeriodQuery, Depends()]


@router.get(
    "/plans/{plan_id}/progress/org-units/{org_unit_id}",
    response_model=NodeProgressOut,
    tags=["progress"],
    summary="An org unit's progress, rank among its siblings and roll-up to its ancestors",
)
def unit_progress(plan_id: uuid.UUID, org_unit_id: uuid.UUID, when: PeriodDep, conn: ConnDep, principal: PrincipalDep):
    return service.unit_progress(conn, principal, plan_id=plan_id, org_unit_id=org_unit_id, **when.args())


@router.get(
    "/plans/{plan_id}/progress/org-units/{org_unit_id}/product-lines",
    response_model=ProductLinesOut,
    tags=["progress"],
    summary="An org unit's progress per product line (orders' SKUs by category), unregistered SKUs apart",
)
def product_line_progress(
    plan_id: uuid.UUID, org_unit_id: uuid.UUID, when: PeriodDep, conn: ConnDep, principal: PrincipalDep
):
    return product_lines.product_line_progress(conn, principal, plan_id=plan_id, org_unit_id=org_unit_id, **when.args())


@router.get(
    "/plans/{plan_id}/progress/people/{person_id}",
    response_model=NodeProgressOut,
    tags=["progress"],
    summary="A rep's progress, rank among the reps of their unit and the units above them",
)
def person_progress(plan_id: uuid.UUID, person_id: uuid.UUID, when: PeriodDep, conn: ConnDep, principal: PrincipalDep):
    return service.person_progress(conn, principal, plan_id=plan_id, person_id=person_id, **when.args())


@router.get(
    "/plans/{plan_id}/progress/org-units/{org_unit_id}/ranking",
    response_model=RankingOut,
    tags=["progress"],
    summary="A unit's child units and reps ranked by achievement rate",
)
def unit_ranking(plan_id: uuid.UUID, org_unit_id: uuid.UUID, when: PeriodDep, conn: ConnDep, principal: PrincipalDep):
    return service.unit_ranking(conn, principal, plan_id=plan_id, org_unit_id=org_unit_id, **when.args())


@router.post(
    "/plans/{plan_id}/progress/alerts",
    response_model=AlertEvaluationOut,
    tags=["progress"],
    dependencies=[managers],
    summary="Alert the nodes of the caller's subtree that fell behind time progress (weekly reminders at most)",
)
def evaluate_alerts(
    plan_id: uuid.UUID,
    conn: ConnDep,
    principal: PrincipalDep,
    as_of: Annotated[
        IsoDate | None, Query(examples=["2026-03-13"], description="Evaluate as of this day; default today")
    ] = None,
):
    return progress_alerts.evaluate_alerts(conn, principal, plan_id=plan_id, as_of=as_of or date.today())


Year = Annotated[int | None, Query(ge=2000, le=2100, description="Which year's exceptions to list; default this year")]


@router.get(
    "/selling-calendars/{company_id}",
    response_model=SellingCalendarOut,
    tags=["selling calendar"],
    summary="A company's weekend days, behind margin and dated exceptions for a year",
)
def get_calendar(company_id: uuid.UUID, conn: ConnDep, principal: PrincipalDep, year: Year = None):
    return progress_calendar.get_calendar(conn, principal, company_id, year or date.today().year)


@router.put(
    "/selling-calendars/{company_id}",
    response_model=SellingCalendarOut,
    tags=["selling calendar"],
    dependencies=[calendar_keepers],
    summary="Set a company's weekend days and behind margin",
)
def set_calendar(
    company_id: uuid.UUID, body: CalendarSettingsIn, conn: ConnDep, principal: PrincipalDep, year: Year = None
):
    return progress_calendar.set_settings(conn, principal, company_id, body, year or date.today().year)


Day = Annotated[IsoDate, Path(examples=["2026-02-17"])]


@router.put(
    "/selling-calendars/{company_id}/days/{day}",
    response_model=CalendarDayOut,
    tags=["selling calendar"],
    dependencies=[calendar_keepers],
    summary="Mark a date as a holiday or a make-up working day",
)
def set_day(company_id: uuid.UUID, day: Day, body: CalendarDayIn, conn: ConnDep, principal: PrincipalDep):
    return progress_calendar.set_day(conn, principal, company_id, day, body)


@router.delete(
    "/selling-calendars/{company_id}/days/{day}",
    status_code=204,
    response_class=Response,
    tags=["selling calendar"],
    dependencies=[calendar_keepers],
    summary="Let a date follow the weekday rule again",
)
def clear_day(company_id: uuid.UUID, day: Day, conn: ConnDep, principal: PrincipalDep):
    progress_calendar.clear_day(conn, principal, company_id, day)
    return Response(status_code=204)
