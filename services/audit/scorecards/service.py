"""Risk scorecards per org unit, rep or dealer from the findings open over the last weeks (domain/risk.py)."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from sqlalchemy import Connection, func, or_, select

from services.audit.domain.risk import ScoredFinding, weekly_trend
from services.audit.domain.settings import Severity
from services.audit.findings.access import visible
from services.audit.findings.tables import findings as f
from services.audit.scorecards.schemas import Scorecard, ScoredKind, TrendPoint
from shared.identity import Principal

TOP = 100


def _subject(kind: ScoredKind):
    if kind == "org_unit":
        return func.concat("org_unit:", f.c.org_unit_id)
    return func.split_part(f.c.subject, "/", 1)


def scorecards(conn: Connection, principal: Principal, *, kind: ScoredKind, as_of: date, weeks: int) -> list[Scorecard]:
    """The TOP riskiest subjects of a kind as of a day, each with its weekly trend."""
    start = as_of - timedelta(days=7 * (weeks - 1))
    subject = _subject(kind).label("scored")
    query = select(subject, f.c.severity, f.c.opened_at, f.c.finished_at).where(
        visible(principal),
        func.date(func.timezone("UTC", f.c.opened_at)) <= as_of,
        or_(f.c.finished_at.is_(None), func.date(func.timezone("UTC", f.c.finished_at)) > start),
    )
    if kind != "org_unit":
        query = query.where(f.c.subject.like(f"{kind}:%"))
    found = [
        ScoredFinding(
            r.scored,
            Severity(r.severity),
            r.opened_at.astimezone(UTC).date(),
            r.finished_at.astimezone(UTC).date() if r.finished_at else None,
        )
        for r in conn.execute(query)
    ]
    trend = weekly_trend(found, as_of, weeks)
    now = trend[-1][1]
    open_counts: dict[str, int] = {}
    for x in found:
        if x.opened_on <= as_of and (x.finished_on is None or x.finished_on > as_of):
            open_counts[x.subject] = open_counts.get(x.subject, 0) + 1
    top = sorted(now, key=lambda s: (-now[s], s))[:TOP]
    return [
        Scorecard(
            subject=s,
            score=now[s],
            open_findings=open_counts.get(s, 0),
            trend=[TrendPoint(week_end=d, score=by.get(s, 0)) for d, by in trend],
        )
        for s in top
    ]
