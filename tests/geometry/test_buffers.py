"""The radius solver on synthetic hosts with known answers."""

from __future__ import annotations

import math

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geomap.geometry import HostTooSmall, solve_buffer_radius
from geomap.geometry.projection import LocalProjection

GEOD = Geod(ellps="WGS84")
CENTRE = (30.0, 50.0)
HALF_SIDE_KM = 50.0  # the host is a 100 km x 100 km square, exact in its own equal-area projection


def geodesic_km2(geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geometry)[0]) / 1e6


@pytest.fixture(scope="module")
def square():
    """A 10,000 km² square host (lon/lat) and the projection it is square in."""
    local = LocalProjection(*CENTRE)
    half = HALF_SIDE_KM * 1000.0
    box = shapely.box(-half, -half, half, half).segmentize(1000.0)
    return local.to_lonlat(box), local


def corner(local: LocalProjection, dx_km: float, dy_km: float) -> tuple[float, float]:
    return local.point_to_lonlat(dx_km * 1000.0, dy_km * 1000.0)


@pytest.mark.parametrize("target_km2", [10.0, 500.0, 2000.0, 7000.0, 9900.0])
def test_clipped_area_matches_the_claim(square, target_km2):
    host, local = square
    geometry, radius_km, area_km2 = solve_buffer_radius(CENTRE, target_km2, host)
    assert area_km2 == pytest.approx(target_km2, rel=0.005)
    # independent cross-check on the ellipsoid, on the EPSG:4326 result
    assert geodesic_km2(geometry) == pytest.approx(target_km2, rel=0.005)
    # edges straight in the projection are a few cm off straight in lon/lat: allow slivers of a few m²
    assert geodesic_km2(geometry.difference(host)) < 1e-3


def test_unclipped_disc_has_the_circle_radius(square):
    host, _ = square
    _, radius_km, _ = solve_buffer_radius(CENTRE, 500.0, host)
    assert radius_km == pytest.approx(math.sqrt(500.0 / math.pi), rel=0.005)


def test_anchor_in_a_corner_gives_a_quarter_disc(square):
    """Heavy clipping: only a quarter of the disc lies in the host, so r = sqrt(4A/pi)."""
    host, local = square
    anchor = corner(local, HALF_SIDE_KM, HALF_SIDE_KM)
    geometry, radius_km, area_km2 = solve_buffer_radius(anchor, 500.0, host)
    assert radius_km == pytest.approx(math.sqrt(4 * 500.0 / math.pi), rel=0.005)
    assert area_km2 == pytest.approx(500.0, rel=0.005)
    assert geodesic_km2(geometry) == pytest.approx(500.0, rel=0.005)


def test_anchor_outside_the_host_still_reaches_the_area(square):
    host, local = square
    anchor = corner(local, HALF_SIDE_KM + 20.0, 0.0)
    geometry, radius_km, area_km2 = solve_buffer_radius(anchor, 300.0, host)
    assert radius_km > 20.0
    assert geodesic_km2(geometry) == pytest.approx(300.0, rel=0.005)


def test_area_larger_than_the_host_is_refused(square):
    host, _ = square
    with pytest.raises(HostTooSmall, match=r"claimed 12,000.0 km² exceeds host 10,000.0 km²"):
        solve_buffer_radius(CENTRE, 12_000.0, host)


def test_no_host_draws_a_plain_disc():
    geometry, radius_km, area_km2 = solve_buffer_radius(CENTRE, 1000.0, None)
    assert geodesic_km2(geometry) == pytest.approx(1000.0, rel=0.005)
    assert radius_km == pytest.approx(math.sqrt(1000.0 / math.pi), rel=0.005)


def test_big_host_with_a_far_reaching_solution(square):
    """A thin strip host forces the solver to widen its crop window several times."""
    local = LocalProjection(*CENTRE)
    strip = local.to_lonlat(shapely.box(0, -1000.0, 800_000.0, 1000.0).segmentize(5000.0))
    geometry, radius_km, area_km2 = solve_buffer_radius(CENTRE, 1000.0, strip)
    assert radius_km == pytest.approx(500.0, rel=0.01)  # 2 km wide strip, 500 km long
    assert geodesic_km2(geometry) == pytest.approx(1000.0, rel=0.005)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dx=st.floats(-49.0, 49.0), dy=st.floats(-49.0, 49.0), fraction=st.floats(0.001, 0.99))
def test_any_anchor_and_size_inside_the_square(square, dx, dy, fraction):
    host, local = square
    target = fraction * 10_000.0
    geometry, _, area_km2 = solve_buffer_radius(corner(local, dx, dy), target, host)
    assert area_km2 == pytest.approx(target, rel=0.005)
    assert geodesic_km2(geometry) == pytest.approx(target, rel=0.005)
