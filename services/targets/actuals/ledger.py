"""The attribution ledger and the sums progress reads, kept in step in the caller's transaction.

Every fact is split over the reps covering its dealer on its day (domain.attribution) and written to the
ledger (actual_attributions). The difference between the fact's old and new ledger rows is then applied as
delta upserts to per-day and per-month sums per org unit and per person (actual_days, actual_months), so a
newer order version, a cancellation or a coverage change moves exactly its delta and nothing is counted twice.
Any producer of facts (orders now; payments and stock reports later) calls record_fact with its own source.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, delete, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert

from services.targets import db
from services.targets.actuals.tables import actual_attributions, actual_days, actual_months, dealer_coverage
from services.targets.domain.attribution import CoverageSpan, Share, attribute, shares_on
from shared.bulk import copy_rows

ledger = actual_attributions


@dataclass(frozen=True)
class Fact:
    """Something that moves a metric: what it is, whose dealer, which day, how much; `counts` false = zero."""

    source: str
    source_id: uuid.UUID
    dealer_id: uuid.UUID | None
    org_unit_id: uuid.UUID | None
    day: date
    amount: Decimal
    quantity: Decimal
    counts: bool = True


def lock_dealer(conn: Connection, dealer_id: uuid.UUID) -> None:
    """Serialise attribution and coverage changes of one dealer, so neither works from a stale view."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"coverage:{dealer_id}"})


def coverage_timeline(conn: Connection, dealer_id: uuid.UUID) -> list[CoverageSpan]:
    c = dealer_coverage
    rows = conn.execute(
        select(c.c.person_id, c.c.share, c.c.valid_from, c.c.valid_to)
        .where(c.c.dealer_id == dealer_id)
        .order_by(c.c.valid_from, c.c.person_id)
    )
    return [CoverageSpan(r.person_id, r.share, r.valid_from, r.valid_to) for r in rows]


def _shares(conn: Connection, dealer_id: uuid.UUID | None, day: date) -> list[Share]:
    if dealer_id is None:
        return []
    c = dealer_coverage
    rows = conn.execute(
        select(c.c.person_id, c.c.share).where(
            c.c.dealer_id == dealer_id, c.c.valid_from <= day, or_(c.c.valid_to.is_(None), c.c.valid_to > day)
        )
    )
    return [Share(r.person_id, r.share) for r in rows]


def _known_units(conn: Connection, ids: set[uuid.UUID | None]) -> set[uuid.UUID]:
    wanted = [i for i in ids if i is not None]
    return set(conn.scalars(select(db.org_units.c.id).where(db.org_units.c.id.in_(wanted)))) if wanted else set()


def record_fact(conn: Connection, fact: Fact) -> None:
    """Attribute a fact (new, or a new version of a known one) and move the sums by the difference.

    A fact of an org unit the tree does not know stays with that unit alone (reconciliation lists it).
    """
    if fact.dealer_id is not None:
        lock_dealer(conn, fact.dealer_id)
    known = fact.org_unit_id in _known_units(conn, {fact.org_unit_id})
    shares = _shares(conn, fact.dealer_id, fact.day) if known else []
    _replace(conn, fact.source, {fact.source_id: _ledger_rows(fact, shares)})


def record_facts(conn: Connection, facts: list[Fact]) -> None:
    """`record_fact` for many facts of one source: dealers locked in order, one ledger replacement."""
    dealer_ids = sorted({f.dealer_id for f in facts if f.dealer_id is not None}, key=str)
    for dealer_id in dealer_ids:
        lock_dealer(conn, dealer_id)
    known = _known_units(conn, {f.org_unit_id for f in facts})
    timelines: dict = defaultdict(list)
    if dealer_ids:
        c = dealer_coverage
        for r in conn.execute(
            select(c.c.dealer_id, c.c.person_id, c.c.share, c.c.valid_from, c.c.valid_to)
            .where(c.c.dealer_id.in_(dealer_ids))
            .order_by(c.c.dealer_id, c.c.valid_from, c.c.person_id)
        ):
            timelines[r.dealer_id].append(CoverageSpan(r.person_id, r.share, r.valid_from, r.valid_to))
    rows = {}
    for fact in facts:
        shares = shares_on(timelines.get(fact.dealer_id, []), fact.day) if fact.org_unit_id in known else []
        rows[fact.source_id] = _ledger_rows(fact, shares)
    _replace(conn, facts[0].source, rows)


