"""Distances, datum conversion and the geofence flag, with hand-worked numbers."""

import pytest

from services.visits.domain.geo import Position, distance_m, geofence, to_wgs84

OUTLET = Position(30.2825, 120.1332)  # Wensan Rd, Hangzhou, WGS-84
# The same shop as an AMap (GCJ-02) SDK reports it: 0.002294 deg south, 0.004753 deg east of WGS-84.
OUTLET_GCJ02 = (30.280206, 120.137953)


def test_one_thousandth_of_a_degree_of_latitude_is_111_m():
    # 6 371 000 m x 0.001 x pi / 180 = 111.19 m
    assert distance_m(Position(30.0, 120.0), Position(30.001, 120.0)) == pytest.approx(111.19, abs=0.01)


def test_longitude_shrinks_with_the_cosine_of_latitude():
    # at 60 deg N cos = 0.5: 6 371 000 x 0.5 x 0.002 x pi / 180 = 111.19 m
    assert distance_m(Position(60.0, 120.0), Position(60.0, 120.002)) == pytest.approx(111.19, abs=0.01)


def test_a_check_in_beyond_the_radius_is_flagged_with_its_distance():
    fence = geofence(Position(30.001, 120.0), Position(30.0, 120.0), radius_m=100)
    assert (fence.distance_m, fence.outside) == (111.2, True)
    assert geofence(Position(30.001, 120.0), Position(30.0, 120.0), radius_m=150).outside is False


def test_a_gcj02_point_read_as_wgs84_lands_half_a_kilometre_away():
    # north-south 0.002294 x 111 195 = 255.1 m; east-west 0.004753 x 111 195 x cos 30.28 deg (0.8636) = 456.4 m;
    # sqrt(255.1^2 + 456.4^2) = 522.9 m: a rep standing in the shop would be flagged at a 200 m radius.
    raw = geofence(Position(*OUTLET_GCJ02), OUTLET, radius_m=200)
    assert raw.distance_m == pytest.approx(522.9, abs=1.0)
    assert raw.outside


def test_the_gcj02_point_converted_to_wgs84_is_the_shop():
    converted = to_wgs84(*OUTLET_GCJ02, datum="gcj02")
    fence = geofence(converted, OUTLET, radius_m=200)
    assert fence.distance_m < 1.0  # the sent point was rounded to 6 decimals (~0.1 m)
    assert not fence.outside


def test_a_bd09_point_converted_to_wgs84_is_the_shop():
    # Baidu's BD-09 adds its own offset to GCJ-02: ~1.16 km here before conversion.
    bd09 = (30.286423, 120.144416)
    assert distance_m(Position(*bd09), OUTLET) > 1000
    assert distance_m(to_wgs84(*bd09, datum="bd09"), OUTLET) < 1.0


def test_wgs84_passes_through_unchanged():
    assert to_wgs84(30.2825, 120.1332, "wgs84") == OUTLET
