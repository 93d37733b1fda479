"""HTTP throughput of a service API against a bare FastAPI app, both served the way production runs them.

Two uvicorn processes (one worker each, `python -m shared.cli api targets` and a bare app with one sync route
returning a constant) are loaded by the same client, wrk, with the same threads and connections:
  bare   GET /constant                              the ceiling: FastAPI + uvicorn and nothing else
  read   GET /org-units/{id}, admin bearer token    auth, scope, one indexed query, commit, serialisation
  list   GET /org-units?under=…&limit=50            a subtree filter and paging
  write  POST /org-units                            an insert and its outbox event in one transaction
wrk is C and uses little CPU; a Python load client on this 2-core box would cap the bare figure and flatter the
ratio. Install it with `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`.
Last line: bare_rps read_rps ratio p99_ms list_rps write_rps write_ratio cpu_ratio (ratio = read/bare, write_ratio =
write/bare; cpu_ratio = the bare app's CPU time per request / the read's, from /proc: on a machine shared with
other work, requests/s follow whatever CPU the process got, CPU per request does not).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.servers import benchmark_servers, figures, parse_args
from shared.runtime.broker import free_port
from shared.runtime.stack import ROOT, wait_ready
from shared.runtime.supervise import stop_processes

THREADS, CONNECTIONS = 2, 50

# wrk's Lua hooks: `done` prints one JSON line the benchmark parses; `request` (writes only) gives every POST a
# unique org-unit code, so each request really inserts a row and an outbox event.
REPORT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "non2xx": %d, "errors": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(99)))
end
"""
WRITE_LUA = """
local made, counter = 0, 0
setup = function(thread)
  made = made + 1
  thread:set("prefix", string.format("%d-%d", os.time(), made))
end
request = function()
  counter = counter + 1
  local body = string.format('{"kind": "office", "code": "B%s-%d", "name": "bench", "parent_id": "%s"}',
    prefix, counter, os.getenv("BENCH_PARENT"))
  return wrk.format("POST", "/org-units", {["Content-Type"] = "application/json",
    ["Authorization"] = os.getenv("BENCH_AUTH")}, body)
end
"""


def bare_app():
    """The ceiling: FastAPI's own overhead for one sync route."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/constant")
    def constant() -> dict:
        return {"status": "ok"}

    return app


def serve_bare(port: int) -> None:
    """Run the bare app exactly as shared.runtime.serve runs a service (one process, no access log)."""
    from shared.runtime.serve import serve_apis

    serve_apis({"bare": bare_app()}, host="127.0.0.1", ports={"bare": port})


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: int, headers: dict[str, str], script: str, env: dict[str, str] | None = None) -> dict:
    """One wrk run; returns requests/s, p99 and error counts from the Lua `done` hook."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + REPORT_LUA)
    args = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", lua.name]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True, env={**os.environ, **(env or {})})
    Path(lua.name).unlink()
    report = json.loads(out.stdout.strip().splitlines()[-1])
    if report["non2xx"] or report["errors"]:
        print(f"  {url}: {report['non2xx']} non-2xx answers, {report['errors']} socket errors/timeouts (not counted)")
    # Only successful answers count: a server answering 500s fast must not look fast.
    report["rps"] = (report["requests"] - report["non2xx"]) / report["seconds"]
    return report


def seed(base: str, auth: dict[str, str], offices: int) -> tuple[str, str]:
    """A company with one region of `offices` offices; returns (an office id, the region id)."""
    with httpx.Client(base_url=base, headers=auth, timeout=30) as client:

        def create(kind: str, parent: str | None) -> str:
            body = {"kind": kind, "code": f"{kind[:3].upper()}-{os.urandom(5).hex()}", "name": f"bench {kind}"}
            if parent:
                body["parent_id"] = parent
            answer = client.post("/org-units", json=body)
            answer.raise_for_status()
            return answer.json()["id"]

        company = create("company", None)
        region = create("region", company)
        office = [create("office", region) for _ in range(offices)][0]
    return office, region


def main() -> None:
    args = parse_args(__doc__)
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: install it (`apt-get install wrk` on Debian/Ubuntu, `brew install wrk` on macOS)")
    seconds, warmup = (3, 1) if args.quick else (10, 2)
    with benchmark_servers() as infra:
        logs = Path(tempfile.mkdtemp(prefix="salesops-bench-http-"))
        bare_port, api_port = free_port(), free_port()
        env = {**os.environ, "LOG_LEVEL": "WARNING"}
        children = [
            subprocess.Popen(
                [sys.executable, "-c", f"from bench.http_read import serve_bare; serve_bare({bare_port})"],
                cwd=ROOT,
                env=env,
                stdout=open(logs / "bare.log", "ab"),  # noqa: SIM115  # the child's log, open while it runs
                stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                [sys.executable, "-m", "shared.cli", "api", "targets", "--port", str(api_port)],
                cwd=ROOT,
                env=env,
                stdout=open(logs / "targets.log", "ab"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
            ),
        ]
        try:
            bare, api = f"http://127.0.0.1:{bare_port}", f"http://127.0.0.1:{api_port}"
            wait_ready([api])
            wait_until_up(bare + "/constant")
            auth = {"Authorization": f"Bearer {infra.issuer.issue(role='admin', subject='bench-admin')}"}
            office, region = seed(api, auth, offices=120)
            runs = {
                "bare": (bare + "/constant", {}, "", None),
                "read": (f"{api}/org-units/{office}", auth, "", None),
                "list": (f"{api}/org-units?under={region}&limit=50", auth, "", None),
                "write": (
                    api,
                    {},
                    WRITE_LUA,
                    {"BENCH_AUTH": auth["Authorization"], "BENCH_PARENT": region},
                ),
            }
            results = {}
            for name, (url, headers, script, extra_env) in runs.items():
                if name != "write":  # warm caches and connection pools; a write warm-up would only add rows
                    wrk(url, warmup, headers, script, extra_env)
                server = children[0 if name == "bare" else 1].pid
                used = cpu_seconds(server)
                results[name] = wrk(url, seconds, headers, script, extra_env)
                results[name]["cpu_us"] = (cpu_seconds(server) - used) / max(results[name]["requests"], 1) * 1e6
                print(
                    f"{name:<6} {results[name]['rps']:8.0f} rps  p99 {results[name]['p99_us'] / 1000:.1f} ms"
                    f"  cpu/request {results[name]['cpu_us']:.0f} us"
                )
        finally:
            stop_processes(children, timeout=20)
    bare_rps, read_rps = results["bare"]["rps"], results["read"]["rps"]
    print(
        figures(
            bare_rps=round(bare_rps),
            read_rps=round(read_rps),
            ratio=read_rps / bare_rps,
            p99_ms=results["read"]["p99_us"] / 1000,
            list_rps=round(results["list"]["rps"]),
            write_rps=round(results["write"]["rps"]),
            write_ratio=results["write"]["rps"] / bare_rps,
            cpu_ratio=results["bare"]["cpu_us"] / max(results["read"]["cpu_us"], 1e-9),
        )
    )


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


if __name__ == "__main__":
    main()
