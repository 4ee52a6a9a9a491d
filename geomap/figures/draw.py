"""Shapely geometries drawn as matplotlib collections, the way ``GeoSeries.plot`` draws them.

geopandas builds a GeoSeries and one collection per ``plot`` call; the claims
map called it once per claim and outline, which made a window with a hundred
claims take seconds. These functions take many geometries at once, with a
style per geometry where wanted, and add one collection whose paths are drawn
in the geometries' order. They prepare the paths as geopandas does
(normalised geometries, collections exploded, empty ones dropped; one patch
per polygon or multipolygon, one line per part), so the drawing is the same as
one ``plot`` call per geometry with the same style.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from shapely.geometry.base import BaseGeometry

POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
LINEAR = (shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING, shapely.GeometryType.LINEARRING)


def add_polygons(ax, geometries: Sequence[BaseGeometry | None], **style: Any) -> PatchCollection | None:
    """One patch per polygon or multipolygon (holes cut out); a list in ``style`` gives a value per geometry."""
    shapes, owner = _components(geometries, POLYGONAL)
    if not len(shapes):
        return None
    collection = PatchCollection([_polygon_patch(shape) for shape in shapes], **_per_part(style, owner))
    ax.add_collection(collection)
    return collection


def add_lines(ax, geometries: Sequence[BaseGeometry | None], **style: Any) -> LineCollection | None:
    """One line per linestring part; a list in ``style`` gives a value per geometry."""
    shapes, owner = _components(geometries, LINEAR)
    if not len(shapes):
        return None
    parts, part_owner = shapely.get_parts(shapes, return_index=True)
    xy, line_of = shapely.get_coordinates(parts, return_index=True)
    segments = np.split(xy, np.cumsum(np.bincount(line_of, minlength=len(parts)))[:-1])
    collection = LineCollection(segments, **_per_part(style, owner[part_owner]))
    ax.add_collection(collection)
    return collection


def _components(geometries: Sequence[BaseGeometry | None], kinds: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The normalised, non-empty geometries of ``kinds`` (collections exploded) and the index each came from."""
    shapes = shapely.normalize(np.array(list(geometries), dtype=object))
    owner = np.arange(len(shapes))
    if (shapely.get_type_id(shapes) == shapely.GeometryType.GEOMETRYCOLLECTION).any():
        exploded = [(part, index) for index, shape in enumerate(shapes) for part in (
            shape.geoms if shape is not None and shape.geom_type == "GeometryCollection" else [shape])]
        shapes = np.array([part for part, _ in exploded], dtype=object)
        owner = np.array([index for _, index in exploded], dtype=int)
    keep = ~shapely.is_missing(shapes) & ~shapely.is_empty(shapes) & np.isin(shapely.get_type_id(shapes), kinds)
    return shapes[keep], owner[keep]


def _polygon_patch(shape: BaseGeometry) -> PathPatch:
    """geopandas' polygon patch: every ring of every part in one compound path."""
    rings = shapely.get_rings(shapely.get_parts(shape))
    return PathPatch(Path.make_compound_path(*[Path(shapely.get_coordinates(ring), closed=True) for ring in rings]))


def _per_part(style: dict[str, Any], owner: np.ndarray) -> dict[str, Any]:
    """``style`` with each per-geometry list turned into a list per drawn part."""
    return {key: [value[i] for i in owner.tolist()] if isinstance(value, list) else value
            for key, value in style.items()}
