"""Rules on targets and plans: a rep's plan compliance, an org unit behind time progress (001 目标可视化)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from services.audit.domain.facts import ComplianceFact, ProgressBehind
from services.audit.domain.hits import Hit, SettingOf, hit, week_of


def low_plan_compliance(weeks: Iterable[ComplianceFact], setting_of: SettingOf) -> list[Hit]:
    """Visits done / visits planned under min_pct for a rep's week."""
    hits = []
    for w in weeks:
        s = setting_of(w.org_unit_id)
        if s.enabled and w.planned > 0 and w.done * 100 < s["min_pct"] * w.planned:
            hits.append(
                hit(
                    "low_plan_compliance",
                    f"rep:{w.rep_id}",
                    week_of(w.week_start),
                    w.org_unit_id,
                    s,
                    [w.event_id],
                    planned=w.planned,
                    done=w.done,
                )
            )
    return hits


def behind_time_progress(alerts: Iterable[ProgressBehind], setting_of: SettingOf) -> list[Hit]:
    """An org unit whose achievement rate trails time progress by more than min_shortfall (targets' alert)."""
    hits = []
    for a in alerts:
        s = setting_of(a.org_unit_id)
        shortfall = a.time_progress - (a.achievement_rate or Decimal(0))
        if s.enabled and a.node_kind == "org_unit" and shortfall > s["min_shortfall"]:
            hits.append(
                hit(
                    "behind_time_progress",
                    f"org_unit:{a.node_id}/plan:{a.plan_id}",
                    a.period,
                    a.org_unit_id,
                    s,
                    [a.event_id],
                    shortfall=str(shortfall),
                    as_of=a.as_of.isoformat(),
                )
            )
    return hits
