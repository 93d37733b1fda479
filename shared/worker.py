"""A service's worker process: the outbox relay and the event consumers, stopped cleanly by SIGTERM/SIGINT."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kafka.errors import KafkaError
from prometheus_client import start_http_server
from sqlalchemy import Table

from shared.consumer import Batch, Consumer, Handler, MessageClass
from shared.db import make_engine
from shared.events.catalog import REGISTRY
from shared.jobs import Job, run_schedule
from shared.kafka import ensure_topics, make_consumer, make_producer
from shared.outbox import Relay
from shared.outbox_recovery import LossRecovery
from shared.retention import platform_jobs
from shared.runtime.priority import backends_at_own_priority
from shared.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSpec:
    service: str
    outbox: Table
    inbox: Table
    handlers: Mapping[MessageClass, Handler | Batch]
    dead_letters: Table | None = None
    idempotency_keys: Table | None = None
    jobs: tuple[Job, ...] = ()  # the service's own periodic jobs, beside the platform's retention jobs

    def all_jobs(self) -> list[Job]:
        platform = platform_jobs(
            outbox=self.outbox, inbox=self.inbox, idempotency_keys=self.idempotency_keys, dead_letters=self.dead_letters
        )
        return [*platform, *self.jobs]


def run_workers(specs: list[WorkerSpec], settings: Settings) -> None:
    """Run one or several services' workers in this process until SIGTERM/SIGINT."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port)
    ensure_topics(settings, REGISTRY.topics())
    failed = []

    def run(spec: WorkerSpec) -> None:
        try:
            run_worker(spec, settings, stop, topics_ready=True)
        except SystemExit:
            failed.append(spec.service)
            stop.set()

    threads = [threading.Thread(target=run, args=(spec,), name=f"{spec.service}-worker") for spec in specs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise SystemExit(f"worker failed: {', '.join(failed)}")


def run_worker(spec: WorkerSpec, settings: Settings, stop: threading.Event, *, topics_ready: bool = False) -> None:
    """Run relay and consumer threads until stopped; a crashed thread stops the worker (the supervisor restarts it)."""
    if not topics_ready:
        ensure_topics(settings, REGISTRY.topics())
    engine = make_engine(
        settings.service_url(spec.service),
        pool_size=4,
        connect_args={"application_name": f"salesops {spec.service} worker {os.getpid()}"},  # in pg_stat_activity
    )
    backends_at_own_priority(engine)
    producer = make_producer(settings)
    recovery = LossRecovery(
        engine,
        spec.outbox,
        service=spec.service,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        ensure_topics=lambda: ensure_topics(settings, REGISTRY.topics()),
        every_s=settings.relay_loss_check_seconds,
        settle_s=settings.consumer_session_timeout_ms / 1000 + 2,
    )
    relay = Relay(
        engine, spec.outbox, producer, service=spec.service, batch_size=settings.relay_batch_size, recovery=recovery
    )
    consumer = Consumer(
        service=spec.service,
        engine=engine,
        inbox=spec.inbox,
        handlers=spec.handlers,
        kafka_consumer=make_consumer(settings, group_id=spec.service),
        producer=producer,
        max_retries=settings.consumer_max_retries,
        dead_letters=spec.dead_letters,
        max_message_bytes=settings.kafka_max_message_bytes,
    )
    failures: list[BaseException] = []

    def guarded(target: Callable[[threading.Event], None], name: str) -> threading.Thread:
        def body() -> None:
            try:
                target(stop)
            except BaseException as exc:
                log.exception("%s crashed", name)
                failures.append(exc)
                stop.set()

        return threading.Thread(target=body, name=f"{spec.service}-{name}", daemon=True)

    threads = [guarded(relay.run, "relay")]
    if spec.handlers:
        threads.append(guarded(consumer.run, "consumer"))
    jobs = spec.all_jobs()
    if jobs:
        threads.append(guarded(lambda s: run_schedule(jobs, engine, settings, s, service=spec.service), "jobs"))
    for t in threads:
        t.start()
    log.info("worker running", extra={"service": spec.service, "topics": consumer.topics})
    stop.wait()
    for t in threads:
        t.join(timeout=8)
    consumer.kafka.close(autocommit=False)  # leaves the group, so the others take its partitions at once
    with contextlib.suppress(KafkaError):  # sends still in flight stay pending in the outbox; nothing is lost
        producer.close(timeout=2)
    engine.dispose()
    if failures:
        raise SystemExit(1)
