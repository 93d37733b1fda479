"""Periodic jobs: one instance at a time under an advisory lock, `salesops job NAME` once, and retention that trims
a large table in small batches while the relay keeps publishing."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid

from sqlalchemy import Engine, func, select, text

from services.inventory import db as inventory_db
from services.visits import db as visits_db
from services.visits.worker import SPEC as VISITS
from shared.jobs import run_once
from shared.kafka import make_producer
from shared.outbox import Relay, lane_of
from shared.runtime.stack import ROOT
from shared.settings import Settings
from tests.support import unique, wait_until

ROWS = 1_000_000


def job(spec, name):
    return next(j for j in spec.all_jobs() if j.name == name)


def test_a_job_runs_on_one_instance_at_a_time(engines, settings):
    calls = []
    from shared.jobs import Job

    def slow_run(engine: Engine, s: Settings) -> int:
        calls.append(1)
        time.sleep(1)
        return 1

    slow = Job("test-slow", 3600, slow_run)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(run_once(slow, engines["visits"], settings, service="t")))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == [1, None] and calls == [1]


def test_salesops_job_expires_idempotency_keys_older_than_the_window(engines):
    keys = inventory_db.idempotency_keys
    old, fresh = unique("old"), unique("fresh")
    with engines["inventory"].begin() as conn:
        for key, age in ((old, "25 hours"), (fresh, "1 hour")):
            conn.execute(
                keys.insert().values(
                    principal="job-test",
                    key=key,
                    request_hash="x",
                    status=201,
                    body=b"{}",
                    created_at=func.now() - text(f"interval '{age}'"),
                )
            )
    done = subprocess.run(
        [sys.executable, "-m", "shared.cli", "job", "idempotency-expiry", "--service", "inventory"],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "inventory idempotency-expiry:" in done.stdout
    with engines["inventory"].connect() as conn:
        left = set(conn.scalars(select(keys.c.key).where(keys.c.principal == "job-test")))
    assert old not in left and fresh in left


def test_outbox_retention_trims_a_million_rows_while_the_relay_keeps_publishing(engines, settings):
    ob = visits_db.outbox
    marker = uuid.uuid4().hex[:8]
    with engines["visits"].begin() as conn:
        conn.execute(
            text(
                "INSERT INTO visits.outbox (event_id, topic, key, lane, value, created_at, published_at) "
                "SELECT :m || '-' || g, 'visits.outlets.v1', 'k' || (g % 1000), g % 16, '\\x7b7d'::bytea, "
                "now() - interval '30 days', now() - interval '30 days' FROM generate_series(1, :n) g"
            ),
            {"m": marker, "n": ROWS},
        )
    trimmed: list[int | None] = []  # None: another instance held the job
    settings_7d = Settings(**{**settings.model_dump(), "outbox_retention_days": 7})
    trimming = threading.Thread(
        target=lambda: trimmed.append(
            run_once(job(VISITS, "outbox-retention"), engines["visits"], settings_7d, service="visits")
        )
    )
    trimming.start()
    producer = make_producer(settings)
    relay = Relay(engines["visits"], ob, producer, service="visits")
    published_during = 0
    while trimming.is_alive():  # new events keep flowing while the old ones go
        key = unique("live")
        with engines["visits"].begin() as conn:
            conn.execute(
                ob.insert().values(
                    event_id=str(uuid.uuid4()), topic="visits.outlets.v1", key=key, lane=lane_of(key), value=b"{}"
                )
            )
        started = time.monotonic()
        wait_until(
            lambda key=key: relay.publish_pending() >= 0 and _published(engines, key), timeout=10, message="published"
        )
        assert time.monotonic() - started < 5, "the relay waited on the retention job"
        published_during += 1
    trimming.join()
    producer.close()
    assert trimmed[0] is not None and trimmed[0] >= ROWS and published_during > 0
    with engines["visits"].connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ob).where(ob.c.event_id.like(f"{marker}-%"))) == 0


def _published(engines, key) -> bool:
    ob = visits_db.outbox
    with engines["visits"].connect() as conn:
        return conn.scalar(select(ob.c.published_at).where(ob.c.key == key)) is not None
