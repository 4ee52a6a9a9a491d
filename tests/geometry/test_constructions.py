"""Each construction on synthetic geometry in local metres: a straight border, a corner, a coast.

The host lies north of the border (y >= 0) unless said otherwise; the neighbour south of it. What a
reader of the map would check: the drawn area is the claimed one (within 0.1 %), it lies in the host,
it starts where it should, and a lost town stays out.
"""

from __future__ import annotations

import math

import pytest
import shapely

from geomap.geometry.borders import border_band
from geomap.geometry.buffers import crop, solve_local_radius
from geomap.geometry.constructions import (StripTries, accurate_side, side_along, solve_band_depth, solve_strip,
                                           stretch, strip_depth, without_spikes)

KM = 1000.0
AREA = 1e-3  # the brief's tolerance: 0.1 %

STRAIGHT = {  # border along y = 0
    "host": shapely.box(-100 * KM, 0, 100 * KM, 100 * KM),
    "neighbour": shapely.box(-100 * KM, -100 * KM, 100 * KM, 0),
    "line": shapely.LineString([(-100 * KM, 0), (100 * KM, 0)]),
}
CORNER = {  # the neighbour wraps the host's south-west corner: border down x = 0, then east along y = 0
    "host": shapely.box(0, 0, 100 * KM, 100 * KM),
    "neighbour": shapely.box(-100 * KM, -100 * KM, 100 * KM, 100 * KM).difference(shapely.box(0, 0, 100 * KM,
                                                                                             100 * KM)),
    "line": shapely.LineString([(0, 100 * KM), (0, 0), (100 * KM, 0)]),
}
COAST = {  # the land border runs east from a coast at x = 0; west of it the sea takes the host's south
    "host": shapely.Polygon([(-100 * KM, 10 * KM), (0, 0), (100 * KM, 0), (100 * KM, 100 * KM),
                             (-100 * KM, 100 * KM)]),
    "neighbour": shapely.box(0, -100 * KM, 100 * KM, 0),
    "line": shapely.LineString([(0, 0), (100 * KM, 0)]),
}
WORLDS = {"straight": STRAIGHT, "corner": CORNER, "coast": COAST}


def inside(geometry, host) -> bool:
    return geometry.difference(host).area < 1.0  # m²


# -- hosts cut along the accurate line -----------------------------------------------------------------------
def test_the_generalised_host_is_cut_along_the_accurate_line():
    """West of x = 0 the coarse host reaches 2 km across the line; east of it, it stops 1 km short."""
    coarse_host = shapely.Polygon([(-100 * KM, -2 * KM), (0, -2 * KM), (0, 1 * KM), (100 * KM, 1 * KM),
                                   (100 * KM, 100 * KM), (-100 * KM, 100 * KM)])
    coarse_neighbour = shapely.box(-100 * KM, -100 * KM, 100 * KM, 100 * KM).difference(coarse_host)
    cut = accurate_side(coarse_host, coarse_neighbour, STRAIGHT["line"])
    assert cut.symmetric_difference(STRAIGHT["host"]).area < 1.0


def test_only_the_neighbours_pieces_near_a_region_are_added():
    """A region whose country's border runs on past it gains the slivers next to it only."""
    region = shapely.box(0, 1 * KM, 20 * KM, 50 * KM)  # stops 1 km short of the line
    neighbour = shapely.box(-100 * KM, -100 * KM, 100 * KM, 1 * KM)  # reaches 1 km across it everywhere
    cut = accurate_side(region, neighbour, STRAIGHT["line"], near_m=7 * KM)
    assert cut.contains(shapely.Point(10 * KM, 0.5 * KM))  # the sliver in front of the region
    assert not cut.contains(shapely.Point(60 * KM, 0.5 * KM))  # but not the one 40 km along the border


