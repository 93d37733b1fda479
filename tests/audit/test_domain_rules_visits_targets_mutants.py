"""Visit and target rules at their exact thresholds, with missing positions and switched-off settings."""

from datetime import date
from decimal import Decimal as D

from services.audit.domain.facts import ComplianceFact, ProgressBehind
from services.audit.domain.hits import default_setting, distance_m
from services.audit.domain.rules_targets import behind_time_progress, low_plan_compliance
from services.audit.domain.rules_visits import checkin_far_from_outlet, impossible_travel, visit_too_short
from services.audit.domain.settings import RULES, override
from tests.audit.facts_factory import OUTLET_POS, uid, visit


def setting(rule: str, enabled: bool | None = None, **params):
    chosen = override(RULES[rule], enabled=enabled, severity=None, params=params)
    return lambda _unit: chosen


def test_a_visit_without_a_position_or_under_a_disabled_rule_is_not_judged_for_distance():
    far = visit("far", pos=(31.0, 120.0))  # 111 km away
    assert checkin_far_from_outlet([visit("nowhere", pos=None)], default_setting("checkin_far_from_outlet")) == []
    assert checkin_far_from_outlet([far], setting("checkin_far_from_outlet", enabled=False)) == []


def test_a_check_in_exactly_at_the_allowed_distance_is_allowed():
    metres = distance_m(30.003, 120.0, *OUTLET_POS)
    at_limit = setting("checkin_far_from_outlet", max_distance_m=repr(metres))
    assert checkin_far_from_outlet([visit("edge", pos=(30.003, 120.0))], at_limit) == []


def test_short_visit_minutes_are_shown_to_one_decimal():
    # 09:00:00 - 09:09:20 is 9 1/3 minutes -> 9.3
    quick = visit("quick", until="2026-03-14T09:09:20")
    assert [h.evidence["minutes"] for h in visit_too_short([quick], default_setting("visit_too_short"))] == [9.3]


def two_visits(second_at: str, second_until: str, pos=(31.0, 120.0), first_pos=OUTLET_POS):
    first = visit("a", at="2026-03-14T09:00", until="2026-03-14T10:00", pos=first_pos)
    return [first, visit("b", at=second_at, until=second_until, pos=pos)]


def test_travel_speed_exactly_at_the_limit_is_possible_and_km_are_shown_to_one_decimal():
    # 1 degree of latitude = 111.19 km; out 10:00, in 11:00: 111.19 km/h.
    km = distance_m(*OUTLET_POS, 31.0, 120.0) / 1000
    visits = two_visits("2026-03-14T11:00", "2026-03-14T11:30")
    assert impossible_travel(visits, setting("impossible_travel", max_kmh=repr(km))) == []
    hits = impossible_travel(visits, setting("impossible_travel", max_kmh="100"))
    assert [h.evidence["km"] for h in hits] == [111.2]


def test_back_to_back_visits_apart_are_impossible_and_in_the_same_place_are_not():
    # in at the very minute the last visit ended, 0.5 km away: no time to travel at all
    half_km = (OUTLET_POS[0] + 0.0045, OUTLET_POS[1])
    rushed = impossible_travel(
        two_visits("2026-03-14T10:00", "2026-03-14T10:30", pos=half_km), default_setting("impossible_travel")
    )
    assert [h.evidence["km"] for h in rushed] == [0.5]
    # overlapping visits at the same spot: no distance, nothing impossible
    same = two_visits("2026-03-14T09:50", "2026-03-14T10:30", pos=OUTLET_POS)
    assert impossible_travel(same, default_setting("impossible_travel")) == []


def test_travel_is_not_judged_without_positions_or_under_a_disabled_rule():
    assert (
        impossible_travel(
            two_visits("2026-03-14T10:10", "2026-03-14T10:30", pos=None), default_setting("impossible_travel")
        )
        == []
    )
    no_start = two_visits("2026-03-14T10:10", "2026-03-14T10:30", first_pos=None)
    assert impossible_travel(no_start, default_setting("impossible_travel")) == []
    fast = two_visits("2026-03-14T10:10", "2026-03-14T10:30")
    assert impossible_travel(fast, setting("impossible_travel", enabled=False)) == []


def compliance(planned: int, done: int) -> ComplianceFact:
    return ComplianceFact(uid("rep-1"), uid("office"), date(2026, 3, 9), planned, done, "ev-1")


def test_plan_compliance_thresholds():
    rule = default_setting("low_plan_compliance")
    assert len(low_plan_compliance([compliance(1, 0)], rule)) == 1  # 0 of 1 planned visit
    assert len(low_plan_compliance([compliance(1000, 795)], rule)) == 1  # 79.5 % < 80 %
    assert low_plan_compliance([compliance(1000, 800)], rule) == []
    assert low_plan_compliance([compliance(0, 0)], rule) == []  # nothing planned, nothing to judge


def behind(kind: str, rate: str | None, progress: str = "0.4545") -> ProgressBehind:
    return ProgressBehind(
        kind,
        uid(kind),
        uid("east"),
        uid("plan"),
        "2026-03",
        date(2026, 3, 13),
        None if rate is None else D(rate),
        D(progress),
        "ev-b",
    )


def test_only_org_units_strictly_behind_are_flagged_and_no_rate_counts_as_zero():
    rule = default_setting("behind_time_progress")  # min_shortfall 0
    assert behind_time_progress([behind("person", "0.1000")], rule) == []
    assert behind_time_progress([behind("org_unit", "0.4545")], rule) == []  # exactly on time progress
    no_rate = behind_time_progress([behind("org_unit", None)], rule)
    assert [h.evidence["shortfall"] for h in no_rate] == ["0.4545"]
