"""Per-run access to the gazetteer and region polygons, with the caches one run needs.

A :class:`Workspace` lives for one call of
:func:`geomap.geometry.claim_geometries`: it remembers the local projection of
each anchor and each polygon already transformed into it, so twenty claims
about Sudzha project Kursk Oblast once. Shared borders and border bands, which
are big and asked again mostly by neighbouring claims, are kept only for the
most recent few dozen (:class:`Recent`). Nothing is kept between calls but the
host countries cut along the accurate borders, which depend only on the
geodata and are stored in the cache folder; a cached result is exactly what
computing it again would give.
"""

from __future__ import annotations

import math
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Hashable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geomap.gazetteer.borders import Borders, load_borders
from geomap.paths import cache_dir
from geomap.geometry.statuses import StatusIndex
from geomap.geometry.projection import LocalProjection, geodesic_area_km2, linear, lonlat_window, polygonal
from geomap.records import Candidate, Claim

SIMPLIFY_ABOVE_VERTICES = 5000  # hosts bigger than this are simplified before clipping
SIMPLIFY_TOLERANCE_M = 50.0
REGION_KINDS = ("country", "admin1", "named_region")
# Shared borders and border bands are big and asked again mostly by nearby claims (a depth and its front
# width, one story syndicated): the last few dozen cover the repeats without holding a whole corpus' worth.
RECENT_BORDERS = 64
RECENT_BANDS = 64
# Regions are cut along the accurate border lines once per run, in lon/lat (see accurate_polygon):
ACCURATE_NEAR_DEGREES = 0.07  # about 7 km: how far a neighbour's piece may lie from a region to be added to it
ACCURATE_MARGIN_DEGREES = 0.1  # lines and neighbours are cropped to the region's box widened by this
MIN_PIECE_DEGREES2 = 1e-8  # about 100 m²: slivers this small are dropped
COUNTRY_TILE_DEGREES = 1.0  # a country is cut per box of whole tiles around a window, shared by nearby anchors
HOST_CUT_VERSION = 2  # of the stored host cuts: raise it when _cut_along_borders changes
LINE_PIECE_VERTICES = 64  # border lines are indexed in pieces of this many vertices


class LineIndex:
    """A border line cut into pieces of a few dozen vertices, indexed by their bounding boxes.

    Cropping a country pair's whole border (thousands of vertices) to a window
    around every anchor was the slow part of asking "is a border near?"; the
    pieces whose boxes meet the window are found in microseconds, and only
    they are cropped.
    """

    def __init__(self, line: BaseGeometry):
        pieces = []
        step = LINE_PIECE_VERTICES - 1  # consecutive pieces share an end vertex
        for part in shapely.get_parts(line):
            coords = shapely.get_coordinates(part)
            pieces += [shapely.LineString(coords[i:i + LINE_PIECE_VERTICES]) for i in range(0, len(coords) - 1, step)]
        self.pieces = np.array(pieces, dtype=object)
        self.tree = shapely.STRtree(self.pieces)

    def within(self, window: BaseGeometry) -> BaseGeometry:
        """The parts of the line inside ``window`` (lon/lat), empty when none."""
        found = self.tree.query(window)
        if len(found) == 0:
            return shapely.MultiLineString()
        return shapely.intersection(shapely.MultiLineString(list(self.pieces[np.sort(found)])), window)


@dataclass(frozen=True)
class Anchor:
    """Where a claim is centred: a point, the place it names and the regions around it."""

    lon: float
    lat: float
    name: str | None
    place_id: str | None
    admin1: str | None  # ISO 3166-2 code of the admin-1 region containing the point
    country: str | None  # ISO code of the (de jure) country containing the point


@dataclass(frozen=True)
class Host:
    """The polygon a claimed area must lie in, in an anchor's local projection."""

    code: str
    name: str
    local: BaseGeometry
    km2: float  # measured in the local equal-area projection, the same polygon the buffer is clipped to
    simplified: bool


