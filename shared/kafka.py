"""Kafka clients configured once for every service, and topic creation."""

from __future__ import annotations

import contextlib
import logging
import socket
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from shared.settings import Settings

log = logging.getLogger(__name__)
# Tansu (the local broker) makes any topic a client names with 4 partitions, whatever the client's
# allow_auto_topic_creation says, so after losing its log it has our topics back with 4 before ensure_topics runs.
# With ensure_topics making 4 too, a topic made again either way is the same: a key keeps its partition, and no
# producer is left holding partitions that are gone (kafka-python's sender asks for metadata on every turn of its
# loop while a partition has no leader: a third of a core per worker, for as long as the worker ran).
PARTITIONS = 4


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    config: dict[str, Any] = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","),
        acks="all",
        linger_ms=5,
        retries=5,
        # One request in flight keeps a key's messages in order when a send is retried.
        max_in_flight_requests_per_connection=1,
        request_timeout_ms=10_000,
        max_block_ms=10_000,
        # A record for a topic a fresh broker does not have yet must not hold its partition's queue for 2 minutes.
        delivery_timeout_ms=20_000,
        # Idempotent producing needs a new producer id after an expired batch, which tansu refuses (UnknownError)
        # and the producer never recovers; one request in flight keeps the order and consumers are idempotent.
        enable_idempotence=False,
        metadata_max_age_ms=10_000,
        allow_auto_create_topics=False,  # only ensure_topics makes topics (with Kafka; see PARTITIONS for Tansu)
        # What the broker accepts; a larger outbox event is parked, a larger dead letter sent as a prefix.
        max_request_size=settings.kafka_max_message_bytes,
    )
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(settings: Settings, group_id: str, **overrides: Any) -> KafkaConsumer:
    config: dict[str, Any] = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","),
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.consumer_session_timeout_ms,
        heartbeat_interval_ms=settings.consumer_heartbeat_interval_ms,
        max_poll_records=settings.consumer_max_poll_records,
        max_poll_interval_ms=60_000,
        metadata_max_age_ms=10_000,  # topics recreated on a fresh broker are found within seconds, not 5 minutes
        allow_auto_create_topics=False,  # only ensure_topics makes topics (with Kafka; see PARTITIONS for Tansu)
    )
    config.update(overrides)
    return KafkaConsumer(**config)


def ensure_topics(settings: Settings, topics: list[str], partitions: int = PARTITIONS) -> None:
    """Create each topic and its dead-letter topic when missing."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers.split(","))
    try:
        existing = set(admin.list_topics())
        wanted = [t for topic in topics for t in (topic, dlq_topic(topic)) if t not in existing]
        for name in wanted:
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics([NewTopic(name, partitions, 1)])
        if wanted:
            log.info("created topics", extra={"topics": wanted})
    finally:
        admin.close()


def broker_reachable(settings: Settings, timeout: float = 1.0) -> bool:
    """True when a TCP connection to a bootstrap server succeeds."""
    for server in settings.kafka_bootstrap_servers.split(","):
        host, _, port = server.rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
                return True
        except OSError:
            continue
    return False
