"""Finding deadlines per severity (3, 7, 14, 30 days) and a subtree's severity override."""

from datetime import date

import pytest

from services.audit.domain.settings import RULES, Severity, override
from services.audit.domain.workflow import deadline_for


@pytest.mark.parametrize(
    "severity, due",
    [
        (Severity.critical, date(2026, 3, 4)),
        (Severity.high, date(2026, 3, 8)),
        (Severity.medium, date(2026, 3, 15)),
        (Severity.low, date(2026, 3, 31)),
    ],
)
def test_deadline_from_1_march(severity, due):
    assert deadline_for(severity, date(2026, 3, 1)) == due


def test_a_subtree_may_raise_a_rules_severity():
    spec = RULES["visit_too_short"]  # low by default
    assert override(spec, enabled=None, severity=Severity.critical, params={}).severity is Severity.critical
    assert override(spec, enabled=None, severity=None, params={}).severity is Severity.low
