"""Retention jobs every worker runs: trimmed in small batches, each its own short transaction.

Windows (settings): published outbox rows OUTBOX_RETENTION_DAYS (the re-drive window, 7); inbox rows
INBOX_RETENTION_DAYS (14: longer than the topics' retention of 7 days, the longest a message can be redelivered,
so a redelivered event always finds its inbox row); idempotency keys IDEMPOTENCY_KEY_HOURS (24); dead letters
DEAD_LETTER_RETENTION_DAYS (30, counted from the last time the message was seen).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, Table, text

from shared.db import utcnow
from shared.jobs import Job
from shared.settings import Settings

BATCH = 5_000


def delete_in_batches(engine: Engine, table: Table, where: str, params: dict[str, Any], *, batch: int = BATCH) -> int:
    """Delete matching rows `batch` at a time (by ctid, skipping rows locked by others); returns how many."""
    name = f"{table.schema}.{table.name}"
    statement = text(
        f"DELETE FROM {name} WHERE ctid = ANY(ARRAY("
        f"SELECT ctid FROM {name} WHERE {where} LIMIT :batch FOR UPDATE SKIP LOCKED))"
    )
    total = 0
    while True:
        with engine.begin() as conn:
            deleted: int = conn.execute(statement, {**params, "batch": batch}).rowcount
        total += deleted
        if deleted < batch:
            return total


def platform_jobs(
    *, outbox: Table, inbox: Table, idempotency_keys: Table | None, dead_letters: Table | None
) -> list[Job]:
    """The retention jobs of the platform tables a service has."""

    def outbox_retention(engine: Engine, settings: Settings) -> int:
        cut = utcnow() - timedelta(days=settings.outbox_retention_days)
        return delete_in_batches(engine, outbox, "published_at < :cut", {"cut": cut})

    def inbox_retention(engine: Engine, settings: Settings) -> int:
        cut = utcnow() - timedelta(days=settings.inbox_retention_days)
        return delete_in_batches(engine, inbox, "applied_at < :cut", {"cut": cut})

    jobs = [Job("outbox-retention", 3600, outbox_retention), Job("inbox-retention", 3600, inbox_retention)]
    if idempotency_keys is not None:

        def idempotency_expiry(engine: Engine, settings: Settings) -> int:
            cut = utcnow() - timedelta(hours=settings.idempotency_key_hours)
            return delete_in_batches(engine, idempotency_keys, "created_at < :cut", {"cut": cut})

        jobs.append(Job("idempotency-expiry", 3600, idempotency_expiry))
    if dead_letters is not None:

        def dead_letter_retention(engine: Engine, settings: Settings) -> int:
            cut = utcnow() - timedelta(days=settings.dead_letter_retention_days)
            return delete_in_batches(engine, dead_letters, "last_seen_at < :cut", {"cut": cut})

        jobs.append(Job("dead-letter-retention", 3600, dead_letter_retention))
    return jobs
