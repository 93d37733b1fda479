"""Month ends and great-circle distances, checked against formulas worked independently of the haversine."""

import math
from datetime import date

import pytest

from services.audit.domain.hits import EARTH_RADIUS_M, distance_m, month_end


@pytest.mark.parametrize(
    "day, end",
    [
        (date(2026, 1, 10), date(2026, 1, 31)),
        (date(2026, 11, 3), date(2026, 11, 30)),
        (date(2026, 12, 15), date(2026, 12, 31)),  # the month after December is January of the next year
        (date(2028, 2, 1), date(2028, 2, 29)),
        (date(2027, 2, 28), date(2027, 2, 28)),
    ],
)
def test_month_end(day, end):
    assert month_end(day) == end


def test_one_degree_along_the_equator_or_a_meridian_is_a_360th_of_the_circumference():
    degree = 2 * math.pi * EARTH_RADIUS_M / 360  # 111 194.93 m
    assert distance_m(0, 0, 0, 1) == pytest.approx(degree)
    assert distance_m(0, 0, 1, 0) == pytest.approx(degree)


def test_a_diagonal_step_follows_the_spherical_law_of_cosines():
    # (0,0) -> (1,1): a right spherical triangle with legs of 1 degree, so cos c = cos 1° x cos 1°
    one = math.radians(1)
    assert distance_m(0, 0, 1, 1) == pytest.approx(EARTH_RADIUS_M * math.acos(math.cos(one) ** 2), rel=1e-6)
    # on the 60th parallel one degree of longitude: cos c = sin² 60° + cos² 60° x cos 1° (about 55.6 km)
    sixty = math.radians(60)
    along = EARTH_RADIUS_M * math.acos(math.sin(sixty) ** 2 + math.cos(sixty) ** 2 * math.cos(one))
    assert distance_m(60, 0, 60, 1) == pytest.approx(along, rel=1e-6)
    assert 55_500 < along < 55_700