# A host as the cut of a real region left it (syn-0-02139#8, its coordinates): where the neighbour's piece was
# added, the union ran out west to a vertex and back along a line 6e-10 m apart. GEOS calls it valid, but its
# rectangle clip turns the spike into a 3-point ring and refuses it, so the claim was not drawn.
SPIKE_FOOT = (55611.58618255567, -33883.36008221001)
SPIKE_APEX = (44590.08620934655, -33840.40977284491)
SPIKE_RETURN = (55611.58618255627, -33883.36008221001)
SPIKY_HOST = shapely.Polygon([(54540.052256, -34233.430404), SPIKE_FOOT, SPIKE_APEX, SPIKE_RETURN,
                              (55992.276496, -33758.956309), (70 * KM, -30 * KM), (70 * KM, -40 * KM)])
REAL_CROP = (-53534.47286326719, -53534.47286326719, 53534.47286326719, 53534.47286326719)


def test_the_spiky_host_is_the_one_geos_could_not_clip():
    assert shapely.is_valid(SPIKY_HOST)
    with pytest.raises(shapely.errors.GEOSException, match="LinearRing"):
        shapely.clip_by_rect(SPIKY_HOST, *REAL_CROP)


def test_a_spike_is_removed_and_the_host_keeps_its_area():
    cleaned = without_spikes(SPIKY_HOST, 1e-4)
    assert shapely.is_valid(cleaned)
    assert SPIKE_APEX not in cleaned.exterior.coords
    assert cleaned.area == pytest.approx(SPIKY_HOST.area, abs=1.0)
    assert shapely.clip_by_rect(cleaned, *REAL_CROP).is_empty  # the spike reached into the crop; the rest does not


@pytest.mark.parametrize("rotation", range(7))
def test_a_spike_is_removed_wherever_the_ring_starts(rotation):
    """Also a spike of two vertices out and back, and one whose apex or foot is the ring's first vertex."""
    ring = [(0, 0), (10, 0), (10, 5), (20, 5), (25, 5), (20, 5 + 1e-12), (10, 5 + 1e-12), (10, 10), (0, 10)]
    ring = ring[rotation:] + ring[:rotation]
    cleaned = without_spikes(shapely.Polygon(ring), 1e-6)
    assert cleaned.equals(shapely.box(0, 0, 10, 10))


def test_a_hole_that_is_all_spike_is_dropped():
    polygon = shapely.Polygon(shapely.box(0, 0, 10, 10).exterior.coords, [[(2, 2), (5, 5), (2, 2 + 1e-12)]])
    cleaned = without_spikes(polygon, 1e-6)
    assert list(cleaned.interiors) == [] and cleaned.area == pytest.approx(100.0)


def test_a_spiky_host_is_cropped_for_the_radius_solver():
    """Should another degenerate host reach the solver, its crop falls back to the plain intersection."""
    cropped = crop(SPIKY_HOST, REAL_CROP)
    assert cropped.is_empty and cropped.geom_type in ("Polygon", "MultiPolygon")
    kept = crop(SPIKY_HOST, (50 * KM, -45 * KM, 75 * KM, -25 * KM))
    assert kept.area == pytest.approx(shapely.intersection(SPIKY_HOST, shapely.box(50 * KM, -45 * KM, 75 * KM,
                                                                                   -25 * KM)).area)


# -- discs on the border -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, centre, share", [("straight", (0, 0), 0.5), ("corner", (0, 0), 0.25),
                                                 ("coast", (30 * KM, 0), 0.5)])
def test_a_disc_on_the_border_is_area_true_and_inside_the_host(name, centre, share):
    world = WORLDS[name]
    target = 1300 * KM * KM
    solved = solve_local_radius(shapely.Point(*centre), target, world["host"])
    assert solved.area_m2 == pytest.approx(target, rel=AREA)
    assert solved.geometry.area == pytest.approx(target, rel=AREA)
    assert inside(solved.geometry, world["host"])
    # the border cuts the disc: only the host's share of it is drawn, so the radius grows to match
    assert solved.radius_m == pytest.approx(math.sqrt(target / (share * math.pi)), rel=0.01)


def test_a_disc_by_the_coast_loses_its_sea_part_and_grows():
    """Centred on the land border 2 km from the coast: the sea takes a slice, the radius makes up for it."""
    target = 1300 * KM * KM
    solved = solve_local_radius(shapely.Point(2 * KM, 0), target, COAST["host"])
    assert solved.area_m2 == pytest.approx(target, rel=AREA)
    assert inside(solved.geometry, COAST["host"])
    assert solved.radius_m > math.sqrt(target / (0.5 * math.pi)) * 1.01


