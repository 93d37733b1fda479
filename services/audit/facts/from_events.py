"""One poll of other services' events → archive, facts and the rules they trigger, in the inbox claim's transaction.

The consumer hands the whole poll to `apply_poll` (one Batch registration for every contract, so a poll is one run):
it appends every event to the hash chain, projects org-tree changes in order, then maps the events to fact rows
kind by kind and writes each kind with one multi-row upsert. Facts that combine events (a week's shipments, an
invoice's payments, a rep's schedule outcomes) are recomputed set-based for what the poll touched, and each rule
the poll can make fire is re-run once, for the poll's keys only.

Dates an event does not carry (a shipment's, a return's) are the day it was published (UTC).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, text

from services.audit import db
from services.audit.archive.service import archive_events
from services.audit.domain import facts as f
from services.audit.facts import derived
from services.audit.facts import tables as t
from services.audit.facts.service import FACTS, Triggered, upsert
from shared.consumer import Decoded
from shared.events import inventory as inv
from shared.events import visits as vis
from shared.events.targets import ORG_UNIT_EVENTS, ProgressBehind
from shared.org import org_unit_projector

_project_org_unit = org_unit_projector(db.org_units)
_STOCK_RULES = ("negative_sold", "receipt_mismatch", "near_expiry_stock", "stock_days_out_of_band")
_SCORE_SCALE = Decimal(100)  # visits scores 0-100; the rule's threshold is a share (0.6)


def _day(m: Decoded) -> date:
    assert m.envelope is not None, "only enveloped events reach fact mapping"
    return m.envelope.time.astimezone(UTC).date()


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class _Poll:
    """What one poll makes: rows per fact table, typed facts for the triggers, keys for the derived facts."""

    def __init__(self, conn: Connection, messages: list[Decoded]):
        self.conn = conn
        self.rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        self.facts: list[Any] = []
        self.dealer_weeks: set[tuple[uuid.UUID, date]] = set()
        self.invoices: set[str] = set()
        self.invoice_names: set[tuple[str, str]] = set()
        self.rep_weeks: set[tuple[uuid.UUID, date]] = set()
        self.outlets: dict[uuid.UUID, Any] = {}
        self.regions: dict[uuid.UUID, uuid.UUID] = {}
        self.messages = messages

    def fact(self, fact: Any) -> None:
        self.facts.append(fact)
        self.rows[FACTS[type(fact)][0]].append(_row(fact))

    def look_up(self) -> None:
        """Outlets (position, unit) and regions (大区) of every unit the poll names, in two queries."""
        outlet_ids, units = set(), set()
        for m in self.messages:
            p = m.payload
            if isinstance(p, vis.VisitCompleted | vis.VisitMissed):
                outlet_ids.add(p.outlet_id)
            if isinstance(p, vis.VisitCompleted | inv.ShipmentDispatched):
                units.add(p.org_unit_id)
        if outlet_ids:
            rows = self.conn.execute(
                text(
                    "SELECT outlet_id, org_unit_id, latitude, longitude FROM audit.fact_outlets "
                    "WHERE outlet_id = ANY(CAST(:ids AS uuid[]))"
                ),
                {"ids": sorted(outlet_ids)},
            )
            self.outlets = {r.outlet_id: r for r in rows}
            units.update(r.org_unit_id for r in self.outlets.values())
        if units:
            rows = self.conn.execute(
                text(
                    "SELECT u.id, r.id AS region FROM audit.org_units u JOIN audit.org_units r "
                    "ON r.path @> u.path AND r.kind = 'region' WHERE u.id = ANY(CAST(:ids AS uuid[]))"
                ),
                {"ids": sorted(units)},
            )
            self.regions = {r.id: r.region for r in rows}

    def region(self, unit: uuid.UUID) -> uuid.UUID:
        return self.regions.get(unit, unit)  # a unit outside any region is its own


def _row(fact: Any) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in vars(fact).items()}


# Master data first: the other mappings read it in the same poll.
def _dealer(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, inv.DealerRegistered | inv.DealerUpdated)
    p.rows[t.fact_dealers].append(
        dict(dealer_id=e.dealer_id, code=e.code, org_unit_id=e.org_unit_id, event_id=m.event_id)
    )


def _outlet(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, vis.OutletRegistered | vis.OutletUpdated)
    p.rows[t.fact_outlets].append(
        dict(
            outlet_id=e.outlet_id,
            org_unit_id=e.org_unit_id,
            latitude=e.latitude,
            longitude=e.longitude,
            event_id=m.event_id,
        )
    )


def _sku(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, inv.SkuChanged)
    p.fact(f.SkuPrice(e.code, e.price_floor or Decimal(0), e.list_price, m.event_id))


def _visit(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, vis.VisitCompleted)
    outlet = p.outlets.get(e.outlet_id)
    unit = outlet.org_unit_id if outlet else e.org_unit_id
    p.fact(
        f.VisitFact(
            e.visit_id,
            e.rep_id,
            e.outlet_id,
            e.org_unit_id,
            e.check_in_at,
            e.check_out_at,
            e.latitude,
            e.longitude,
            outlet.latitude if outlet else None,
            outlet.longitude if outlet else None,
            tuple(e.photo_hashes),
            (Decimal(str(e.authenticity_score)) / _SCORE_SCALE).quantize(Decimal("0.0001")),
            m.event_id,
        )
    )
    seen_on = e.check_in_at.astimezone(UTC).date()
    for price in e.prices:
        if price.ours:
            p.fact(
                f.PriceObservation(
                    f"visit:{e.visit_id}/sku:{price.sku}",
                    "visit",
                    f"outlet:{e.outlet_id}",
                    unit,
                    price.sku,
                    price.price,
                    seen_on,
                    m.event_id,
                )
            )
    for stock in e.stock:
        for code in stock.batch_codes:
            p.fact(
                f.BatchSighting(
                    f"visit:{e.visit_id}/sku:{stock.sku}/batch:{code}",
                    e.outlet_id,
                    unit,
                    p.region(unit),
                    stock.sku,
                    code,
                    seen_on,
                    m.event_id,
                )
            )
    if e.schedule_entry_id is not None:
        _outcome(p, m, e.schedule_entry_id, e.rep_id, e.org_unit_id, seen_on, done=True)


def _missed(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, vis.VisitMissed)
    outlet = p.outlets.get(e.outlet_id)
    _outcome(p, m, e.schedule_entry_id, e.rep_id, outlet.org_unit_id if outlet else None, e.planned_on, done=False)


def _outcome(p: _Poll, m: Decoded, entry: uuid.UUID, rep: uuid.UUID, unit, day: date, *, done: bool) -> None:
    p.rows[t.fact_schedule_outcomes].append(
        dict(schedule_entry_id=entry, rep_id=rep, org_unit_id=unit, planned_on=day, done=done, event_id=m.event_id)
    )
    p.rep_weeks.add((rep, _monday(day)))


def _shipment(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, inv.ShipmentDispatched)
    day = _day(m)
    for line in e.lines:
        p.fact(
            f.Shipment(
                f"{e.shipment_id}/sku:{line.sku}/batch:{line.batch_code}",
                e.dealer_id,
                e.org_unit_id,
                p.region(e.org_unit_id),
                line.sku,
                line.batch_code,
                Decimal(line.quantity),
                day,
                m.event_id,
            )
        )
    p.dealer_weeks.add((e.dealer_id, _monday(day)))


def _stock_report(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, inv.StockReportSubmitted)
    week = _monday(e.period_end)
    for line in e.lines:
        p.fact(
            f.StockLineFact(
                e.dealer_id,
                e.org_unit_id,
                line["sku"],
                week,
                Decimal(line["opening"]),
                Decimal(line["received"]),
                Decimal(line["closing"]),
                Decimal(line["near_expiry"] or 0),
                Decimal(0),  # derived below from the shipments known
                m.event_id,
            )
        )
    p.dealer_weeks.add((e.dealer_id, week))


def _order(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, inv.OrderRecorded)
    if e.dealer_id is None or e.org_unit_id is None:
        return  # not attributable to a dealer yet; inventory's reconciliation lists it
    amount = Decimal(0) if e.status == "cancelled" else e.total_amount
    p.fact(f.OrderFact(str(e.order_id), e.dealer_id, e.org_unit_id, e.ordered_on, amount, m.event_id))


def _adjusted(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, inv.StockAdjusted)
    if e.kind == "return":
        p.fact(f.ReturnFact(str(e.adjustment_id), e.dealer_id, e.org_unit_id, _day(m), e.amount, m.event_id))


def _invoice(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, inv.InvoiceRecorded)
    row = _row(f.ReceivableFact(str(e.invoice_id), e.dealer_id, e.org_unit_id, e.due_on, e.amount, m.event_id))
    p.rows[t.fact_receivables].append(dict(row, erp_system=e.erp_system, external_id=e.external_id, amount=e.amount))
    p.invoices.add(str(e.invoice_id))


def _payment(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, inv.PaymentRecorded)
    p.rows[t.fact_payments].append(
        dict(
            payment_id=str(e.payment_id),
            erp_system=e.erp_system,
            invoice_external_id=e.invoice_external_id,
            amount=e.amount,
            event_id=m.event_id,
        )
    )
    p.invoice_names.add((e.erp_system, e.invoice_external_id))


def _written_off(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, inv.InvoiceWrittenOff)
    p.rows[t.fact_write_offs].append(
        dict(write_off_id=str(e.write_off_id), invoice_id=str(e.invoice_id), amount=e.amount, event_id=m.event_id)
    )
    p.invoices.add(str(e.invoice_id))


def _behind(p: _Poll, m: Decoded) -> None:
    e = m.payload
    assert isinstance(e, ProgressBehind)
    p.fact(
        f.ProgressBehind(
            e.node_kind,
            e.node_id,
            e.org_unit_id,
            e.plan_id,
            e.period,
            e.as_of,
            e.achievement_rate,
            e.time_progress,
            m.event_id,
        )
    )


Mapper = Callable[[_Poll, Decoded], None]
MASTER: dict[type, Mapper] = {
    inv.DealerRegistered: _dealer,
    inv.DealerUpdated: _dealer,
    vis.OutletRegistered: _outlet,
    vis.OutletUpdated: _outlet,
}
MAPPERS: dict[type, Mapper] = {
    inv.SkuChanged: _sku,
    vis.VisitCompleted: _visit,
    vis.VisitMissed: _missed,
    inv.ShipmentDispatched: _shipment,
    inv.StockReportSubmitted: _stock_report,
    inv.OrderRecorded: _order,
    inv.StockAdjusted: _adjusted,
    inv.InvoiceRecorded: _invoice,
    inv.PaymentRecorded: _payment,
    inv.InvoiceWrittenOff: _written_off,
    ProgressBehind: _behind,
}


def _write(conn: Connection, rows: dict[Table, list[dict[str, Any]]]) -> None:
    for table in sorted(rows, key=lambda x: x.name):
        upsert(conn, table, rows.pop(table))


def apply_poll(conn: Connection, messages: list[Decoded], *, today: date | None = None) -> None:
    """Archive the poll, record its facts and re-run, once each, the rules they can make fire."""
    archive_events(conn, messages)
    poll = _Poll(conn, messages)
    for m in messages:
        if isinstance(m.payload, ORG_UNIT_EVENTS):
            _project_org_unit(conn, m)
        elif (master := MASTER.get(type(m.payload))) is not None:
            master(poll, m)
    _write(conn, poll.rows)
    poll.look_up()
    for m in messages:
        if (mapper := MAPPERS.get(type(m.payload))) is not None:
            mapper(poll, m)
    _write(conn, poll.rows)
    triggered = Triggered()
    triggered.add_facts(x for x in poll.facts if not isinstance(x, f.StockLineFact))
    for dealer, week in derived.stock_shipped(conn, poll.dealer_weeks):
        for rule in _STOCK_RULES:
            triggered.add(rule, [dealer], week, week)
    for invoice, due_on in derived.receivables_outstanding(conn, poll.invoices, poll.invoice_names):
        triggered.add("receivable_overdue", [invoice], due_on, due_on)
    for rep, week in derived.compliance(conn, poll.rep_weeks):
        triggered.add("low_plan_compliance", [rep], week, week)
    triggered.run(conn, as_of=today or datetime.now(UTC).date())
