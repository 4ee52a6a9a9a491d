"""The shapes a claimed area is drawn as, on plain geometry in local metres (equal-area projection).

Pure functions of shapely geometries, so that each construction can be tested
on synthetic geometry (a straight border, a corner, a coast) without the
gazetteer; :mod:`geomap.geometry.incursion` and :mod:`geomap.geometry.build`
apply them to real borders.

- :func:`accurate_side`: a host polygon cut along an accurate border line (its
  pieces beyond the line dropped, the neighbour's pieces on its side added);
- :func:`solve_local_radius` (in :mod:`~geomap.geometry.buffers`): an
  area-true disc, clipped to the host; centred on the anchor, or on the
  border point nearest it for an incursion;
- :func:`solve_strip`: an area-true strip along a border line, a given depth
  deep, grown along the line from a start point in one direction (or both);
- :func:`solve_band_depth`: an area-true band along a whole line (a buffer
  zone along a border or a perimeter), its depth solved;
- :func:`side_along`: which way along a border line a set of places lies.

Every solver grows one length (a radius, a strip's length, a band's depth)
until the clipped area matches the target (discs within
:data:`~geomap.geometry.buffers.AREA_TOLERANCE`, strips and bands within
:data:`LENGTH_SOLVER_TOLERANCE`, both relative and well inside the 0.1 % the
maps promise), using that the clipped area never shrinks as the length grows.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geomap.geometry.borders import end_cap, end_stretch, host_side, line_reach, nearest_component, substring
from geomap.geometry.buffers import disc, refine_root
from geomap.geometry.projection import linear, polygonal

SIDE_MIN_OFFSET_M = 2000.0  # a place this close (along the border) to the start point names no side
# A band's or strip's inner edge is drawn from the border line simplified to this much, or a fiftieth of its
# depth when that is more (its border edge stays the accurate host's): buffering the 30 m line kilometres deep
# is the slow part, and 2 % of the depth on the inner edge is not visible at the scale of the band.
STRIP_SIMPLIFY_M = 100.0
SIMPLIFY_DEPTH_SHARE = 0.02


def inner_edge_line(line: BaseGeometry, depth_m: float) -> BaseGeometry:
    """The border line simplified for drawing a band ``depth_m`` deep along it (see :data:`STRIP_SIMPLIFY_M`)."""
    return shapely.simplify(line, max(STRIP_SIMPLIFY_M, SIMPLIFY_DEPTH_SHARE * depth_m))
LENGTH_SOLVER_TOLERANCE = 5e-4  # 0.05 %: each try buffers a border line kilometres deep, the slow part
ADDED_MIN_M = 1e-3  # a stretch grown by less than this along the line keeps the earlier buffer as it is
MIN_PIECE_M2 = 100.0  # slivers of a cut host smaller than this are dropped (GEOS clips them into broken rings)
# A spike (a ring running out to a vertex and back along itself) whose base is narrower than this share of the
# side of the smallest piece kept is removed: the union of a host with the neighbour's pieces leaves such
# zero-width spikes where their shared edges differ by rounding, and GEOS clips a spike into a 3-point ring.
SPIKE_BASE_SHARE = 1e-5


@dataclass(frozen=True)
class Solved:
    """A solved shape: its geometry and area (local metres) and the length that was solved for."""

    geometry: BaseGeometry
    area_m2: float
    length_m: float  # the strip's length along the line, or the band's depth
    iterations: int
    end: shapely.Point | None = None  # the end of its line a strip reached (and was moved back from)


# -- hosts ---------------------------------------------------------------------------------------------------
def accurate_side(host: BaseGeometry, neighbour: BaseGeometry | None, line: BaseGeometry,
                  near_m: float | None = None, min_piece: float = MIN_PIECE_M2) -> BaseGeometry:
    """``host`` cut along the accurate border ``line`` with ``neighbour``.

    The generalised host polygon reaches across the real border in places and
    stops short of it in others. Both polygons are split by the line: the
    pieces of ``host`` cut off beyond it are dropped (the largest piece of each
    polygon stays, see :func:`~geomap.geometry.borders.host_side`), and the
    pieces of ``neighbour`` cut off on the host's side are added. With
    ``near_m`` (for a region whose country's border runs on past it) only
    their parts within that distance of the region are added, and only where
    they touch it. Pieces smaller than
    ``min_piece`` are dropped. Lengths and areas are in the geometries' own
    units (metres, or degrees when the polygons are cut once in lon/lat).
    """
    line = linear(line)
    if line.is_empty or host is None or host.is_empty:
        return host
    kept = host_side(host, line)
    pieces = []
    if neighbour is not None and not neighbour.is_empty and neighbour.intersects(line):
        added = polygonal(shapely.difference(neighbour, host_side(neighbour, line)))
        if added is not None and near_m is not None and not added.is_empty:
            # a sliver runs along the whole border: only its part next to this region is this region's
            added = polygonal(shapely.intersection(added, shapely.buffer(kept, near_m, quad_segs=4)))
        pieces = [p for p in shapely.get_parts(added) if p.area > min_piece] if added is not None else []
        if near_m is not None:
            pieces = [p for p in pieces if p.intersects(kept) or p.distance(kept) <= min_piece]
    merged = shapely.union_all([kept, *pieces]) if pieces else kept
    merged = polygonal(merged if merged.is_valid else shapely.make_valid(merged))
    merged = without_spikes(merged, SPIKE_BASE_SHARE * math.sqrt(min_piece))
    parts = [p for p in shapely.get_parts(merged) if p.area > min_piece]
    return shapely.union_all(parts) if len(parts) != 1 else parts[0]


def without_spikes(geometry: BaseGeometry, base: float) -> BaseGeometry:
    """``geometry`` (polygonal) with its spikes removed: vertices a ring runs out to and back from, the
    points either side of them closer than ``base``. Rings left with no area are dropped; a geometry
    without spikes is returned as it is."""
    polygons = shapely.get_parts(geometry)
    if not any(_has_spike(ring, base) for polygon in polygons for ring in shapely.get_rings(polygon)):
        return geometry
    kept = []
    for polygon in polygons:
        exterior = _ring_without_spikes(shapely.get_coordinates(polygon.exterior), base)
        if exterior is None:
            continue
        holes = [_ring_without_spikes(shapely.get_coordinates(hole), base) for hole in polygon.interiors]
        kept.append(shapely.Polygon(exterior, [hole for hole in holes if hole is not None]))
    cleaned = shapely.MultiPolygon(kept) if len(kept) != 1 else kept[0]
    return cleaned if cleaned.is_valid else polygonal(shapely.make_valid(cleaned))


def _has_spike(ring: BaseGeometry, base: float) -> bool:
    points = shapely.get_coordinates(ring)[:-1]
    if len(points) < 3:
        return True
    before, after = np.roll(points, 1, axis=0), np.roll(points, -1, axis=0)
    return bool(np.any(np.hypot(*(before - after).T) <= base))


def _ring_without_spikes(closed: np.ndarray, base: float) -> list | None:
    """The vertices of a closed ring without its spikes (nested ones too), None when no area is left."""
    points = [tuple(point) for point in closed[:-1]]

    def near(a: tuple, b: tuple) -> bool:
        return math.hypot(a[0] - b[0], a[1] - b[1]) <= base

    while True:
        count = len(points)
        stack: list[tuple] = []
        for point in points:
            if len(stack) >= 2 and near(point, stack[-2]):
                stack.pop()  # the apex; the point itself is where the spike left the ring
                continue
            stack.append(point)
        if len(stack) >= 3 and near(stack[-1], stack[1]):  # a spike whose apex is the first vertex
            stack = stack[2:]
        elif len(stack) >= 3 and near(stack[-2], stack[0]):  # ... or the last
            stack = stack[:-2]
        points = stack
        if len(points) == count:
            break
    if len(points) < 3:
        return None
    return [*points, points[0]]


# -- one-dimensional area solver -----------------------------------------------------------------------------
def solve_length(area_of: Callable[[float], tuple[float, BaseGeometry]], target_m2: float, start_m: float,
                 max_m: float) -> Solved | None:
    """The length in (0, ``max_m``] whose shape has area ``target_m2`` (None when even ``max_m`` is too short).

    ``area_of(length)`` gives (area, geometry) and must not decrease with the
    length. The root is bracketed by doubling from ``start_m`` and refined by
    the Illinois variant of regula falsi (as the radius solver does).
    """
    low, f_low = 0.0, -target_m2
    high = min(start_m, max_m)
    area, geometry = area_of(high)
    f_high = area - target_m2
    iterations = 1
    while f_high < 0 and high < max_m:
        low, f_low = high, f_high
        # grow by the shortfall, a little more so that the next try brackets the root (1.2x to 4x)
        high = min(high * min(max(1.15 * target_m2 / max(area, 1e-9), 1.2), 4.0), max_m)
        area, geometry = area_of(high)
        f_high = area - target_m2
        iterations += 1
    if f_high < -LENGTH_SOLVER_TOLERANCE * target_m2:
        return None
    if f_high < 0:  # short by rounding only, at the longest length there is
        return Solved(geometry, area, high, iterations)

    def excess(length: float) -> tuple[float, BaseGeometry]:
        value, shape = area_of(length)
        return value - target_m2, shape

    length, excess_m2, geometry, refined = refine_root(excess, (low, f_low), (high, f_high, geometry),
                                                       LENGTH_SOLVER_TOLERANCE * target_m2, 1e-3)
    return Solved(geometry, excess_m2 + target_m2, length, iterations + refined)


# -- strips along a border -----------------------------------------------------------------------------------
def stretch_bounds(total_m: float, start_m: float, direction: int, length_m: float) -> tuple[float, float]:
    """(first, last) arc lengths of :func:`stretch`."""
    if length_m >= total_m:
        return 0.0, total_m
    if direction > 0:
        first = start_m
    elif direction < 0:
        first = start_m - length_m
    else:
        first = start_m - length_m / 2.0
    first = min(max(first, 0.0), total_m - length_m)
    return first, first + length_m


def stretch(line: BaseGeometry, start_m: float, direction: int, length_m: float) -> BaseGeometry:
    """``length_m`` of ``line`` from ``start_m`` (arc length) in ``direction`` (+1, -1; 0: centred on it).

    Where the line ends first, the stretch is moved back along it so that it
    keeps its length (and is the whole line when that is shorter).
    """
    if length_m >= line.length:
        return line
    first, last = stretch_bounds(line.length, start_m, direction, length_m)
    return substring(line, first, last)


def solve_strip(line: BaseGeometry, start: shapely.Point, direction: int, depth_m: float, host: BaseGeometry,
                target_m2: float, leave_out: BaseGeometry | None = None) -> Solved | None:
    """An area-true strip ``depth_m`` deep along ``line``, grown from ``start`` in ``direction``.

    The strip is :func:`~geomap.geometry.borders.border_band` of a stretch of
    the line component nearest ``start`` (square ends, clipped to ``host``),
    minus ``leave_out`` (a lost town). Its length is solved so that its area
    is ``target_m2``; None when the whole component is too short for it.
    """
    component = nearest_component(linear(line), start)
    outline = inner_edge_line(component, depth_m)  # lengths along the strip are measured on it
    at = outline.project(start)
    strips = StripTries(outline, at, direction, depth_m, host, leave_out)
    solved = solve_length(strips.area_of, target_m2, max(target_m2 / depth_m, 1.0), outline.length)
    if solved is None:
        return None
    first, last = stretch_bounds(outline.length, at, direction, solved.length_m)
    wanted = {1: at, -1: at - solved.length_m, 0: at - solved.length_m / 2.0}[direction]
    if abs(first - wanted) <= 1.0:
        return solved
    end = outline.interpolate(0.0 if first <= 1.0 else outline.length)
    return dataclasses.replace(solved, end=end)


class StripTries:
    """The strips one solve tries along a line: each the region :func:`~geomap.geometry.borders.border_band` draws.

    Buffering the stretch kilometres deep is the slow part of a try, and after
    the first each try's stretch holds an earlier one (a longer strip covers a
    shorter one), so its buffer is the earlier buffer joined with those of the
    metres added at either end (the buffer of a union is the union of the
    buffers; their outlines differ only where arcs are cut into chords). The
    square cap at an end that stays put is cut once.
    """

    def __init__(self, outline: BaseGeometry, at: float, direction: int, depth_m: float, host: BaseGeometry,
                 leave_out: BaseGeometry | None):
        self.outline, self.at, self.direction, self.depth_m = outline, at, direction, depth_m
        self.host, self.leave_out = host, leave_out
        self.reaches: list[tuple[float, float, BaseGeometry]] = []  # (first, last, buffer) of stretches tried
        self.caps: dict[tuple[float, ...], BaseGeometry | None] = {}

    def reach(self, first: float, last: float) -> BaseGeometry:
        """Everything within the depth of the stretch from ``first`` to ``last`` (arc lengths)."""
        held = [tried for tried in self.reaches if first <= tried[0] and tried[1] <= last]
        if held:
            start, end, earlier = max(held, key=lambda tried: tried[1] - tried[0])
            added = [substring(self.outline, a, b) for a, b in ((first, start), (end, last)) if b - a > ADDED_MIN_M]
            reach = shapely.union_all([earlier, *(line_reach(piece, self.depth_m) for piece in added)])
        else:
            reach = line_reach(substring(self.outline, first, last), self.depth_m)
        self.reaches.append((first, last, reach))
        return reach

    def cap(self, piece: BaseGeometry, at_start: bool) -> BaseGeometry | None:
        """:func:`~geomap.geometry.borders.end_cap`, cut once per end stretch."""
        end, inner = end_stretch(piece, at_start, self.depth_m)
        tip, back = piece.interpolate(end), piece.interpolate(inner)
        key = (tip.x, tip.y, back.x, back.y, piece.length if not at_start else 0.0)
        if key not in self.caps:
            self.caps[key] = end_cap(piece, at_start, self.depth_m)
        return self.caps[key]

    def area_of(self, length: float) -> tuple[float, BaseGeometry]:
        first, last = stretch_bounds(self.outline.length, self.at, self.direction, length)
        piece = stretch(self.outline, self.at, self.direction, length)
        minx, miny, maxx, maxy = piece.bounds
        margin = 1.5 * self.depth_m  # the host near the stretch is all the band can meet (clipping a big one is slow)
        near = shapely.clip_by_rect(self.host, minx - margin, miny - margin, maxx + margin, maxy + margin)
        near = near if near.is_valid else polygonal(shapely.make_valid(near))
        reach = self.reach(first, last)
        caps = [cap for cap in (self.cap(piece, True), self.cap(piece, False)) if cap is not None]
        if caps:
            reach = shapely.difference(reach, shapely.union_all(caps))
        band = polygonal(shapely.intersection(reach, near))
        if self.leave_out is not None and not self.leave_out.is_empty and band.intersects(self.leave_out):
            band = polygonal(shapely.difference(band, self.leave_out))
        return band.area, band


def strip_depth(anchor_distance_m: float, target_m2: float, town_radius_m: float, min_depth_m: float) -> float:
    """How deep a strip that leaves the anchor out is drawn.

    As deep as the anchor's distance to the border less the town's own
    radius allows (so the town stays out), but kept between two and four
    times as long as deep: at most the square root of half the area, at least
    half the square root of the area (a small town close to the border then
    leaves a notch: see ``leave_out`` of :func:`solve_strip`), and at least
    ``min_depth_m``.
    """
    deepest = math.sqrt(target_m2 / 2.0)
    shallowest = max(math.sqrt(target_m2) / 2.0, min_depth_m)
    return min(deepest, max(anchor_distance_m - town_radius_m, shallowest))


def side_along(line: BaseGeometry, start: shapely.Point, places: Sequence[shapely.Point]) -> tuple[int, list[int]]:
    """Which way along ``line`` (from ``start``) ``places`` lie: +1 or -1 by majority, 0 for none or a tie.

    Each place votes for the direction of its own nearest point on the line
    component nearest ``start``; a place whose point is within
    :data:`SIDE_MIN_OFFSET_M` of the start says nothing. Returns the side and
    each place's vote.
    """
    component = nearest_component(linear(line), start)
    at = component.project(start)
    votes = []
    for place in places:
        offset = component.project(place) - at
        votes.append(0 if abs(offset) < SIDE_MIN_OFFSET_M else (1 if offset > 0 else -1))
    total = sum(votes)
    return (0 if total == 0 else (1 if total > 0 else -1)), votes


# -- bands along a whole line --------------------------------------------------------------------------------
def solve_band_depth(line: BaseGeometry, host: BaseGeometry, target_m2: float) -> Solved | None:
    """An area-true band of ``host`` along the whole of ``line`` (every component), its depth solved.

    None when even a band as deep as the host is wide holds less than the target.
    """
    line = linear(line)
    minx, miny, maxx, maxy = host.bounds
    widest = math.hypot(maxx - minx, maxy - miny)

    def area_of(depth: float) -> tuple[float, BaseGeometry]:
        band = polygonal(shapely.intersection(shapely.buffer(line, depth, quad_segs=16), host))
        return band.area, band

    return solve_length(area_of, target_m2, max(target_m2 / max(line.length, 1.0), 1.0), widest)


def leave_out_disc(anchor: shapely.Point, radius_m: float) -> BaseGeometry:
    """The lost town a strip keeps out of: a disc of the town's radius."""
    return disc(anchor, radius_m)
