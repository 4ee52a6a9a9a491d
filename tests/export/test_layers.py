"""The export layers as a reader of the GeoPackage would check them: rows, columns, types, values."""

from __future__ import annotations

import json

import pandas
import pytest
import shapely

from geomap.export import export_layers
from geomap.export.layers import checks_table, flag_list, lighter_shapes, places_layer, split_geometry
from geomap.export.values import cell_value, cell_values, typed_column

from .conftest import make_mentions


def layers_by_name(tables) -> dict:
    return {layer.name: layer for layer in export_layers(tables)}


def test_layers_come_in_a_fixed_order_with_one_geometry_type_each(tables):
    layers = export_layers(tables)
    assert [(layer.name, layer.geometry_type) for layer in layers] == [
        ("places", "Point"), ("mentions", "Point"), ("claims", "Point"), ("place_status", "Point"),
        ("claim_areas", "MultiPolygon"),
        ("claim_lines", "MultiLineString"), ("envelopes", "MultiPolygon"), ("reference", "MultiPolygon"),
        ("checks", None), ("spread", None), ("comparison", None), ("sources", None),
    ]
    for layer in layers:
        if layer.spatial:
            assert layer.frame.crs.to_epsg() == 4326
            present = [g for g in layer.frame.geometry if g is not None]
            assert all(g.geom_type == layer.geometry_type for g in present), layer.name


def test_places_are_distinct_resolved_places_with_mention_counts():
    places = places_layer(make_mentions())
    assert list(places["name"]) == ["Sudzha", "Kursk Oblast", "Sumy"]  # most mentioned first
    sudzha = places.iloc[0]
    assert sudzha["n_mentions"] == 3 and sudzha["n_sources"] == 2
    assert json.loads(sudzha["sources"]) == ["daily", "wire"]
    assert (sudzha.geometry.x, sudzha.geometry.y) == (35.27084, 51.19055)
    assert "Ukraine" not in set(places["name"])  # a demonym names no place


def test_mentions_keep_every_row_and_unresolved_ones_have_no_point(tables):
    mentions = layers_by_name(tables)["mentions"].frame
    assert len(mentions) == len(tables["mentions"])
    unresolved = mentions[mentions["text"] == "Zzyzx"]
    assert unresolved.geometry.iloc[0] is None
    sumy = mentions[mentions["text"] == "Sumy"].iloc[0]
    assert json.loads(sumy["alternatives"]) == [{"id": "692195", "name": "Sumy Oblast", "score": 0.4}]


def test_claims_are_points_at_their_anchor_with_geometry_and_record_fields(tables):
    claims = layers_by_name(tables)["claims"].frame
    assert list(claims["claim_id"]) == list(tables["claim_geoms"]["claim_id"])
    wire = claims[claims["claim_id"] == "wire#1"].iloc[0]
    assert (wire.geometry.x, wire.geometry.y) == (35.271, 51.191)
    assert wire["status"] == "mapped" and wire["window"] == "2024-08"
    # A field only the claim record has comes along; the share's derived km² is the geometry stage's.
    assert "alt_unit" in claims.columns and "published" in claims.columns
    share = claims[claims["claim_id"] == "daily#2"].iloc[0]
    assert share["km2"] == pytest.approx(390.0)
    count = claims[claims["claim_id"] == "paper#2"].iloc[0]
    assert count["status"] == "unmapped" and count.geometry is None
    # The flags' codes: their messages are in the checks table, once.
    codes = [flag["code"] for flag in tables["claim_geoms"].set_index("claim_id").loc["wire#1", "flags"]]
    assert codes and isinstance(wire["flags"], str) and json.loads(wire["flags"]) == codes


