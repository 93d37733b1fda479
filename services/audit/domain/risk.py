"""Risk scores from open findings: severity weight x an age factor, summed per subject, and weekly trends."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from services.audit.domain.settings import Severity

SEVERITY_WEIGHT = {Severity.low: 1, Severity.medium: 3, Severity.high: 9, Severity.critical: 27}
AGE_CAP_DAYS = 90


@dataclass(frozen=True)
class ScoredFinding:
    subject: str
    severity: Severity
    opened_on: date
    finished_on: date | None  # closed or dismissed; None while it is open


def finding_score(severity: Severity, age_days: int) -> Decimal:
    """weight x (1 + age/30), age capped at 90 days: an old unresolved finding counts up to 4 times."""
    age = min(max(age_days, 0), AGE_CAP_DAYS)
    return (SEVERITY_WEIGHT[severity] * (1 + Decimal(age) / 30)).quantize(Decimal("0.01"))


def scores(findings: Iterable[ScoredFinding], on: date) -> dict[str, Decimal]:
    """Each subject's score on a day, from the findings open that day."""
    total: dict[str, Decimal] = defaultdict(Decimal)
    for f in findings:
        if f.opened_on <= on and (f.finished_on is None or f.finished_on > on):
            total[f.subject] += finding_score(f.severity, (on - f.opened_on).days)
    return dict(total)


def weekly_trend(
    findings: Iterable[ScoredFinding], last_day: date, weeks: int
) -> list[tuple[date, dict[str, Decimal]]]:
    """Scores at the end of each of the last `weeks` weeks, oldest first."""
    findings = list(findings)
    days = [last_day - timedelta(days=7 * k) for k in reversed(range(weeks))]
    return [(d, scores(findings, d)) for d in days]
