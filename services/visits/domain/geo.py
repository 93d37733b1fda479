"""Positions: map datums (WGS-84, GCJ-02, BD-09), great-circle distance and the check-in geofence."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import prcoords

Datum = Literal["wgs84", "gcj02", "bd09"]
DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")
EARTH_RADIUS_M = 6_371_000.0  # mean radius; the error against the ellipsoid is < 0.5 % at these distances


@dataclass(frozen=True)
class Position:
    """A point in WGS-84 degrees: every distance in the service is computed between such points."""

    latitude: float
    longitude: float


def to_wgs84(latitude: float, longitude: float, datum: Datum) -> Position:
    """The WGS-84 point for a position given in `datum` (GCJ-02 from AMap/Tencent, BD-09 from Baidu)."""
    if datum == "wgs84":
        return Position(latitude, longitude)
    point = prcoords.Coords(latitude, longitude)
    if datum == "gcj02":
        converted = prcoords.gcj_wgs_bored(point)  # iterative inverse: centimetre-level, not the 1-2 m one-step
    elif datum == "bd09":
        converted = prcoords.bd_wgs_bored(point)
    else:
        raise ValueError(f"unknown datum {datum!r}")
    return Position(converted.lat, converted.lon)


def distance_m(a: Position, b: Position) -> float:
    """Great-circle (haversine) distance in metres."""
    phi1, phi2 = math.radians(a.latitude), math.radians(b.latitude)
    dphi = phi2 - phi1
    dlam = math.radians(b.longitude - a.longitude)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Geofence:
    """Where a check-in happened against the outlet: the distance is kept, a check-in too far is flagged."""

    distance_m: float
    radius_m: float
    outside: bool


def geofence(check_in: Position, outlet: Position, radius_m: float) -> Geofence:
    """Accept every check-in; flag the ones farther from the outlet than the configured radius."""
    d = distance_m(check_in, outlet)
    return Geofence(distance_m=round(d, 1), radius_m=radius_m, outside=d > radius_m)
