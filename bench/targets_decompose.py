"""Decompose a company's yearly target to 2,000 reps x 50 product lines x 12 months (1.2 M cells) and persist it
through the service's own code path; compare with a bare PostgreSQL COPY of the same rows.

`--national` runs the same code path at national scale: 20,000 reps (8 regions, 40 provinces, 1,000 offices of 20)
x 50 lines x 12 months = 12 M cells; the goal is within 1.3x the bare COPY and under 2 GB. `--quick` is a smoke check.

Peak memory is the process's resource.getrusage(RUSAGE_SELF).ru_maxrss, read right after the decomposition
(before the rows for the bare COPY are fetched), so it covers the interpreter, the org tree and every cell the
service computed (it streams them to COPY leaf by leaf, so the figure barely grows with the number of cells).
The rows for the bare COPY are fetched into a temporary file on disk and streamed back from it in 1 MB chunks, so
the comparison itself holds no more than a chunk in memory either. A CHECKPOINT before each timed step starts
both with no dirty pages left to write. The process's CPU during the decomposition is printed next to its wall time:
PostgreSQL parses and stores the rows alongside, on the other core.
"""

from __future__ import annotations

import random
import resource
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import text

from bench.servers import benchmark_servers, figures, parse_args
from services.targets.plans import decomposition as plan_decomposition
from services.targets.plans import service as plans_service
from services.targets.plans.schemas import DecompositionIn, PlanCreate
from shared.db import make_engine
from shared.identity import Principal, Role

FULL = dict(regions=8, provinces=5, offices=5, reps=10, lines=50)  # 8 -> 40 -> 200 -> 2,000 reps
NATIONAL = dict(regions=8, provinces=5, offices=25, reps=20, lines=50)  # 8 -> 40 -> 1,000 -> 20,000 reps
QUICK = dict(regions=2, provinces=2, offices=2, reps=10, lines=5)
CHUNK = 1 << 20
ADMIN = Principal(subject="bench", role=Role.admin, org_unit_id=None)


def copy_rows(raw, sql: str, rows) -> None:
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def build_org(engine, shape: dict) -> tuple[uuid.UUID, list[uuid.UUID], list[uuid.UUID]]:
    """Company -> regions -> provinces -> offices, and reps in every office, by COPY (not timed)."""
    units, people, assignments = [], [], []
    tag = uuid.uuid4().hex[:6]

    def unit(kind: str, parent: tuple | None, n: str) -> tuple:
        unit_id = uuid.uuid4()
        path = f"{parent[5]}.{unit_id.hex}" if parent else unit_id.hex
        row = (unit_id, parent[0] if parent else None, kind, f"{kind[:3].upper()}-{tag}-{n}", f"{kind} {n}", path)
        units.append(row)
        return row

    company = unit("company", None, "0")
    non_rep_nodes = []
    for r in range(shape["regions"]):
        region = unit("region", company, f"{r}")
        non_rep_nodes.append(region[0])
        for p in range(shape["provinces"]):
            province = unit("province", region, f"{r}.{p}")
            non_rep_nodes.append(province[0])
            for o in range(shape["offices"]):
                office = unit("office", province, f"{r}.{p}.{o}")
                non_rep_nodes.append(office[0])
                for i in range(shape["reps"]):
                    person = uuid.uuid4()
                    people.append((person, f"rep {r}.{p}.{o}.{i}", "rep"))
                    assignments.append((person, date(2020, 1, 1), None, office[0]))
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        copy_rows(raw, "COPY targets.org_units (id, parent_id, kind, code, name, path) FROM STDIN", units)
        copy_rows(raw, "COPY targets.people (id, name, role) FROM STDIN", people)
        copy_rows(
            raw,
            "COPY targets.person_assignments (person_id, valid_from, valid_to, org_unit_id) FROM STDIN",
            assignments,
        )
    return company[0], non_rep_nodes, [p[0] for p in people]


def checkpoint(owner) -> None:
    """Write out dirty pages before a timed step, so neither the decomposition nor the bare COPY pays for the
    other's writes (the bare COPY runs right after 12 M rows went in)."""
    with owner.begin() as conn:
        conn.execute(text("CHECKPOINT"))


