"""A layer's GeoJSON written compactly for the page, and read back.

The coordinates of a large map are most of its weight: ``[35.1234,50.1234],``
is 18 characters a position. Packed, a layer's positions are whole numbers (the
coordinate times ``10 ** decimals``, exact since the coordinates were rounded
to that many decimals) written as the difference from the position before, in
the order the layer lists them: neighbouring vertices differ by a few hundred
units, so a position takes 6 to 9 characters. The page turns a packed layer
back into GeoJSON (``geomapUnpack`` in ``geojson_layer.js``) when it draws it,
with the same numbers as the GeoJSON the layer was made from.

A packed collection is ``{"scale": 10 ** decimals, "features": [[type,
positions, properties], ...]}``; ``positions`` nests as GeoJSON's
``coordinates`` does, one level less: a point is ``[dx, dy]``, a line or ring a
flat ``[dx0, dy0, dx1, dy1, ...]``; a GeometryCollection's ``positions`` are
``[type, positions]`` pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# How deep a geometry type's coordinates nest above its flat position lists.
_LIST_DEPTH = {"Point": 0, "MultiPoint": 0, "LineString": 0, "Polygon": 1, "MultiLineString": 1, "MultiPolygon": 2}


class _Cursor:
    """The last position written or read, in whole units: each position is written relative to it."""

    def __init__(self, scale: int):
        self.scale = scale
        self.x = self.y = 0

    def pack(self, positions: Sequence[Sequence[float]]) -> list[int]:
        flat = []
        for position in positions:
            x, y = round(position[0] * self.scale), round(position[1] * self.scale)
            flat += (x - self.x, y - self.y)
            self.x, self.y = x, y
        return flat

    def unpack(self, flat: Sequence[int]) -> list[list[float]]:
        positions = []
        for index in range(0, len(flat), 2):
            self.x += flat[index]
            self.y += flat[index + 1]
            positions.append([self.x / self.scale, self.y / self.scale])
        return positions


def pack_collection(collection: Mapping[str, Any], decimals: int) -> dict[str, Any]:
    """A GeoJSON FeatureCollection whose coordinates have at most ``decimals`` decimals, packed."""
    cursor = _Cursor(10 ** decimals)
    return {"scale": cursor.scale,
            "features": [[*_pack_geometry(feature["geometry"], cursor), feature.get("properties") or {}]
                         for feature in collection["features"]]}


def unpack_collection(packed: Mapping[str, Any]) -> dict[str, Any]:
    """The FeatureCollection of :func:`pack_collection` (what the page draws)."""
    cursor = _Cursor(packed["scale"])
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": _unpack_geometry(kind, positions, cursor),
                          "properties": properties} for kind, positions, properties in packed["features"]]}


def _pack_geometry(geometry: Mapping[str, Any], cursor: _Cursor) -> list[Any]:
    kind = geometry["type"]
    if kind == "GeometryCollection":
        return [kind, [_pack_geometry(part, cursor) for part in geometry["geometries"]]]
    coordinates = geometry["coordinates"]
    if kind == "Point":
        return [kind, cursor.pack([coordinates])]
    return [kind, _nested(coordinates, _LIST_DEPTH[kind], cursor.pack)]


def _unpack_geometry(kind: str, positions: Any, cursor: _Cursor) -> dict[str, Any]:
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [_unpack_geometry(part[0], part[1], cursor) for part in positions]}
    if kind == "Point":
        return {"type": kind, "coordinates": cursor.unpack(positions)[0]}
    return {"type": kind, "coordinates": _nested(positions, _LIST_DEPTH[kind], cursor.unpack)}


def _nested(items: Any, depth: int, leaf) -> Any:
    return leaf(items) if depth == 0 else [_nested(item, depth - 1, leaf) for item in items]
