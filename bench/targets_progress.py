"""Progress for random nodes at every level with 10 M actual rows loaded, through the real service functions.

What is loaded (set-based in PostgreSQL, not timed):
- org tree 1 company -> 8 regions -> 40 provinces -> 200 offices, 2,000 reps (10 per office) with assignments;
  8,000 dealers (4 per rep), each covered by its rep;
- a published sales_amount plan for 2026 rooted at the company: 2,000 reps x 12 months x 50 product lines
  (1.2 M target cells);
- 10 M actual rows: the attribution ledger (actual_attributions), generate_series over the dealers and the
  365 days of 2026 (1 in 50 orders with no covering rep). The sums progress reads (actual_days, actual_months)
  are then built from the ledger by INSERT ... SELECT ... GROUP BY: the set-based equivalent of the delta
  upserts the order handler applies one order at a time (same rows, same values).
Then VACUUM (ANALYZE), build the plan's target cache once (timed on its own), check that the company's actual equals
the ledger's total, time 200 orders through the real consumer handler, and time progress calls
(progress_service.unit_progress / person_progress, one transaction each) for random nodes at every level
(company, region, province, office, rep), random periods (year, quarter, month, date range) and as-of days.
"""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import text

from bench.servers import benchmark_servers, figures, parse_args, percentile
from services.targets.actuals.service import apply_order_recorded
from services.targets.progress import service as progress_service
from services.targets.progress.figures import ensure_targets_cached, load_plan
from shared.consumer import Decoded
from shared.db import make_engine
from shared.events.inventory import OrderRecorded
from shared.identity import Principal, Role

FULL = dict(regions=8, provinces=5, offices=5, reps=10, lines=50, rows=10_000_000, calls=300)
QUICK = dict(regions=2, provinces=2, offices=2, reps=10, lines=5, rows=200_000, calls=60)
ADMIN = Principal(subject="bench", role=Role.admin, org_unit_id=None)
DEALERS_PER_REP = 4
YEAR = 2026
SPRING_FESTIVAL = [date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)]


def durable_commit(conn) -> None:
    """The benchmark server commits asynchronously; VACUUM cannot mark pages all-visible (so index-only scans
    would visit the heap) until a commit's WAL is flushed, so the loads commit synchronously, as production does."""
    conn.execute(text("SET LOCAL synchronous_commit = on"))


