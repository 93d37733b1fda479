"""Streaming audit: source events published at a steady rate to the broker, consumed by the audit worker (archive
in the hash chain, fact, rule, finding upsert), and the time from publishing each event to its finding being
visible in the database.

Source events are targets.progress.behind alerts, each for its own org unit, so each one must produce a finding.
Visibility is observed by polling the findings table every 50 ms, so latencies carry up to 50 ms of polling error.
`events_per_s` is events published / (time the last finding became visible - first publish).
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import ScalarResult, text

from bench.servers import benchmark_servers, figures, parse_args, percentile
from services.audit.worker import SPEC
from shared.db import make_engine
from shared.events.base import Envelope
from shared.events.targets import ProgressBehind
from shared.kafka import make_producer
from shared.worker import run_worker


def alert(unit: uuid.UUID, plan: uuid.UUID) -> ProgressBehind:
    return ProgressBehind(
        plan_id=plan,
        metric="sales_amount",
        node_kind="org_unit",
        node_id=unit,
        org_unit_id=unit,
        period="2026-03",
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        as_of=date(2026, 3, 13),
        target=Decimal(22000),
        actual=Decimal(6600),
        gap=Decimal(15400),
        achievement_rate=Decimal("0.3"),
        time_progress=Decimal("0.4545"),
        margin=Decimal("0.05"),
    )


def main() -> None:
    args = parse_args(__doc__)
    rate, seconds = 1000, (3 if args.quick else 20)
    count = rate * seconds
    with benchmark_servers() as infra:
        settings = infra.settings
        stop = threading.Event()
        worker = threading.Thread(target=run_worker, args=(SPEC, settings, stop), daemon=True)
        worker.start()
        engine = make_engine(settings.service_url("audit"))
        producer = make_producer(settings, linger_ms=5)
        plan = uuid.uuid4()
        # Warm up: one event through the whole path, so the consumer group has joined before timing starts.
        warm = uuid.uuid4()
        producer.send(
            "targets.alerts.v1",
            key=warm.bytes,
            value=Envelope.wrap(alert(warm, plan), source="/bench", correlation_id=None).model_dump_json().encode(),
        )
        producer.flush()
        with engine.connect() as conn:
            while not conn.execute(text("SELECT 1 FROM audit.findings LIMIT 1")).first():
                time.sleep(0.1)
                conn.rollback()
        sent_at: dict[str, float] = {}
        seen_at: dict[str, float] = {}

        def watch() -> None:
            with engine.connect() as conn:
                while len(seen_at) < count:
                    rows: ScalarResult[str] = conn.execute(
                        text("SELECT subject FROM audit.findings WHERE rule = 'behind_time_progress'")
                    ).scalars()
                    now = time.perf_counter()
                    for subject in rows:
                        seen_at.setdefault(subject, now)
                    conn.rollback()
                    time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        start = time.perf_counter()
        for i in range(count):
            due = start + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            unit = uuid.uuid4()
            envelope = Envelope.wrap(alert(unit, plan), source="/bench", correlation_id=None)
            sent_at[f"org_unit:{unit}/plan:{plan}"] = time.perf_counter()
            producer.send("targets.alerts.v1", key=unit.bytes, value=envelope.model_dump_json().encode())
        producer.flush()
        published = time.perf_counter() - start
        watcher.join(timeout=600)
        latencies = [seen_at[s] - t for s, t in sent_at.items() if s in seen_at]
        last = max(seen_at[s] for s in sent_at if s in seen_at)
        stop.set()
        worker.join(30)
        producer.close()
        engine.dispose()
    print(f"published {count} events in {published:.1f} s; {len(latencies)} findings seen")
    print(
        figures(
            events=count,
            publish_rate=count / published,
            events_per_s=len(latencies) / (last - start),
            p50_s=percentile(latencies, 50),
            p95_s=percentile(latencies, 95),
        )
    )


if __name__ == "__main__":
    main()
