"""Endpoints for progress against a published plan, rankings, alerts and the selling calendar."""

import uuid
from dataclasses import dataclass
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
from shared.http.calls import Reading, respond
from shared.identity import Role
from shared.types import IsoDate

router = APIRouter()
managers = require_role(Role.director, Role.region_manager, Role.supervisor)
calendar_keepers = require_role(Role.director)


@dataclass(frozen=True, slots=True)
class PeriodQuery:
    """Which period (a year, quarter, month, or a date range in the fiscal year) and as of which day."""

    period: str | None
    date_from: date | None
    date_to: date | None
    as_of: date

    def args(self) -> dict:
        return dict(period=self.period, date_from=self.date_from, date_to=self.date_to, as_of=self.as_of)


async def period_query(
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
) -> PeriodQuery:
    # async: FastAPI runs a sync dependency (or a class's __init__) on a worker thread, the hop the lean path avoids
    return PeriodQuery(period, date_from, date_to, as_of or date.today())


PeriodDep = Annotated[PeriodQuery, Depends(period_query)]


@router.get(
    "/plans/{plan_id}/progress/org-units/{org_unit_id}",
    response_model=NodeProgressOut,
    tags=["progress"],
    summary="An org unit's progress, rank among its siblings and roll-up to its ancestors",
)
async def unit_progress(plan_id: uuid.UUID, org_unit_id: uuid.UUID, when: PeriodDep, call: Reading):
    return respond(
        await call.run(service.unit_progress, call.principal, plan_id=plan_id, org_unit_id=org_unit_id, **when.args())
    )


@router.get(
    "/plans/{plan_id}/progress/org-units/{org_unit_id}/product-lines",
    response_model=ProductLinesOut,
    tags=["progress"],
    summary="An org unit's progress per product line (orders' SKUs by category), unregistered SKUs apart",
)
async def product_line_progress(plan_id: uuid.UUID, org_unit_id: uuid.UUID, when: PeriodDep, call: Reading):
    use_case = product_lines.product_line_progress
    return respond(await call.run(use_case, call.principal, plan_id=plan_id, org_unit_id=org_unit_id, **when.args()))


@router.get(
    "/plans/{plan_id}/progress/people/{person_id}",
    response_model=NodeProgressOut,
    tags=["progress"],
    summary="A rep's progress, rank among the reps of their unit and the units above them",
)
async def person_progress(plan_id: uuid.UUID, person_id: uuid.UUID, when: PeriodDep, call: Reading):
    return respond(
        await call.run(service.person_progress, call.principal, plan_id=plan_id, person_id=person_id, **when.args())
    )


@router.get(
    "/plans/{plan_id}/progress/org-units/{org_unit_id}/ranking",
    response_model=RankingOut,
    tags=["progress"],
    summary="A unit's child units and reps ranked by achievement rate",
)
async def unit_ranking(plan_id: uuid.UUID, org_unit_id: uuid.UUID, when: PeriodDep, call: Reading):
    return respond(
        await call.run(service.unit_ranking, call.principal, plan_id=plan_id, org_unit_id=org_unit_id, **when.args())
    )


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
async def get_calendar(company_id: uuid.UUID, call: Reading, year: Year = None):
    use_case = progress_calendar.get_calendar
    return respond(await call.run(use_case, call.principal, company_id, year or date.today().year))


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
