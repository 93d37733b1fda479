"""Plan compliance and time progress rules, with near misses and a subtree override."""

from datetime import date
from decimal import Decimal as D

from services.audit.domain.facts import ComplianceFact, ProgressBehind
from services.audit.domain.hits import default_setting
from services.audit.domain.rules_targets import behind_time_progress, low_plan_compliance
from services.audit.domain.settings import RULES, override
from tests.audit.facts_factory import uid


def test_low_plan_compliance():
    # 15 / 20 = 75 % < 80 %; 16 / 20 = 80 % is enough.
    weeks = [
        ComplianceFact(uid("rep-1"), uid("office"), date(2026, 3, 9), 20, 15, "ev-1"),
        ComplianceFact(uid("rep-2"), uid("office"), date(2026, 3, 9), 20, 16, "ev-2"),
    ]
    hits = low_plan_compliance(weeks, default_setting("low_plan_compliance"))
    assert [(h.subject, h.period) for h in hits] == [(f"rep:{uid('rep-1')}", "2026-W11")]


def behind(kind: str = "org_unit", rate: str = "0.3000") -> ProgressBehind:
    # March: 10 of 22 selling days elapsed -> time progress 10/22 = 0.4545.
    return ProgressBehind(
        kind, uid("east"), uid("east"), uid("plan"), "2026-03", date(2026, 3, 13), D(rate), D("0.4545"), "ev-b"
    )


def test_behind_time_progress():
    hits = behind_time_progress([behind(), behind("person")], default_setting("behind_time_progress"))
    assert [(h.subject, h.period, h.evidence["shortfall"]) for h in hits] == [
        (f"org_unit:{uid('east')}/plan:{uid('plan')}", "2026-03", "0.1545")
    ]
    # A subtree that tolerates 20 points: 0.1545 is within it.
    tolerant = override(RULES["behind_time_progress"], enabled=None, severity=None, params={"min_shortfall": "0.2"})
    assert behind_time_progress([behind()], lambda _unit: tolerant) == []
