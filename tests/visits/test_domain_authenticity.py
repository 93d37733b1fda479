"""The authenticity score, one signal at a time (weights: distance 30, time 20, speed 15, photos 15,
clock 10, mock location 10; score = 100 - sum of weight x suspicion)."""

from dataclasses import replace

from services.visits.domain.authenticity import WEIGHTS, VisitEvidence, score, signals

HONEST = VisitEvidence(
    distance_m=40,
    accuracy_m=20,
    radius_m=100,
    duration_minutes=25,
    minimum_minutes=15,
    previous_distance_m=3000,
    previous_gap_s=900,
    reused_photos=0,
    near_duplicate_photos=0,
    clock_skew_s=12,
    mock_location=False,
)


def by_name(evidence):
    return {s.name: s for s in signals(evidence)}


def test_weights_add_up_to_100_and_an_honest_visit_scores_100():
    assert sum(WEIGHTS.values()) == 100
    # 3 km in 15 min = 12 km/h: plausible
    assert score(signals(HONEST)) == 100.0
    assert len(signals(HONEST)) == 6


def test_distance_counts_against_radius_plus_accuracy():
    # allowed 100 + 20 = 120 m; suspicion ramps to 1 at 240 m. 180 m: (180 - 120) / 120 = 0.5 -> 30 x 0.5 = 15
    s = by_name(replace(HONEST, distance_m=180))["distance"]
    assert (s.suspicion, s.penalty) == (0.5, 15.0)
    assert score(signals(replace(HONEST, distance_m=180))) == 85.0
    # a poor fix excuses more: accuracy 150 -> allowed 250 m, 180 m is fine
    assert by_name(replace(HONEST, distance_m=180, accuracy_m=150))["distance"].suspicion == 0


def test_time_in_store_below_the_minimum():
    # 6 of 15 minutes: 1 - 6/15 = 0.6 -> 20 x 0.6 = 12 points
    s = by_name(replace(HONEST, duration_minutes=6))["time_in_store"]
    assert (s.suspicion, s.penalty) == (0.6, 12.0)


def test_travel_speed_from_the_previous_visit():
    # 15 km in 10 min = 90 km/h: (90 - 60) / (120 - 60) = 0.5 -> 15 x 0.5 = 7.5
    s = by_name(replace(HONEST, previous_distance_m=15_000, previous_gap_s=600))["travel_speed"]
    assert (s.suspicion, s.penalty) == (0.5, 7.5)
    assert by_name(replace(HONEST, previous_distance_m=None, previous_gap_s=None))["travel_speed"].suspicion == 0


def test_photo_reuse_exact_and_near_duplicate():
    assert by_name(replace(HONEST, reused_photos=1))["photo_reuse"].penalty == 15.0
    assert by_name(replace(HONEST, near_duplicate_photos=2))["photo_reuse"].penalty == 12.0  # 15 x 0.8


def test_clock_skew():
    # 1050 s off: (1050 - 300) / (1800 - 300) = 0.5 -> 10 x 0.5 = 5
    assert by_name(replace(HONEST, clock_skew_s=-1050))["clock_skew"].penalty == 5.0


def test_mock_location():
    assert by_name(replace(HONEST, mock_location=True))["mock_location"].penalty == 10.0


def test_everything_wrong_scores_zero():
    faked = replace(
        HONEST,
        distance_m=5000,
        duration_minutes=0,
        previous_distance_m=50_000,
        previous_gap_s=60,
        reused_photos=3,
        clock_skew_s=7200,
        mock_location=True,
    )
    assert score(signals(faked)) == 0.0
