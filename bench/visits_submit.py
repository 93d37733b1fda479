"""Completed-visit submissions (check-in + 10 observations + check-out in one call, `POST /visits`) from 50
concurrent clients, against a bare FastAPI endpoint returning a constant, loaded by the same wrk in the same run.

The visits API runs as production runs it (`python -m shared.cli api visits`, one uvicorn worker) on real
PostgreSQL; the bare app is `bench.http_read`'s, served the same way. wrk (C, -t2 -c50) is the client: a Python
client on this 2-core box capped the bare app at ~600 requests/s and measured itself. A Lua script builds every
submission: a new visit id (UUID-shaped, from the run's and the thread's prefix and a counter), one of 50 reps'
tokens in rotation, that rep's next outlet of 20 with the outlet's own position, and check-ins an hour apart per rep,
so the travel-speed signal stays quiet. The steps are every kind but photos (stock, prices, competitors, materials,
order, feedback).

Afterwards the database is checked: every visit stored is complete (completed, its 10 steps, its 2 events), and
the visits stored are the submissions wrk saw answered 2xx, plus at most those still in flight when wrk's time ran
out (wrk drops those unanswered; the server may still commit them). Otherwise the benchmark fails.
CPU per request of each server process is read from /proc: on a shared machine requests/s follow whatever CPU the
process got, CPU per request does not. Last line: visits_per_s p99_ms bare_rps ratio.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from bench.http_read import cpu_seconds, wait_until_up
from bench.http_read import wrk as wrk_bare
from bench.servers import benchmark_servers, figures, parse_args
from shared.db import make_engine
from shared.org import path_label
from shared.runtime.broker import free_port
from shared.runtime.stack import ROOT, wait_ready
from shared.runtime.supervise import stop_processes

THREADS, CONNECTIONS = 2, 50
REPS, OUTLETS_PER_REP = 50, 20
STEPS = [
    {"step": "stock_check", "items": [{"sku": "SKU-1", "quantity": "24", "batch_codes": ["B260301"]}]},
    {"step": "stock_check", "items": [{"sku": "SKU-2", "out_of_stock": True}]},
    {"step": "prices", "items": [{"sku": "SKU-1", "brand": "Ours", "ours": True, "price": "12.50"}]},
    {"step": "prices", "items": [{"sku": "C-1", "brand": "Rival", "ours": False, "price": "11.90"}]},
    {"step": "competitor_activity", "items": [{"brand": "Rival", "kind": "promotion", "note": "buy 2 get 1"}]},
    {"step": "promotion_materials", "items": [{"material": "poster", "quantity": "2", "recipient": "owner"}]},
    {"step": "order", "lines": [{"sku": "SKU-2", "quantity": "12", "unit_price": "10.00"}]},
    {"step": "feedback", "items": [{"kind": "feedback", "text": "wants the new flavour"}]},
    {"step": "feedback", "items": [{"kind": "complaint", "text": "delivery late"}]},
    {"step": "competitor_activity", "items": [{"brand": "Rival", "kind": "packaging", "note": "new bottle"}]},
]
EVENTS_PER_VISIT = 2  # visit completed, and the order request of its order step


def outlet_position(rep: int, outlet: int) -> tuple[float, float]:
    """Where the seed puts a rep's outlet: 111 m apart (latitude) along the rep's own meridian."""
    return round(30.2 + outlet * 0.001, 6), round(120.1 + rep * 0.001, 6)


# Each thread takes every THREADS-th rep, so a rep's visits come from one thread, an hour apart (its n-th visit of
# the run checks in at BASE + n hours). `sent` counts requests written, `answered` responses read: at the end,
# sent - answered were in flight when wrk stopped. `done` prints one JSON line the benchmark parses.
VISITS_LUA = """
local tokens, outlets = {tokens}, {outlets}
local lat0, lon0, threads_n, reps_n, outlets_n = 30.2, 120.1, {threads}, {reps}, {outlets_per_rep}
local steps = '{steps}'
local base, run = tonumber(os.getenv("BENCH_BASE")), tonumber(os.getenv("BENCH_RUN"))
local threads, made = {{}}, 0
setup = function(thread)
  made = made + 1
  thread:set("index", made - 1)
  table.insert(threads, thread)
end
init = function(args)
  sent, answered, ok = 0, 0, 0
  mine = math.floor((reps_n - 1 - index) / threads_n) + 1  -- how many reps this thread drives
end
request = function()
  local slot, n = sent % mine, math.floor(sent / mine)
  sent = sent + 1
  local rep = index + threads_n * slot
  local outlet = n % outlets_n
  local check_in = base + n * 3600
  local body = string.format('{{"id": "%08x-%04x-4000-8000-%012x", "outlet_id": "%s", "check_in": {{"position": ' ..
    '{{"latitude": %.6f, "longitude": %.6f, "datum": "wgs84", "accuracy_m": 20}}, "client_at": "%s"}}, ' ..
    '"steps": %s, "check_out": {{"client_at": "%s"}}, "sent_at": "%s"}}',
    run, index, sent, outlets[rep + 1][outlet + 1], lat0 + outlet * 0.001, lon0 + rep * 0.001,
    os.date("!%Y-%m-%dT%H:%M:%SZ", check_in), steps, os.date("!%Y-%m-%dT%H:%M:%SZ", check_in + 1200),
    os.date("!%Y-%m-%dT%H:%M:%SZ"))
  return wrk.format("POST", "/visits", {{["Content-Type"] = "application/json", ["Authorization"] = tokens[rep + 1]}},
    body)
