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
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geomap import atomic

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
    coords = _coordinates(arrays["coords_delta"])
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
    """The polygons of a shapes file, each decoded on first use (all of them only when asked).

    The coordinates come decoded from a copy in the cache folder, memory-mapped (:func:`mapped_coordinates`):
    inflating and summing the file's 1.9 million deltas was 0.12 s of CPU of every process that drew a region.
    Where no copy can be kept, they are decoded here, the same way.
    """

    def __init__(self, path: Path):
        with np.load(path, allow_pickle=False) as npz:
            self.rings = npz["ring_offsets"]
            self.parts = npz["part_offsets"]
            self.geoms = npz["geom_offsets"]
            self.coords = mapped_coordinates(path, lambda: _coordinates(npz["coords_delta"]))
            if len(self.coords) != self.rings[-1]:  # a copy of other data under this name: decoded here
                self.coords = _coordinates(npz["coords_delta"])
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
            coords = np.asarray(self.coords[first_coord:last_coord])
            self._one[index] = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords, offsets)[0]
        return self._one[index]

    def all(self) -> np.ndarray:
        if self._all is None:
            offsets = (self.rings, self.parts, self.geoms)
            self._all = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, np.asarray(self.coords), offsets)
        return self._all


def _coordinates(deltas: np.ndarray) -> np.ndarray:
    """The coordinates (degrees) of delta-coded quantised ones: as :func:`decode` makes them."""
    return np.cumsum(deltas.astype(np.int64), axis=0) / _SCALE


def mapped_coordinates(path: Path, decoded: Callable[[], np.ndarray]) -> np.ndarray:
    """The decoded coordinates of the shapes file ``path``, memory-mapped from their copy in the cache folder
    (``tables/``, beside the gazetteer's tables' copies, named after the file's path, size and time); the copy
    is written first from ``decoded()`` when missing. ``decoded()`` itself where no copy can be kept."""
    from geomap.gazetteer.mapped import copy_stem, delete_stale_copies, tables_folder

    folder = tables_folder()
    stem = copy_stem(path)
    copy = folder / f"{stem}.coordinates.npy"
    if not copy.is_file():
        coords = decoded()
        try:
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, coords, allow_pickle=False)
            atomic.write_bytes(copy, buffer.getvalue())
        except OSError:
            return coords
        delete_stale_copies(folder, path.name, keep=stem)
        return coords
    try:
        coords = np.load(copy, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return decoded()
    if coords.dtype != np.float64 or coords.ndim != 2 or coords.shape[1] != 2:
        return decoded()
    return coords
