"""Visit rules fire on their hand-built case and stay silent on the near miss next to it."""

from services.audit.domain.hits import default_setting, distance_m
from services.audit.domain.rules_visits import (
    checkin_far_from_outlet,
    impossible_travel,
    low_authenticity,
    photo_reused,
    visit_too_short,
)
from tests.audit.facts_factory import uid, visit


def test_checkin_far_from_outlet():
    # One degree of latitude = 2 x pi x 6,371,000 / 360 = 111,194.9 m; 0.003 deg = 333.6 m > 300; 0.0025 = 278.0 m.
    far = visit("far", pos=(30.003, 120.0))
    near = visit("near", pos=(30.0025, 120.0))
    hits = checkin_far_from_outlet([far, near], default_setting("checkin_far_from_outlet"))
    assert [(h.subject, h.period, h.evidence["distance_m"]) for h in hits] == [
        (f"visit:{uid('far')}", "2026-03-14", 334)
    ]
    assert round(distance_m(30.0, 120.0, 30.0025, 120.0)) == 278


def test_visit_too_short():
    # 09:00-09:09 is 9 minutes < 10; 09:00-09:10 is exactly the minimum.
    hits = visit_too_short(
        [visit("quick", until="2026-03-14T09:09"), visit("ok", until="2026-03-14T09:10")],
        default_setting("visit_too_short"),
    )
    assert [(h.subject, h.evidence["minutes"]) for h in hits] == [(f"visit:{uid('quick')}", 9.0)]


def test_impossible_travel():
    # 0.9 deg of latitude = 100.08 km. Out 10:00, in 10:20: 100.08 / (1/3 h) = 300 km/h > 120.
    first = visit("a", at="2026-03-14T09:30", until="2026-03-14T10:00")
    rushed = visit("b", at="2026-03-14T10:20", until="2026-03-14T10:40", pos=(30.9, 120.0))
    hits = impossible_travel([first, rushed], default_setting("impossible_travel"))
    assert [(h.subject, h.period, h.sources) for h in hits] == [(f"rep:{uid('rep-1')}", "2026-03-14", ("ev-a", "ev-b"))]
    # Near miss: in at 11:00, 100.08 km in 1 h = 100 km/h.
    calm = visit("c", at="2026-03-14T11:00", until="2026-03-14T11:30", pos=(30.9, 120.0))
    assert impossible_travel([first, calm], default_setting("impossible_travel")) == []
    # Another rep's visit is not "consecutive" to this one.
    other = visit("d", rep="rep-2", at="2026-03-14T10:20", until="2026-03-14T10:40", pos=(30.9, 120.0))
    assert impossible_travel([first, other], default_setting("impossible_travel")) == []


def test_photo_reused_across_visits_but_not_within_one():
    v1 = visit("v1", photos=("h1",))
    v2 = visit("v2", at="2026-04-02T09:00", until="2026-04-02T09:30", photos=("h1",))
    v3 = visit("v3", photos=("h2", "h2"))
    hits = photo_reused([v1, v2, v3], default_setting("photo_reused"))
    assert [(h.subject, h.period, h.sources) for h in hits] == [("photo:h1", "2026-03", ("ev-v1", "ev-v2"))]


def test_low_authenticity():
    hits = low_authenticity(
        [visit("dodgy", score="0.55"), visit("fine", score="0.60"), visit("unscored")],
        default_setting("low_authenticity"),
    )
    assert [h.subject for h in hits] == [f"visit:{uid('dodgy')}"]
