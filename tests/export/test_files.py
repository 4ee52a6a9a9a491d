"""The exported files as other tools read them: GDAL's ogrinfo, RFC 7946 rules, the csv module, sha256."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import re
import sqlite3

import numpy as np
import pytest
import shapely
from shapely.geometry import mapping, shape

from geomap.export import write_exports
from geomap.export.writers import geojson_geometry, geojson_geometry_texts, write_geopackage

from .conftest import ogrinfo_layers

OGR_TYPES = {"Point": "Point", "MultiPolygon": "Multi Polygon", "MultiLineString": "Multi Line String"}
GEOPACKAGE_LAYERS = {
    # name: (ogrinfo geometry, feature count) for the fixture's tables
    "places": ("Point", 3), "mentions": ("Point", 7), "claims": ("Point", 6), "place_status": ("Point", 2),
    "claim_areas": ("Multi Polygon", 4),
    "claim_lines": ("Multi Line String", 1), "envelopes": ("Multi Polygon", 2), "reference": ("Multi Polygon", 2),
    "checks": ("None", None), "spread": ("None", 4), "comparison": ("None", 4), "sources": ("None", 3),
}
CSV_COLUMNS = {
    "checks.csv": ["claim_id", "source", "code", "severity", "message", "numbers"],
    "spread.csv": ["window", "claim_id", "source", "outlet", "kind", "km2", "derived", "n_claims", "n_sources",
                   "min_km2", "median_km2", "max_km2", "deviation_pct", "furthest"],
    "comparison.csv": ["claim_id", "source", "kind", "window", "claim_date", "reference_date", "days_apart",
                       "claimed_km2", "buffer_km2", "reference_km2", "ratio", "iou", "centroid_offset_km", "note"],
}


def daily_flags(tables) -> list[dict]:
    return tables["claim_geoms"].set_index("claim_id").loc["daily#1", "flags"]


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_file_is_written_and_nothing_temporary_is_left(exported):
    folder, written = exported
    names = [path.name for path in written]
    assert names[0] == "geomap.gpkg"
    assert set(names) == {
        "geomap.gpkg", "places.geojson", "mentions.geojson", "claims.geojson", "envelopes.geojson",
        "reference.geojson", "claim_geometries.geojson",
        "claims.csv", "checks.csv", "spread.csv", "comparison.csv", "sources.csv", "place_status.geojson",
        "place_status.csv",
    }
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)  # no .tmp files or staging folders


@pytest.mark.gdal
def test_ogrinfo_opens_every_geopackage_layer_with_type_count_and_crs(exported, tables):
    folder, _ = exported
    layers = ogrinfo_layers(folder / "geomap.gpkg")
    assert list(layers) == list(GEOPACKAGE_LAYERS)
    n_flags = sum(len(flags) for flags in tables["claim_geoms"]["flags"])
    for name, (geometry, count) in GEOPACKAGE_LAYERS.items():
        assert layers[name]["geometry"] == geometry, name
        assert layers[name]["count"] == (n_flags if name == "checks" else count), name
        assert layers[name]["epsg"] == (None if geometry == "None" else 4326), name


@pytest.mark.gdal
def test_ogrinfo_opens_every_geojson_file(exported):
    folder, _ = exported
    for path in sorted(folder.glob("*.geojson")):
        layers = ogrinfo_layers(path)
        assert len(layers) == 1, path.name
        (info,) = layers.values()
        if path.stem == "claim_geometries":
            assert info["geometry"] == "Unknown (any)" and info["count"] == 5  # polygons and a line, as drawn
        else:
            assert info["geometry"] == GEOPACKAGE_LAYERS[path.stem][0], path.name
            assert info["count"] == GEOPACKAGE_LAYERS[path.stem][1], path.name
        assert info["epsg"] == 4326, path.name


def test_geopackage_tables_keep_types_and_json_text(exported):
    folder, _ = exported
    with sqlite3.connect(folder / "geomap.gpkg") as database:
        contents = database.execute("SELECT table_name, data_type, srs_id, last_change FROM gpkg_contents").fetchall()
        columns = {row[1]: row[2] for row in database.execute("PRAGMA table_info(claims)")}
        flags, km2 = database.execute("SELECT flags, km2 FROM claims WHERE claim_id = 'wire#1'").fetchone()
        checked = database.execute("SELECT code, message FROM checks WHERE claim_id = 'wire#1'").fetchall()
        construction, shape_name = database.execute(
            "SELECT construction, shape FROM claim_areas WHERE claim_id = 'paper#1'").fetchone()
    assert {name: kind for name, kind, _, _ in contents}["checks"] == "attributes"
    assert {name: srs for name, _, srs, _ in contents}["claim_areas"] == 4326
    assert {change for *_, change in contents} == {"1970-01-01T00:00:00.000Z"}  # fixed, not the time of writing
    assert columns["km2"] == "REAL" and columns["start"] in ("INTEGER", "MEDIUMINT")
    assert json.loads(flags)[0] == "border_origin" and km2 == pytest.approx(999.7354)
    # A claim's flags are their codes; each flag's message is once in checks, in the order of the codes.
    assert [code for code, _ in checked] == json.loads(flags) and all(message for _, message in checked)
    assert shape_name == "border strip" and construction.startswith("strip of 110 km², ")


@pytest.mark.gdal
def test_place_statuses_are_a_point_layer_with_their_quotes(exported):
    folder, _ = exported
    layers = ogrinfo_layers(folder / "geomap.gpkg")
    assert layers["place_status"]["geometry"] == "Point" and layers["place_status"]["count"] == 2
    with sqlite3.connect(folder / "geomap.gpkg") as database:
        rows = database.execute("SELECT source, place, status, actor, as_of_end, quote, start, end "
                                "FROM place_status ORDER BY as_of_end").fetchall()
    assert rows[1] == ("paper", "Sudzha", "retaken", "RU", "2025-03-13",
                       "Russian forces raised their flag over Sudzha.", 138, 144)
    document = json.loads((folder / "place_status.geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["status"] for f in document["features"]] == ["captured", "retaken"]
    assert document["features"][0]["geometry"] == {"type": "Point", "coordinates": [35.27084, 51.19055]}
    table = list(csv.DictReader(io.StringIO((folder / "place_status.csv").read_text(encoding="utf-8"))))
    assert table[1]["cue"] == "raised their flag over" and table[1]["quote_start"] == "100"


def test_every_claim_shape_says_how_it_was_made(exported):
    folder, _ = exported
    features = json.loads((folder / "claim_geometries.geojson").read_text(encoding="utf-8"))["features"]
    assert features and all(f["properties"]["construction"] for f in features)
    with sqlite3.connect(folder / "geomap.gpkg") as database:
        for name in ("claim_areas", "claim_lines"):
            constructions = [row[0] for row in database.execute(f"SELECT construction FROM {name}")]
            assert constructions and all(constructions), name


def test_geojson_is_rfc7946(exported):
    folder, _ = exported
    for path in sorted(folder.glob("*.geojson")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["type"] == "FeatureCollection" and "crs" not in document, path.name
        for feature in document["features"]:
            geometry = feature["geometry"]
            if geometry is None:
                continue
            coordinates = re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", json.dumps(geometry["coordinates"]))
            assert all(len(c.split(".")[1]) <= 6 for c in coordinates if "." in c), path.name
            parsed = shape(geometry)
            lons, lats = zip(*shapely.get_coordinates(parsed))
            # lon/lat order: these tables lie in Kursk/Sumy/Ukraine (lon 22..41, lat 44..53).
            assert all(20 < lon < 42 for lon in lons) and all(43 < lat < 54 for lat in lats), path.name
            for polygon in shapely.get_parts(parsed):
                if polygon.geom_type != "Polygon":
                    continue
                assert polygon.exterior.is_ccw, path.name  # right-hand rule: exterior counter-clockwise
                assert all(not ring.is_ccw for ring in polygon.interiors), path.name


def test_geojson_orientation_and_rounding_are_enforced():
    clockwise = shapely.Polygon([(0, 0), (0, 1.123456789), (1, 1), (1, 0)],
                                holes=[[(0.2, 0.2), (0.8, 0.2), (0.8, 0.8), (0.2, 0.8)]])
    assert not clockwise.exterior.is_ccw
    written = geojson_geometry(clockwise)
    assert shape(written).exterior.is_ccw and not shape(written).interiors[0].is_ccw
    assert [0.0, 1.123457] in written["coordinates"][0]
    assert geojson_geometry(None) is None and geojson_geometry(shapely.Point()) is None


def test_a_valid_shape_stays_valid_in_geojson_when_rounding_would_cross_its_edges():
    # A notch narrower than the 6th decimal, as clipping along a border leaves: plain rounding folds its two
    # edges onto each other and the polygon becomes invalid; the file must hold a valid polygon of the same area.
    notched = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0.5000004, 1), (0.5000002, 0.3), (0.5, 1), (0, 1)])
    assert notched.is_valid
    assert not shapely.transform(notched, lambda xy: np.round(xy, 6)).is_valid
    written = shape(geojson_geometry(notched))
    assert written.is_valid and written.area == pytest.approx(notched.area, rel=1e-6)
    assert all(abs(c * 1e6 - round(c * 1e6)) < 1e-6 for c in np.ravel(shapely.get_coordinates(written)))


def _geometry_text_one_by_one(geometry, decimals=6):
    """The GeoJSON geometry text as it was written before the layer-at-once writer."""
    if geometry is None or geometry.is_empty:
        return "null"
    oriented = shapely.orient_polygons(shapely.transform(geometry, lambda xy: np.round(xy, decimals)),
                                       exterior_cw=False)

    def rounded(value):
        if isinstance(value, dict):
            return {key: rounded(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            if value and all(isinstance(item, (int, float)) for item in value):
                return [round(float(item), decimals) + 0.0 for item in value[:2]]
            return [rounded(item) for item in value]
        return value

    return json.dumps(rounded(mapping(oriented)), separators=(",", ":"))


def test_geometry_texts_are_written_as_one_by_one():
    shapes = [
        None, shapely.Point(), shapely.Point(35.27123449999, -0.00000001), shapely.from_wkt("POINT Z (1 2 3)"),
        shapely.LineString([(35.0, 51.0), (35.5, 51.3)]), shapely.Point(35.2, 51.1).buffer(0.1),
        shapely.Polygon([(0, 0), (0, 1.123456789), (1, 1), (1, 0)], holes=[[(0.2, 0.2), (0.8, 0.2), (0.8, 0.8)]]),
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)]),
        shapely.from_wkt("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), EMPTY)"),
        shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3)]]), shapely.MultiPoint([(0, 0), (1, 1)]),
        shapely.GeometryCollection([shapely.Point(1, 2), shapely.box(0, 0, 1, 1).exterior,
                                    shapely.GeometryCollection([shapely.LineString([(0, 0), (5, 5)])])]),
    ]
    assert geojson_geometry_texts(shapes) == [_geometry_text_one_by_one(g) for g in shapes]


def test_csv_files_parse_with_the_expected_columns(exported, tables):
    folder, _ = exported
    for name, columns in CSV_COLUMNS.items():
        with open(folder / name, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert list(rows[0].keys()) == columns, name
    with open(folder / "claims.csv", newline="", encoding="utf-8") as handle:
        claims = list(csv.DictReader(handle))
    assert [row["claim_id"] for row in claims] == list(tables["claim_geoms"]["claim_id"])
    daily = next(row for row in claims if row["claim_id"] == "daily#1")
    assert daily["quote"] == 'Kyiv says it controls 1,300 km² "around" Sudzha.'  # quotes survive CSV quoting
    assert json.loads(daily["flags"]) == [flag["code"] for flag in daily_flags(tables)]  # lists are JSON text
    assert next(row for row in claims if row["claim_id"] == "paper#2")["km2"] == ""  # gaps are empty
    text = (folder / "checks.csv").read_text(encoding="utf-8")
    assert "\r" not in text and text.endswith("\n")


def test_writing_twice_gives_byte_identical_files(tables, tmp_path):
    first = write_exports(tables, tmp_path / "a")
    second = write_exports(tables, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for one, two in zip(first, second):
        assert sha256(one) == sha256(two), one.name


def test_layers_written_a_few_rows_at_a_time_are_the_files_written_whole(tables, tmp_path, monkeypatch):
    """A large layer is made and written a frame of rows at a time: two rows a frame give the same files as one frame
    of every row (a column's type is its whole column's, e.g. whole numbers with a gap in a later frame)."""
    from geomap.export import layers

    kinds = ("gpkg", "geojson", "csv", "parquet") if importlib.util.find_spec("pyarrow") else ("gpkg", "geojson", "csv")
    whole = write_exports(tables, tmp_path / "whole", kinds=kinds)
    monkeypatch.setattr(layers, "CHUNK_ROWS", 2)
    assert len(list(layers.ChunkedLayer.frames(next(
        layer for layer in layers.iter_layer_parts(tables) if layer.name == "mentions")))) > 1
    in_frames = write_exports(tables, tmp_path / "frames", kinds=kinds)
    assert [p.name for p in whole] == [p.name for p in in_frames]
    for one, two in zip(whole, in_frames):
        assert sha256(one) == sha256(two), one.name


def test_the_claim_shape_layers_are_written_in_smaller_frames_than_the_others(tables, tmp_path, monkeypatch):
    """The claim shape layers' frames hold SHAPE_CHUNK_ROWS claims (their polygons are the writers' largest
    objects), the other layers' CHUNK_ROWS rows; the files are those written whole."""
    from geomap.export import layers

    whole = write_exports(tables, tmp_path / "whole", kinds=("gpkg", "geojson"))
    monkeypatch.setattr(layers, "CHUNK_ROWS", 1000)
    monkeypatch.setattr(layers, "SHAPE_CHUNK_ROWS", 3)
    parts = {layer.name: layer for layer in layers.iter_layer_parts(tables)}
    areas = list(parts["claim_areas"].frames())
    assert len(areas) > 1 and sum(len(frame) for frame in areas) == len(parts["claim_areas"].frame)
    assert len(list(parts["mentions"].frames())) == 1
    in_frames = write_exports(tables, tmp_path / "frames", kinds=("gpkg", "geojson"))
    assert [p.name for p in whole] == [p.name for p in in_frames]
    for one, two in zip(whole, in_frames):
        assert sha256(one) == sha256(two), one.name