end
response = function(status, headers, body)
  answered = answered + 1
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif not shown then
    shown = true
    io.stderr:write(string.format("answer %d: %s\\n", status, string.sub(body, 1, 300)))
  end
end
done = function(summary, latency, requests)
  local sent_n, answered_n, ok_n = 0, 0, 0
  for _, t in ipairs(threads) do
    sent_n, answered_n, ok_n = sent_n + t:get("sent"), answered_n + t:get("answered"), ok_n + t:get("ok")
  end
  io.write(string.format('{{"requests": %d, "seconds": %f, "non2xx": %d, "errors": %d, "p99_us": %d, ' ..
    '"p50_us": %d, "sent": %d, "answered": %d, "ok": %d}}\\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(99), latency:percentile(50), sent_n, answered_n, ok_n))
end
"""


def database_cpu_seconds(infra) -> float | None:
    """CPU seconds of the local PostgreSQL so far: the postmaster, its reaped children and its live backends (Linux
    /proc); None for a server on another machine."""
    pid_file = infra.state_dir / "pgdata" / "postmaster.pid"
    if not pid_file.exists():
        return None
    postmaster = int(pid_file.read_text().split()[0])
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == postmaster:  # its own time and that of the backends it reaped
            total += sum(int(f) for f in fields[11:15])
        elif parent == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def lua_list(values: list) -> str:
    return "{" + ", ".join(lua_list(v) if isinstance(v, list) else json.dumps(v) for v in values) + "}"


def visits_script(tokens: list[str], outlets: list[list[str]]) -> str:
    return VISITS_LUA.format(
        tokens=lua_list(tokens),
        outlets=lua_list(outlets),
        threads=THREADS,
        reps=REPS,
        outlets_per_rep=OUTLETS_PER_REP,
        steps=json.dumps(STEPS),
    )


def wrk_visits(url: str, seconds: int, script: str, base: datetime) -> dict:
    """One wrk run of submissions whose check-ins start at `base`; returns its report (see VISITS_LUA's `done`)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    env = {**os.environ, "BENCH_BASE": str(int(base.timestamp())), "BENCH_RUN": str(random.getrandbits(31))}
    args = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", lua.name, url]
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=env)
    Path(lua.name).unlink()
    if out.stderr.strip():
        print(out.stderr.strip())
    report = json.loads(out.stdout.strip().splitlines()[-1])
    if report["non2xx"] or report["errors"]:
        print(f"  {url}: {report['non2xx']} non-2xx answers, {report['errors']} socket errors/timeouts (not counted)")
    report["rps"] = report["ok"] / report["seconds"]
    return report


def seed(engine: Engine, issuer) -> tuple[list[str], list[list[str]]]:
    """One company, 50 reps with 20 outlets each; returns each rep's bearer header and outlet ids."""
    unit = uuid.uuid4()
    tokens, outlets = [], []
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO visits.org_units (id, kind, code, name, path) VALUES (%s, 'company', %s, 'bench', %s)",
            (unit, f"B-{unit.hex[:8]}", path_label(unit)),
        )
        rows = []
        for r in range(REPS):
            person = uuid.uuid4()
            mine = [uuid.uuid4() for _ in range(OUTLETS_PER_REP)]
            rows += [
                (outlet, f"O-{r}-{o}-{outlet.hex[:6]}", unit, *outlet_position(r, o), person)
                for o, outlet in enumerate(mine)
            ]
            outlets.append([str(o) for o in mine])
            token = issuer.issue(role="rep", org_unit=str(unit), person_id=str(person), subject=f"bench-rep-{r}")
            tokens.append(f"Bearer {token}")
        conn.exec_driver_sql(
            "INSERT INTO visits.outlets (id, code, name, org_unit_id, grade, loyalty, latitude, longitude, "
            "channel, owner_rep_id) VALUES (%s, %s, 'bench outlet', %s, 'B', 'loyal', %s, %s, 'grocery', %s)",
            rows,
        )
    return tokens, outlets


def stored(engine: Engine) -> tuple[int, int, int]:
    """(visits stored, of them completed with their 10 steps, events in the outbox)."""
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            """SELECT count(*),
                      count(*) FILTER (WHERE v.status = 'completed'
                        AND (SELECT count(*) FROM visits.visit_steps s WHERE s.visit_id = v.id) = %(steps)s)
               FROM visits.visits v""",
            {"steps": len(STEPS)},
        ).one()
        events: int = conn.exec_driver_sql("SELECT count(*) FROM visits.outbox").scalar_one()
    return row[0], row[1], events