def decomposition_request(nodes: list[uuid.UUID], reps: list[uuid.UUID], lines: int) -> dict:
    """Regions by market potential, provinces and offices by last year's actuals, reps by a 70/30 blend of
    history and equal split; 50 product lines by share; a Spring-Festival-heavy seasonality profile."""
    rng = random.Random(7)
    history = [
        {
            "node_id": str(n),
            "history": {"2026": str(rng.randint(50_000, 900_000))},
            "indicators": {
                "population": str(rng.randint(1_000_000, 9_000_000)),
                "outlet_count": str(rng.randint(100, 3_000)),
            },
        }
        for n in nodes
    ]
    history += [{"node_id": str(p), "history": {"2026": str(rng.randint(20_000, 90_000))}} for p in reps]
    return {
        "parent_value": "987654321",
        "leaf_level": "rep",
        "split": {"method": "historical_share", "history_period": "2026"},
        "levels": [
            {
                "parent_kind": "company",
                "method": "market_potential",
                "indicator_weights": {"population": "2", "outlet_count": "1"},
            },
            {
                "parent_kind": "office",
                "method": "blend",
                "history_period": "2026",
                "blend_weights": {"historical_share": "0.7", "equal": "0.3"},
            },
        ],
        "nodes": history,
        "product_shares": [{"product_line": f"P{i:02d}", "share": str(rng.randint(1, 40))} for i in range(lines)],
        "seasonality": ["16", "6", "8", "8", "8", "8", "7", "7", "8", "8", "8", "8"],
        "as_of": "2027-01-01",
    }


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], national="20,000 reps x 50 lines x 12 months (12 M cells)")
    shape = QUICK if args.quick else NATIONAL if args.national else FULL
    with benchmark_servers() as infra:
        engine = make_engine(infra.settings.service_url("targets"), pool_size=2)
        owner = make_engine(infra.settings.database_url, pool_size=1)
        company, nodes, reps = build_org(engine, shape)
        print(f"org: {len(nodes) + 1} units, {len(reps)} reps, {shape['lines']} product lines", flush=True)
        with engine.begin() as conn:
            plan = plans_service.create_plan(
                conn,
                ADMIN,
                PlanCreate(
                    name="Company sales 2027",
                    metric="sales_amount",
                    fiscal_year=2027,
                    unit="CNY",
                    rounding_step=Decimal(1),
                    root_org_unit_id=company,
                ),
            )
        body = decomposition_request(nodes, reps, shape["lines"])

        checkpoint(owner)
        started, cpu_started = time.perf_counter(), time.process_time()
        command = DecompositionIn.model_validate(body)
        with engine.begin() as conn:
            result = plan_decomposition.decompose_plan(conn, ADMIN, plan.id, command)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"decomposed and persisted {result.cells:,} cells for {result.leaves:,} leaves in {seconds:.2f} s, "
            f"peak {peak_mb:.0f} MB (ru_maxrss); this process's CPU {cpu_seconds:.2f} s (PostgreSQL ingests alongside)",
            flush=True,
        )

        with engine.begin() as conn:
            count, total = conn.execute(
                text("SELECT count(*), sum(value) FROM targets.target_cells WHERE plan_id = :p AND version = 1"),
                {"p": plan.id},
            ).one()
            assert count == result.cells and total == Decimal(body["parent_value"]), (count, total)
            conn.execute(text("CREATE TABLE targets.target_cells_scratch (LIKE targets.target_cells INCLUDING ALL)"))
        with tempfile.TemporaryFile(prefix="salesops-bench-copy-") as payload:
            with engine.begin() as conn:
                raw = conn.connection.driver_connection
                assert raw is not None
                with (
                    raw.cursor() as cursor,
                    cursor.copy(
                        "COPY (SELECT * FROM targets.target_cells WHERE plan_id = %s) TO STDOUT", (plan.id,)
                    ) as copy,
                ):
                    for data in copy:
                        payload.write(data)
            size = payload.tell()
            payload.seek(0)
            checkpoint(owner)
            started = time.perf_counter()
            with engine.begin() as conn:
                raw = conn.connection.driver_connection
                assert raw is not None
                with raw.cursor() as cursor, cursor.copy("COPY targets.target_cells_scratch FROM STDIN") as copy:
                    while chunk := payload.read(CHUNK):
                        copy.write(chunk)
            copy_seconds = time.perf_counter() - started
        print(
            f"bare COPY of the same {count:,} rows ({size / 1e6:.0f} MB of COPY text, streamed from a file): "
            f"{copy_seconds:.2f} s",
            flush=True,
        )
        engine.dispose()
        owner.dispose()
    print(
        figures(
            seconds=round(seconds, 2),
            peak_mb=round(peak_mb),
            copy_seconds=round(copy_seconds, 2),
            ratio_vs_copy=round(seconds / copy_seconds, 2),
        )
    )


if __name__ == "__main__":
    main()