class Recent:
    """A memo of the ``size`` most recently used results (older ones are dropped and recomputed if asked)."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        value = self._values[key] = compute()
        if len(self._values) > self.size:
            self._values.popitem(last=False)
        return value


class Workspace:
    """Gazetteer and regions plus per-run caches of projections and projected polygons.

    ``border_lines`` are the accurate land borders (:class:`geomap.gazetteer.borders.Borders`);
    by default those of the regions' data folder, loaded on first use (none
    when the folder has no borders.npz or the regions carry no store).
    ``statuses`` are the run's place statuses (:mod:`geomap.claims.status`).
    """

    def __init__(self, gazetteer, regions, border_lines: Borders | None = None, statuses=()):
        self.gazetteer = gazetteer
        self.regions = regions
        self._border_lines = border_lines
        self._given_border_lines = border_lines is not None  # then host cuts are not stored (see _stored_cut)
        self._fingerprint: str | None = None
        self.statuses = StatusIndex(statuses or ())
        self._accurate: dict[tuple, BaseGeometry | None] = {}
        self._local_lines: dict[tuple, BaseGeometry] = {}
        self._line_indexes: dict[tuple[str, str], LineIndex] = {}
        self._projections: dict[tuple[float, float], LocalProjection] = {}
        self._local: dict[tuple, BaseGeometry] = {}
        self._areas: dict[str, float] = {}
        self._entries: dict[str, Candidate | None] = {}
        self._reverse: dict[tuple[float, float], tuple[Candidate | None, Candidate | None]] = {}
        self._anchors: dict[tuple, Anchor | None] = {}
        self._hosts: dict[tuple, Host | None] = {}
        self.borders = Recent(RECENT_BORDERS)  # shared borders in local metres, by what determines them
        self.bands = Recent(RECENT_BANDS)  # border bands in local metres, likewise
        self._small: dict[Hashable, Any] = {}  # small per-run results (lists of codes, numbers)

    def remember(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, once per key for this run: for small results only (kept until the run ends)."""
        if key not in self._small:
            self._small[key] = compute()
        return self._small[key]

    # -- gazetteer ----------------------------------------------------------------
    def entry(self, entry_id: str | None) -> Candidate | None:
        if not entry_id:
            return None
        if entry_id not in self._entries:
            self._entries[entry_id] = self.gazetteer.get(entry_id)
        return self._entries[entry_id]

    def reverse(self, lon: float, lat: float) -> tuple[Candidate | None, Candidate | None]:
        key = (round(lon, 7), round(lat, 7))
        if key not in self._reverse:
            self._reverse[key] = self.regions.reverse(lat, lon)
        return self._reverse[key]

    def anchor(self, claim: Claim) -> Anchor | None:
        """The claim's anchor point: its own coordinates, else its place's gazetteer entry."""
        key = (claim.anchor_lon, claim.anchor_lat, claim.place_id, claim.place)
        if key not in self._anchors:  # a corpus names the same places again and again
            self._anchors[key] = self._anchor(claim)
        return self._anchors[key]

    def _anchor(self, claim: Claim) -> Anchor | None:
        lon, lat = claim.anchor_lon, claim.anchor_lat
        if lon is None or lat is None:
            entry = self.entry(claim.place_id)
            if entry is None:
                return None
            lon, lat = entry.lon, entry.lat
        admin1, country = self.reverse(lon, lat)
        return Anchor(float(lon), float(lat), claim.place, claim.place_id,
                      admin1.id if admin1 else None, country.id if country else None)

    # -- polygons -----------------------------------------------------------------
    def polygon(self, code: str | None) -> BaseGeometry | None:
        return None if not code else self.regions.polygon(code)

    def region_name(self, code: str) -> str:
        entry = self.entry(code)
        return entry.name if entry is not None else code

    def region_kind(self, code: str | None) -> str | None:
        entry = self.entry(code)
        return entry.kind if entry is not None else None

    def area_km2(self, code: str) -> float | None:
        """Ellipsoidal area of a region polygon (cached)."""
        if code not in self._areas:
            self._areas[code] = geodesic_area_km2(self.polygon(code)) if self.polygon(code) is not None else None
        return self._areas[code]

    def projection(self, lon: float, lat: float) -> LocalProjection:
        key = (round(lon, 6), round(lat, 6))
        if key not in self._projections:
            self._projections[key] = LocalProjection(lon, lat)
        return self._projections[key]

    def local_polygon(self, projection: LocalProjection, code: str, window_km: float | None = None,
                      simplify: bool = True, accurate: bool = False) -> BaseGeometry | None:
        """A region polygon in the projection, optionally cropped to a window around its centre.

        Cropping happens in lon/lat before projecting (big countries only need
        their part near the anchor); simplification to ~50 m happens after
        projecting, for polygons too big to clip quickly. With ``accurate`` the
        polygon is first cut along the accurate border lines
        (:meth:`accurate_polygon`).
        """
        key = (projection.key, code, window_km, simplify, accurate)
        if key in self._local:
            return self._local[key]
        window = lonlat_window(projection.lon, projection.lat, window_km) if window_km is not None else None
        geometry = self.accurate_polygon(code, window) if accurate else self.polygon(code)
        if geometry is not None:
            if window is not None:
                geometry = polygonal(shapely.intersection(geometry, window))
            geometry = projection.to_local(geometry)
            if simplify and shapely.get_num_coordinates(geometry) > SIMPLIFY_ABOVE_VERTICES:
                geometry = shapely.simplify(geometry, SIMPLIFY_TOLERANCE_M, preserve_topology=True)
            if not geometry.is_valid:
                geometry = polygonal(shapely.make_valid(geometry))
        self._local[key] = geometry
        return geometry

    # -- border lines -------------------------------------------------------------
    @property
    def border_lines(self) -> Borders:
        if self._border_lines is None:
            data_dir = getattr(getattr(self.regions, "store", None), "data_dir", None)
            self._border_lines = load_borders(data_dir) if data_dir is not None else Borders({})
        return self._border_lines

    def line_index(self, country_a: str, country_b: str) -> LineIndex:
        pair = tuple(sorted((country_a, country_b)))
        if pair not in self._line_indexes:
            self._line_indexes[pair] = LineIndex(self.border_lines.border_line(*pair))
        return self._line_indexes[pair]

    def country_of(self, code: str) -> str | None:
        """The one country a region lies in (the code itself for a country; None when several or unknown)."""
        entry = self.entry(code)
        if entry is None:
            return None
        if entry.kind == "country":
            return entry.id
        country = entry.country or ""
        return country if country and "," not in country else None

    def accurate_polygon(self, code: str, window: BaseGeometry | None = None) -> BaseGeometry | None:
        """A region's polygon (lon/lat) cut along its country's accurate land border lines.

        Natural Earth's outlines reach across the real border in places and
        stop short of it in others (the Russia-Ukraine border by up to ~6 km);
        each is cut along the OpenStreetMap line: pieces beyond it dropped, the
        neighbour's pieces on its side added
        (:func:`geomap.geometry.constructions.accurate_side`). Done once per run
        and region, in lon/lat (the cut is topological). A country is cut only
        within the whole :data:`COUNTRY_TILE_DEGREES` tiles around ``window``,
        so that nearby anchors share the work.
        """
        bounds = None
        if self.region_kind(code) == "country":
            if window is None:
                return self.polygon(code)
            tile = COUNTRY_TILE_DEGREES
            minx, miny, maxx, maxy = window.bounds
            bounds = (math.floor(minx / tile) * tile, math.floor(miny / tile) * tile,
                      math.ceil(maxx / tile) * tile, math.ceil(maxy / tile) * tile)
        key = (code, bounds)
        if key not in self._accurate:
            self._accurate[key] = self._stored_cut(code, bounds)
        return self._accurate[key]

    def _stored_cut(self, code: str, bounds: tuple | None) -> BaseGeometry | None:
        """:meth:`_cut_along_borders`, kept in the cache folder from one run to the next.

        Cutting the host countries near the anchors takes a few tens of
        milliseconds each run, as much as drawing the claims; the cut depends
        only on the geodata, so it is stored under the data's fingerprint (a
        rebuilt or imported gazetteer gets its own). An unreadable file is cut
        again; an unwritable folder only costs the cut.
        """
        path = self._cut_path(code, bounds)
        if path is not None:
            try:
                return shapely.from_wkb(path.read_bytes())
            except (OSError, shapely.errors.GEOSException):
                pass
        polygon = self._cut_along_borders(code, bounds)
        if path is not None and polygon is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
                partial.write_bytes(shapely.to_wkb(polygon))
                os.replace(partial, path)  # whole or not at all, should another run read it meanwhile
            except OSError:
                pass
        return polygon

    def _cut_path(self, code: str, bounds: tuple | None) -> Path | None:
        """Where the cut of ``code`` within ``bounds`` is stored (None: the border lines are not the data's)."""
        store = getattr(self.regions, "store", None)
        if self._given_border_lines or store is None or getattr(store, "data_dir", None) is None:
            return None
        if self._fingerprint is None:
            self._fingerprint = store.fingerprint()
        box = "whole" if bounds is None else "_".join(f"{value:g}" for value in bounds)
        return cache_dir() / f"host-cuts-v{HOST_CUT_VERSION}-{self._fingerprint}" / f"{code}_{box}.wkb"

    def _cut_along_borders(self, code: str, bounds: tuple | None) -> BaseGeometry | None:
        from geomap.geometry.constructions import accurate_side

        polygon = self.polygon(code)
        country = self.country_of(code)
        if polygon is None or country is None:
            return polygon
        if bounds is not None:
            polygon = polygonal(shapely.intersection(polygon, shapely.box(*bounds)))
        if polygon.is_empty:
            return polygon
        margin = ACCURATE_MARGIN_DEGREES
        minx, miny, maxx, maxy = polygon.bounds
        wide = shapely.box(minx - margin, miny - margin, maxx + margin, maxy + margin)
        near = None if self.region_kind(code) == "country" else ACCURATE_NEAR_DEGREES
        for neighbour in self.border_lines.neighbours(country):
            line = linear(self.line_index(country, neighbour).within(wide))
            other = None if line.is_empty else self.polygon(neighbour)
            if other is None:
                continue
            other = polygonal(shapely.intersection(other, wide))
            polygon = accurate_side(polygon, other, line, near_m=near, min_piece=MIN_PIECE_DEGREES2)
        return polygon

    def local_border_line(self, projection: LocalProjection, country_a: str, country_b: str,
                          window_km: float | None) -> BaseGeometry:
        """The accurate land border of two countries in the projection, cropped to a window (merged lines)."""
        key = (projection.key, *sorted((country_a, country_b)), window_km)
        if key not in self._local_lines:
            line = self.border_lines.border_line(country_a, country_b)
            if not line.is_empty and window_km is not None:
                line = self.line_index(country_a, country_b).within(
                    lonlat_window(projection.lon, projection.lat, window_km))
            self._local_lines[key] = linear(projection.to_local(line)) if not line.is_empty else linear(None)
        return self._local_lines[key]

    def host(self, anchor: Anchor, projection: LocalProjection, claim: Claim) -> Host | None:
        """The polygon an area claimed about ``anchor`` must lie in, cut along the accurate borders.

        The rule: a claim whose own place is a region (an oblast, a named region)
        lies in that region; otherwise it lies in the admin-1 region containing
        the anchor, which is inside the anchor's (de jure) country. So territory
        Ukraine holds around Sudzha lies in Kursk Oblast, on the Russian side of
        the border. Without an admin-1 region the country is the host.
        """
        code = None
        if self.region_kind(claim.place_id) in ("admin1", "named_region"):
            region = self.polygon(claim.place_id)
            if region is not None and region.intersects(shapely.Point(anchor.lon, anchor.lat)):
                code = claim.place_id
        code = code or anchor.admin1 or anchor.country
        if code is None:
            return None
        key = (projection.key, code)
        if key not in self._hosts:
            local = self.local_polygon(projection, code, accurate=True)
            if local is None or local.is_empty:
                self._hosts[key] = None
            else:
                simplified = shapely.get_num_coordinates(self.polygon(code)) > SIMPLIFY_ABOVE_VERTICES
                self._hosts[key] = Host(code, self.region_name(code), local, local.area / 1e6, simplified)
        return self._hosts[key]