def test_claim_geometries_are_split_by_type_and_promoted_to_multi(tables):
    layers = layers_by_name(tables)
    areas, lines = layers["claim_areas"].frame, layers["claim_lines"].frame
    assert sorted(areas["claim_id"]) == ["daily#1", "daily#2", "paper#1", "wire#1"]
    assert list(lines["claim_id"]) == ["wire#2"]  # the distance ring
    assert list(areas.columns[:4]) == ["claim_id", "source", "outlet", "kind"]
    # A shape carries what it is read by (its quote, how it was made); the claims layer the rest, by claim_id.
    assert {"quote", "construction", "shape", "km2", "window"} <= set(areas.columns)
    assert "derivation" not in areas.columns and "derivation" in layers["claims"].frame.columns
    assert set(areas["claim_id"]) | set(lines["claim_id"]) <= set(layers["claims"].frame["claim_id"])
    for original, exported in zip(tables["claim_geoms"].set_index("claim_id").loc[areas["claim_id"]].geometry,
                                  areas.geometry):
        assert exported.geom_type == "MultiPolygon" and exported.is_valid
        # The same shape with the vertices that matter at a thousandth of its extent, its area kept.
        xmin, ymin, xmax, ymax = original.bounds
        assert exported.hausdorff_distance(original) <= 0.0011 * max(xmax - xmin, ymax - ymin)
        assert exported.area == pytest.approx(original.area, rel=0.005)
        assert shapely.get_num_coordinates(exported) <= shapely.get_num_coordinates(original)


def test_shapes_lose_the_vertices_a_map_cannot_show_but_keep_their_area():
    disc = shapely.Point(35.3, 51.2).buffer(0.2, quad_segs=64)  # 257 vertices, as a drawn disc has
    jagged = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0.5, 1.0004), (0, 1)])  # a vertex 0.04 % of the side off
    sliver = shapely.Polygon([(0, 0), (1, 0), (1, 0.0005), (0, 0.0008)])  # a shape simplifying would flatten
    lighter, flat, kept, none = lighter_shapes([disc, jagged, sliver, None])
    assert shapely.get_num_coordinates(lighter) < shapely.get_num_coordinates(disc) / 2
    assert lighter.area == pytest.approx(disc.area, rel=0.005) and lighter.is_valid
    assert shapely.get_num_coordinates(flat) == 5  # the vertex off the line is gone (4 corners, closed)
    assert kept is sliver and none is None


def test_split_geometry_handles_collections_and_empties():
    polygon, line = shapely.box(0, 0, 1, 1), shapely.LineString([(0, 0), (2, 2)])
    areas, lines = split_geometry(shapely.GeometryCollection([polygon, line, shapely.Point(5, 5)]))
    assert areas.equals(shapely.MultiPolygon([polygon])) and lines.equals(shapely.MultiLineString([line]))
    assert split_geometry(None) == (None, None)
    assert split_geometry(shapely.Polygon()) == (None, None)


def test_checks_have_one_row_per_flag_with_numbers_as_json(tables):
    checks = layers_by_name(tables)["checks"].frame
    expected = sum(len(flags) for flags in tables["claim_geoms"]["flags"])
    assert expected > 0 and len(checks) == expected
    assert list(checks.columns) == ["claim_id", "source", "code", "severity", "message", "numbers"]
    origin = checks[(checks["claim_id"] == "wire#1") & (checks["code"] == "border_origin")].iloc[0]
    assert origin["severity"] == "info" and "Russia–Ukraine border" in origin["message"]
    numbers = json.loads(origin["numbers"])
    assert numbers["border_source"] == "OpenStreetMap land border" and numbers["distance_km"] == pytest.approx(9.05,
                                                                                                           abs=0.3)


def test_flags_given_as_json_text_or_a_single_dict_become_rows():
    frame = pandas.DataFrame({"claim_id": ["a#1", "a#2", "a#3"], "source": ["a", "a", "a"], "flags": [
        json.dumps([{"code": "x", "severity": "warning", "message": "m", "ratio": 2.5}]),
        {"code": "y", "message": "n"}, None]})
    checks = checks_table(frame)
    assert list(checks["code"]) == ["x", "y"]
    assert json.loads(checks["numbers"].iloc[0]) == {"ratio": 2.5}
    assert flag_list("not json") == [{"code": "note", "message": "not json"}]


