"""Operator endpoints (role admin) for what the event pipeline set aside: dead letters and parked outbox events.

A dead letter is replayed through the normal idempotent path: its payload goes back into this service's outbox,
keyed as before, so the relay publishes it to its source topic and the consumers' inboxes ignore any copy they
already applied. A parked event is replayed by taking it off the park: the relay tries it again (after the broker's
limit was raised, say). Discarding keeps the row, with who decided and why, until retention removes it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import Connection, Row, Table, func, select, update

from shared.auth import PrincipalDep, require_role
from shared.errors import Conflict, NotFound
from shared.http.app import ConnDep
from shared.identity import Role
from shared.ids import new_uuid
from shared.outbox import lane_of

PAYLOAD_SHOWN = 4_096  # characters of a payload shown in a listing or a detail


def _instant(value: object) -> object:
    """Only an ISO 8601 date and time, as documented: not a Unix number, not a bare date."""
    if value is not None and not (isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}", value)):
        raise ValueError("expected an ISO 8601 instant with an offset, like 2026-11-30T08:00:00Z")
    return value


Since = Annotated[
    datetime | None,
    Query(description="ISO 8601 instant with its offset, e.g. 2026-11-30T08:00:00Z"),
    BeforeValidator(lambda v: _instant(v)),
]


class DeadLetterOut(BaseModel):
    id: int = Field(examples=[42])
    consumer: str = Field(examples=["inventory"])
    topic: str = Field(examples=["erp.orders.v1"])
    partition: int = Field(examples=[3])
    offset: int = Field(examples=[1187])
    key: str | None = Field(examples=["SO-2026-000123"])
    payload: str = Field(description="The payload as text, cut to 4,096 characters", examples=['{"order_id": "SO-1"}'])
    payload_size: int = Field(examples=[2_000_000])
    payload_truncated: bool = Field(description="Only a prefix was kept: it cannot be replayed", examples=[False])
    reason: str = Field(examples=["handler failed after 3 attempts: Conflict: ERP version 2 already received"])
    attempts: int = Field(examples=[3])
    first_seen_at: datetime
    last_seen_at: datetime
    status: Literal["open", "replayed", "discarded"] = Field(examples=["open"])
    resolved_at: datetime | None = None
    resolution: str | None = Field(None, examples=["replayed by admin-1"])


class ParkedEventOut(BaseModel):
    id: int = Field(examples=[9001])
    event_id: str = Field(examples=["5f0c6c1e-0d7e-4c5e-9a51-0d1f0c3a4b2e"])
    topic: str = Field(examples=["inventory.orders.v1"])
    key: str = Field(examples=["0b6f7d2e-8d1c-4a7b-9d55-1b2f4e0c9a11"])
    size: int = Field(examples=[1_260_000])
    parked_at: datetime
    park_reason: str = Field(examples=["MessageSizeTooLargeError: The message is 1260000 bytes when serialized"])
    status: Literal["parked", "discarded"] = Field(examples=["parked"])
    payload: str = Field(description="The event as text, cut to 4,096 characters")


class DeadLetterPage(BaseModel):
    items: list[DeadLetterOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; absent on the last page")


class ParkedEventPage(BaseModel):
    items: list[ParkedEventOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; absent on the last page")


class Discard(BaseModel):
    reason: str = Field(min_length=3, max_length=1000, examples=["duplicate of SO-1 v3, fixed in the ERP"])


class ReplayFilter(BaseModel):
    topic: str | None = Field(None, max_length=200, examples=["erp.orders.v1"])
    since: Annotated[datetime | None, BeforeValidator(_instant)] = Field(
        None, description="Only dead letters first seen at or after this instant"
    )
    limit: int = Field(1000, ge=1, le=10_000)


class Replayed(BaseModel):
    replayed: int = Field(examples=[12])


Cursor = Annotated[str | None, Query(pattern=r"^\d{1,18}$", description="`next_cursor` of the previous page")]
Limit = Annotated[int, Query(ge=1, le=500)]
TopicQuery = Annotated[str | None, Query(max_length=200)]


def _text(payload: bytes) -> str:
    return payload[:PAYLOAD_SHOWN].decode(errors="replace")


def make_operations_router(dead_letters: Table, outbox: Table) -> APIRouter:
    """Dead letters and parked events of one service, at /operations/dead-letters and /operations/parked-events."""
    router = APIRouter(prefix="/operations", tags=["operations"], dependencies=[require_role(Role.admin)])
    dl, ob = dead_letters, outbox

    def dead_letter_out(row: Row[Any]) -> DeadLetterOut:
        return DeadLetterOut(**{**row._asdict(), "payload": _text(row.payload)})

    def parked_out(row: Row[Any]) -> ParkedEventOut:
        status = "parked" if row.published_at is None else "discarded"
        return ParkedEventOut(
            id=row.id,
            event_id=row.event_id,
            topic=row.topic,
            key=row.key,
            size=len(row.value),
            parked_at=row.parked_at,
            park_reason=row.park_reason,
            status=status,
            payload=_text(row.value),
        )

    def one_dead_letter(conn: Connection, dead_letter_id: int, *, lock: bool = False) -> Row[Any]:
        query = select(dl).where(dl.c.id == dead_letter_id)
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFound(f"dead letter {dead_letter_id} not found")
        return row

    def replay(conn: Connection, row: Row[Any], who: str) -> None:
        if row.status != "open":
            raise Conflict(f"dead letter {row.id} is {row.status}", field="status")
        if row.payload_truncated:
            raise Conflict(f"dead letter {row.id} kept only a prefix of its payload; it cannot be replayed")
        key = row.key or f"dead-letter-{row.id}"
        conn.execute(
            ob.insert().values(
                event_id=f"replay-{new_uuid()}", topic=row.topic, key=key, lane=lane_of(key), value=row.payload
            )
        )
        conn.execute(
            update(dl)
            .where(dl.c.id == row.id)
            .values(status="replayed", resolved_at=func.now(), resolution=f"replayed by {who}")
        )

    @router.get("/dead-letters", response_model=DeadLetterPage, summary="Dead letters, oldest first")
    def list_dead_letters(
        conn: ConnDep,
        topic: TopicQuery = None,
        since: Since = None,
        status: Literal["open", "replayed", "discarded"] | None = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> DeadLetterPage:
        query = select(dl).order_by(dl.c.id).limit(limit + 1)
        if topic is not None:
            query = query.where(dl.c.topic == topic)
        if since is not None:
            query = query.where(dl.c.first_seen_at >= since)
        if status is not None:
            query = query.where(dl.c.status == status)
        if cursor is not None:
            query = query.where(dl.c.id > int(cursor))
        rows = conn.execute(query).all()
        more = len(rows) > limit
        return DeadLetterPage(
            items=[dead_letter_out(r) for r in rows[:limit]], next_cursor=str(rows[limit - 1].id) if more else None
        )

    @router.get("/dead-letters/{dead_letter_id:int}", response_model=DeadLetterOut, summary="One dead letter")
    def show_dead_letter(dead_letter_id: int, conn: ConnDep) -> DeadLetterOut:
        return dead_letter_out(one_dead_letter(conn, dead_letter_id))

    @router.post(
        "/dead-letters/{dead_letter_id:int}/replay", response_model=DeadLetterOut, summary="Replay one dead letter"
    )
    def replay_dead_letter(dead_letter_id: int, conn: ConnDep, principal: PrincipalDep) -> DeadLetterOut:
        replay(conn, one_dead_letter(conn, dead_letter_id, lock=True), principal.subject)
        return dead_letter_out(one_dead_letter(conn, dead_letter_id))

    @router.post("/dead-letters/bulk/replay", response_model=Replayed, summary="Replay the open dead letters matching")
    def replay_dead_letters(body: ReplayFilter, conn: ConnDep, principal: PrincipalDep) -> Replayed:
        query = select(dl).where(dl.c.status == "open", dl.c.payload_truncated.is_(False)).order_by(dl.c.id)
        if body.topic:
            query = query.where(dl.c.topic == body.topic)
        if body.since:
            query = query.where(dl.c.first_seen_at >= body.since)
        rows = conn.execute(query.limit(body.limit).with_for_update(skip_locked=True)).all()
        for row in rows:
            replay(conn, row, principal.subject)
        return Replayed(replayed=len(rows))

    @router.post("/dead-letters/{dead_letter_id:int}/discard", response_model=DeadLetterOut, summary="Discard one")
    def discard_dead_letter(
        dead_letter_id: int, body: Discard, conn: ConnDep, principal: PrincipalDep
    ) -> DeadLetterOut:
        row = one_dead_letter(conn, dead_letter_id, lock=True)
        if row.status != "open":
            raise Conflict(f"dead letter {row.id} is {row.status}", field="status")
        conn.execute(
            update(dl)
            .where(dl.c.id == row.id)
            .values(status="discarded", resolved_at=func.now(), resolution=f"{principal.subject}: {body.reason}")
        )
        return dead_letter_out(one_dead_letter(conn, dead_letter_id))

    def one_parked(conn: Connection, event_id: int) -> Row[Any]:
        row = conn.execute(select(ob).where(ob.c.id == event_id, ob.c.parked_at.is_not(None))).first()
        if row is None:
            raise NotFound(f"parked event {event_id} not found")
        return row

    @router.get("/parked-events", response_model=ParkedEventPage, summary="Events too large or refused")
    def list_parked(
        conn: ConnDep,
        topic: TopicQuery = None,
        since: Since = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> ParkedEventPage:
        query = select(ob).where(ob.c.parked_at.is_not(None)).order_by(ob.c.id).limit(limit + 1)
        if topic is not None:
            query = query.where(ob.c.topic == topic)
        if since is not None:
            query = query.where(ob.c.parked_at >= since)
        if cursor is not None:
            query = query.where(ob.c.id > int(cursor))
        rows = conn.execute(query).all()
        more = len(rows) > limit
        return ParkedEventPage(
            items=[parked_out(r) for r in rows[:limit]], next_cursor=str(rows[limit - 1].id) if more else None
        )

    @router.get("/parked-events/{event_id:int}", response_model=ParkedEventOut, summary="One parked event")
    def show_parked(event_id: int, conn: ConnDep) -> ParkedEventOut:
        return parked_out(one_parked(conn, event_id))

    @router.post("/parked-events/{event_id:int}/replay", response_model=ParkedEventOut, summary="Publish it again")
    def replay_parked(event_id: int, conn: ConnDep) -> ParkedEventOut:
        row = one_parked(conn, event_id)
        if row.published_at is not None:
            raise Conflict(f"parked event {event_id} was discarded", field="status")
        conn.execute(update(ob).where(ob.c.id == event_id).values(parked_at=None, park_reason=None))
        return parked_out(row)

    @router.post("/parked-events/{event_id:int}/discard", response_model=ParkedEventOut, summary="Give it up")
    def discard_parked(event_id: int, body: Discard, conn: ConnDep, principal: PrincipalDep) -> ParkedEventOut:
        row = one_parked(conn, event_id)
        if row.published_at is not None:
            raise Conflict(f"parked event {event_id} was already discarded", field="status")
        conn.execute(
            update(ob)
            .where(ob.c.id == event_id)
            .values(published_at=func.now(), park_reason=f"discarded by {principal.subject}: {body.reason}")
        )
        return parked_out(one_parked(conn, event_id))

    return router
