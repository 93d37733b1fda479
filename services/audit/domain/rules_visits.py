"""Rules on visits (拜访): where and how long, how fast between two, the same photo twice, authenticity."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable

from services.audit.domain.facts import VisitFact
from services.audit.domain.hits import Hit, SettingOf, distance_m, hit, month_of


def _day(v: VisitFact) -> str:
    return v.checked_in_at.date().isoformat()


def checkin_far_from_outlet(visits: Iterable[VisitFact], setting_of: SettingOf) -> list[Hit]:
    """Check-in position farther from the outlet than the policy allows."""
    hits = []
    for v in visits:
        s = setting_of(v.org_unit_id)
        lat, lon, outlet_lat, outlet_lon = v.latitude, v.longitude, v.outlet_latitude, v.outlet_longitude
        if not s.enabled or lat is None or lon is None or outlet_lat is None or outlet_lon is None:
            continue
        metres = distance_m(lat, lon, outlet_lat, outlet_lon)
        if metres > float(s["max_distance_m"]):
            hits.append(
                hit(
                    "checkin_far_from_outlet",
                    f"visit:{v.visit_id}",
                    _day(v),
                    v.org_unit_id,
                    s,
                    [v.event_id],
                    distance_m=round(metres),
                    max_distance_m=int(s["max_distance_m"]),
                )
            )
    return hits


def visit_too_short(visits: Iterable[VisitFact], setting_of: SettingOf) -> list[Hit]:
    """Check-out sooner after check-in than the policy minimum."""
    hits = []
    for v in visits:
        s = setting_of(v.org_unit_id)
        minutes = (v.checked_out_at - v.checked_in_at).total_seconds() / 60
        if s.enabled and minutes < float(s["min_minutes"]):
            hits.append(
                hit(
                    "visit_too_short",
                    f"visit:{v.visit_id}",
                    _day(v),
                    v.org_unit_id,
                    s,
                    [v.event_id],
                    minutes=round(minutes, 1),
                    min_minutes=int(s["min_minutes"]),
                )
            )
    return hits


def impossible_travel(visits: Iterable[VisitFact], setting_of: SettingOf) -> list[Hit]:
    """Two consecutive visits of a rep the same day, farther apart than the fastest plausible trip."""
    by_rep: dict[tuple[uuid.UUID, str], list[VisitFact]] = defaultdict(list)
    for v in visits:
        by_rep[(v.rep_id, _day(v))].append(v)
    found: dict[tuple[uuid.UUID, str], Hit] = {}
    for (rep, day), days_visits in by_rep.items():
        days_visits.sort(key=lambda v: (v.checked_in_at, str(v.visit_id)))
        for a, b in zip(days_visits, days_visits[1:], strict=False):
            s = setting_of(b.org_unit_id)
            a_lat, a_lon, b_lat, b_lon = a.latitude, a.longitude, b.latitude, b.longitude
            if not s.enabled or a_lat is None or a_lon is None or b_lat is None or b_lon is None:
                continue
            km = distance_m(a_lat, a_lon, b_lat, b_lon) / 1000
            hours = (b.checked_in_at - a.checked_out_at).total_seconds() / 3600
            if km > 0 and (hours <= 0 or km / hours > float(s["max_kmh"])):
                key = (rep, day)
                sources = [a.event_id, b.event_id] + (list(found[key].sources) if key in found else [])
                found[key] = hit(
                    "impossible_travel",
                    f"rep:{rep}",
                    day,
                    b.org_unit_id,
                    s,
                    sources,
                    km=round(km, 1),
                    max_kmh=int(s["max_kmh"]),
                )
    return list(found.values())


def photo_reused(visits: Iterable[VisitFact], setting_of: SettingOf) -> list[Hit]:
    """A photo hash attached to more than one visit; the period is the month of its first use."""
    uses: dict[str, list[VisitFact]] = defaultdict(list)
    for v in visits:
        for photo in set(v.photo_hashes):
            uses[photo].append(v)
    hits = []
    for photo, used in uses.items():
        if len({v.visit_id for v in used}) < 2:
            continue
        first = min(used, key=lambda v: (v.checked_in_at, str(v.visit_id)))
        s = setting_of(first.org_unit_id)
        if s.enabled:
            hits.append(
                hit(
                    "photo_reused",
                    f"photo:{photo}",
                    month_of(first.checked_in_at.date()),
                    first.org_unit_id,
                    s,
                    [v.event_id for v in used],
                    visits=sorted(str(v.visit_id) for v in used),
                )
            )
    return hits


def low_authenticity(visits: Iterable[VisitFact], setting_of: SettingOf) -> list[Hit]:
    """The visits service's authenticity score under the threshold."""
    hits = []
    for v in visits:
        s = setting_of(v.org_unit_id)
        if s.enabled and v.authenticity_score is not None and v.authenticity_score < s["min_score"]:
            hits.append(
                hit(
                    "low_authenticity",
                    f"visit:{v.visit_id}",
                    _day(v),
                    v.org_unit_id,
                    s,
                    [v.event_id],
                    score=str(v.authenticity_score),
                    min_score=str(s["min_score"]),
                )
            )
    return hits