def test_sources_leave_out_the_article_text(tables):
    sources = layers_by_name(tables)["sources"].frame
    assert "text" not in sources.columns
    assert list(sources["published"]) == ["2024-08-21", "2025-03-14", "2025-03-15"]
    assert json.loads(sources["warnings"].iloc[1]) == ["no date in the text"]


def test_optional_tables_are_left_out_and_spread_is_computed(tables):
    names = [layer.name for layer in export_layers({"claim_geoms": tables["claim_geoms"]})]
    assert names == ["places", "mentions", "claims", "claim_areas", "claim_lines", "checks", "spread"]
    with pytest.raises(ValueError, match="claim_geoms"):
        export_layers({"mentions": make_mentions()})


def test_an_object_with_attributes_works_like_a_mapping(tables):
    class Results:
        pass

    results = Results()
    for name, value in tables.items():
        setattr(results, name, value)
    assert [layer.name for layer in export_layers(results)] == [layer.name for layer in export_layers(tables)]


@pytest.mark.parametrize("value, plain", [
    (float("nan"), None), (pandas.NA, None), (pandas.NaT, None), ([1, {"a": None}], '[1,{"a":null}]'),
    ({"b": 1.5}, '{"b":1.5}'), (pandas.Timestamp("2025-03-13"), "2025-03-13"), ({"z", "a"}, '["a","z"]'),
])
def test_cells_become_plain_values_and_json_text(value, plain):
    assert cell_value(value) == plain


def test_columns_get_one_type():
    assert str(typed_column([1, None]).dtype) == "Int64"
    assert str(typed_column([True, False]).dtype) == "bool"
    assert str(typed_column([1, 2.5, None]).dtype) == "float64"
    assert list(typed_column([1, "a", None])) == ["1", "a", None]  # never numbers mixed with text


@pytest.mark.parametrize("column", [
    ["a", None, "b"], [1, None, 3], [True, False], [1.5, float("nan"), float("inf"), 2], [float("nan"), None],
    [1, "a", None], [[1, 2], None, {"a": 1.5}], [pandas.Timestamp("2025-03-13"), None], [pandas.NA, 2],
])
def test_a_column_read_as_a_whole_gets_the_values_and_type_of_its_cells(column):
    from geomap.export.values import typed_columns

    by_cell = typed_column([cell_value(value) for value in column])
    whole = typed_columns(["x"], [column])["x"]
    assert str(whole.dtype) == str(by_cell.dtype)
    assert whole.astype(object).where(whole.notna(), None).tolist() == \
        by_cell.astype(object).where(by_cell.notna(), None).tolist()


def test_claims_with_the_same_shape_keep_the_same_lighter_shape():
    disc = shapely.Point(35.3, 51.2).buffer(0.2, quad_segs=64)
    ring = shapely.Point(35.3, 51.2).buffer(0.4, quad_segs=64).difference(disc)
    again = shapely.from_wkb(shapely.to_wkb(disc))  # an equal shape, another object
    one, other, same, lone = lighter_shapes([disc, ring, again, None])
    assert shapely.to_wkb(one) == shapely.to_wkb(same) == shapely.to_wkb(lighter_shapes([disc])[0])
    assert shapely.to_wkb(other) == shapely.to_wkb(lighter_shapes([ring])[0]) and lone is None


def test_list_cells_are_json_text_whether_rows_share_the_list_or_not():
    shared = [{"name": "Sudzha", "score": 0.5}]
    column = [shared, shared, [{"name": "Sudzha", "score": 0.5}], [], None, {"km2": 1.0}, "text", 3]
    assert cell_values(column) == [
        '[{"name":"Sudzha","score":0.5}]', '[{"name":"Sudzha","score":0.5}]', '[{"name":"Sudzha","score":0.5}]',
        "[]", None, '{"km2":1.0}', "text", 3,
    ]
