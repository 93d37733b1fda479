"""The visit authenticity score: one explainable number from the signals that betray a faked visit.

Each signal gives a suspicion between 0 (nothing odd) and 1 (as bad as it gets) and carries a weight; the
score is 100 minus the weighted suspicions, so a reader can add up why a visit scored what it did.
"""

from __future__ import annotations

from dataclasses import dataclass

# Weights sum to 100, so a signal's weight is the most points it can take off.
WEIGHTS: dict[str, int] = {
    "distance": 30,  # distance from the outlet beyond radius + reported accuracy
    "time_in_store": 20,  # shorter than the policy minimum
    "travel_speed": 15,  # implied speed from the previous visit's check-out
    "photo_reuse": 15,  # same content hash, or a near duplicate, seen on another visit
    "clock_skew": 10,  # device clock far from server time
    "mock_location": 10,  # the device reported a mock-location provider
}
SPEED_PLAUSIBLE_KMH = 60.0  # city driving; at or below this nothing is odd
SPEED_IMPOSSIBLE_KMH = 120.0  # at or above this the visits cannot both be real
SKEW_TOLERATED_S = 300.0  # 5 min: phones drift, networks lag
SKEW_IMPOSSIBLE_S = 1800.0  # 30 min: the clock was set by hand
NEAR_DUPLICATE_SUSPICION = 0.8  # a re-shot or cropped copy is almost as bad as the same file


@dataclass(frozen=True)
class Signal:
    name: str
    weight: int
    suspicion: float  # 0..1
    detail: str

    @property
    def penalty(self) -> float:
        return round(self.weight * self.suspicion, 2)


@dataclass(frozen=True)
class VisitEvidence:
    distance_m: float
    accuracy_m: float
    radius_m: float
    duration_minutes: float
    minimum_minutes: float
    previous_distance_m: float | None  # from the previous visit's check-out position, same rep, same day
    previous_gap_s: float | None  # from that check-out to this check-in
    reused_photos: int  # exact content-hash matches on other visits
    near_duplicate_photos: int  # perceptual-hash matches on other visits
    clock_skew_s: float  # |device time when sent - server time when received|
    mock_location: bool


def _ramp(value: float, start: float, end: float) -> float:
    """0 at or below `start`, 1 at or above `end`, linear between."""
    if value <= start:
        return 0.0
    if value >= end:
        return 1.0
    return (value - start) / (end - start)


def signals(e: VisitEvidence) -> list[Signal]:
    """Every signal with its weight and why it scored what it did."""
    allowed = e.radius_m + e.accuracy_m  # the outlet could be anywhere within the fix's accuracy
    distance = _ramp(e.distance_m, allowed, 2 * allowed)
    short = 0.0 if e.minimum_minutes <= 0 else max(0.0, min(1.0, 1 - e.duration_minutes / e.minimum_minutes))
    if e.previous_distance_m is None or e.previous_gap_s is None:
        speed_kmh, speed = None, 0.0
    else:
        speed_kmh = e.previous_distance_m / 1000 / max(e.previous_gap_s, 1.0) * 3600
        speed = _ramp(speed_kmh, SPEED_PLAUSIBLE_KMH, SPEED_IMPOSSIBLE_KMH)
    photos = 1.0 if e.reused_photos else NEAR_DUPLICATE_SUSPICION if e.near_duplicate_photos else 0.0
    skew = _ramp(abs(e.clock_skew_s), SKEW_TOLERATED_S, SKEW_IMPOSSIBLE_S)
    return [
        Signal(
            "distance", WEIGHTS["distance"], distance, f"{e.distance_m:.0f} m from the outlet, {allowed:.0f} m allowed"
        ),
        Signal(
            "time_in_store",
            WEIGHTS["time_in_store"],
            round(short, 4),
            f"{e.duration_minutes:.1f} min in store, policy minimum {e.minimum_minutes:.0f} min",
        ),
        Signal(
            "travel_speed",
            WEIGHTS["travel_speed"],
            round(speed, 4),
            "first visit of the day" if speed_kmh is None else f"{speed_kmh:.0f} km/h from the previous visit",
        ),
        Signal(
            "photo_reuse",
            WEIGHTS["photo_reuse"],
            photos,
            f"{e.reused_photos} photos reused, {e.near_duplicate_photos} near duplicates",
        ),
        Signal("clock_skew", WEIGHTS["clock_skew"], round(skew, 4), f"device clock {abs(e.clock_skew_s):.0f} s off"),
        Signal(
            "mock_location",
            WEIGHTS["mock_location"],
            1.0 if e.mock_location else 0.0,
            "mock location reported" if e.mock_location else "no mock location",
        ),
    ]


def score(found: list[Signal]) -> float:
    """100 minus the weighted suspicions, one decimal."""
    return round(100 - sum(s.weight * s.suspicion for s in found), 1)
