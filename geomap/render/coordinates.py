"""The coordinates of many geometries as one array, and Python's rounding for whole arrays.

shapely's ``mapping`` turns every coordinate of every geometry into a Python
tuple, which was most of the time spent writing a large map or layer.
:func:`flatten` takes the coordinates of a whole layer out of shapely in a
few calls, as one ``(n, 2)`` array (lon/lat; a Z is dropped), so that rounding
and de-duplicating are done once per layer, and gives each geometry's GeoJSON
structure with *leaf numbers* where ``mapping`` has coordinate sequences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

_POLYGON = shapely.GeometryType.POLYGON
_COLLECTION = shapely.GeometryType.GEOMETRYCOLLECTION
_MULTI = {shapely.GeometryType.MULTIPOINT: "MultiPoint", shapely.GeometryType.MULTILINESTRING: "MultiLineString",
          shapely.GeometryType.MULTIPOLYGON: "MultiPolygon"}
_SINGLE = {shapely.GeometryType.POINT: "Point", shapely.GeometryType.LINESTRING: "LineString",
           shapely.GeometryType.LINEARRING: "LinearRing", shapely.GeometryType.POLYGON: "Polygon"}


def flatten(geometries: Sequence[BaseGeometry]) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """Every coordinate of ``geometries`` in one array, and each geometry's structure by leaf number.

    Returns ``(xy, starts, trees)``: leaf ``i`` (a point, line or ring) is
    ``xy[starts[i]:starts[i + 1]]``; ``trees[k]`` is ``mapping(geometries[k])``
    with a leaf number for each coordinate sequence: a Point's ``coordinates``
    is one leaf (one coordinate), a LineString's one leaf, a Polygon's a list
    of ring leaves (exterior first), a MultiPoint's or MultiLineString's a
    list of leaves, a MultiPolygon's a list of ring lists (an empty part: one
    empty leaf), a GeometryCollection has ``geometries``. Geometries must not
    be ``None``.
    """
    shapes = np.empty(len(geometries), dtype=object)
    shapes[:] = list(geometries)
    collections = shapely.get_type_id(shapes) == _COLLECTION
    xy, starts, trees = _flatten_simple(shapes[~collections])
    if not collections.any():
        return xy, starts, trees
    # Collections one by one, each member as a geometry of its own (they are rare).
    pieces, simple = [(xy, starts)], iter(trees)
    trees = []
    offset = len(starts) - 1
    for shape, collection in zip(shapes, collections):
        if not collection:
            trees.append(next(simple))
            continue
        part_xy, part_starts, part_trees = flatten(list(shape.geoms))
        pieces.append((part_xy, part_starts))
        trees.append({"type": "GeometryCollection", "geometries": [_renumber(t, offset) for t in part_trees]})
        offset += len(part_starts) - 1
    xy = np.concatenate([piece_xy for piece_xy, _ in pieces])
    counts = np.concatenate([np.diff(piece_starts) for _, piece_starts in pieces])
    return xy, np.concatenate([[0], np.cumsum(counts)]), trees


def _flatten_simple(shapes: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """:func:`flatten` of geometries that are not collections, in one shapely call per step."""
    parts, part_owner = shapely.get_parts(shapes, return_index=True)
    polygonal = shapely.get_type_id(parts) == _POLYGON
    polygon_parts = np.flatnonzero(polygonal)
    rings, ring_polygon = shapely.get_rings(parts[polygonal], return_index=True)
    # The leaves are the rings of polygonal parts and the other parts themselves, in part order.
    leaf_part = np.concatenate([polygon_parts[ring_polygon], np.flatnonzero(~polygonal)])
    order = np.argsort(leaf_part, kind="stable")  # stable: rings keep their order within a polygon
    leaves = np.concatenate([rings, parts[~polygonal]])[order]
    xy, leaf_of = shapely.get_coordinates(leaves, return_index=True)
    counts = np.append(np.bincount(leaf_of, minlength=len(leaves)), 0)  # the last leaf is an empty one
    starts = np.concatenate([[0], np.cumsum(counts)])
    empty_leaf = len(leaves)
    leaves_per_part = np.bincount(leaf_part, minlength=len(parts)).tolist()
    parts_per_shape = np.bincount(part_owner, minlength=len(shapes)).tolist()
    part_leaves, first = [], 0
    for count in leaves_per_part:
        part_leaves.append(list(range(first, first + count)))
        first += count
    kinds = shapely.get_type_id(shapes).tolist()
    trees, first = [], 0
    for kind, count in zip(kinds, parts_per_shape):
        mine = part_leaves[first:first + count]
        first += count
        if kind in _MULTI:
            if kind == shapely.GeometryType.MULTIPOLYGON:
                coordinates: Any = [rings or [empty_leaf] for rings in mine]
            else:
                coordinates = [leaf for leaves_of_part in mine for leaf in leaves_of_part]
            trees.append({"type": _MULTI[kind], "coordinates": coordinates})
        elif kind == _POLYGON:
            trees.append({"type": "Polygon", "coordinates": mine[0] if mine else []})
        else:  # a point or a line: one leaf (an empty point or line has an empty one)
            leaf = mine[0][0] if mine and mine[0] else empty_leaf
            trees.append({"type": _SINGLE[kind], "coordinates": leaf})
    return xy, starts, trees


def _renumber(tree: dict[str, Any], offset: int) -> dict[str, Any]:
    if tree["type"] == "GeometryCollection":
        return {"type": tree["type"], "geometries": [_renumber(t, offset) for t in tree["geometries"]]}

    def shift(value: Any) -> Any:
        return value + offset if isinstance(value, int) else [shift(item) for item in value]

    return {"type": tree["type"], "coordinates": shift(tree["coordinates"])}


def python_round(values: np.ndarray, decimals: int) -> np.ndarray:
    """``round(float(v), decimals)`` of every element, with ``-0.0`` written as ``0.0``.

    Python rounds the exact binary value correctly; ``numpy.round`` scales by
    10**decimals first, which can tip a value lying just beside a half the
    other way. Those few (the scaled value within 1e-6 of a half, far wider
    than the scaling error) are rounded by Python; the rest agree.
    """
    values = np.asarray(values, dtype=float)
    rounded = np.round(values, decimals)
    scaled = values * 10.0 ** decimals
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    if near_half.any():
        rounded[near_half] = [round(value, decimals) for value in values[near_half].tolist()]
    return rounded + 0.0  # -0.0 + 0.0 is 0.0
