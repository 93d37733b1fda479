"""Recording audit facts and evaluating, right away, the rules each fact can make fire (streaming).

Handlers map events to the fact dataclasses of domain/facts.py and call `record`; bulk loads (benchmarks, a
backfill from the archive) call `store` and then a batch run over the period.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import Connection, Table

from services.audit.domain import facts as f
from services.audit.facts import tables as t
from services.audit.rules.service import run_rule
from shared.bulk import insert_rows

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

FAR_PAST, FAR_FUTURE = date(2000, 1, 1), date(2100, 12, 31)
F = TypeVar("F")


@dataclass(frozen=True)
class Trigger(Generic[F]):
    """Rules to re-run when a fact of type F arrives: for which key, over which days."""

    rules: tuple[str, ...]
    key: Callable[[F], object]
    days: Callable[[F], tuple[date, date]]


def _on(day: date) -> tuple[date, date]:
    return day, day


def _visit_day(v: f.VisitFact) -> tuple[date, date]:
    return _on(v.checked_in_at.astimezone(UTC).date())


_VISIT_RULES = ("checkin_far_from_outlet", "visit_too_short", "low_authenticity", "impossible_travel")
FACTS: dict[type, tuple[Table, tuple[Trigger[Any], ...]]] = {
    f.SkuPrice: (t.fact_sku_prices, ()),
    f.PriceObservation: (
        t.fact_price_observations,
        (Trigger[f.PriceObservation](("price_below_floor",), lambda o: o.subject, lambda o: _on(o.observed_on)),),
    ),
    f.Shipment: (t.fact_shipments, ()),
    f.BatchSighting: (
        t.fact_batch_sightings,
        (Trigger[f.BatchSighting](("cross_region_goods",), lambda b: str(b.outlet_id), lambda b: _on(b.seen_on)),),
    ),
    f.VisitFact: (
        t.fact_visits,
        (
            Trigger[f.VisitFact](_VISIT_RULES, lambda v: str(v.rep_id), _visit_day),
            Trigger[f.VisitFact](("photo_reused",), lambda v: list(v.photo_hashes), lambda v: (FAR_PAST, FAR_FUTURE)),
        ),
    ),
    f.StockLineFact: (
        t.fact_stock_lines,
        (
            Trigger[f.StockLineFact](
                ("negative_sold", "receipt_mismatch", "near_expiry_stock", "stock_days_out_of_band"),
                lambda s: str(s.dealer_id),
                lambda s: _on(s.week_start),
            ),
        ),
    ),
    f.OrderFact: (
        t.fact_orders,
        (Trigger[f.OrderFact](("channel_stuffing",), lambda o: str(o.dealer_id), lambda o: _on(o.ordered_on)),),
    ),
    f.ReturnFact: (
        t.fact_returns,
        # A return early in a month judges the month before it.
        (
            Trigger[f.ReturnFact](
                ("channel_stuffing",),
                lambda r: str(r.dealer_id),
                lambda r: _on(r.returned_on.replace(day=1) - timedelta(days=1)),
            ),
        ),
    ),
    f.ReceivableFact: (
        t.fact_receivables,
        (Trigger[f.ReceivableFact](("receivable_overdue",), lambda r: r.invoice_id, lambda r: _on(r.due_on)),),
    ),
    f.PromotionIssue: (t.fact_promotion_issues, ()),
    f.PromotionDelivery: (t.fact_promotion_deliveries, ()),
    f.ComplianceFact: (
        t.fact_compliance,
        (Trigger[f.ComplianceFact](("low_plan_compliance",), lambda c: str(c.rep_id), lambda c: _on(c.week_start)),),
    ),
    f.ProgressBehind: (
        t.fact_progress_behind,
        (Trigger[f.ProgressBehind](("behind_time_progress",), lambda b: str(b.node_id), lambda b: _on(b.as_of)),),
    ),
}


def _row(fact: DataclassInstance) -> dict[str, Any]:
    row = dataclasses.asdict(fact)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in row.items()}


def store(conn: Connection, facts: Sequence[DataclassInstance]) -> None:
    """Upsert facts of one kind by their primary key (a later version of a record replaces it)."""
    if facts:
        upsert(conn, FACTS[type(facts[0])][0], [_row(x) for x in facts])


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """One upsert by primary key for all the rows; of rows sharing a key the last wins."""
    keys = [c.name for c in table.primary_key.columns]
    latest = list({tuple(r[k] for k in keys): r for r in rows}.values())
    if latest:
        insert_rows(conn, table, latest)


class Triggered:
    """The rules a set of facts can make fire, each with the keys and the span of days to re-run it for.

    One re-run per rule for all the keys of a poll (not one per fact): the statements stay few however many events
    a poll holds; the span is the union of the facts' days, harmless for other keys (they have no facts there).
    """

    def __init__(self) -> None:
        self.runs: dict[str, tuple[set[str], date, date]] = {}

    def add(self, rule: str, keys: Iterable[object], first: date, last: date) -> None:
        known, low, high = self.runs.get(rule, (set(), first, last))
        known.update(str(k) for k in keys)
        self.runs[rule] = (known, min(low, first), max(high, last))

    def add_facts(self, facts: Iterable[DataclassInstance]) -> None:
        for fact in facts:
            for trigger in FACTS[type(fact)][1]:
                first, last = trigger.days(fact)
                key = trigger.key(fact)
                for rule in trigger.rules:
                    self.add(rule, key if isinstance(key, list) else [key], first, last)

    def run(self, conn: Connection, *, as_of: date) -> None:
        for rule, (keys, first, last) in self.runs.items():
            if keys:
                run_rule(conn, rule, first, last, as_of=as_of, key=sorted(keys))


def record(conn: Connection, fact: DataclassInstance, *, today: date | None = None) -> None:
    """Store one fact and re-run, for its key and days, every rule it can make fire."""
    store(conn, [fact])
    triggered = Triggered()
    triggered.add_facts([fact])
    triggered.run(conn, as_of=today or datetime.now(UTC).date())
