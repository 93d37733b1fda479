"""All audit rules over a year of facts (1 M visits, 1 M stock-report lines, 100 k of each market fact) in one
batch run of set-based SQL, upserting the findings; the last line gives the run's wall time.

Data is generated inside PostgreSQL first (not timed); the run is `services.audit.rules.service.run_batch`,
what POST /rules/runs calls.
"""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import text

from bench.audit_data import market, org_tree, stock_lines, visits
from bench.servers import benchmark_servers, figures, parse_args
from services.audit.rules.service import QUERIES, run_batch
from shared.db import make_engine


def main() -> None:
    args = parse_args(__doc__)
    n = 50_000 if args.quick else 1_000_000
    with benchmark_servers() as infra:
        engine = make_engine(infra.settings.service_url("audit"))
        with engine.begin() as conn:
            offices = org_tree(conn)
            visits(conn, n, offices)
            stock_lines(conn, n, offices)
            market(conn, n, offices)
            conn.execute(text("ANALYZE"))
        started = time.perf_counter()
        with engine.begin() as conn:
            runs = []
            for rule in QUERIES:  # run_batch, rule by rule, to show where the time goes
                rule_started = time.perf_counter()
                [result] = run_batch(conn, date(2026, 1, 1), date(2026, 12, 31), as_of=date(2027, 1, 15), rules=[rule])
                runs.append(result)
                print(f"{rule:26} fired={result.fired:6} seconds={time.perf_counter() - rule_started:.2f}", flush=True)
        seconds = time.perf_counter() - started
        with engine.connect() as conn:
            findings = conn.scalar(text("SELECT count(*) FROM audit.findings"))
        engine.dispose()
    print(figures(visits=n, stock_lines=n, rules=len(runs), findings=findings, seconds=seconds))


if __name__ == "__main__":
    main()
