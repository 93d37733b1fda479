"""Authenticity signals shown to four decimals, penalties to two, the score to one; and the degenerate inputs."""

from dataclasses import replace

from services.visits.domain.authenticity import score, signals
from tests.visits.test_domain_authenticity import HONEST, by_name


def test_a_third_of_the_way_up_each_ramp_is_shown_to_four_decimals():
    # 10 of 15 minutes: 1 - 10/15 = 1/3; 20 km in 15 min = 80 km/h: (80 - 60) / 60 = 1/3;
    # 800 s clock skew: (800 - 300) / 1500 = 1/3.
    found = by_name(replace(HONEST, duration_minutes=10, previous_distance_m=20_000, clock_skew_s=800))
    assert [found[n].suspicion for n in ("time_in_store", "travel_speed", "clock_skew")] == [0.3333] * 3
    # penalties: 20 x 0.3333 = 6.666 -> 6.67; 15 x 0.3333 = 4.9995 -> 5.0; 10 x 0.3333 = 3.333 -> 3.33
    assert [found[n].penalty for n in ("time_in_store", "travel_speed", "clock_skew")] == [6.67, 5.0, 3.33]


def test_the_score_is_shown_to_one_decimal():
    # 100 - 20 x 0.3333 = 93.334 -> 93.3
    assert score(signals(replace(HONEST, duration_minutes=10))) == 93.3


def test_a_policy_without_a_minimum_never_finds_a_visit_short_and_one_of_a_minute_does():
    assert by_name(replace(HONEST, duration_minutes=0, minimum_minutes=0))["time_in_store"].suspicion == 0.0
    assert by_name(replace(HONEST, duration_minutes=0.5, minimum_minutes=1))["time_in_store"].suspicion == 0.5


def test_without_the_gap_to_the_previous_visit_it_counts_as_the_first():
    speed = by_name(replace(HONEST, previous_gap_s=None))["travel_speed"]
    assert (speed.suspicion, speed.detail) == (0.0, "first visit of the day")


def test_standing_on_the_outlet_with_a_perfect_fix_is_not_suspicious():
    # radius 0 and accuracy 0: allowed 0 m, and 0 m away is not beyond it
    assert by_name(replace(HONEST, distance_m=0, accuracy_m=0, radius_m=0))["distance"].suspicion == 0.0
