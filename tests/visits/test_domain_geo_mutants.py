"""Distances against formulas worked independently of the haversine, and the geofence at its exact radius."""

import math

import pytest

from services.visits.domain.geo import EARTH_RADIUS_M, Position, distance_m, geofence


def test_a_diagonal_degree_and_a_degree_on_the_60th_parallel():
    one, sixty = math.radians(1), math.radians(60)
    # a right spherical triangle with legs of 1 degree: cos c = cos 1° x cos 1°
    diagonal = EARTH_RADIUS_M * math.acos(math.cos(one) ** 2)
    assert distance_m(Position(0, 0), Position(1, 1)) == pytest.approx(diagonal, rel=1e-6)
    # along the 60th parallel: cos c = sin² 60° + cos² 60° x cos 1°
    parallel = EARTH_RADIUS_M * math.acos(math.sin(sixty) ** 2 + math.cos(sixty) ** 2 * math.cos(one))
    assert distance_m(Position(60, 0), Position(60, 1)) == pytest.approx(parallel, rel=1e-6)


def test_a_check_in_exactly_on_the_radius_is_inside_and_the_distance_keeps_one_decimal():
    outlet, check_in = Position(30.0, 120.0), Position(30.001, 120.0)
    d = distance_m(check_in, outlet)  # 0.001 degree of latitude: 111.19 m
    assert not geofence(check_in, outlet, d).outside
    assert geofence(check_in, outlet, d - 0.01).outside
    assert geofence(check_in, outlet, 100).distance_m == 111.2
