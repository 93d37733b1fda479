"""Periodic work inside the workers: each job runs under a PostgreSQL advisory lock, so one instance runs it.

`salesops job NAME` runs one job once (for a Kubernetes CronJob instead of the in-worker schedule).
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Counter
from sqlalchemy import Engine, func, select

from shared.failures import short_reason
from shared.settings import Settings

log = logging.getLogger(__name__)
JOB_RUNS = Counter("salesops_job_runs_total", "Periodic job runs", ["service", "job", "outcome"])
JOB_ITEMS = Counter("salesops_job_items_total", "Rows or items a periodic job handled", ["service", "job"])


@dataclass(frozen=True)
class Job:
    """A named piece of periodic work: `run(engine, settings)` returns how many rows or items it handled."""

    name: str
    every_s: float
    run: Callable[[Engine, Settings], int]


def run_once(job: Job, engine: Engine, settings: Settings, *, service: str) -> int | None:
    """Run the job if no other instance is running it now; None when another instance holds its lock."""
    key = zlib.crc32(f"job:{service}:{job.name}".encode())
    with engine.connect() as lock_conn:
        if not lock_conn.scalar(select(func.pg_try_advisory_lock(key))):
            JOB_RUNS.labels(service, job.name, "skipped").inc()
            return None
        try:
            started = time.monotonic()
            done = job.run(engine, settings)
            JOB_RUNS.labels(service, job.name, "ok").inc()
            JOB_ITEMS.labels(service, job.name).inc(done)
            log.info("job %s done: %d in %.1f s", job.name, done, time.monotonic() - started)
            return done
        finally:
            lock_conn.scalar(select(func.pg_advisory_unlock(key)))
            lock_conn.commit()


def run_schedule(jobs: list[Job], engine: Engine, settings: Settings, stop: threading.Event, *, service: str) -> None:
    """Run each job every `every_s` until stopped; a failing job is logged, counted and tried at its next turn."""
    due = {job.name: time.monotonic() + settings.jobs_first_delay_seconds for job in jobs}
    while not stop.is_set():
        for job in jobs:
            if stop.is_set() or time.monotonic() < due[job.name]:
                continue
            try:
                run_once(job, engine, settings, service=service)
            except Exception as exc:  # the documented supervisor loop of periodic jobs
                JOB_RUNS.labels(service, job.name, "failed").inc()
                log.warning("job %s failed: %s", job.name, short_reason(exc))
                log.debug("job failure", exc_info=exc)
            due[job.name] = time.monotonic() + job.every_s
        stop.wait(min([max(0.0, d - time.monotonic()) for d in due.values()] + [1.0]))
