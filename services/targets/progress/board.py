"""One read of a plan for one period as of one day: every unit's rolled-up figures, ranks and visibility."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from services.targets.domain.attribution import Measure, Source, measure_of
from services.targets.domain.calendar import SellingCalendar
from services.targets.domain.placements import Placement, Stay, lineage_below, stays
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
from services.targets.domain.visibility import Viewer, sees_figures, sees_total
from services.targets.plans.access import path_lineage, viewer_from, viewer_reads
from services.targets.progress.figures import (
    PlanView,
    Unit,
    calendar_from,
    calendar_read,
    ensure_targets_cached,
    figures_from,
    figures_read,
    load_plan,
    own_figures,
)
from services.targets.progress.reps import Rep, peer_ids, rep_and_peers_from, rep_and_peers_read
from services.targets.progress.schemas import Figures, NodeRef, PeriodOut, RankedNode
from services.targets.progress.tree import placements_from, placements_read, units_on
from shared.errors import NotFound
from shared.http.lean_db import Statement, fetch_together
from shared.identity import Principal


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
        return ref_day(self.period, self.as_of)

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
        (rows,) = fetch_together(conn, figures_read(self.plan, "person", self.period, self.last_day, person_ids))
        return self.sums_of(rows, person_ids)

    def sums_of(self, figure_rows: list[Any], holder_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple]:
        """(target, actual) of each holder from the rows of a `figures_read` for the board's period and day."""
        targets, actuals = figures_from(figure_rows, self.period, self.calendar)
        return {h: (targets.get(h, Decimal(0)), actuals.get(h, Decimal(0))) for h in holder_ids}

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
        return self.ranked_one(unit_ref(unit), {u.id: self.unit_figures(u.id) for u in self.siblings(unit)})

    def ranked_one(self, ref: NodeRef, group: dict[uuid.UUID, tuple[Decimal, Decimal]]) -> RankedNode:
        """One node's figures and its rank in its group (each member's target and actual)."""
        ranks = competition_ranks({node_id: achievement(*sums) for node_id, sums in group.items()})
        progress = self.progress(*group[ref.id])
        return RankedNode(node=ref, figures=figures(progress), rank=ranks[ref.id], rank_of=len(group))

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


def read_board(
    conn: Connection, plan: PlanView, period: Period, as_of: date, *also: Statement
) -> tuple[Board, list[list[Any]]]:
    """Targets and actuals of every unit of the plan for a period as of a day, each rolled up the tree as it stood
    on the day it belongs to; the units listed are the tree as it stood on the board's reference day. The reads
    go in one round trip, with `also` (statements of the caller's that need no answer of these), whose rows come
    back beside the board."""
    ensure_targets_cached(conn, plan)
    last_day = elapsed_until(period, as_of)
    calendar_rows, placement_rows, figure_rows, *more = fetch_together(
        conn,
        calendar_read(plan.company_id, plan.fiscal_year),
        placements_read(plan.root_org_unit_id, period.start, period.end),
        figures_read(plan, "org_unit", period, last_day),
        *also,
    )
    calendar, margin = calendar_from(calendar_rows)
    placements = placements_from(placement_rows)
    units = units_on(placements, ref_day(period, as_of))
    position = {u.id: i for i, u in enumerate(units)}

    def parent_position(u: Unit) -> int:
        if u.id == plan.root_org_unit_id:
            return -1
        assert u.parent_id is not None, "every unit below the plan's root hangs under a unit of the plan's tree"
        return position[u.parent_id]

    parents = [parent_position(u) for u in units]
    whole = figures_from(figure_rows, period, calendar)
    stayed, moved = _own_by_stay(conn, plan, period, calendar, last_day, placements, units, whole)
    # Units that stood where the board shows them all period roll up by position; the others add each stay's
    # part along the lineage of that stay (the roll-up is a sum, so adding afterwards is the same).
    targets = roll_up(parents, [stayed[0].get(u.id, Decimal(0)) for u in units])
    actuals = roll_up(parents, [stayed[1].get(u.id, Decimal(0)) for u in units])
    for lineage, target, actual in moved:
        for unit_id in lineage:
            if (i := position.get(unit_id)) is not None:
                targets[i] += target
                actuals[i] += actual
    source, measure_ = measure_of(plan.metric)
    return Board(plan, period, as_of, source, measure_, calendar, margin, units, targets, actuals), more


def ref_day(period: Period, as_of: date) -> date:
    """The day whose tree and assignments a board shows: the as-of day, kept inside the period."""
    return min(max(as_of, period.start), period.end)


Contributions = list[tuple[list[uuid.UUID], Decimal, Decimal]]