def copy_rows(raw, sql: str, rows) -> None:
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def build_org(engine, shape: dict) -> dict:
    """The tree, reps and their dealers' coverage, by COPY."""
    units, reps = [], []

    def unit(kind: str, parent: tuple | None, n: str) -> tuple:
        unit_id = uuid.uuid4()
        path = f"{parent[5]}.{unit_id.hex}" if parent else unit_id.hex
        row = (unit_id, parent[0] if parent else None, kind, f"{kind[:3].upper()}-{n}", f"{kind} {n}", path)
        units.append(row)
        return row

    company = unit("company", None, "0")
    levels: dict[str, list[uuid.UUID]] = {"company": [company[0]], "region": [], "province": [], "office": []}
    for r in range(shape["regions"]):
        region = unit("region", company, f"{r}")
        levels["region"].append(region[0])
        for p in range(shape["provinces"]):
            province = unit("province", region, f"{r}.{p}")
            levels["province"].append(province[0])
            for o in range(shape["offices"]):
                office = unit("office", province, f"{r}.{p}.{o}")
                levels["office"].append(office[0])
                reps += [(uuid.uuid4(), office[0]) for _ in range(shape["reps"])]
    with engine.begin() as conn:
        durable_commit(conn)
        raw = conn.connection.driver_connection
        copy_rows(raw, "COPY targets.org_units (id, parent_id, kind, code, name, path) FROM STDIN", units)
        # Each unit's place in the tree since it was set up, as create_org_unit records it: progress reads the tree
        # as it stood over the period from this history.
        copy_rows(
            raw,
            "COPY targets.org_unit_history (org_unit_id, parent_id, path) FROM STDIN",
            ((u[0], u[1], u[5]) for u in units),
        )
        copy_rows(
            raw,
            "COPY targets.people (id, name, role) FROM STDIN",
            ((p, f"rep {i}", "rep") for i, (p, _) in enumerate(reps)),
        )
        copy_rows(
            raw,
            "COPY targets.person_assignments (person_id, valid_from, org_unit_id) FROM STDIN",
            ((p, date(2020, 1, 1), o) for p, o in reps),
        )
        conn.execute(text("CREATE TABLE targets.bench_reps (idx int PRIMARY KEY, person_id uuid, org_unit_id uuid)"))
        copy_rows(
            raw,
            "COPY targets.bench_reps (idx, person_id, org_unit_id) FROM STDIN",
            ((i, p, o) for i, (p, o) in enumerate(reps)),
        )
        conn.execute(
            text("""
            INSERT INTO targets.dealer_coverage (dealer_id, person_id, valid_from, share)
            SELECT md5('dealer' || d)::uuid, r.person_id, date '2020-01-01', 1
            FROM generate_series(0, :dealers - 1) d JOIN targets.bench_reps r ON r.idx = d / :per_rep"""),
            {"dealers": len(reps) * DEALERS_PER_REP, "per_rep": DEALERS_PER_REP},
        )
        conn.execute(
            text(
                "INSERT INTO targets.calendar_days (company_id, day, selling, reason) "
                "SELECT :c, d, false, 'Spring Festival' FROM unnest(CAST(:days AS date[])) d"
            ),
            {"c": company[0], "days": SPRING_FESTIVAL},
        )
    return dict(company=company[0], levels=levels, reps=[p for p, _ in reps], rep_offices=[o for _, o in reps])


def load_plan_cells(engine, company: uuid.UUID, lines: int) -> uuid.UUID:
    """A published plan and its cells: every rep x month x product line."""
    plan_id = uuid.uuid4()
    with engine.begin() as conn:
        durable_commit(conn)
        conn.execute(
            text("""
            INSERT INTO targets.target_plans (id, root_org_unit_id, name, metric, fiscal_year, unit, rounding_step,
                                              status, published_version, current_version)
            VALUES (:p, :c, 'Company sales 2026', 'sales_amount', :y, 'CNY', 0.01, 'published', 1, 1)"""),
            {"p": plan_id, "c": company, "y": YEAR},
        )
        conn.execute(
            text("""
            INSERT INTO targets.target_cells (plan_id, version, org_unit_id, person_id, product_line, month, value)
            SELECT :p, 1, r.org_unit_id, r.person_id, 'P' || l, m, 20 + ((r.idx * 7 + l * 13 + m * 31) % 400)
            FROM targets.bench_reps r, generate_series(1, :lines) l, generate_series(1, 12) m"""),
            {"p": plan_id, "lines": lines},
        )
    return plan_id


LOADED = [
    "org_units",
    "org_unit_history",
    "people",
    "person_assignments",
    "dealer_coverage",
    "calendar_days",
    "target_plans",
    "target_cells",
    "actual_attributions",
    "actual_days",
    "actual_months",
]
LEDGER_INDEXES = [
    "ALTER TABLE targets.actual_attributions ADD CONSTRAINT pk_actual_attributions "
    "PRIMARY KEY (source, source_id, seq)",
    "CREATE INDEX ix_actual_attributions_dealer_day ON targets.actual_attributions (dealer_id, day)",
    "CREATE INDEX ix_actual_attributions_unattributed ON targets.actual_attributions (day) WHERE person_id IS NULL",
]


