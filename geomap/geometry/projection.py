"""Local equal-area projections and ellipsoidal measures.

Every area and distance in the geometry stage is measured either on the WGS84
ellipsoid (:data:`GEOD`) or in a Lambert azimuthal equal-area projection
centred on the place a claim is about (:class:`LocalProjection`). Near its
centre that projection keeps areas exact and distances close to true, so
buffers drawn there are area-true once transformed back to lon/lat.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry.base import BaseGeometry

GEOD = Geod(ellps="WGS84")
LONLAT = CRS.from_epsg(4326)


class LocalProjection:
    """A Lambert azimuthal equal-area CRS centred on one anchor.

    Parameters
    ----------
    lon, lat : float
        The centre, in degrees. Rounded to 1e-6 degree (about 0.1 m) so that the
        same anchor always yields the same proj string.

    Examples
    --------
    >>> local = LocalProjection(35.271, 51.191)
    >>> local.proj_string
    '+proj=laea +lat_0=51.191000 +lon_0=35.271000 +datum=WGS84 +units=m +no_defs'

    Notes
    -----
    The transformers are built from the PROJ pipeline that
    ``Transformer.from_crs(EPSG:4326, proj_string, always_xy=True)`` resolves
    to (WGS84 on both sides: no datum step), written out directly: the same
    operations and the same numbers, without the ~9 ms operation search per
    centre that ``from_crs`` does. ``tests/geometry/test_speed.py``
    checks the two agree bit for bit.
    """

    def __init__(self, lon: float, lat: float):
        self.lon = round(float(lon), 6)
        self.lat = round(float(lat), 6)
        self.proj_string = (f"+proj=laea +lat_0={self.lat:.6f} +lon_0={self.lon:.6f} "
                            "+datum=WGS84 +units=m +no_defs")
        laea = f"+proj=laea +lat_0={self.lat:.6f} +lon_0={self.lon:.6f} +x_0=0 +y_0=0 +ellps=WGS84"
        self._forward = Transformer.from_pipeline(
            f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {laea}")
        self._inverse = Transformer.from_pipeline(
            f"+proj=pipeline +step +inv {laea} +step +proj=unitconvert +xy_in=rad +xy_out=deg")

    @cached_property
    def crs(self) -> CRS:
        """The projection as a pyproj CRS (built on demand: the transforms do not need it)."""
        return CRS.from_proj4(self.proj_string)

    @property
    def key(self) -> tuple[float, float]:
        return (self.lon, self.lat)

    def to_local(self, geometry: BaseGeometry) -> BaseGeometry:
        """Lon/lat geometry -> metres in this projection."""
        return _transform(geometry, self._forward)

    def to_lonlat(self, geometry: BaseGeometry) -> BaseGeometry:
        """Geometry in this projection -> lon/lat (EPSG:4326), polygons valid.

        A valid polygon can come back invalid: where a shape clipped to a host cut along a border has two
        edges or rings a hair apart, the inverse projection's rounding makes them cross (self-intersections
        by Belgorod and Kursk oblasts on a large corpus). Such a polygon is made valid again here, so that
        every drawn shape is valid and the window's envelope can unite them.
        """
        result = _transform(geometry, self._inverse)
        if result.geom_type in ("Polygon", "MultiPolygon") and not result.is_valid:
            result = polygonal(shapely.make_valid(result))
        return result

    def point_to_local(self, lon: float, lat: float) -> shapely.Point:
        x, y = self._forward.transform(lon, lat)
        return shapely.Point(x, y)

    def point_to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        lon, lat = self._inverse.transform(x, y)
        return float(lon), float(lat)


def _transform(geometry: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, apply)


def geodesic_area_km2(geometry: BaseGeometry | None) -> float:
    """Area of a lon/lat geometry on the WGS84 ellipsoid, in km² (0 for None/empty)."""
    if geometry is None or geometry.is_empty:
        return 0.0
    area, _ = GEOD.geometry_area_perimeter(geometry)
    return abs(area) / 1e6


def geodesic_distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Distance between two lon/lat points along the WGS84 geodesic, in km."""
    _, _, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0


def lonlat_window(lon: float, lat: float, radius_km: float) -> shapely.Polygon:
    """A lon/lat box that contains every point within ``radius_km`` of (lon, lat).

    Built from the geodesic end points north, south, east and west, widened by
    a margin because meridians converge (the disc's widest longitude is not due
    east). Used only to crop big polygons before projecting them.
    """
    margin = 1.25
    lons, lats = [], []
    for azimuth in (0.0, 90.0, 180.0, 270.0):
        end_lon, end_lat, _ = GEOD.fwd(lon, lat, azimuth, radius_km * 1000.0 * margin)
        lons.append(end_lon)
        lats.append(end_lat)
    half_width = max(abs(x - lon) for x in lons)
    south, north = max(-90.0, min(lats)), min(90.0, max(lats))
    # the disc is widest on the parallel nearest a pole: scale the half width by the cosine ratio
    widest = max(abs(south), abs(north))
    if widest < 89.0:
        half_width *= math.cos(math.radians(lat)) / math.cos(math.radians(widest))
    else:
        half_width = 180.0
    return shapely.box(max(-180.0, lon - half_width), south, min(180.0, lon + half_width), north)


def polygonal(geometry: BaseGeometry | None) -> BaseGeometry | None:
    """Only the polygonal parts of a geometry (overlay results may carry lines or points)."""
    if geometry is None or geometry.is_empty:
        return geometry
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def linear(geometry: BaseGeometry | None) -> BaseGeometry | None:
    """Only the linear parts of a geometry, merged into as few lines as possible."""
    if geometry is None or geometry.is_empty:
        return shapely.MultiLineString()
    parts = []
    for part in shapely.get_parts(geometry):
        if part.geom_type == "LineString":
            parts.append(part)
        elif part.geom_type == "MultiLineString":
            parts.extend(shapely.get_parts(part))
        elif part.geom_type == "LinearRing":
            parts.append(shapely.LineString(part.coords))
    if not parts:
        return shapely.MultiLineString()
    return shapely.line_merge(shapely.MultiLineString(parts))
