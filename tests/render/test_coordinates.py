"""Vectorised coordinates: one array per layer must give what shapely's ``mapping`` and Python's ``round`` give."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import mapping

from geomap.render.coordinates import flatten, python_round
from geomap.render.features import geometries_to_geojson, geometry_to_geojson, simplified, simplified_all

SHAPES = [
    shapely.Point(35.2712345678, 51.1912345678),
    shapely.from_wkt("POINT Z (35.1 51.2 7)"),
    shapely.LineString([(35.0, 51.0), (35.000001, 51.000001), (35.5, 51.3)]),
    shapely.Point(35, 51).buffer(0.2),
    shapely.Polygon(shapely.box(0, 0, 4, 4).exterior, [shapely.box(1, 1, 2, 2).exterior]),
    shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)]),
    shapely.from_wkt("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), EMPTY)"),
    shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3), (3, 3.0000001)]]),
    shapely.MultiPoint([(0, 0), (1.23456789, -0.0000001)]),
    shapely.GeometryCollection([shapely.Point(1, 2), shapely.MultiPolygon([shapely.box(0, 0, 1, 1)]),
                                shapely.GeometryCollection([shapely.LineString([(0, 0), (5, 5)])])]),
    shapely.Polygon([(0, 0), (0.000001, 0), (0.000001, 0.000001), (0, 0)]),  # collapses at 5 decimals
]


def _leaf_mapping(tree, xy, starts):
    """A flatten tree back to mapping's nesting, with coordinate tuples."""
    if tree["type"] == "GeometryCollection":
        return {"type": tree["type"], "geometries": [_leaf_mapping(t, xy, starts) for t in tree["geometries"]]}

    def coordinates(leaves):
        if isinstance(leaves, int):
            return [tuple(c) for c in xy[starts[leaves]:starts[leaves + 1]].tolist()]
        return [coordinates(leaf) for leaf in leaves]

    leaves = tree["coordinates"]
    if tree["type"] == "Point":
        return {"type": "Point", "coordinates": coordinates(leaves)[0]}
    if tree["type"] == "MultiPoint":
        return {"type": "MultiPoint", "coordinates": [coordinates(leaf)[0] for leaf in leaves]}
    return {"type": tree["type"], "coordinates": coordinates(leaves)}


def _as_lists(value):
    if isinstance(value, dict):
        return {key: _as_lists(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, float) for v in value):
            return list(value[:2])
        return [_as_lists(item) for item in value]
    return value


def test_flatten_gives_mappings_nesting_and_coordinates():
    xy, starts, trees = flatten(SHAPES)
    assert xy.shape[1] == 2 and len(trees) == len(SHAPES)
    for shape, tree in zip(SHAPES, trees):
        assert _as_lists(_leaf_mapping(tree, xy, starts)) == _as_lists(mapping(shape))


def _python_round_mapping(geojson, ndigits):
    """The renderer's rounding, one coordinate at a time (as it was written before it was vectorised)."""
    def position(c):
        return [round(float(c[0]), ndigits) + 0.0, round(float(c[1]), ndigits) + 0.0]

    def path(coords):
        points = []
        for c in coords:
            p = position(c)
            if not points or p != points[-1]:
                points.append(p)
        return points

    def polygon(rings):
        kept = []
        for index, ring in enumerate(rings):
            p = path(ring)
            if len(p) < 4:
                if index == 0:
                    return None
                continue
            kept.append(p)
        return kept

    kind = geojson["type"]
    if kind == "GeometryCollection":
        parts = [p for p in (_python_round_mapping(g, ndigits) for g in geojson["geometries"]) if p]
        return {"type": kind, "geometries": parts} if parts else None
    c = geojson["coordinates"]
    rounded = {"Point": lambda: position(c), "MultiPoint": lambda: [position(x) for x in c] or None,
               "LineString": lambda: path(c) if len(path(c)) >= 2 else None,
               "MultiLineString": lambda: [p for p in map(path, c) if len(p) >= 2] or None,
               "Polygon": lambda: polygon(c),
               "MultiPolygon": lambda: [p for p in map(polygon, c) if p] or None}[kind]()
    return {"type": kind, "coordinates": rounded} if rounded else None


@pytest.mark.parametrize("ndigits", [5, 2])
def test_layer_rounding_matches_rounding_each_coordinate(ndigits):
    made = geometries_to_geojson(SHAPES + [None, shapely.Polygon()], ndigits)
    assert made[-2:] == [None, None]
    for shape, geojson in zip(SHAPES, made):
        assert geojson == _python_round_mapping(mapping(shape), ndigits)
        assert geometry_to_geojson(shape, ndigits) == geojson


def test_python_round_is_pythons_round_even_beside_a_half():
    rng = np.random.default_rng(7)
    halves = (rng.integers(-18_000_000, 18_000_000, 20_000) + 0.5) / 1e5
    values = np.concatenate([rng.uniform(-180, 180, 20_000), halves, np.nextafter(halves, 0), [-0.0, -1e-9]])
    expected = [round(v, 5) + 0.0 for v in values.tolist()]
    rounded = python_round(values, 5)
    assert rounded.tolist() == expected
    assert not np.signbit(rounded[rounded == 0]).any()  # no "-0.0"


def test_simplified_all_thins_each_by_its_own_size():
    shapes = [shapely.Point(35, 51).buffer(0.2, 64), None, shapely.Polygon(), shapely.Point(1, 1),
              shapely.LineString([(0, 0), (0.5, 0.0001), (1, 0)])]
    together = simplified_all(shapes, 0.002)
    for shape, thinned in zip(shapes, together):
        if shape is None or shape.is_empty or shape.geom_type == "Point":
            assert thinned is shape
            continue
        minx, miny, maxx, maxy = shape.bounds
        expected = shapely.simplify(shape, 0.002 * max(maxx - minx, maxy - miny), preserve_topology=True)
        assert thinned.equals_exact(expected, 0)
    assert simplified(shapes[0], 0.002).equals_exact(together[0], 0)
    assert simplified_all(shapes, None) == shapes
