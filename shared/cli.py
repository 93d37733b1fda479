"""salesops command line: run the whole system locally, or one process of one service."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from shared.identity import Role
from shared.settings import SERVICE_PORTS, SERVICES, STATE_DIR, get_settings

if TYPE_CHECKING:  # the commands import what they use when they run
    from fastapi import FastAPI

    from shared.worker import WorkerSpec

ROOT = Path(__file__).resolve().parent.parent


def _app(service: str) -> FastAPI:
    app: FastAPI = importlib.import_module(f"services.{service}.main").create_app()
    return app


def _chosen(service: str) -> list[str]:
    return list(SERVICES) if service == "all" else [service]


def cmd_api(args: argparse.Namespace) -> None:
    from shared.logs import configure_logging
    from shared.runtime.heap import settle_heap
    from shared.runtime.serve import serve_apis

    settings = get_settings()
    services = _chosen(args.service)
    configure_logging(settings.log_level, args.service if len(services) == 1 else None)
    ports = {s: (args.port if args.port and len(services) == 1 else SERVICE_PORTS[s]) for s in services}
    apps = {s: _app(s) for s in services}
    settle_heap()
    serve_apis(apps, host=args.host, ports=ports)


def cmd_worker(args: argparse.Namespace) -> None:
    from shared.logs import configure_logging
    from shared.runtime.heap import settle_heap
    from shared.runtime.priority import lower_own_priority
    from shared.worker import run_workers

    settings = get_settings()
    lower_own_priority(settings.worker_nice, settings.worker_sched_idle)  # a request waiting for a core gets it first
    services = _chosen(args.service)
    configure_logging(settings.log_level, args.service if len(services) == 1 else None)
    specs = [importlib.import_module(f"services.{s}.worker").SPEC for s in services]
    settle_heap()
    run_workers(specs, settings)


def cmd_migrate(args: argparse.Namespace) -> None:
    from shared.events.catalog import REGISTRY
    from shared.kafka import ensure_topics
    from shared.logs import configure_logging
    from shared.migrations import migrate_all

    settings = get_settings()
    configure_logging(settings.log_level)
    migrate_all(settings)
    if not args.skip_topics:
        ensure_topics(settings, REGISTRY.topics())


def _spec(service: str) -> WorkerSpec:
    spec: WorkerSpec = importlib.import_module(f"services.{service}.worker").SPEC
    return spec


def cmd_redrive(args: argparse.Namespace) -> None:
    from datetime import datetime

    from shared.db import make_engine
    from shared.logs import configure_logging
    from shared.outbox_recovery import redrive

    settings = get_settings()
    configure_logging(settings.log_level, args.service)
    since = datetime.fromisoformat(args.since) if args.since else None
    engine = make_engine(settings.service_url(args.service), pool_size=1)
    count = redrive(engine, _spec(args.service).outbox, since=since, topic=args.topic)
    engine.dispose()
    print(f"{count} outbox events of {args.service} will be published again by its relay")


def cmd_job(args: argparse.Namespace) -> None:
    from shared.db import make_engine
    from shared.jobs import run_once
    from shared.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    services = [s for s in _chosen(args.service) if any(j.name == args.name for j in _spec(s).all_jobs())]
    if not services:
        raise SystemExit(f"no service has a job named {args.name!r}")
    for service in services:
        job = next(j for j in _spec(service).all_jobs() if j.name == args.name)
        engine = make_engine(settings.service_url(service), pool_size=2)
        done = run_once(job, engine, settings, service=service)
        engine.dispose()
        print(f"{service} {job.name}: " + ("another instance is running it" if done is None else f"{done} done"))


def cmd_token(args: argparse.Namespace) -> None:
    from shared.auth import LocalIssuer

    print(
        LocalIssuer().issue(
            role=args.role, org_unit=args.org_unit, subject=args.subject, person_id=args.person_id, ttl_seconds=args.ttl
        )
    )


def cmd_docs(args: argparse.Namespace) -> None:
    from shared.events.asyncapi import write_event_docs

    for path in write_event_docs(ROOT / "docs"):
        print(path.relative_to(ROOT))


def cmd_test(pytest_args: list[str]) -> None:
    os.chdir(ROOT)
    os.execv(sys.executable, [sys.executable, "-m", "pytest", *pytest_args])


LINTERS = {
    "ruff check": ["ruff", "check", "."],
    "ruff format": ["ruff", "format", "--check", "."],
    "mypy": ["mypy", "."],
    "import contracts": ["lint-imports"],
}


def cmd_lint(args: argparse.Namespace) -> None:
    """Run every linter (each prints its findings only when it fails), then one summary line per tool."""
    import subprocess

    failed: list[str] = []
    summary: list[str] = []
    for name, (tool, *tool_args) in LINTERS.items():
        done = subprocess.run(
            [str(Path(sys.executable).parent / tool), *tool_args], cwd=ROOT, capture_output=True, text=True
        )
        output = (done.stdout + done.stderr).strip()
        if done.returncode:
            failed.append(name)
            print(f"--- {name}\n{output}\n")
        # The tool's own verdict: its last line, skipping ruff's "[*] n fixable" hint.
        last = next((line for line in reversed(output.splitlines()) if not line.startswith("[*]")), "").strip()
        summary.append(f"{name}: {'FAILED' if done.returncode else 'ok'} ({last})")
    print("\n".join(summary))
    sys.exit(1 if failed else 0)


def cmd_mutants(args: argparse.Namespace) -> None:
    """Mutation scores of the domain modules, run at low priority: the machine is shared and the run is long."""
    import shutil
    import tempfile

    from shared.mutation_runner import report

    os.chdir(ROOT)
    os.nice(10)
    basetemp = args.basetemp or tempfile.mkdtemp(prefix="salesops-mutants-")
    try:
        report(args.target, processes=args.jobs, basetemp=basetemp, survivors_of=args.survivors_of)
    finally:
        if not args.basetemp:
            shutil.rmtree(basetemp, ignore_errors=True)


def cmd_up(args: argparse.Namespace) -> None:
    from shared.runtime.stack import LocalStack

    settings = get_settings()
    with LocalStack(STATE_DIR, pg_port=settings.local_postgres_port, broker_port=settings.local_broker_port) as stack:
        stack.run_until_interrupted(demo=None if args.no_demo else "small")


def cmd_demo(args: argparse.Namespace) -> None:
    """Build the demo company in the running system (`up` in another shell), through its APIs and ERP topics."""
    from shared.auth import LocalIssuer
    from shared.demo.run import run

    run(get_settings(), LocalIssuer(), size=args.size, seed=args.seed)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["test"]:  # everything after `test` belongs to pytest, options included
        cmd_test(argv[1:])
    parser = argparse.ArgumentParser(prog="salesops", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("up", help="start PostgreSQL, the broker, all four APIs and workers; Ctrl-C stops all")
    p.add_argument("--no-demo", action="store_true", help="leave an empty database empty (no demo company)")
    p = sub.add_parser("demo", help="build the demo company in the running system (reproducible from --seed)")
    p.add_argument("--size", choices=["tiny", "small", "large"], default="small")
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("migrate", help="create schemas and roles, run every service's migrations and create topics")
    p.add_argument("--skip-topics", action="store_true")
    for name, helptext in (("api", "run one service's HTTP API"), ("worker", "run one service's relay and consumers")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("service", choices=[*SERVICES, "all"], help="one service, or all of them in one process")
        if name == "api":
            p.add_argument("--host", default="127.0.0.1")
            p.add_argument("--port", type=int)
    p = sub.add_parser("redrive", help="publish a service's already published outbox events again (idempotent)")
    p.add_argument("service", choices=SERVICES)
    p.add_argument("--since", help="only events recorded at or after this ISO 8601 instant")
    p.add_argument("--topic", help="only events of this topic")
    p = sub.add_parser("job", help="run one periodic job once (outbox-retention, progress-alerts, …)")
    p.add_argument("name")
    p.add_argument("--service", choices=[*SERVICES, "all"], default="all", help="whose job (default: every service)")
    p = sub.add_parser("token", help="issue a development token from the local issuer")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--org-unit", help="org unit id the token is scoped to")
    p.add_argument("--subject")
    p.add_argument("--person-id")
    p.add_argument("--ttl", type=int, default=12 * 3600)
    sub.add_parser("lint", help="ruff (lint and format), mypy and the import contracts; fails if any does")
    p = sub.add_parser("mutants", help="mutation scores of the domain modules against their domain tests (slow)")
    p.add_argument("target", nargs="*", help="services (targets) or modules (rounding, targets.rounding); default: all")
    p.add_argument("--jobs", type=int, choices=(1, 2), default=1, help="mutants tested at once (the machine is shared)")
    p.add_argument("--basetemp", help="pytest's scratch folder for the runs (default: a fresh temporary one)")
    p.add_argument(
        "--survivors-of", type=Path, help="an earlier report: run only its survivors (after adding tests; faster)"
    )
    sub.add_parser("docs", help="regenerate event JSON schemas and the AsyncAPI document under docs/")
    sub.add_parser(
        "test", help="run the full test suite (starts its own PostgreSQL and broker); further arguments go to pytest"
    )

    args = parser.parse_args(argv)
    commands = {"up": cmd_up, "migrate": cmd_migrate, "api": cmd_api, "worker": cmd_worker, "token": cmd_token}
    commands.update(docs=cmd_docs, redrive=cmd_redrive, job=cmd_job, lint=cmd_lint, demo=cmd_demo, mutants=cmd_mutants)
    commands[args.command](args)


if __name__ == "__main__":
    main()
