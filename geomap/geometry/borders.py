"""International borders near an anchor: which neighbour, the shared line, the nearest point, bands.

All work happens in the anchor's local equal-area projection; the distance
to the nearest border point is then measured on the ellipsoid (Geod.inv).

Two sources of border lines, best first:

- the OpenStreetMap land border lines of ``borders.npz``
  (:mod:`geomap.gazetteer.borders`), simplified to ~30 m;
- the shared edges of the Natural Earth 1:10m polygons, which are
  generalised (their Russia-Ukraine border lies up to ~6 km, typically
  1-1.5 km, from the OpenStreetMap line). Used for pairs the lines lack.

Bands are still clipped to the Natural Earth host polygon (there is no
accurate admin-1 polygon), but drawn from the accurate line and only on the
host's side of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points, split
from shapely.ops import substring as shapely_substring

from geomap.geometry.projection import (LocalProjection, geodesic_distance_km, linear, lonlat_window,
                                        polygonal)
from geomap.geometry.workspace import Workspace

SHARED_EDGE_TOLERANCE_M = 100.0  # admin-1 and admin-0 polygons share vertices; this absorbs rounding
SEARCH_WINDOWS_KM = (150.0, 600.0, 2400.0)
# A Natural Earth admin-1 edge lies up to ~6 km from the OpenStreetMap line (Russia-Ukraine, Belarus-Ukraine):
# the part of the accurate line within this distance of a region's edge is that region's border.
REGION_MATCH_TOLERANCE_M = 7000.0
ACCURATE_SOURCE = "OpenStreetMap land border"
COARSE_SOURCE = "Natural Earth 1:10m border"


@dataclass(frozen=True)
class BorderPoint:
    """The nearest point of a land border to an anchor."""

    lon: float
    lat: float
    distance_km: float  # geodesic, anchor to this point
    country: str  # the anchor's side
    neighbour: str  # the other side
    source: str = COARSE_SOURCE  # which border line was measured (ACCURATE_SOURCE or COARSE_SOURCE)


def neighbour_countries(workspace: Workspace, projection: LocalProjection, country: str,
                        window_km: float) -> list[tuple[float, str]]:
    """(distance in m, code) of the other countries within ``window_km`` of the projection centre, nearest first."""
    return workspace.remember(("neighbours", projection.key, country, window_km),
                              lambda: _neighbour_countries(workspace, projection, country, window_km))


def _neighbour_countries(workspace: Workspace, projection: LocalProjection, country: str,
                         window_km: float) -> list[tuple[float, str]]:
    window = lonlat_window(projection.lon, projection.lat, window_km)
    centre = projection.point_to_local(projection.lon, projection.lat)
    found = []
    for code in sorted(workspace.regions.codes_of("country", window.bounds)):
        if code == country:
            continue
        local = workspace.local_polygon(projection, code, window_km=window_km)
        if local is not None and not local.is_empty:
            found.append((local.distance(centre), code))
    return sorted(found)


def shared_border(workspace: Workspace, projection: LocalProjection, area_code: str, neighbour: str,
                  window_km: float | None) -> BaseGeometry:
    """The border between ``area_code`` and the country ``neighbour`` (local metres, merged lines).

    The accurate land border line of the area's country and the neighbour when
    there is one (for an admin-1 or named region: the stretch of it along the
    region's own edge), else the region outline's Natural Earth edge
    (:func:`natural_earth_border`). ``window_km`` as there.
    """
    return workspace.borders.get((projection.key, area_code, neighbour, window_km),
                                 lambda: _shared_border(workspace, projection, area_code, neighbour, window_km))


def _shared_border(workspace: Workspace, projection: LocalProjection, area_code: str, neighbour: str,
                   window_km: float | None) -> BaseGeometry:
    # a country's accurate line is used as it is: the Natural Earth edge (slow to find) only for the others
    accurate = has_border_line(workspace, area_code, neighbour)
    country = area_country(workspace, area_code)
    if accurate and area_code == country:
        return workspace.local_border_line(projection, country, neighbour, window_km)
    coarse = natural_earth_border(workspace, projection, area_code, neighbour, window_km)
    if not accurate or coarse.is_empty:
        return coarse
    reach_km = window_km if window_km is not None else _reach_km(coarse) + REGION_MATCH_TOLERANCE_M / 1000.0
    line = workspace.local_border_line(projection, country, neighbour, reach_km)
    return linear(shapely.intersection(line, shapely.buffer(coarse, REGION_MATCH_TOLERANCE_M)))


def has_border_line(workspace: Workspace, area_code: str, neighbour: str) -> bool:
    """Whether the accurate border line of ``area_code``'s country and ``neighbour`` exists."""
    country = area_country(workspace, area_code)
    return country is not None and workspace.border_lines.has(country, neighbour)


def area_country(workspace: Workspace, area_code: str) -> str | None:
    """The one country a region lies in (the code itself for a country; None when several or unknown)."""
    return workspace.country_of(area_code)


def _reach_km(local: BaseGeometry) -> float:
    """Distance from the projection centre to the farthest corner of a local geometry's bounds, in km."""
    minx, miny, maxx, maxy = local.bounds
    return max(abs(minx), abs(maxx), abs(miny), abs(maxy)) * 1.5 / 1000.0


def natural_earth_border(workspace: Workspace, projection: LocalProjection, area_code: str, neighbour: str,
                         window_km: float | None) -> BaseGeometry:
    """The part of ``area_code``'s Natural Earth outline that runs along ``neighbour`` (local metres, merged lines).

    ``window_km`` crops both polygons around the projection centre first (needed
    for countries; None keeps an admin-1 region whole, in which case the
    neighbour is cropped to a window covering the region).
    """
    area = workspace.local_polygon(projection, area_code, window_km=window_km, simplify=False)
    if window_km is None:
        minx, miny, maxx, maxy = area.bounds
        reach_km = max(abs(minx), abs(maxx), abs(miny), abs(maxy)) / 1000.0 * 1.5 + 10.0
        other = workspace.local_polygon(projection, neighbour, window_km=reach_km, simplify=False)
    else:
        other = workspace.local_polygon(projection, neighbour, window_km=window_km, simplify=False)
    if area is None or other is None or area.is_empty or other.is_empty:
        return shapely.MultiLineString()
    near_other = shapely.buffer(other, SHARED_EDGE_TOLERANCE_M)
    return linear(shapely.intersection(area.boundary, near_other))


def choose_neighbour(workspace: Workspace, projection: LocalProjection, country: str,
                     preferred: list[str | None]) -> str | None:
    """The first preferred country that is not ``country`` and exists, else the nearest foreign country."""
    for code in preferred:
        if code and code != country and workspace.region_kind(code) == "country":
            return code
    for window_km in SEARCH_WINDOWS_KM:
        found = neighbour_countries(workspace, projection, country, window_km)
        if found:
            return found[0][1]
    return None


def nearest_border_point(workspace: Workspace, projection: LocalProjection, country: str,
                         neighbour: str) -> BorderPoint | None:
    """Nearest point of the ``country``-``neighbour`` land border to the projection centre.

    Measured against the accurate border line when there is one, else the
    Natural Earth polygons' shared edge. The search window grows until the
    nearest border point lies well inside it, so a point outside the window
    cannot be nearer.
    """
    centre = projection.point_to_local(projection.lon, projection.lat)
    accurate = workspace.border_lines.has(country, neighbour)
    for window_km in SEARCH_WINDOWS_KM:
        if accurate:
            border = workspace.local_border_line(projection, country, neighbour, window_km)
        else:
            border = natural_earth_border(workspace, projection, country, neighbour, window_km)
        if border.is_empty:
            continue
        point = nearest_points(border, centre)[0]
        if point.distance(centre) / 1000.0 < 0.8 * window_km:
            lon, lat = projection.point_to_lonlat(point.x, point.y)
            distance = geodesic_distance_km(projection.lon, projection.lat, lon, lat)
            return BorderPoint(lon, lat, distance, country, neighbour, ACCURATE_SOURCE if accurate else COARSE_SOURCE)
    return None


def nearest_component(lines: BaseGeometry, point: shapely.Point) -> BaseGeometry:
    """The connected line of a (multi)line nearest ``point`` (ties: the first)."""
    parts = list(shapely.get_parts(lines))
    distances = [part.distance(point) for part in parts]
    return parts[distances.index(min(distances))]


def substring(line: BaseGeometry, start_m: float, end_m: float) -> BaseGeometry:
    """The part of ``line`` from arc length ``start_m`` to ``end_m``: :func:`shapely.ops.substring`, vectorised.

    shapely's walks the vertices in Python, the slow part of cutting a strip's
    stretch or a band's segment out of a border line of thousands of vertices;
    this keeps the same vertices (those strictly between the two distances,
    measured the same way) and the same interpolated ends, so the line is the
    same to the bit. Other cases (reversed, out of range) go to shapely's.
    """
    if line.geom_type != "LineString" or not 0.0 <= start_m < end_m <= line.length:
        return shapely_substring(line, start_m, end_m)
    coords = shapely.get_coordinates(line)
    steps = np.diff(coords, axis=0)
    along = np.concatenate(([0.0], np.cumsum(np.sqrt(steps[:, 0] ** 2 + steps[:, 1] ** 2))))[:-1]
    inner = coords[:-1][(along > start_m) & (along < end_m)]
    ends = shapely.get_coordinates(shapely.line_interpolate_point(line, [start_m, end_m]))
    return shapely.LineString(np.vstack((ends[:1], inner, ends[1:])))


def border_segment(lines: BaseGeometry, point: shapely.Point, width_m: float | None) -> BaseGeometry:
    """The border line nearest ``point``, limited to ``width_m`` centred on the point's projection onto it."""
    line = nearest_component(lines, point)
    if width_m is None or width_m >= line.length:
        return line
    along = line.project(point)
    start = min(max(along - width_m / 2.0, 0.0), line.length - width_m)
    return substring(line, start, start + width_m)


def border_band(segment: BaseGeometry, depth_m: float, host: BaseGeometry,
                border: BaseGeometry | None = None) -> BaseGeometry:
    """Everything in ``host`` within ``depth_m`` of the border ``segment``, on the host's side of ``border``.

    The band ends square to the border's general direction at each end of the
    segment (see :func:`end_caps`), so its width stays as claimed however
    much the line wiggles. ``border`` is the whole border line the segment was
    taken from: when it is the accurate line and the generalised host polygon
    reaches across it, the host is cut along it first (:func:`host_side`), so
    no sliver beyond the real border joins the band.
    """
    if border is not None and not border.is_empty:
        host = host_side(host, border)
    reach = line_reach(segment, depth_m)
    caps = end_caps(segment, depth_m)
    if not caps.is_empty:
        reach = shapely.difference(reach, caps)
    return polygonal(shapely.intersection(reach, host))


# Vertices per piece when a long border line is buffered piece by piece (see line_reach).
REACH_PIECE_VERTICES = 64
# Segments per quarter circle where a band's inner edge rounds a bend: 8 keeps it within 2 % of the depth of
# the true arc (300 m at 15 km, invisible at the scale of a band) and buffers about twice as fast as 16.
REACH_QUAD_SEGMENTS = 8


def line_reach(line: BaseGeometry, distance_m: float) -> BaseGeometry:
    """Everything within ``distance_m`` of ``line``: its buffer, made as the union of its pieces' buffers.

    The buffer of a union is the union of the buffers, so this is the same
    region; but GEOS buffers a real border line of a thousand wiggling
    vertices 13-38 km deep in 50-250 ms, and its pieces of 64 vertices, then
    united, about five times faster. Only where arcs are cut into chords do
    the two outlines differ (by under 50 m on the benchmark corpora, relative
    area under 1e-4).
    """
    if line.geom_type != "LineString" or len(line.coords) <= REACH_PIECE_VERTICES:
        return shapely.buffer(line, distance_m, quad_segs=REACH_QUAD_SEGMENTS)
    coords = shapely.get_coordinates(line)
    step = REACH_PIECE_VERTICES - 1  # consecutive pieces share an end vertex, so no gap opens between them
    pieces = [shapely.LineString(coords[i:i + REACH_PIECE_VERTICES]) for i in range(0, len(coords) - 1, step)]
    return shapely.union_all(shapely.buffer(pieces, distance_m, quad_segs=REACH_QUAD_SEGMENTS))


def end_caps(segment: BaseGeometry, depth_m: float) -> BaseGeometry:
    """What ``segment``'s buffer reaches beyond a square cut at each end.

    The cut is perpendicular to the chord over the last ``depth_m`` (at most
    half the segment) of each end, not to its last edge, which on a real
    border points anywhere; beyond it goes whatever lies within ``depth_m`` of
    that end stretch.
    """
    if segment.geom_type != "LineString" or segment.length == 0:
        return shapely.Polygon()
    caps = [cap for cap in (end_cap(segment, at_start, depth_m) for at_start in (True, False)) if cap is not None]
    return shapely.union_all(caps) if caps else shapely.Polygon()


def end_stretch(segment: BaseGeometry, at_start: bool, depth_m: float) -> tuple[float, float]:
    """(end, inner) arc lengths of the stretch of ``segment`` whose chord squares off one end (see :func:`end_caps`)."""
    chord = min(depth_m, segment.length / 2.0)
    return (0.0, chord) if at_start else (segment.length, segment.length - chord)


def end_cap(segment: BaseGeometry, at_start: bool, depth_m: float) -> BaseGeometry | None:
    """The cap of :func:`end_caps` at one end of ``segment`` (None when that end has no direction)."""
    end, inner = end_stretch(segment, at_start, depth_m)
    tip, back = segment.interpolate(end), segment.interpolate(inner)
    dx, dy = tip.x - back.x, tip.y - back.y
    norm = (dx * dx + dy * dy) ** 0.5
    if norm == 0:
        return None
    ux, uy = dx / norm, dy / norm  # outwards along the border
    far = 2.0 * depth_m
    beyond = shapely.Polygon([(tip.x - uy * far, tip.y + ux * far), (tip.x + uy * far, tip.y - ux * far),
                              (tip.x + uy * far + ux * far, tip.y - ux * far + uy * far),
                              (tip.x - uy * far + ux * far, tip.y + ux * far + uy * far)])
    stretch = substring(segment, min(end, inner), max(end, inner))
    reach = shapely.buffer(stretch, depth_m * 1.001, quad_segs=REACH_QUAD_SEGMENTS)
    return shapely.intersection(reach, beyond)


def host_side(host: BaseGeometry, border: BaseGeometry) -> BaseGeometry:
    """``host`` without the slivers ``border`` cuts off it: of each polygon the line cuts, its largest piece."""
    line = linear(border)
    kept = []
    for part in shapely.get_parts(polygonal(host)):
        pieces = [p for p in shapely.get_parts(split(part, line)) if p.area > 0] if part.intersects(line) else [part]
        kept.append(max(pieces, key=lambda piece: piece.area) if pieces else part)
    return shapely.union_all(kept) if len(kept) > 1 else kept[0]
