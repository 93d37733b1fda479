"""`Idempotency-Key` for creates: the first result is stored with the effect and replayed on retries."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header
from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects.postgresql import insert

from shared.errors import Conflict

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Client-chosen key; a retry with the same key and body returns the first result.",
    ),
]


def fingerprint(method: str, path: str, payload: Any) -> str:
    raw = json.dumps([method, path, payload], sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()


def run_once(
    conn: Connection,
    table: Table,
    *,
    principal: str,
    key: str | None,
    request_hash: str,
    create: Callable[[], Any],
    status: int = 201,
) -> tuple[int, Any]:
    """Run `create` unless this key already ran; the stored answer is written in the caller's transaction."""
    if key is None:
        return status, create()
    # Claim the key first; a concurrent retry waits on the row lock and then sees the stored answer.
    claimed = conn.execute(
        insert(table)
        .values(principal=principal, key=key, request_hash=request_hash, status=0, body=b"")
        .on_conflict_do_nothing()
        .returning(table.c.key)
    ).first()
    if claimed is None:
        row = conn.execute(
            select(table.c.request_hash, table.c.status, table.c.body).where(
                table.c.principal == principal, table.c.key == key
            )
        ).one()
        if row.request_hash != request_hash:
            raise Conflict("Idempotency-Key was already used with a different request", field="Idempotency-Key")
        return row.status, json.loads(row.body)
    result = create()
    body = json.dumps(result, default=str).encode()
    conn.execute(
        table.update().where(table.c.principal == principal, table.c.key == key).values(status=status, body=body)
    )
    return status, json.loads(body)
