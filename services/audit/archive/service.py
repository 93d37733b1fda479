"""Use cases of the event archive: keep every event as published in one hash chain, read it back, verify it.

Ordering: a chain needs a total order, and the audit consumer applies a poll's records in one transaction while
other consumer instances may do the same for other partitions. Each append takes a transaction-scoped advisory
lock on the chain, reads the head and writes the next link; the lock is held until the consumer's transaction
commits, so appends from concurrent transactions serialise and a rolled-back batch leaves no gap or fork.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ARRAY, Connection, String, cast, func, select
from sqlalchemy.dialects.postgresql import insert

from services.audit import db
from services.audit.archive.schemas import ArchivedEvent, ChainVerification, DigestOut
from services.audit.archive.tables import archive_digests as d
from services.audit.archive.tables import event_archive as a
from services.audit.domain.chain import CHAINED_FIELDS, GENESIS, Broken, Link, first_broken, link_hash
from shared.bulk import insert_rows
from shared.consumer import Decoded
from shared.events.audit import ArchiveDigested
from shared.outbox import Outbox

CHAIN_LOCK = zlib.crc32(b"audit:event_archive:chain")
outbox = Outbox(db.outbox, source="/salesops/audit")


def _head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(select(a.c.seq, a.c.hash).order_by(a.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def archive_event(conn: Connection, message: Decoded) -> None:
    """Append one event to the chain exactly as published; a redelivered event is already there."""
    archive_events(conn, [message])


def archive_events(conn: Connection, messages: list[Decoded]) -> None:
    """Append a poll's events to the chain in their order: one lock, one look-up, one multi-row INSERT."""
    events: dict[str, dict] = {}
    for m in messages:
        env = m.envelope
        if env is None or env.id in events:
            continue  # ERP JSON has no envelope; inventory archives what it made of it as its own event
        events[env.id] = dict(
            event_id=env.id,
            topic=m.topic,
            type=env.type,
            version=env.dataversion,
            source=env.source,
            subject=env.subject,
            correlation_id=env.correlationid,
            occurred_at=env.time,
            data=env.data,
        )
    if not events:
        return
    conn.execute(select(func.pg_advisory_xact_lock(CHAIN_LOCK)))
    known: str
    # One array parameter, not an expanding IN of up to 1,000 binds (compiled anew for every poll size).
    for known in conn.scalars(select(a.c.event_id).where(a.c.event_id == func.any(cast(list(events), ARRAY(String))))):
        del events[known]
    if not events:
        return
    seq, previous = _head(conn)
    rows = []
    for event in events.values():
        seq, link = seq + 1, link_hash(previous, event)
        rows.append(dict(event, seq=seq, prev_hash=previous, hash=link))
        previous = link
    insert_rows(conn, a, rows, conflict="error")


def list_events(
    conn: Connection, *, type_: str | None, subject: str | None, correlation_id: str | None, limit: int, offset: int
) -> list[ArchivedEvent]:
    query = select(*[c for c in a.c if c.name not in ("archived_at", "prev_hash")]).order_by(a.c.seq)
    if type_:
        query = query.where(a.c.type == type_)
    if subject:
        query = query.where(a.c.subject == subject)
    if correlation_id:
        query = query.where(a.c.correlation_id == correlation_id)
    return [
        ArchivedEvent.model_validate(r, from_attributes=True) for r in conn.execute(query.limit(limit).offset(offset))
    ]


def _links(conn: Connection) -> Iterator[Link]:
    rows = conn.execution_options(yield_per=5000).execute(
        select(*[a.c[f] for f in CHAINED_FIELDS], a.c.seq, a.c.prev_hash, a.c.hash).order_by(a.c.seq)
    )
    for r in rows:
        yield Link(r.seq, r.prev_hash, r.hash, {f: getattr(r, f) for f in CHAINED_FIELDS})


def verify_chain(conn: Connection) -> ChainVerification:
    """Recompute every link in order; report the first broken one, and any digest the chain no longer matches."""
    checked = 0
    head: tuple[int, str] = (0, GENESIS)

    def counted() -> Iterator[Link]:
        nonlocal checked, head
        for link in _links(conn):
            checked += 1
            yield link
            head = (link.seq, link.hash)

    broken: Broken | None = first_broken(counted())
    hashes = dict(conn.execute(select(a.c.seq, a.c.hash).where(a.c.seq.in_(select(d.c.last_seq)))).all())
    hashes[0] = GENESIS
    bad_digest = conn.execute(select(d).order_by(d.c.day)).all()
    mismatched = next((r for r in bad_digest if hashes.get(r.last_seq) != r.head_hash), None)
    return ChainVerification(
        intact=broken is None and mismatched is None,
        links_checked=checked if broken is None else checked - 1,
        head_seq=head[0],
        head_hash=head[1],
        first_broken=None
        if broken is None
        else {"seq": broken.seq, "event_id": broken.event_id, "reason": broken.reason},
        digest_mismatch=None if mismatched is None else DigestOut.model_validate(mismatched, from_attributes=True),
        digests_checked=len(bad_digest),
    )


def digest_day(conn: Connection, day: date) -> DigestOut:
    """Record and publish the chain's head as of the end of `day`; asking again returns the first digest."""
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
    existing = conn.execute(select(d).where(d.c.day == day)).first()
    if existing is not None:
        return DigestOut.model_validate(existing, from_attributes=True)
    last = conn.execute(
        select(a.c.seq, a.c.hash).where(a.c.archived_at < end).order_by(a.c.seq.desc()).limit(1)
    ).first()
    start = datetime.combine(day, time(), tzinfo=UTC)
    events = (
        conn.scalar(select(func.count()).select_from(a).where(a.c.archived_at >= start, a.c.archived_at < end)) or 0
    )
    digest = DigestOut(
        day=day, last_seq=last.seq if last else 0, head_hash=last.hash if last else GENESIS, events=events
    )
    conn.execute(insert(d).values(**digest.model_dump()).on_conflict_do_nothing())
    outbox.add(conn, ArchiveDigested(**digest.model_dump()))
    return digest
