"""The claims map's frame: a local equal-area projection, its extent, label room and scale.

The map is drawn in a Lambert azimuthal equal-area projection centred on the
claims (areas compare truly; at the centre the scale is the same in every
direction). Every distance here is measured with pyproj on the WGS84
ellipsoid, never in degrees.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry.base import BaseGeometry

from geomap.geometry import overlay

GEOD = Geod(ellps="WGS84")
MIN_HALF_SPAN_M = 25_000.0  # a single small claim still shows its surroundings
PAD_FRACTION = 0.45  # margin around the claims, as a fraction of their extent
COUNTRY_SCALE_KM = 1500.0  # shapes wider than this (a whole country) say nothing on a local map
FOCUS_RADIUS_KM = 150.0  # claims this close to the busiest anchor share the main map
MEAN_EARTH_RADIUS_M = 6_371_008.8  # WGS84's mean radius
SPHERE_MARGIN = 0.02  # how far a distance on that sphere can be from the ellipsoid's, with room to spare


class MapView:
    """A Lambert azimuthal equal-area view centred on the claims, with an extent fitted to the axes."""

    def __init__(self, lon: float, lat: float, bounds: tuple[float, float, float, float]):
        self.lon, self.lat = lon, lat
        self.crs = CRS.from_proj4(f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +datum=WGS84 +units=m +no_defs")
        self.to_map = Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        self.to_lonlat = Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)
        self.bounds = bounds  # minx, miny, maxx, maxy in map metres

    @property
    def grid(self) -> float:
        """The snap-rounding grid of an overlay GEOS cannot compute as it is (see :mod:`geomap.geometry.overlay`)."""
        return overlay.grid_for(self.crs)

    def reframed(self, bounds: tuple[float, float, float, float]) -> "MapView":
        """This projection with other bounds (e.g. an overview), sharing its transformers (slow to make)."""
        view = copy.copy(self)
        view.bounds = bounds
        return view

    @classmethod
    def around(cls, geometries: Sequence[BaseGeometry], points: Sequence[tuple[float, float]],
               size: tuple[float, float], axes: tuple[float, float, float, float]) -> "MapView":
        # Whole-country "region" claims would zoom the map out to a country: frame the local shapes.
        local = [g for g in geometries if extent_km(g) < COUNTRY_SCALE_KM] or list(geometries)
        if local:
            west, south, east, north = shapely.total_bounds(local)
        elif points:
            lons, lats = zip(*points)
            west, south, east, north = min(lons), min(lats), max(lons), max(lats)
        else:
            west, south, east, north = 22.0, 44.0, 40.0, 53.0  # Ukraine and its neighbours
        lon, lat = round((west + east) / 2, 4), round((south + north) / 2, 4)
        view = cls(lon, lat, (0.0, 0.0, 0.0, 0.0))
        shapes = view.project_all(local if local else [shapely.box(west, south, east, north)])
        minx, miny, maxx, maxy = shapely.total_bounds(shapes)
        half_x = max(MIN_HALF_SPAN_M, (maxx - minx) * (0.5 + PAD_FRACTION))
        half_y = max(MIN_HALF_SPAN_M, (maxy - miny) * (0.5 + PAD_FRACTION))
        aspect = (size[0] * axes[2]) / (size[1] * axes[3])  # width / height of the axes
        half_x, half_y = max(half_x, half_y * aspect), max(half_y, half_x / aspect)
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        view.bounds = (cx - half_x, cy - half_y, cx + half_x, cy + half_y)
        return view

    def project(self, geometry: BaseGeometry) -> BaseGeometry:
        """A lon/lat geometry in map metres."""
        return shapely.transform(geometry, self._to_map)

    def project_all(self, geometries: Sequence[BaseGeometry | None]) -> np.ndarray:
        """Lon/lat geometries in map metres (an array; ``None`` stays ``None``), in one pyproj call."""
        return shapely.transform(np.array(list(geometries), dtype=object), self._to_map)

    def _to_map(self, xy: np.ndarray) -> np.ndarray:
        return np.column_stack(self.to_map.transform(xy[:, 0], xy[:, 1]))

    def clip(self, shapes: Sequence[BaseGeometry | None]) -> np.ndarray:
        """Map-metre shapes cut to the view; those left empty (or missing) are dropped."""
        clipped = shapely.clip_by_rect(np.array(list(shapes), dtype=object), *self.bounds)
        return clipped[~shapely.is_missing(clipped) & ~shapely.is_empty(clipped)]

    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        minx, miny, maxx, maxy = self.bounds
        xs = np.linspace(minx, maxx, 9)
        ys = np.linspace(miny, maxy, 9)
        grid_x, grid_y = np.meshgrid(xs, ys)
        lons, lats = self.to_lonlat.transform(grid_x.ravel(), grid_y.ravel())
        return float(min(lons)) - 0.1, float(min(lats)) - 0.1, float(max(lons)) + 0.1, float(max(lats)) + 0.1

    def apply(self, ax) -> None:
        minx, miny, maxx, maxy = self.bounds
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        for spine in ax.spines.values():
            spine.set_edgecolor("#444444")
            spine.set_linewidth(0.8)

    @property
    def projection_note(self) -> str:
        north_south = "N" if self.lat >= 0 else "S"
        east_west = "E" if self.lon >= 0 else "W"
        return (f"Lambert azimuthal equal-area projection centred on {abs(self.lat):.2f}°{north_south} "
                f"{abs(self.lon):.2f}°{east_west}; claimed areas are area-true.")


def focus_cluster(geometries: Sequence[BaseGeometry], radius_km: float = FOCUS_RADIUS_KM) -> list[int]:
    """Indices of the geometries the main map frames: those within ``radius_km`` of the busiest one.

    The busiest geometry is the one with the most others within the radius
    (measured between centroids on the WGS84 ellipsoid; ties go
    to the first). One far-away claim, e.g. an area "three times the size of"
    a distant city drawn around that city, would otherwise zoom the map out
    until the rest is a speck; it is shown in the overview and named in the
    notes instead.
    """
    if len(geometries) <= 1:
        return list(range(len(geometries)))
    # A ring's centroid is its centre, a line's its middle.
    lons, lats = shapely.get_coordinates(shapely.centroid(np.array(list(geometries), dtype=object))).T
    radius_m = radius_km * 1000
    # Every pair on the ellipsoid took a busy window's map a quarter of its time (5,000 claims: 25 million
    # geodesics). On a sphere of the mean radius a distance is within 0.6 % of the ellipsoid's (its radii of
    # curvature lie between 6,335 and 6,400 km), so only pairs within 2 % of the radius are measured on the
    # ellipsoid; the others are surely in or out.
    lon_r, lat_r = np.radians(lons), np.radians(lats)
    unit = np.column_stack([np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r)])
    neighbours = []
    for index in range(len(lons)):
        chord = np.linalg.norm(unit - unit[index], axis=1)
        sphere_m = 2 * np.arcsin(np.minimum(chord / 2, 1.0)) * MEAN_EARTH_RADIUS_M
        within = sphere_m <= radius_m * (1 - SPHERE_MARGIN)
        unsure = np.flatnonzero(~within & (sphere_m <= radius_m * (1 + SPHERE_MARGIN)))
        if len(unsure):
            size = len(unsure)
            metres = GEOD.inv(np.full(size, lons[index]), np.full(size, lats[index]), lons[unsure], lats[unsure])[2]
            within[unsure] = metres <= radius_m
        neighbours.append(np.flatnonzero(within))
    best = max(range(len(lons)), key=lambda i: (len(neighbours[i]), -i))
    return neighbours[best].tolist()


def extent_km(geometry: BaseGeometry) -> float:
    west, south, east, north = geometry.bounds
    return GEOD.inv(west, south, east, north)[2] / 1000


def largest_polygon(geometry: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"]
    return max(parts, key=lambda p: p.area) if parts else geometry


class LabelSpace:
    """Where labels already are (in map metres), so that later, less important labels can keep clear.

    Text size is estimated from its length (DejaVu Sans averages about 0.6
    em per character); the scale bar, attribution and north arrow corners
    and a thin margin along the map's edges are reserved from the start.
    """

    def __init__(self, view: MapView, size: tuple[float, float], axes: tuple[float, float, float, float]):
        minx, miny, maxx, maxy = view.bounds
        width, height = maxx - minx, maxy - miny
        self.per_point = width / (size[0] * axes[2] * 72)
        self.inner = (minx + width * 0.01, miny + height * 0.01, maxx - width * 0.01, maxy - height * 0.01)
        self.taken: list[tuple[float, ...]] = [
            (minx, miny, minx + width * 0.29, miny + height * 0.12),  # scale bar
            (maxx - width * 0.45, miny, maxx, miny + height * 0.05),  # attribution
            (maxx - width * 0.09, miny + height * 0.72, maxx, maxy),  # north arrow
        ]

    def box(self, x: float, y: float, text: str, fontsize: float, ha: str, va: str) -> tuple[float, ...]:
        lines = text.split("\n")
        width = 0.6 * fontsize * max(len(line) for line in lines) * self.per_point
        height = 1.3 * fontsize * len(lines) * self.per_point
        left = x if ha == "left" else x - width if ha == "right" else x - width / 2
        bottom = y if va == "bottom" else y - height if va == "top" else y - height / 2
        return (left, bottom, left + width, bottom + height)

    def take(self, box: tuple[float, ...], force: bool = False) -> bool:
        """Reserve ``box`` if it is inside the map and clear of other labels (or ``force``); say whether."""
        inside = (box[0] >= self.inner[0] and box[1] >= self.inner[1] and box[2] <= self.inner[2]
                  and box[3] <= self.inner[3])
        clear = all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in self.taken)
        if force or (inside and clear):
            self.taken.append(box)
            return True
        return False


def nice_length(target: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``target`` (for scale bars)."""
    if target <= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(target))
    for multiple in (5, 2, 1):
        if multiple * magnitude <= target:
            return multiple * magnitude
    return magnitude


def scale_bar(view: MapView, fraction: float = 0.22) -> tuple[float, float]:
    """(length in km, length in map metres) of a scale bar about ``fraction`` of the map's width.

    The map's scale is measured with pyproj's geodesic on WGS84 along the
    centre latitude: the distance between two points either side of the
    centre, divided by their distance on the map.
    """
    minx, miny, maxx, maxy = view.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half = (maxx - minx) / 10
    (lon1, lon2), (lat1, lat2) = view.to_lonlat.transform([cx - half, cx + half], [cy, cy])
    ground_m = GEOD.inv(lon1, lat1, lon2, lat2)[2]
    ground_per_map = ground_m / (2 * half)
    km = nice_length((maxx - minx) * fraction * ground_per_map / 1000)
    return km, km * 1000 / ground_per_map
