"""Packed layers: whole-number steps that read back as the very GeoJSON they were made from."""

from __future__ import annotations

import json

import shapely

from geomap.render.features import features
from geomap.render.packing import pack_collection, unpack_collection

from . import synthetic


def test_a_packed_layer_reads_back_as_its_geojson_and_is_smaller():
    lon, lat = synthetic.SUDZHA
    shapes = [
        synthetic.circle_km2(lon, lat, 1300.0),
        shapely.Point(lon - 0.5, lat + 0.25),
        shapely.LineString([(lon, lat), (lon + 0.3, lat - 0.2)]),
        shapely.MultiPolygon([synthetic.circle_km2(lon + 2, lat, 50.0), synthetic.circle_km2(lon - 2, lat, 80.0)]),
        shapely.GeometryCollection([shapely.Point(lon, lat - 1), synthetic.circle_km2(lon, lat - 1, 10.0)]),
        shapely.Polygon(shapely.box(lon - 1, lat - 1, lon + 1, lat + 1).exterior,
                        [shapely.box(lon - 0.2, lat - 0.2, lon + 0.2, lat + 0.2).exterior.coords]),
    ]
    for decimals in (3, 4, 5):
        made = features(shapes, [{"t": f"shape {i}"} for i in range(len(shapes))], decimals)
        collection = {"type": "FeatureCollection", "features": made}
        packed = pack_collection(collection, decimals)
        assert unpack_collection(json.loads(json.dumps(packed))) == collection
        assert len(json.dumps(packed)) < 0.7 * len(json.dumps(collection))


def test_positions_are_written_as_steps_from_the_one_before():
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.5, 51.25]}, "properties": {}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[35.5001, 51.25], [35.4999, 51.2502]]},
         "properties": {"t": "a line"}},
    ]}
    assert pack_collection(collection, 4) == {"scale": 10000, "features": [
        ["Point", [355000, 512500], {}], ["LineString", [1, 0, -2, 2], {"t": "a line"}]]}