def reattribute_dealer(
    conn: Connection, dealer_id: uuid.UUID, timeline: Sequence[CoverageSpan], start: date, end: date | None
) -> int:
    """Split the dealer's facts from start (to end, exclusive) again by a new coverage; returns how many."""
    window = [ledger.c.dealer_id == dealer_id, ledger.c.day >= start]
    if end is not None:
        window.append(ledger.c.day < end)
    facts = conn.execute(
        select(
            ledger.c.source,
            ledger.c.source_id,
            ledger.c.org_unit_id,
            ledger.c.day,
            func.sum(ledger.c.amount).label("amount"),
            func.sum(ledger.c.quantity).label("quantity"),
        )
        .where(*window)
        .group_by(ledger.c.source, ledger.c.source_id, ledger.c.org_unit_id, ledger.c.day)
    ).all()
    known = _known_units(conn, {f.org_unit_id for f in facts})
    by_source: dict[str, dict[uuid.UUID, list[dict]]] = defaultdict(dict)
    for f in facts:
        fact = Fact(f.source, f.source_id, dealer_id, f.org_unit_id, f.day, f.amount, f.quantity)
        shares = shares_on(timeline, f.day) if f.org_unit_id in known else []
        by_source[f.source][f.source_id] = _ledger_rows(fact, shares)
    for source, rows in by_source.items():
        _replace(conn, source, rows)
    return len(facts)


def _ledger_rows(fact: Fact, shares: list[Share]) -> list[dict]:
    if not fact.counts:
        return []
    return [
        dict(
            source=fact.source,
            source_id=fact.source_id,
            seq=seq,
            dealer_id=fact.dealer_id,
            org_unit_id=a.org_unit_id,
            person_id=a.person_id,
            day=fact.day,
            amount=a.amount,
            quantity=a.quantity,
        )
        for seq, a in enumerate(attribute(fact.org_unit_id, shares, fact.amount, fact.quantity))
    ]


def _replace(conn: Connection, source: str, new_rows: dict[uuid.UUID, list[dict]]) -> None:
    ids = list(new_rows)
    old = (
        conn.execute(delete(ledger).where(ledger.c.source == source, ledger.c.source_id.in_(ids)).returning(*ledger.c))
        .mappings()
        .all()
    )
    fresh = [row for rows in new_rows.values() for row in rows]
    if fresh:
        copy_rows(conn, ledger, fresh)
    deltas = _sum_deltas(fresh, +1)
    for key, change in _sum_deltas(old, -1).items():
        deltas[key] = [a + b for a, b in zip(deltas.get(key, [Decimal(0), Decimal(0), 0]), change, strict=False)]
    _apply(conn, source, deltas)


def _sum_deltas(rows: Iterable, sign: int) -> dict[tuple, list]:
    """(holder_kind, holder_id, day) -> [amount, quantity, facts] for every holder a set of ledger rows touches."""
    deltas: dict[tuple, list] = {}
    units_seen: set[tuple] = set()
    for row in rows:
        holders = []
        if row["org_unit_id"] is not None:
            holders.append(("org_unit", row["org_unit_id"]))
        if row["person_id"] is not None:
            holders.append(("person", row["person_id"]))
        for kind, holder in holders:
            key = (kind, holder, row["day"])
            entry = deltas.setdefault(key, [Decimal(0), Decimal(0), 0])
            entry[0] += sign * row["amount"]
            entry[1] += sign * row["quantity"]
            # A fact split over three reps is one fact for its org unit and one for each rep.
            fact_key = (kind, holder, row["source_id"])
            if kind == "person" or fact_key not in units_seen:
                entry[2] += sign
                units_seen.add(fact_key)
    return deltas


def _apply(conn: Connection, source: str, deltas: dict[tuple, list]) -> None:
    """Delta upserts into the day and month sums, in key order so concurrent writers never deadlock."""
    changed = {k: v for k, v in deltas.items() if any(v)}
    if not changed:
        return
    by_month: dict[tuple, list] = {}
    for (kind, holder, day), (amount, quantity, facts) in changed.items():
        entry = by_month.setdefault((kind, holder, day.replace(day=1)), [Decimal(0), Decimal(0), 0])
        entry[0] += amount
        entry[1] += quantity
        entry[2] += facts
    for table, grain, sums in ((actual_days, "day", changed), (actual_months, "month", by_month)):
        rows = [
            dict(source=source, holder_kind=k, holder_id=h, **{grain: d}, amount=a, quantity=q, facts=f)
            for (k, h, d), (a, q, f) in sorted(sums.items(), key=lambda item: (item[0][0], str(item[0][1]), item[0][2]))
        ]
        stmt = insert(table).values(rows)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.source, table.c.holder_kind, table.c.holder_id, table.c[grain]],
                set_={
                    "amount": table.c.amount + stmt.excluded.amount,
                    "quantity": table.c.quantity + stmt.excluded.quantity,
                    "facts": table.c.facts + stmt.excluded.facts,
                },
            )
        )
