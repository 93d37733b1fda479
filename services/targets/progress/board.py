"""One read of a plan for one period as of one day: every unit's rolled-up figures, ranks and visibility."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from services.targets.domain.attribution import Measure, Source, measure_of
from services.targets.domain.calendar import SellingCalendar
from services.targets.domain.progress import (
    Period,
    Progress,
    achievement,
    competition_ranks,
    elapsed_until,
    measure,
    resolve_period,
    roll_up,
)
from services.targets.progress.figures import (
    PlanView,
    Rep,
    Unit,
    ensure_targets_cached,
    load_plan,
    own_actuals,
    own_targets,
    plan_units,
    selling_calendar,
)
from services.targets.progress.schemas import Figures, NodeRef, PeriodOut, RankedNode
from shared.identity import Principal, Role


@dataclass
class Board:
    """Every unit's target and actual (its subtree's) for the period as of a day, and the period's selling days."""

    plan: PlanView
    period: Period
    as_of: date
    source: Source
    measure: Measure
    calendar: SellingCalendar
    margin: Decimal
    units: list[Unit]  # the plan's subtree, parents before children
    targets: list[Decimal]  # rolled up, by position in units
    actuals: list[Decimal]

    def __post_init__(self) -> None:
        self.last_day = elapsed_until(self.period, self.as_of)
        self.selling_days = self.calendar.selling_days(self.period.start, self.period.end)
        self.elapsed = self.calendar.selling_days(self.period.start, self.last_day) if self.last_day else 0
        self.position = {u.id: i for i, u in enumerate(self.units)}
        children: dict[uuid.UUID | None, list[Unit]] = defaultdict(list)
        for unit in self.units:
            children[unit.parent_id if unit.id != self.plan.root_org_unit_id else None].append(unit)
        self.children = dict(children)

    def unit(self, unit_id: uuid.UUID) -> Unit | None:
        position = self.position.get(unit_id)
        return None if position is None else self.units[position]

    @property
    def ref_day(self) -> date:
        """The day whose assignments say which rep belongs where: the as-of day, kept inside the period."""
        return min(max(self.as_of, self.period.start), self.period.end)

    def progress(self, target: Decimal, actual: Decimal) -> Progress:
        return measure(
            target,
            actual,
            selling_days=self.selling_days,
            elapsed_selling_days=self.elapsed,
            period_over=self.as_of >= self.period.end,
            margin=self.margin,
        )

    def unit_figures(self, unit_id: uuid.UUID) -> tuple[Decimal, Decimal]:
        position = self.position[unit_id]
        return self.targets[position], self.actuals[position]

    def person_figures(self, conn: Connection, person_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple]:
        """(target, actual) of each person for the period as of the board's day."""
        targets = own_targets(conn, self.plan, "person", self.period, self.calendar, person_ids)
        actuals = (
            own_actuals(conn, self.source, self.measure, "person", self.period.start, self.last_day, person_ids)
            if self.last_day
            else {}
        )
        return {p: (targets.get(p, Decimal(0)), actuals.get(p, Decimal(0))) for p in person_ids}

    def siblings(self, unit: Unit) -> list[Unit]:
        return self.children[unit.parent_id if unit.id != self.plan.root_org_unit_id else None]

    def ancestors(self, unit: Unit) -> list[Unit]:
        """From the plan's root down to the unit's parent."""
        chain = []
        while unit.id != self.plan.root_org_unit_id:
            assert unit.parent_id is not None, "only the plan's root has no parent in the plan"
            unit = self.units[self.position[unit.parent_id]]
            chain.append(unit)
        return chain[::-1]

    def header(self) -> dict:
        return dict(
            plan_id=self.plan.id,
            metric=self.plan.metric,
            version=self.plan.version,
            period=PeriodOut(label=self.period.label, start=self.period.start, end=self.period.end),
            as_of=self.as_of,
            margin=self.margin,
        )

    def unit_ranked(self, unit: Unit) -> RankedNode:
        """A unit's figures and its rank among its siblings."""
        siblings = self.siblings(unit)
        ranks = competition_ranks({u.id: achievement(*self.unit_figures(u.id)) for u in siblings})
        return RankedNode(
            node=unit_ref(unit),
            figures=figures(self.progress(*self.unit_figures(unit.id))),
            rank=ranks[unit.id],
            rank_of=len(siblings),
        )

    def ranked(self, entries: list[tuple[NodeRef, Decimal, Decimal]]) -> list[RankedNode]:
        """Figures and ranks of a group of siblings, best first."""
        ranks = competition_ranks({ref.id: achievement(target, actual) for ref, target, actual in entries})
        ranked = [
            RankedNode(
                node=ref, figures=figures(self.progress(target, actual)), rank=ranks[ref.id], rank_of=len(entries)
            )
            for ref, target, actual in entries
        ]
        return sorted(ranked, key=lambda r: r.rank)