def load_actuals(engine, rows: int, dealers: int) -> None:
    """The ledger by generate_series (indexes rebuilt after the load), then the day and month sums from it."""
    with engine.begin() as conn:
        durable_commit(conn)
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        conn.execute(text("SET LOCAL work_mem = '256MB'"))
        conn.execute(text("ALTER TABLE targets.actual_attributions DROP CONSTRAINT pk_actual_attributions"))
        conn.execute(
            text("DROP INDEX targets.ix_actual_attributions_dealer_day, targets.ix_actual_attributions_unattributed")
        )
        conn.execute(
            text("""
            INSERT INTO targets.actual_attributions
                (source, source_id, seq, dealer_id, org_unit_id, person_id, day, amount, quantity)
            SELECT 'order', md5('order' || g)::uuid, 0, md5('dealer' || (g % :dealers))::uuid, r.org_unit_id,
                   CASE WHEN g % 50 = 0 THEN NULL ELSE r.person_id END,
                   make_date(:y, 1, 1) + (g * 7 % 365)::int, 50 + (g * 7919 % 500000) / 100.0, 1 + g * 31 % 100
            FROM generate_series(1, CAST(:rows AS bigint)) g
            JOIN targets.bench_reps r ON r.idx = (g % :dealers) / :per_rep"""),
            {"rows": rows, "dealers": dealers, "per_rep": DEALERS_PER_REP, "y": YEAR},
        )
        for statement in LEDGER_INDEXES:
            conn.execute(text(statement))
        # Every generated fact has one ledger row (seq 0), so count(*) is the number of facts per holder.
        conn.execute(
            text("""
            INSERT INTO targets.actual_days (source, holder_kind, holder_id, day, amount, quantity, facts)
            SELECT source, 'org_unit', org_unit_id, day, sum(amount), sum(quantity), count(*)
            FROM targets.actual_attributions WHERE org_unit_id IS NOT NULL GROUP BY source, org_unit_id, day
            UNION ALL
            SELECT source, 'person', person_id, day, sum(amount), sum(quantity), count(*)
            FROM targets.actual_attributions WHERE person_id IS NOT NULL GROUP BY source, person_id, day""")
        )
        conn.execute(
            text("""
            INSERT INTO targets.actual_months (source, holder_kind, holder_id, month, amount, quantity, facts)
            SELECT source, holder_kind, holder_id, date_trunc('month', day)::date, sum(amount), sum(quantity),
                   sum(facts)
            FROM targets.actual_days GROUP BY source, holder_kind, holder_id, date_trunc('month', day)""")
        )
    # As autovacuum would after a bulk load: statistics, and the visibility map that index-only scans rely on.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) " + ", ".join(f"targets.{t}" for t in LOADED)))


def random_period(rng: random.Random) -> dict:
    kind = rng.choice(["year", "quarter", "month", "range"])
    if kind == "year":
        return dict(period=str(YEAR), date_from=None, date_to=None)
    if kind == "quarter":
        return dict(period=f"{YEAR}-Q{rng.randint(1, 4)}", date_from=None, date_to=None)
    if kind == "month":
        return dict(period=f"{YEAR}-{rng.randint(1, 12):02d}", date_from=None, date_to=None)
    start = date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 300))
    return dict(period=None, date_from=start, date_to=start + timedelta(days=rng.randint(0, 60)))


def time_progress_calls(engine, plan_id: uuid.UUID, org: dict, calls: int, rng: random.Random) -> list[float]:
    """Milliseconds per call, one transaction each, for nodes drawn evenly from the five levels."""
    levels = [*org["levels"].items(), ("rep", org["reps"])]
    samples = []
    for _ in range(calls):
        level, nodes = rng.choice(levels)
        node = rng.choice(nodes)
        when = random_period(rng) | {"as_of": date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 364))}
        started = time.perf_counter()
        with engine.begin() as conn:
            if level == "rep":
                result = progress_service.person_progress(conn, ADMIN, plan_id=plan_id, person_id=node, **when)
            else:
                result = progress_service.unit_progress(conn, ADMIN, plan_id=plan_id, org_unit_id=node, **when)
        samples.append((time.perf_counter() - started) * 1000)
        assert result.node.id == node
    return samples


