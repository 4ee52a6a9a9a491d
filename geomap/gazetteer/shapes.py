"""Compact storage of region polygons: quantised, delta-coded integer arrays.

Polygons are snapped to a 1e-5 degree grid (about 1 m) when the data is built,
so their coordinates are exact integers at that scale. They are stored as
shapely "ragged arrays" (coordinates plus ring/part/geometry offsets) with the
coordinates delta-coded, in a zip of .npy arrays with fixed timestamps: the
file is small in git, deterministic, and loads in tens of milliseconds.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

GRID = 1e-5  # degrees
_SCALE = 1e5
_EPOCH = (1980, 1, 1, 0, 0, 0)


def as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Keep only the polygonal parts of ``geom``, as one MultiPolygon."""
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    polygons: list[Polygon] = []
    for part in parts:
        polygons.extend(part.geoms if isinstance(part, MultiPolygon) else [part])
    return MultiPolygon(polygons)


def encode(geoms: list[BaseGeometry]) -> dict[str, np.ndarray]:
    """Encode snapped polygons as integer arrays."""
    multis = np.array([as_multipolygon(g) for g in geoms], dtype=object)
    _, coords, (ring_offsets, part_offsets, geom_offsets) = shapely.to_ragged_array(multis)
    quantised = np.rint(coords * _SCALE).astype(np.int64)
    deltas = np.diff(quantised, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return {
        "coords_delta": deltas.astype(np.int32),
        "ring_offsets": ring_offsets.astype(np.int64),
        "part_offsets": part_offsets.astype(np.int64),
        "geom_offsets": geom_offsets.astype(np.int64),
    }


def decode(arrays: dict[str, np.ndarray]) -> np.ndarray:
    """The MultiPolygons back from :func:`encode`'s arrays."""
    coords = np.cumsum(arrays["coords_delta"].astype(np.int64), axis=0) / _SCALE
    offsets = (arrays["ring_offsets"], arrays["part_offsets"], arrays["geom_offsets"])
    return shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords, offsets)


def to_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A deterministic .npz (zip of .npy files with fixed dates)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(arrays):
            array_bytes = io.BytesIO()
            np.lib.format.write_array(array_bytes, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, array_bytes.getvalue())
    return buffer.getvalue()


def load(path: Path) -> np.ndarray:
    with np.load(path, allow_pickle=False) as npz:
        return decode({name: npz[name] for name in npz.files})


class LazyShapes:
    """The polygons of a shapes file, each decoded on first use (all of them only when asked)."""

    def __init__(self, path: Path):
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        self.deltas = arrays["coords_delta"]
        self.rings = arrays["ring_offsets"]
        self.parts = arrays["part_offsets"]
        self.geoms = arrays["geom_offsets"]
        self._one: dict[int, MultiPolygon] = {}
        self._all: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.geoms) - 1

    def one(self, index: int) -> MultiPolygon:
        if self._all is not None:
            return self._all[index]
        if index not in self._one:
            first_part, last_part = self.geoms[index], self.geoms[index + 1]
            first_ring, last_ring = self.parts[first_part], self.parts[last_part]
            first_coord, last_coord = self.rings[first_ring], self.rings[last_ring]
            offsets = (self.rings[first_ring:last_ring + 1] - first_coord,
                       self.parts[first_part:last_part + 1] - first_ring,
                       np.array([0, last_part - first_part], dtype=np.int64))
            # Coordinates are running sums of the deltas: start from the sum of all before this one.
            start = self.deltas[:first_coord].sum(axis=0, dtype=np.int64)
            coords = (start + np.cumsum(self.deltas[first_coord:last_coord], axis=0, dtype=np.int64)) / _SCALE
            self._one[index] = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords, offsets)[0]
        return self._one[index]

    def all(self) -> np.ndarray:
        if self._all is None:
            self._all = decode({"coords_delta": self.deltas, "ring_offsets": self.rings,
                                "part_offsets": self.parts, "geom_offsets": self.geoms})
        return self._all