def read_board(conn: Connection, plan: PlanView, period: Period, as_of: date) -> Board:
    """Targets and actuals of every unit of the plan, rolled up the tree, for a period as of a day."""
    source, measure_ = measure_of(plan.metric)
    calendar, margin = selling_calendar(conn, plan.company_id, plan.fiscal_year)
    ensure_targets_cached(conn, plan)
    units = plan_units(conn, plan)
    position = {u.id: i for i, u in enumerate(units)}
    # Every unit but the plan's root has its parent in the plan (a path sorts after its parent's).
    parents = [-1 if u.id == plan.root_org_unit_id or u.parent_id is None else position[u.parent_id] for u in units]
    last_day = elapsed_until(period, as_of)
    own = own_actuals(conn, source, measure_, "org_unit", period.start, last_day) if last_day else {}
    targets = own_targets(conn, plan, "org_unit", period, calendar)
    return Board(
        plan,
        period,
        as_of,
        source,
        measure_,
        calendar,
        margin,
        units,
        roll_up(parents, _by_position(position, targets)),
        roll_up(parents, _by_position(position, own)),
    )


def _by_position(position: dict[uuid.UUID, int], values: dict[uuid.UUID, Decimal]) -> list[Decimal]:
    """Values keyed by unit id laid out by position; units outside the plan's subtree are left out."""
    laid_out = [Decimal(0)] * len(position)
    for unit_id, value in values.items():
        if (i := position.get(unit_id)) is not None:
            laid_out[i] = value
    return laid_out


def board_for(
    conn: Connection,
    plan_id: uuid.UUID,
    *,
    period: str | None,
    date_from: date | None,
    date_to: date | None,
    as_of: date,
) -> Board:
    plan = load_plan(conn, plan_id)
    return read_board(conn, plan, resolve_period(plan.fiscal_year, period, date_from, date_to), as_of)


def figures(progress: Progress) -> Figures:
    return Figures(
        target=progress.target,
        actual=progress.actual,
        gap=progress.gap,
        achievement_rate=progress.achievement_rate,
        time_progress=progress.time_progress,
        selling_days=progress.selling_days,
        elapsed_selling_days=progress.elapsed_selling_days,
        remaining_selling_days=progress.remaining_selling_days,
        required_daily_run_rate=progress.required_daily_run_rate,
        run_rate_forecast=progress.run_rate_forecast,
        status=progress.status.value,
    )


def unit_ref(unit: Unit) -> NodeRef:
    return NodeRef(kind="org_unit", id=unit.id, name=unit.name, org_unit_kind=unit.kind)


def rep_ref(rep: Rep) -> NodeRef:
    return NodeRef(kind="person", id=rep.id, name=rep.name, org_unit_id=rep.org_unit_id)


def sees_unit(principal: Principal, unit: Unit) -> bool:
    """Managers see their subtree; reps see no unit's progress, only their own."""
    if principal.sees_everything:
        return True
    if principal.role == Role.rep or principal.org_unit_id is None:
        return False
    return principal.org_unit_id.hex in unit.path.split(".")


def sees_rep(principal: Principal, rep: Rep, unit: Unit) -> bool:
    if principal.role == Role.rep:
        return principal.person_id == rep.id
    return sees_unit(principal, unit)
