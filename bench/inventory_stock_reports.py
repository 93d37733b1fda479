"""Bulk stock reports: 5,000 dealers x 200 SKUs (1 M lines) in one CSV file, validated, derived and persisted
through the service's own path (cells checked as the file streams into staging tables by COPY, every figure
derived by one INSERT … SELECT, refusals by query, lines, batches and outbox events written set-based), twice:
week 1 has no previous period, week 2 takes its openings from week 1's closings and its safety stock from week 1's
sales.

The figures on the last line are week 2's. Peak memory is the process's ru_maxrss after both weeks (it includes
the generated files, about 50 MB each).
"""

from __future__ import annotations

import io
import os
import random
import resource
import time
import uuid
from array import array

from sqlalchemy import text

from bench.servers import benchmark_servers, cpu_seconds, figures, parse_args
from services.inventory.stock_reports.service import submit_bulk
from shared.db import make_engine
from shared.identity import Principal, Role

FULL = dict(dealers=5_000, skus=200, offices=50)
QUICK = dict(dealers=50, skus=20, offices=5)
ERP = Principal(subject="bench-dealer-systems", role=Role.erp, org_unit_id=None)


def copy_rows(raw, sql: str, rows) -> None:
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def build_master(engine, shape: dict) -> tuple[list[str], list[str]]:
    """A company with offices, dealers spread over them and the SKUs, by COPY (not timed)."""
    company = uuid.uuid4()
    offices = [uuid.uuid4() for _ in range(shape["offices"])]
    units: list[tuple] = [(company, None, "company", f"C-{company.hex[:8]}", "Company", company.hex)]
    units += [(o, company, "office", f"O-{o.hex[:8]}", "Office", f"{company.hex}.{o.hex}") for o in offices]
    dealers = [(uuid.uuid4(), f"D{i:05d}", f"Dealer {i}", offices[i % len(offices)]) for i in range(shape["dealers"])]
    skus = [
        (uuid.uuid4(), f"S{i:04d}", f"SKU {i}", "food", "brand", "case", 6 + i % 4 * 6, 180, "10.00", "active")
        for i in range(shape["skus"])
    ]
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        copy_rows(raw, "COPY inventory.org_units (id, parent_id, kind, code, name, path) FROM STDIN", units)
        copy_rows(raw, "COPY inventory.dealers (id, code, name, org_unit_id) FROM STDIN", dealers)
        copy_rows(
            raw,
            "COPY inventory.skus (id, code, name, category, brand, unit, case_size, shelf_life_days, list_price, "
            "status) FROM STDIN",
            skus,
        )
    return [d[1] for d in dealers], [s[1] for s in skus]


def week_file(dealers: list[str], skus: list[str], period_end: str, last: array | None, rng) -> tuple[bytes, array]:
    """One CSV row per dealer x SKU, one batch per line; week 1 states openings, week 2 leaves them blank (the
    service takes last week's closing). Returns the file and this week's closings (dealer-major, as compact ints:
    the generator should not weigh more than the service it measures)."""
    out = io.BytesIO()
    out.write(b"dealer_code,period_end,sku,opening,received,closing,batches\n")
    closings = array("i")
    for i, d in enumerate(dealers):
        rows = []
        for j, s in enumerate(skus):
            opening = rng.randint(0, 400) if last is None else last[i * len(skus) + j]
            received = rng.randint(0, 300)
            closing = rng.randint(0, opening + received)
            closings.append(closing)
            stated = opening if last is None else ""
            batch = f"B{rng.randint(1, 9)}@2026-0{rng.randint(1, 3)}-01={closing}" if closing else ""
            rows.append(f"{d},{period_end},{s},{stated},{received},{closing},{batch}\n")
        out.write("".join(rows).encode())
    return out.getvalue(), closings


def submit(engine, content: bytes) -> tuple[float, float, float | None, int]:
    """(wall seconds, this process's CPU seconds, the database backend's CPU seconds, lines) of one file through
    the service's bulk path."""
    with engine.connect() as conn:
        backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        conn.commit()
        started, cpu, db_cpu = time.perf_counter(), time.process_time(), cpu_seconds(backend)
        with conn.begin():
            result = submit_bulk(conn, ERP, content, "text/csv")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        after = cpu_seconds(backend)
    return seconds, cpu, None if after is None or db_cpu is None else after - db_cpu, result.lines


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    shape = QUICK if args.quick else FULL
    rng = random.Random(11)
    with benchmark_servers() as infra:
        engine = make_engine(infra.settings.service_url("inventory"), pool_size=2)
        dealers, skus = build_master(engine, shape)
        week1, closings = week_file(dealers, skus, "2026-03-08", None, rng)
        print(f"week 1: {len(week1) / 1e6:.0f} MB of CSV", flush=True)
        seconds1, cpu1, db_cpu1, lines1 = submit(engine, week1)
        print(f"week 1: {lines1:,} lines in {seconds1:.2f} s, {cpu1:.2f} s CPU, {db_cpu1 or 0:.2f} s in PostgreSQL")
        del week1
        week2, _ = week_file(dealers, skus, "2026-03-15", closings, rng)
        seconds, cpu, db_cpu, lines = submit(engine, week2)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"week 2: {lines:,} lines in {seconds:.2f} s, {cpu:.2f} s CPU, {db_cpu or 0:.2f} s in PostgreSQL")
        with engine.connect() as conn:
            stored, events = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM inventory.stock_report_lines), "
                    "(SELECT count(*) FROM inventory.outbox WHERE topic = 'inventory.stock_reports.v1')"
                )
            ).one()
        assert stored == lines1 + lines, (stored, lines1, lines)
        print(f"stored {stored:,} lines, {events:,} events in the outbox", flush=True)
        engine.dispose()
    # cpu_seconds is the benchmark process's own CPU time and db_cpu_seconds its PostgreSQL backend's: on a shared
    # machine they tell the code's cost apart from the wait for a core (their sum bounds the time on an idle one).
    print(
        figures(
            seconds=round(seconds, 2),
            lines_per_s=round(lines / seconds),
            peak_mb=round(peak_mb),
            cpu_seconds=round(cpu, 2),
            db_cpu_seconds="n/a" if db_cpu is None else round(db_cpu, 2),
            load_avg=round(os.getloadavg()[0], 1),
        )
    )


if __name__ == "__main__":
    main()