def settled(engine: Engine, timeout: float = 30.0) -> tuple[int, int, int]:
    """The stored counts once requests wrk left in flight have finished (two reads 0.5 s apart agree)."""
    deadline = time.monotonic() + timeout
    last = stored(engine)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = stored(engine)
        if now == last:
            return now
        last = now
    raise SystemExit(f"FAILED: the visits stored did not settle within {timeout} s")


def check_stored(engine: Engine, before: tuple[int, int, int], report: dict) -> tuple[int, int, int]:
    """Every 2xx is a complete visit; nothing else was stored except what wrk left in flight; fail loudly if not.
    Returns the counts after the run."""
    after = settled(engine)
    added, in_flight = after[0] - before[0], report["sent"] - report["answered"]
    complete, events = after[1] - before[1], after[2] - before[2]
    print(
        f"database: {added} visits stored by the run, {complete} of them complete, {events} events; wrk counted "
        f"{report['ok']} 2xx, {report['answered'] - report['ok']} other answers, {in_flight} in flight at its end"
    )
    if complete != added:
        raise SystemExit(f"FAILED: {added - complete} half-written visits")
    if events != added * EVENTS_PER_VISIT:
        raise SystemExit(f"FAILED: {events} outbox events for {added} visits (expected {EVENTS_PER_VISIT} each)")
    if not report["ok"] <= added <= report["ok"] + in_flight:
        raise SystemExit(f"FAILED: {added} visits stored for {report['ok']} answered 2xx (+ {in_flight} in flight)")
    return after


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: install it (`apt-get install wrk` on Debian/Ubuntu, `brew install wrk` on macOS)")
    seconds, warmup = (3, 1) if args.quick else (10, 2)
    with benchmark_servers() as infra:
        engine = make_engine(infra.settings.service_url("visits"), pool_size=1)
        tokens, outlets = seed(engine, infra.issuer)
        script = visits_script(tokens, outlets)
        logs = Path(tempfile.mkdtemp(prefix="salesops-bench-visits-"))
        bare_port, api_port = free_port(), free_port()
        env = {**os.environ, "LOG_LEVEL": "WARNING"}
        commands = {
            "bare": [sys.executable, "-c", f"from bench.http_read import serve_bare; serve_bare({bare_port})"],
            "visits": [sys.executable, "-m", "shared.cli", "api", "visits", "--port", str(api_port)],
        }
        children = {
            name: subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=open(logs / f"{name}.log", "ab"),  # noqa: SIM115  # the child's log, open while it runs
                stderr=subprocess.STDOUT,
            )
            for name, command in commands.items()
        }
        try:
            bare, api = f"http://127.0.0.1:{bare_port}", f"http://127.0.0.1:{api_port}"
            wait_ready([api])
            wait_until_up(bare + "/constant")
            # Warm-up (connections, prepared statements, caches) with check-ins in January; measured in March.
            initial = stored(engine)
            before = check_stored(engine, initial, wrk_visits(api, warmup, script, datetime(2026, 1, 5, tzinfo=UTC)))
            used, database_used = cpu_seconds(children["visits"].pid), database_cpu_seconds(infra)
            visits = wrk_visits(api, seconds, script, datetime(2026, 3, 2, tzinfo=UTC))
            visits["cpu_us"] = (cpu_seconds(children["visits"].pid) - used) / max(visits["answered"], 1) * 1e6
            database_now = database_cpu_seconds(infra)
            visits["db_cpu_us"] = (
                None
                if database_used is None or database_now is None
                else (database_now - database_used) / max(visits["answered"], 1) * 1e6
            )
            check_stored(engine, before, visits)
            wrk_bare(bare + "/constant", warmup, {}, "")
            used = cpu_seconds(children["bare"].pid)
            plain = wrk_bare(bare + "/constant", seconds, {}, "")
            plain["cpu_us"] = (cpu_seconds(children["bare"].pid) - used) / max(plain["requests"], 1) * 1e6
        finally:
            stop_processes(children.values(), timeout=20)
            engine.dispose()
    print(
        f"visits: {visits['ok']} submissions at {visits['rps']:.0f}/s, p50 {visits['p50_us'] / 1000:.1f} ms, "
        f"p99 {visits['p99_us'] / 1000:.1f} ms, cpu/visit {visits['cpu_us']:.0f} us (API process)"
        + ("" if visits["db_cpu_us"] is None else f" + {visits['db_cpu_us']:.0f} us (PostgreSQL)")
    )
    print(
        f"bare:   {plain['requests']} requests at {plain['rps']:.0f}/s, p99 {plain['p99_us'] / 1000:.1f} ms, "
        f"cpu/request {plain['cpu_us']:.0f} us; cpu per visit / per bare request "
        f"{visits['cpu_us'] / max(plain['cpu_us'], 1e-9):.1f}"
    )
    print(
        figures(
            visits_per_s=round(visits["rps"]),
            p99_ms=round(visits["p99_us"] / 1000),
            bare_rps=round(plain["rps"]),
            ratio=round(visits["rps"] / plain["rps"], 3),
        )
    )


if __name__ == "__main__":
    main()
