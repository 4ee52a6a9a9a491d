"""International land borders as lines: storage in ``borders.npz`` and lookup by country pair.

The lines come from OpenStreetMap-derived country polygons (see
:mod:`geomap.gazetteer.border_lines` and geodata/SOURCES.md) and are far
more accurate than the shared edges of the Natural Earth 1:10m polygons:
simplified to about 30 m, on the same 1e-5 degree grid as the region
polygons. Country codes are those of ``regions.tsv.gz`` (ISO 3166-1
alpha-2), de jure (Crimea is Ukraine's).

>>> from geomap.gazetteer.borders import border_line, country_border   # doctest: +SKIP
>>> border_line("UA", "RU").geom_type                                   # doctest: +SKIP
'MultiLineString'

Storage: one MultiLineString per pair, as a shapely ragged array with
delta-coded integer coordinates (like ``shapes.npz``), plus the sorted pairs
and their lengths on the WGS84 ellipsoid. Loading takes a few tens of ms.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import MultiLineString
from shapely.geometry.base import BaseGeometry

from geomap.gazetteer import shapes

FILENAME = "borders.npz"
GEOD = Geod(ellps="WGS84")
_SCALE = 1e5


def pair_key(country_a: str, country_b: str) -> tuple[str, str]:
    """The stored (sorted) form of a country pair."""
    return (country_a, country_b) if country_a <= country_b else (country_b, country_a)


def encode(lines: dict[tuple[str, str], BaseGeometry]) -> dict[str, np.ndarray]:
    """Lines keyed by sorted country pair -> integer arrays for :func:`shapes.to_bytes`."""
    pairs = sorted(lines)
    geoms = np.array([_as_multiline(lines[pair]) for pair in pairs], dtype=object)
    _, coords, (part_offsets, geom_offsets) = shapely.to_ragged_array(geoms)
    quantised = np.rint(coords * _SCALE).astype(np.int64)
    deltas = np.diff(quantised, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    lengths = [round(GEOD.geometry_length(g) / 1000.0, 3) for g in geoms]
    return {
        "pairs": np.array(pairs, dtype=str).reshape(-1, 2),
        "length_km": np.array(lengths, dtype=np.float64),
        "coords_delta": deltas.astype(np.int32),
        "part_offsets": part_offsets.astype(np.int64),
        "geom_offsets": geom_offsets.astype(np.int64),
    }


def decode(arrays: dict[str, np.ndarray]) -> dict[tuple[str, str], MultiLineString]:
    """The lines back from :func:`encode`'s arrays."""
    coords = np.cumsum(arrays["coords_delta"].astype(np.int64), axis=0) / _SCALE
    offsets = (arrays["part_offsets"], arrays["geom_offsets"])
    geoms = shapely.from_ragged_array(shapely.GeometryType.MULTILINESTRING, coords, offsets)
    return {(str(a), str(b)): geom for (a, b), geom in zip(arrays["pairs"], geoms)}


def _as_multiline(geometry: BaseGeometry) -> MultiLineString:
    if isinstance(geometry, MultiLineString):
        return geometry
    return MultiLineString([p for p in shapely.get_parts(geometry) if p.geom_type == "LineString"])


class Borders:
    """Land border lines between pairs of countries (EPSG:4326).

    Parameters
    ----------
    lines : dict
        Sorted (country, country) pair -> MultiLineString. Empty when the data
        has no ``borders.npz``: then every lookup returns an empty geometry and
        callers fall back to the region polygons.
    lengths_km : dict, optional
        Pair -> geodesic length in km, as stored.
    """

    def __init__(self, lines: dict[tuple[str, str], MultiLineString],
                 lengths_km: dict[tuple[str, str], float] | None = None):
        self._lines = dict(lines)
        self.lengths_km = dict(lengths_km or {})
        neighbours: dict[str, list[str]] = {}
        for a, b in sorted(self._lines):
            neighbours.setdefault(a, []).append(b)
            neighbours.setdefault(b, []).append(a)
        self._neighbours = {code: tuple(sorted(found)) for code, found in neighbours.items()}
        self._country_cache: dict[str, MultiLineString] = {}

    @classmethod
    def from_file(cls, path: Path) -> "Borders":
        if not path.is_file():
            return cls({})
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        lines = decode(arrays)
        lengths = {(str(a), str(b)): float(km) for (a, b), km in zip(arrays["pairs"], arrays["length_km"])}
        return cls(lines, lengths)

    def __bool__(self) -> bool:
        return bool(self._lines)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Every stored pair, sorted."""
        return sorted(self._lines)

    def has(self, country_a: str, country_b: str) -> bool:
        return pair_key(country_a, country_b) in self._lines

    def neighbours(self, country: str) -> tuple[str, ...]:
        """Countries sharing a land border with ``country``, sorted by code."""
        return self._neighbours.get(country, ())

    def border_line(self, country_a: str, country_b: str) -> MultiLineString:
        """The land border between two countries (empty when they share none)."""
        return self._lines.get(pair_key(country_a, country_b), MultiLineString())

    def country_border(self, country: str) -> MultiLineString:
        """All of a country's land borders as one MultiLineString (cached)."""
        if country not in self._country_cache:
            parts = [part for other in self.neighbours(country)
                     for part in self.border_line(country, other).geoms]
            self._country_cache[country] = MultiLineString(parts)
        return self._country_cache[country]


@functools.lru_cache(maxsize=4)
def load_borders(data_dir: Path | None = None) -> Borders:
    """The border lines of a geodata folder (default: the bundled one), loaded once per process."""
    from geomap.paths import geodata_dir

    return Borders.from_file((data_dir or geodata_dir()) / FILENAME)


def border_line(country_a: str, country_b: str) -> MultiLineString:
    """The land border between two countries of the bundled data, EPSG:4326 (empty if none).

    Examples
    --------
    >>> from pyproj import Geod                                                  # doctest: +SKIP
    >>> round(Geod(ellps="WGS84").geometry_length(border_line("RU", "UA")) / 1e3)  # doctest: +SKIP
    2018
    """
    return load_borders().border_line(country_a, country_b)


def country_border(country: str) -> MultiLineString:
    """All land borders of one country of the bundled data, EPSG:4326."""
    return load_borders().country_border(country)


def to_bytes(lines: dict[tuple[str, str], BaseGeometry]) -> bytes:
    """``borders.npz`` content: deterministic, like ``shapes.npz``."""
    return shapes.to_bytes(encode(lines))