def _own_by_stay(
    conn: Connection,
    plan: PlanView,
    period: Period,
    calendar: SellingCalendar,
    last_day: date | None,
    placements: Sequence[Placement],
    units: list[Unit],
    whole: tuple[dict[uuid.UUID, Decimal], dict[uuid.UUID, Decimal]],
) -> tuple[tuple[dict, dict], Contributions]:
    """Own targets and actuals of the units that stood where the board shows them all period (by unit id), and
    (lineage, target, actual) of each stay of the others: a moved unit counts each part for the tree of its stay
    (the units' own figures for the whole period in `whole`, taken apart here)."""
    shown = {u.id: u.path for u in units}
    whole_targets, whole_actuals = whole
    root = plan.root_org_unit_id
    moved: Contributions = []
    by_stay: dict[tuple[date, date], list[Stay]] = defaultdict(list)
    for unit_id, unit_stays in stays(placements, period.start, period.end).items():
        if len(unit_stays) == 1:
            if shown.get(unit_id) != unit_stays[0].path:  # stood elsewhere all period (outside the board's tree)
                lineage = lineage_below(unit_stays[0].path, root)
                moved.append((lineage, whole_targets.pop(unit_id, Decimal(0)), whole_actuals.pop(unit_id, Decimal(0))))
            continue
        whole_targets.pop(unit_id, None)
        whole_actuals.pop(unit_id, None)
        for stay in unit_stays:
            by_stay[(stay.first, stay.last)].append(stay)
    # Moved units are rare: one read per distinct stay, for those units only.
    for (first, last), group in by_stay.items():
        ids = [s.unit_id for s in group]
        stay_last_day = min(last, last_day) if last_day and last_day >= first else None
        stay_period = Period(period.label, first, last)
        part_targets, part_actuals = own_figures(conn, plan, "org_unit", stay_period, calendar, stay_last_day, ids)
        for stay in group:
            lineage = lineage_below(stay.path, root)
            moved.append(
                (lineage, part_targets.get(stay.unit_id, Decimal(0)), part_actuals.get(stay.unit_id, Decimal(0)))
            )
    return (whole_targets, whole_actuals), moved


def plan_and_period(
    conn: Connection,
    principal: Principal,
    plan_id: uuid.UUID,
    *,
    period: str | None,
    date_from: date | None,
    date_to: date | None,
) -> tuple[PlanView, Period]:
    """The plan, if the caller may see it, and the period asked of it: scope answers before any rule about periods."""
    plan = load_plan(conn, plan_id, principal)
    return plan, resolve_period(plan.fiscal_year, period, date_from, date_to)


@dataclass(frozen=True)
class UnitBoard:
    """The plan's board, one of its units the caller may see, the caller as a viewer, and the rows of the
    statements read with the board."""

    board: Board
    unit: Unit
    viewer: Viewer
    more: list[list[Any]]


def unit_board(
    conn: Connection,
    principal: Principal,
    plan: PlanView,
    period: Period,
    org_unit_id: uuid.UUID,
    as_of: date,
    *also: Statement,
) -> UnitBoard:
    """The plan's board and one of its units the caller may see (else 404, like a unit that is not there), read
    with `also` in the board's one round trip."""
    board, rows = read_board(conn, plan, period, as_of, *also, *viewer_reads(principal))
    unit, viewer = board.unit(org_unit_id), viewer_from(principal, rows[len(also) :])
    if unit is None or not sees_unit(viewer, unit):
        raise NotFound(f"org unit {org_unit_id} not found in plan {plan.id}", field="org_unit_id")
    return UnitBoard(board, unit, viewer, rows[: len(also)])


@dataclass(frozen=True)
class PersonBoard:
    """The plan's board, a person the caller may see with the unit they belonged to, the caller as a viewer, and
    (target, actual) of each rep the person is ranked among (themselves included)."""

    board: Board
    rep: Rep
    unit: Unit
    viewer: Viewer
    peers: dict[uuid.UUID, tuple[Decimal, Decimal]]


def person_board(
    conn: Connection, principal: Principal, plan: PlanView, period: Period, person_id: uuid.UUID, as_of: date
) -> PersonBoard:
    """The plan's board and one of its people the caller may see (else 404, like a person who is not there), read
    with the person's peers and their figures in the board's one round trip."""
    day = ref_day(period, as_of)
    peers_figures = figures_read(plan, "person", period, elapsed_until(period, as_of), peer_ids(person_id, day))
    board, (peer_rows, figure_rows, *viewer_rows) = read_board(
        conn, plan, period, as_of, rep_and_peers_read(person_id, day), peers_figures, *viewer_reads(principal)
    )
    rep, peers = rep_and_peers_from(peer_rows, person_id)
    unit, viewer = (board.unit(rep.org_unit_id) if rep else None), viewer_from(principal, viewer_rows)
    if rep is None or unit is None or not sees_rep(viewer, rep, unit):
        raise NotFound(f"person {person_id} not found in plan {plan.id}", field="person_id")
    return PersonBoard(board, rep, unit, viewer, board.sums_of(figure_rows, [p.id for p in peers]))


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


def sees_unit(viewer: Viewer, unit: Unit) -> bool:
    """A unit's progress, ranking and children: the viewer's subtree (reps see no unit's, only their own)."""
    return sees_figures(viewer, path_lineage(unit.path))


def sees_unit_total(viewer: Viewer, unit: Unit) -> bool:
    """A unit's figures as an ancestor in a roll-up: also the viewer's parent (a rep's office)."""
    return sees_total(viewer, path_lineage(unit.path))


def sees_rep(viewer: Viewer, rep: Rep, unit: Unit) -> bool:
    return sees_figures(viewer, [*path_lineage(unit.path), rep.id])
