"""International borders near an anchor: which neighbour, the shared line, the nearest point, bands.

All work happens in the anchor's local equal-area projection; the distance
to the nearest border point is then measured on the ellipsoid (Geod.inv).
Natural Earth 1:10m borders are generalised, so measured distances carry an
error of roughly a kilometre or two.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points, substring

from geomap.geometry.projection import (LocalProjection, geodesic_distance_km, linear, lonlat_window,
                                        polygonal)
from geomap.geometry.workspace import Workspace

SHARED_EDGE_TOLERANCE_M = 100.0  # admin-1 and admin-0 polygons share vertices; this absorbs rounding
SEARCH_WINDOWS_KM = (150.0, 600.0, 2400.0)


@dataclass(frozen=True)
class BorderPoint:
    """The nearest point of a land border to an anchor."""

    lon: float
    lat: float
    distance_km: float  # geodesic, anchor to this point
    country: str  # the anchor's side
    neighbour: str  # the other side


def neighbour_countries(workspace: Workspace, projection: LocalProjection, country: str,
                        window_km: float) -> list[tuple[float, str]]:
    """(distance in m, code) of the other countries within ``window_km`` of the projection centre, nearest first."""
    window = lonlat_window(projection.lon, projection.lat, window_km)
    frame = workspace.regions.frame("country", window.bounds)
    centre = projection.point_to_local(projection.lon, projection.lat)
    found = []
    for code in sorted(frame["code"]):
        if code == country:
            continue
        local = workspace.local_polygon(projection, code, window_km=window_km)
        if local is not None and not local.is_empty:
            found.append((local.distance(centre), code))
    return sorted(found)


def shared_border(workspace: Workspace, projection: LocalProjection, area_code: str, neighbour: str,
                  window_km: float | None) -> BaseGeometry:
    """The part of ``area_code``'s outline that runs along ``neighbour`` (local metres, merged lines).

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

    The search window grows until the nearest border point lies well inside it,
    so a point outside the window cannot be nearer.
    """
    centre = projection.point_to_local(projection.lon, projection.lat)
    for window_km in SEARCH_WINDOWS_KM:
        border = shared_border(workspace, projection, country, neighbour, window_km)
        if border.is_empty:
            continue
        point = nearest_points(border, centre)[0]
        if point.distance(centre) / 1000.0 < 0.8 * window_km:
            lon, lat = projection.point_to_lonlat(point.x, point.y)
            distance = geodesic_distance_km(projection.lon, projection.lat, lon, lat)
            return BorderPoint(lon, lat, distance, country, neighbour)
    return None


def nearest_component(lines: BaseGeometry, point: shapely.Point) -> BaseGeometry:
    """The connected line of a (multi)line nearest ``point`` (ties: the first)."""
    parts = list(shapely.get_parts(lines))
    distances = [part.distance(point) for part in parts]
    return parts[distances.index(min(distances))]


def border_segment(lines: BaseGeometry, point: shapely.Point, width_m: float | None) -> BaseGeometry:
    """The border line nearest ``point``, limited to ``width_m`` centred on the point's projection onto it."""
    line = nearest_component(lines, point)
    if width_m is None or width_m >= line.length:
        return line
    along = line.project(point)
    start = min(max(along - width_m / 2.0, 0.0), line.length - width_m)
    return substring(line, start, start + width_m)


def border_band(segment: BaseGeometry, depth_m: float, host: BaseGeometry) -> BaseGeometry:
    """Everything in ``host`` within ``depth_m`` of the border ``segment`` (flat ends, so width stays as claimed)."""
    band = shapely.buffer(segment, depth_m, cap_style="flat", quad_segs=16)
    return polygonal(shapely.intersection(band, host))