# -- strips along the border ---------------------------------------------------------------------------------
def test_a_strip_on_a_straight_border_is_as_long_as_area_over_depth():
    target = 100 * KM * KM
    solved = solve_strip(STRAIGHT["line"], shapely.Point(0, 0), 1, 5 * KM, STRAIGHT["host"], target)
    assert solved.area_m2 == pytest.approx(target, rel=AREA)
    assert solved.length_m == pytest.approx(20 * KM, rel=AREA)
    minx, miny, maxx, maxy = solved.geometry.bounds
    assert (minx, miny) == pytest.approx((0, 0), abs=1.0) and maxx == pytest.approx(20 * KM, rel=AREA)
    assert maxy == pytest.approx(5 * KM, rel=1e-6)
    assert inside(solved.geometry, STRAIGHT["host"]) and solved.end is None


@pytest.mark.parametrize("direction, span", [(-1, (-20 * KM, 0)), (0, (-10 * KM, 10 * KM))])
def test_a_strip_runs_the_way_it_is_told(direction, span):
    solved = solve_strip(STRAIGHT["line"], shapely.Point(0, 0), direction, 5 * KM, STRAIGHT["host"], 100 * KM * KM)
    minx, _, maxx, _ = solved.geometry.bounds
    assert (minx, maxx) == pytest.approx(span, abs=20.0)


def test_a_strip_leaves_a_lost_town_out():
    """The town 6 km from the border is within reach of a 7.5 km deep strip: a notch keeps it out."""
    town = shapely.Point(5 * KM, 6 * KM)
    town_disc = town.buffer(2 * KM)
    target = 150 * KM * KM
    solved = solve_strip(STRAIGHT["line"], shapely.Point(0, 0), 1, 7.5 * KM, STRAIGHT["host"], target,
                         leave_out=town_disc)
    assert solved.area_m2 == pytest.approx(target, rel=AREA)
    assert not solved.geometry.intersects(town)
    assert solved.geometry.intersection(town_disc).area < 1.0


def test_a_strip_turns_the_corner():
    """From 20 km up the western border, 300 km² at 5 km deep reach round the corner into the southern one."""
    target = 300 * KM * KM
    solved = solve_strip(CORNER["line"], shapely.Point(0, 20 * KM), 1, 5 * KM, CORNER["host"], target)
    assert solved.area_m2 == pytest.approx(target, rel=AREA)
    assert inside(solved.geometry, CORNER["host"])
    assert solved.geometry.contains(shapely.Point(30 * KM, 2 * KM))  # along the southern border
    assert solved.geometry.contains(shapely.Point(2 * KM, 15 * KM))  # and the western one


def test_a_strip_that_meets_the_coast_is_moved_back_along_the_border():
    """Told to run west from 5 km along the border, the strip stops at the coast and grows east instead."""
    target = 100 * KM * KM
    solved = solve_strip(COAST["line"], shapely.Point(5 * KM, 0), -1, 5 * KM, COAST["host"], target)
    assert solved.area_m2 == pytest.approx(target, rel=AREA)
    assert inside(solved.geometry, COAST["host"])
    assert solved.geometry.bounds[0] >= -1.0  # nothing west of the coast point ...
    assert solved.end is not None and solved.end.distance(shapely.Point(0, 0)) < 1.0  # ... where the line ends


@pytest.mark.parametrize("direction", [1, 0])
def test_a_strip_grown_from_earlier_tries_is_the_strip_drawn_at_once(direction):
    """The solver's tries reuse the buffers of shorter ones: the strip is still the band along its stretch."""
    zigzag = shapely.LineString([(x * KM, (3 * KM if x % 4 == 2 else 0.0)) for x in range(-100, 101, 2)])
    host = shapely.Polygon([*zigzag.coords, (100 * KM, 100 * KM), (-100 * KM, 100 * KM)])  # north of the zigzag
    tries = StripTries(zigzag, 100 * KM, direction, 5 * KM, host, None)
    for length in (20 * KM, 45 * KM, 31 * KM):
        area, strip = tries.area_of(length)
        whole = border_band(stretch(zigzag, 100 * KM, direction, length), 5 * KM, host)
        assert area == pytest.approx(whole.area, rel=1e-4)
        assert strip.symmetric_difference(whole).area < 1e-4 * whole.area