def test_the_geopackage_is_the_same_with_and_without_pyarrow(tables, tmp_path, monkeypatch):
    """Written through Arrow when pyarrow is installed, else a value at a time: the same file either way."""
    pytest.importorskip("pyarrow")
    from geomap.export import writers

    through_arrow = write_exports(tables, tmp_path / "arrow", kinds=("gpkg",))[0]
    monkeypatch.setattr(writers, "arrow_writes", lambda: False)
    one_by_one = write_exports(tables, tmp_path / "values", kinds=("gpkg",))[0]
    assert sha256(through_arrow) == sha256(one_by_one)


def test_geopackage_options_are_restored(tables, tmp_path):
    """The timestamp and SQLite's disk waits are set for geomap's GeoPackage only, not for the caller's GDAL."""
    import pyogrio

    options = ("OGR_CURRENT_DATE", "OGR_SQLITE_SYNCHRONOUS", "OGR_SQLITE_JOURNAL")
    pyogrio.set_gdal_config_options(dict.fromkeys(options))
    write_exports({"claim_geoms": tables["claim_geoms"]}, tmp_path)
    assert [pyogrio.get_gdal_config_option(name) for name in options] == [None, None, None]
    with sqlite3.connect(tmp_path / "geomap.gpkg") as database:  # written without them, whole all the same
        assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_failed_write_keeps_the_previous_file(tables, tmp_path, monkeypatch):
    from geomap.export import layers as layer_module

    target = tmp_path / "geomap.gpkg"
    target.write_bytes(b"previous")
    layers = layer_module.export_layers({"claim_geoms": tables["claim_geoms"]})
    broken = layers[:1] + [layer_module.Layer("bad name;", layers[1].frame, "NoSuchType")]
    with pytest.raises(Exception):
        write_geopackage(broken, target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["geomap.gpkg"]


def test_geojson_of_a_projected_frame_is_refused(tables):
    from geomap.export import geojson_text

    with pytest.raises(ValueError, match="EPSG:4326"):
        geojson_text(tables["claim_geoms"].to_crs(3857))
    assert io.StringIO(geojson_text(tables["claim_geoms"].iloc[:0])).read().count("Feature") == 1


def test_ctrl_c_while_a_layer_is_streamed_to_gdal_stays_an_interrupt(tables, tmp_path, monkeypatch):
    """A Ctrl-C (or SIGTERM) that arrives while GDAL pulls a frame through Arrow ends the write as an interrupt,
    not as Arrow's "Error while accessing batch from stream", so that the command says 'interrupted'."""
    pytest.importorskip("pyarrow")
    from geomap.export import layers as layer_module
    from geomap.export.writers import add_geopackage_layer

    layer = next(layer for layer in layer_module.iter_layer_parts(tables) if layer.name == "mentions")
    first = next(iter(layer.frames()))

    def frames():
        yield first
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        add_geopackage_layer(layer, tmp_path / "x.gpkg", first=True, use_arrow=True, frames=frames())
