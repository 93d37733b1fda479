"""Use cases for stock reports: submit one (a rep) or a file of many (a dealer's system), read them back explained,
and set the stock-days band of an org unit."""

from __future__ import annotations

import json
import uuid
from datetime import date
from fractions import Fraction

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert

from services.inventory import db
from services.inventory.dealers.service import visible_dealer
from services.inventory.domain.stock import DerivedLine, StockBand, StockLine, StockPolicy, explain
from services.inventory.skus.tables import skus as s
from services.inventory.stock_reports.parsing import read_rows
from services.inventory.stock_reports.schemas import (
    BulkOut,
    StockLineOut,
    StockPolicyIn,
    StockPolicyOut,
    StockReportIn,
    StockReportOut,
)
from services.inventory.stock_reports.submission import Row, submit
from services.inventory.stock_reports.tables import stock_policies as sp
from services.inventory.stock_reports.tables import stock_report_lines as sl
from services.inventory.stock_reports.tables import stock_reports as sr
from shared.errors import Conflict, InvalidInput, NotFound
from shared.identity import Principal
from shared.org import ensure_in_scope, scope_condition


def submit_report(conn: Connection, principal: Principal, command: StockReportIn) -> StockReportOut:
    """One dealer's week, as a rep enters it; a retry with the same id returns the report already written."""
    visible_dealer(conn, principal, command.dealer_id)
    if command.period_start and not 0 <= (command.period_end - command.period_start).days < 31:
        raise InvalidInput("period_start must be within the 31 days up to period_end", field="period_start")
    if command.id is not None:
        stored = conn.execute(select(sr).where(sr.c.id == command.id)).first()
        if stored is not None:
            if (stored.dealer_id, stored.period_end) != (command.dealer_id, command.period_end):
                raise Conflict(f"stock report {command.id} already exists for another dealer or week", field="id")
            return get_report(conn, principal, command.id)
    rows = (
        Row(
            i,
            command.dealer_id,
            command.period_end,
            line.sku,
            line.opening,
            line.received,
            line.closing,
            [b.model_dump() for b in line.batches],
        )
        for i, line in enumerate(command.lines)
    )
    (report_id,), _ = submit(
        conn,
        principal,
        rows,
        by_code=False,
        source="single",
        label="lines",
        report_id=command.id,
        period_start=command.period_start,
    )
    return get_report(conn, principal, report_id)


def submit_bulk(conn: Connection, principal: Principal, content: bytes, content_type: str) -> BulkOut:
    """A file of many dealers' weeks (CSV, .xlsx or JSON `{"rows": [...]}`): all reports written, or none."""
    rows = _json_rows(content) if content_type.startswith("application/json") else read_rows(content)
    ids, lines = submit(conn, principal, rows, by_code=True, source="bulk")
    return BulkOut(reports=len(ids), lines=lines, report_ids=ids[:1000])


def _json_rows(content: bytes):
    try:
        document = json.loads(content)
    except ValueError as exc:
        raise InvalidInput(f"not readable JSON: {exc}", field="body") from exc
    if not isinstance(document, dict) or not isinstance(document.get("rows"), list) or not document["rows"]:
        raise InvalidInput('the body must be {"rows": [ ... ]} with at least one row', field="rows")
    for n, v in enumerate(document["rows"]):
        if not isinstance(v, dict):
            raise InvalidInput("every row must be an object", field=f"rows[{n}]")
        yield Row(
            n,
            v.get("dealer_code"),
            v.get("period_end"),
            v.get("sku"),
            v.get("opening"),
            v.get("received"),
            v.get("closing"),
            v.get("batches"),
        )


def _line_out(row, period_days: int, with_explanation: bool) -> StockLineOut:
    out = StockLineOut.model_validate(row, from_attributes=True)
    if with_explanation:
        band = StockBand(row.band_low_days, row.band_high_days, Fraction(row.target_days))
        line = StockLine(
            row.sku, row.opening, row.received, row.closing, (), row.previous_closing, row.previous_sold,
            row.open_orders, row.case_size,
        )  # fmt: skip
        derived = DerivedLine(
            row.sold, row.safety_stock, row.stock_days, row.band, row.oldest_age_days, row.near_expiry,
            row.suggested_order, tuple(row.flags),
        )  # fmt: skip
        out.explanation = explain(line, derived, StockPolicy(band=band, period_days=period_days))
    return out


def get_report(conn: Connection, principal: Principal, report_id: uuid.UUID) -> StockReportOut:
    """A report with every line, its derived figures and the explanation of its suggested order."""
    report = conn.execute(
        select(sr).where(sr.c.id == report_id, scope_condition(db.org_units, principal, sr.c.org_unit_id))
    ).first()
    if report is None:
        raise NotFound(f"stock report {report_id} not found")
    period_days = (report.period_end - report.period_start).days + 1
    lines = conn.execute(
        select(sl, s.c.code.label("sku")).join(s, s.c.id == sl.c.sku_id).where(sl.c.report_id == report_id)
        .order_by(s.c.code)
    )  # fmt: skip
    out = StockReportOut.model_validate(report, from_attributes=True)
    out.lines = [_line_out(r, period_days, True) for r in lines]
    return out


def list_reports(
    conn: Connection, principal: Principal, *, dealer_id: uuid.UUID | None, period_end: date | None, limit: int,
    offset: int,
) -> list[StockReportOut]:  # fmt: skip
    query = select(sr).where(scope_condition(db.org_units, principal, sr.c.org_unit_id))
    if dealer_id:
        query = query.where(sr.c.dealer_id == dealer_id)
    if period_end:
        query = query.where(sr.c.period_end == period_end)
    rows = conn.execute(query.order_by(sr.c.period_end.desc(), sr.c.id).limit(limit).offset(offset))
    return [StockReportOut.model_validate(r, from_attributes=True) for r in rows]


def set_policy(
    conn: Connection, principal: Principal, org_unit_id: uuid.UUID, command: StockPolicyIn
) -> StockPolicyOut:
    """The stock-days band (and near-expiry rule) for the dealers at and below an org unit, e.g. a company."""
    ensure_in_scope(conn, db.org_units, principal, org_unit_id)
    if command.band_low_days > command.band_high_days:
        raise InvalidInput("band_low_days is above band_high_days", field="band_low_days")
    if command.target_days is not None and not 1 <= command.target_days <= 365:
        raise InvalidInput("target_days must be between 1 and 365", field="target_days")
    if command.near_expiry_fraction is not None and command.near_expiry_fraction <= 0:
        raise InvalidInput("near_expiry_fraction must be above 0", field="near_expiry_fraction")
    values = command.model_dump()
    upsert = insert(sp).values(org_unit_id=org_unit_id, **values)
    conn.execute(upsert.on_conflict_do_update(index_elements=[sp.c.org_unit_id], set_=values))
    return StockPolicyOut(org_unit_id=org_unit_id, **values)
