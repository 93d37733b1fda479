"""Submitting stock reports, one or thousands at once: every row is checked and derived, lines and batches are
written by COPY, and nothing stays written unless every row is valid (the caller's transaction rolls back)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection

from services.inventory import db
from services.inventory.domain.stock import LineRejected, StockLine, check_line, derive_line
from services.inventory.stock_reports import lookups
from services.inventory.stock_reports.events import report_events
from services.inventory.stock_reports.parsing import batches, count, day
from services.inventory.stock_reports.tables import stock_reports as sr
from shared.errors import InvalidInput
from shared.identity import Principal
from shared.outbox import Outbox

outbox = Outbox(db.outbox, source="/salesops/inventory")
MAX_ERRORS = 200
CHUNK_REPORTS = 100
LINE_COLUMNS = (
    "report_id, sku_id, opening, received, closing, sold, previous_closing, previous_sold, safety_stock, stock_days, "
    "band, band_low_days, band_high_days, target_days, oldest_age_days, near_expiry, open_orders, case_size, "
    "suggested_order, flags"
)
COPY_LINES = f"COPY {db.SCHEMA}.stock_report_lines ({LINE_COLUMNS}) FROM STDIN"
COPY_BATCHES = (
    f"COPY {db.SCHEMA}.stock_report_batches (report_id, sku_id, batch_code, produced_on, quantity) FROM STDIN"
)


class Row(NamedTuple):
    """One line as it arrived: `label` names it in errors (`rows[7]` for a file row, `lines[2]` for JSON)."""

    label: str
    dealer: Any  # a code in files, an id in a single report
    period_end: Any
    sku: Any
    opening: Any
    received: Any
    closing: Any
    batches: Any = None


class Errors:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.total = 0

    def add(self, field: str, reason: str) -> None:
        self.total += 1
        if len(self.items) < MAX_ERRORS:
            self.items.append({"field": field, "reason": reason})

    def raise_any(self, rows: int) -> None:
        if self.total:
            raise InvalidInput(f"{self.total} problem(s) in {rows} row(s); nothing was written", errors=self.items)


@dataclass
class Report:
    dealer: Any
    period_end: date
    rows: list[tuple]  # (label, sku code, opening, received, closing, batches)
    id: uuid.UUID | None = None


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _null(value) -> str:
    return "\\N" if value is None else str(value)


def parse(rows: Iterable[Row], errors: Errors) -> tuple[dict[tuple, Report], int]:
    """Rows read into numbers and grouped by (dealer, week); bad cells become errors naming row and column."""
    reports: dict[tuple, Report] = {}
    n = 0
    for row in rows:
        n += 1
        if not isinstance(row.dealer, (str, uuid.UUID)) or not isinstance(row.sku, str):
            errors.add(
                f"{row.label}.{'sku' if isinstance(row.dealer, (str, uuid.UUID)) else 'dealer_code'}", "must be text"
            )
            continue
        column = "period_end"
        try:
            period_end = day(row.period_end)
            column = "received"
            received = count(row.received)
            column = "closing"
            closing = count(row.closing)
            column = "opening"
            opening = None if row.opening is None else count(row.opening)
            column = "batches"
            found = batches(row.batches) if row.batches else ()
        except (ValueError, KeyError, TypeError) as exc:
            errors.add(f"{row.label}.{column}", str(exc))
            continue
        key = (row.dealer, period_end)
        report = reports.get(key) or reports.setdefault(key, Report(row.dealer, period_end, []))
        report.rows.append((row.label, str(row.sku), opening, received, closing, found))
    return reports, n


def _resolve(
    conn: Connection, principal: Principal, reports: dict[tuple, Report], by_code: bool, errors: Errors
) -> tuple[dict[Any, Any], dict[str, Any]]:
    """Dealers (in the caller's scope) and SKUs of every report; unknown ones are errors on the first row."""
    refs = {r.dealer for r in reports.values()}
    # Keyed by code or by id, as `by_code` says.
    dealers: dict[Any, Any] = (
        lookups.dealers_by_code(conn, principal, {str(ref) for ref in refs})
        if by_code
        else lookups.dealers_by_id(conn, principal, refs)
    )
    skus = lookups.skus_by_code(conn, {row[1] for r in reports.values() for row in r.rows})
    weeks: dict[Any, date] = {}
    for report in reports.values():
        first = report.rows[0][0]
        field = "dealer_code" if by_code else "dealer_id"
        dealer = dealers.get(str(report.dealer) if by_code else report.dealer)
        if dealer is None:
            errors.add(f"{first}.{field}", f"dealer {report.dealer} not found")
        elif dealer.status != "active":
            errors.add(f"{first}.{field}", f"dealer {report.dealer} is {dealer.status}")
        elif weeks.setdefault(report.dealer, report.period_end) != report.period_end:
            errors.add(f"{first}.period_end", f"send one week per dealer at a time ({report.dealer} has two)")
        seen: set[str] = set()
        for label, sku, *_ in report.rows:
            if sku not in skus:
                errors.add(f"{label}.sku", f"SKU {sku!r} not found")
            elif sku in seen:
                errors.add(f"{label}.sku", f"SKU {sku!r} appears twice in the report of {report.dealer}")
            seen.add(sku)
    return dealers, skus


def submit(
    conn: Connection,
    principal: Principal,
    rows: Iterable[Row],
    *,
    by_code: bool,
    source: str,
    report_id: uuid.UUID | None = None,
    period_start: date | None = None,
) -> tuple[list[uuid.UUID], int]:
    """Check, derive and write every report in `rows`; all of them or none (InvalidInput lists every bad row).
    Returns the reports' ids and the number of lines written."""
    errors = Errors()
    reports, row_count = parse(rows, errors)
    dealers, skus = _resolve(conn, principal, reports, by_code, errors)
    valid = [r for r in reports.values() if (str(r.dealer) if by_code else r.dealer) in dealers]
    keys = {(dealers[str(r.dealer) if by_code else r.dealer].id, r.period_end) for r in valid}
    taken = lookups.existing_reports(conn, keys)
    for report in valid:
        dealer = dealers[str(report.dealer) if by_code else report.dealer]
        report.dealer = dealer
        if (dealer.id, report.period_end) in taken:
            errors.add(
                f"{report.rows[0][0]}.period_end", f"{dealer.code} already reported the week to {report.period_end}"
            )
    start_of = (lambda end: period_start) if period_start else (lambda end: end - timedelta(days=6))
    for report in valid:
        report.id = report_id or uuid.uuid4()
    if not errors.total:  # with errors already found, the lines are still checked, but nothing is written
        _insert_reports(conn, principal, valid, source, start_of)
    context = _Context(conn, valid, skus)
    for chunk_start in range(0, len(valid), CHUNK_REPORTS):
        chunk = valid[chunk_start : chunk_start + CHUNK_REPORTS]
        _derive_and_write(conn, chunk, context, start_of, errors)
    errors.raise_any(row_count)
    return [r.id for r in valid if r.id is not None], row_count


def _insert_reports(conn: Connection, principal: Principal, valid: list[Report], source: str, start_of) -> None:
    conn.execute(
        sr.insert(),
        [
            dict(
                id=r.id,
                dealer_id=r.dealer.id,
                org_unit_id=r.dealer.org_unit_id,
                period_start=start_of(r.period_end),
                period_end=r.period_end,
                source=source,
                submitted_by=principal.subject,
                line_count=len(r.rows),
            )
            for r in valid
        ],
    )


class _Context:
    """Previous periods, open orders and policies of every dealer in the submission."""

    def __init__(self, conn: Connection, reports: list[Report], skus: dict):
        self.skus = skus
        self.sku_text = {code: str(sku.id) for code, sku in skus.items()}
        self.previous = lookups.previous_lines(conn, [(r.dealer.id, r.period_end) for r in reports])
        self.open_orders = lookups.open_orders(conn, {r.dealer.id for r in reports})
        self.policies = lookups.unit_policies(conn, {r.dealer.org_unit_id for r in reports})


def _derive_and_write(conn: Connection, chunk: list[Report], context: _Context, start_of, errors: Errors) -> None:
    lines_text: list[str] = []
    batches_text: list[str] = []
    events = []
    for report in chunk:
        dealer, figures, rid = report.dealer, [], str(report.id)
        previous = context.previous.get(dealer.id, {})
        unit_policy = context.policies.get(dealer.org_unit_id)
        period_days = (report.period_end - start_of(report.period_end)).days + 1
        for label, code, opening, received, closing, found in report.rows:
            sku = context.skus.get(code)
            if sku is None:
                continue  # reported already
            last_closing, last_sold = previous.get(sku.id, (None, None))
            if opening is None:
                if last_closing is None:
                    errors.add(f"{label}.opening", "opening is required: there is no previous report to take it from")
                    continue
                opening = last_closing
            policy = lookups.policy_for(dealer, sku, unit_policy, period_days)
            line = StockLine(
                code, opening, received, closing, found, last_closing, last_sold,
                context.open_orders.get((dealer.id, sku.id), 0), sku.case_size, sku.shelf_life_days,
            )  # fmt: skip
            try:
                check_line(line, report.period_end)
            except LineRejected as exc:
                errors.add(f"{label}.{exc.column}", exc.reason)
                continue
            derived = derive_line(line, report.period_end, policy)
            figures.append((sku, line, derived))
            if errors.total:
                continue  # keep checking, but nothing more will be written
            band = policy.band
            lines_text.append(
                f"{rid}\t{context.sku_text[code]}\t{opening}\t{received}\t{closing}\t{derived.sold}\t{_null(last_closing)}\t"
                f"{_null(last_sold)}\t{derived.safety_stock}\t{_null(derived.stock_days)}\t{derived.band}\t"
                f"{band.low_days}\t{band.high_days}\t{float(band.target):.2f}\t{_null(derived.oldest_age_days)}\t"
                f"{_null(derived.near_expiry)}\t{line.open_orders}\t{sku.case_size}\t{derived.suggested_order}\t"
                f"{{{','.join(derived.flags)}}}\n"
            )
            for b in found:
                batches_text.append(
                    f"{rid}\t{context.sku_text[code]}\t{_escape(b.code)}\t{b.produced_on}\t{b.quantity}\n"
                )
        if not errors.total:
            events.extend(report_events(report, start_of(report.period_end), figures))
    if errors.total:
        return
    _copy(conn, COPY_LINES, lines_text)
    if batches_text:
        _copy(conn, COPY_BATCHES, batches_text)
    outbox.add(conn, *events)


def _copy(conn: Connection, sql: str, lines: list[str]) -> None:
    raw = cast(Any, conn.connection.driver_connection)
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for chunk in _chunks(lines):
            copy.write(chunk)


def _chunks(lines: list[str], size: int = 20_000) -> Iterator[str]:
    for start in range(0, len(lines), size):
        yield "".join(lines[start : start + size])