def test_a_strip_longer_than_its_border_is_refused():
    short = shapely.LineString([(0, 0), (10 * KM, 0)])
    assert solve_strip(short, shapely.Point(0, 0), 1, 1 * KM, STRAIGHT["host"], 500 * KM * KM) is None


def test_stretch_keeps_its_length_inside_the_line():
    line = shapely.LineString([(0, 0), (10 * KM, 0)])
    assert stretch(line, 9 * KM, 1, 4 * KM).bounds == pytest.approx((6 * KM, 0, 10 * KM, 0))
    assert stretch(line, 1 * KM, 0, 4 * KM).bounds == pytest.approx((0, 0, 4 * KM, 0))
    assert stretch(line, 5 * KM, -1, 20 * KM).length == pytest.approx(10 * KM)


@pytest.mark.parametrize("distance_km, area_km2, depth_km", [
    (9.0, 110.0, 7.0),  # Sudzha in March: as deep as the town allows
    (30.0, 110.0, math.sqrt(55.0)),  # far from the border: at least twice as long as deep
    (9.0, 390.0, math.sqrt(390.0) / 2.0),  # a large area near the border: at most four times as long as deep
    (0.5, 4.0, 1.0),  # at least the minimum
])
def test_strip_depth(distance_km, area_km2, depth_km):
    assert strip_depth(distance_km * KM, area_km2 * KM * KM, 2 * KM, 1 * KM) / KM == pytest.approx(depth_km)


# -- which way along the border ------------------------------------------------------------------------------
def test_places_say_which_way_a_strip_runs():
    start = shapely.Point(0, 0)
    east, west = shapely.Point(30 * KM, 8 * KM), shapely.Point(-25 * KM, 5 * KM)
    assert side_along(STRAIGHT["line"], start, [east])[0] == 1
    assert side_along(STRAIGHT["line"], start, [west, west, east])[0] == -1
    assert side_along(STRAIGHT["line"], start, [west, east])[0] == 0  # a tie names no side
    assert side_along(STRAIGHT["line"], start, [shapely.Point(1 * KM, 20 * KM)]) == (0, [0])  # right in front


# -- bands along a whole line (buffer zones) -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["straight", "corner", "coast"])
def test_a_buffer_zone_band_is_area_true_along_its_line(name):
    world = WORLDS[name]
    target = 200 * KM * KM
    solved = solve_band_depth(world["line"], world["host"], target)
    assert solved.area_m2 == pytest.approx(target, rel=AREA)
    assert inside(solved.geometry, world["host"])
    assert solved.geometry.distance(world["line"]) < 1.0  # it lies on the line
    assert solved.length_m < 5 * KM  # a few km deep along 100-200 km of border


def test_a_buffer_zone_along_a_perimeter_follows_every_land_border_but_not_the_coast():
    """A strip of land 10 km wide: borders east and south, sea to the west; 60 km² along the perimeter."""
    strip_of_land = shapely.box(0, 0, 10 * KM, 40 * KM)
    perimeter = shapely.MultiLineString([[(10 * KM, 40 * KM), (10 * KM, 0)], [(10 * KM, 0), (0, 0)]])
    solved = solve_band_depth(perimeter, strip_of_land, 60 * KM * KM)
    assert solved.area_m2 == pytest.approx(60 * KM * KM, rel=AREA)
    assert solved.geometry.contains(shapely.Point(9.5 * KM, 30 * KM))  # along the eastern border
    assert solved.geometry.contains(shapely.Point(5 * KM, 0.5 * KM))  # along the southern one
    assert not solved.geometry.contains(shapely.Point(0.5 * KM, 30 * KM))  # not along the coast


def test_a_band_the_host_cannot_hold_is_refused():
    assert solve_band_depth(STRAIGHT["line"], shapely.box(0, 0, 10 * KM, 10 * KM), 500 * KM * KM) is None