def time_handler(engine, org: dict, orders: int, rng: random.Random) -> list[float]:
    """Milliseconds per OrderRecorded through the real consumer handler, one transaction each."""
    samples = []
    for _ in range(orders):
        dealer = rng.randrange(len(org["reps"]) * DEALERS_PER_REP)
        dealer_id = uuid.UUID(hashlib.md5(f"dealer{dealer}".encode()).hexdigest())
        event = OrderRecorded(
            order_id=uuid.uuid4(),
            erp_order_id=f"BENCH-{uuid.uuid4().hex[:10]}",
            erp_version=1,
            dealer_id=dealer_id,
            dealer_code=f"D{dealer}",
            org_unit_id=org["rep_offices"][dealer // DEALERS_PER_REP],
            status="confirmed",
            ordered_on=date(YEAR, 6, 15),
            currency="CNY",
            total_quantity=Decimal("3"),
            total_amount=Decimal("123.45"),
            lines=[],
        )
        started = time.perf_counter()
        with engine.begin() as conn:
            apply_order_recorded(conn, Decoded(OrderRecorded.topic, str(uuid.uuid4()), event))
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    shape = QUICK if args.quick else FULL
    rng = random.Random(11)
    with benchmark_servers() as infra:
        engine = make_engine(infra.settings.service_url("targets"), pool_size=2)
        org = build_org(engine, shape)
        dealers = len(org["reps"]) * DEALERS_PER_REP
        units = sum(len(v) for v in org["levels"].values())
        print(f"org: {units} units, {len(org['reps'])} reps, {dealers} dealers", flush=True)
        started = time.perf_counter()
        plan_id = load_plan_cells(engine, org["company"], shape["lines"])
        print(
            f"plan: {len(org['reps']) * 12 * shape['lines']:,} target cells in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        started = time.perf_counter()
        load_actuals(engine, shape["rows"], dealers)
        with engine.connect() as conn:
            ledger_rows, ledger_total = conn.execute(
                text(
                    "SELECT count(*), sum(amount) FILTER (WHERE org_unit_id IS NOT NULL) "
                    "FROM targets.actual_attributions"
                )
            ).one()
            sums: int = (
                conn.execute(text("SELECT count(*) FROM targets.actual_days")).scalar_one()
                + conn.execute(text("SELECT count(*) FROM targets.actual_months")).scalar_one()
            )
        print(
            f"actuals: {ledger_rows:,} ledger rows and {sums:,} day/month sums in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )

        started = time.perf_counter()
        with engine.begin() as conn:
            ensure_targets_cached(conn, load_plan(conn, plan_id, ADMIN))
        print(f"target cache for the published version built once in {time.perf_counter() - started:.2f} s", flush=True)
        with engine.begin() as conn:
            top = progress_service.unit_progress(
                conn,
                ADMIN,
                plan_id=plan_id,
                org_unit_id=org["company"],
                period=None,
                date_from=None,
                date_to=None,
                as_of=date(YEAR, 12, 31),
            )
        assert top.figures.actual == ledger_total, (top.figures.actual, ledger_total)
        print(f"check: the company's actual {top.figures.actual:,} equals the ledger's total", flush=True)

        handler = time_handler(engine, org, 200 if not args.quick else 40, rng)
        print(
            f"order handler: p50 {percentile(handler, 50):.1f} ms, p95 {percentile(handler, 95):.1f} ms "
            f"per order (attribution + ledger + day/month sums)",
            flush=True,
        )

        time_progress_calls(engine, plan_id, org, 20, rng)  # warm-up: connections, plans, caches
        samples = time_progress_calls(engine, plan_id, org, shape["calls"], rng)
        print(f"progress: {len(samples)} calls, max {max(samples):.1f} ms", flush=True)
        engine.dispose()
    print(
        figures(
            p50_ms=round(percentile(samples, 50), 1),
            p95_ms=round(percentile(samples, 95), 1),
            p99_ms=round(percentile(samples, 99), 1),
        )
    )


if __name__ == "__main__":
    main()
