"""Reference layers: reading GeoJSON/GeoPackage/KML, refusing bad files, comparing with claims."""

from __future__ import annotations

import json
import warnings
import zipfile

import geopandas
import pytest
import shapely
from pyproj import Geod

from geomap.errors import GeomapError
from geomap.geometry import ReferenceWarning, compare_reference, load_reference
from geomap.geometry.projection import LocalProjection
from geomap.geometry.reference import parse_kml
from tests.geometry.conftest import AUGUST_2024, MARCH_2025, SUDZHA

GEOD = Geod(ellps="WGS84")
LOCAL = LocalProjection(SUDZHA["anchor_lon"], SUDZHA["anchor_lat"])


def km_box(x0, y0, x1, y1):
    """A box given in km in the equal-area projection centred on Sudzha, as a lon/lat polygon."""
    box = shapely.box(x0 * 1000, y0 * 1000, x1 * 1000, y1 * 1000).segmentize(500.0)
    return LOCAL.to_lonlat(box)


def write_geojson(path, features, crs=None):
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(geometry)}
        for properties, geometry in features]}
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def kml_ring(geometry):
    return " ".join(f"{x},{y}" for x, y in geometry.exterior.coords)


# -- reading ------------------------------------------------------------------------------------------------
def test_geojson_reference_is_read_with_dates_sorted(tmp_path):
    path = write_geojson(tmp_path / "ref.geojson", [
        ({"date": "2025-03-15", "name": "March"}, km_box(0, 0, 5, 5)),
        ({"date": "2024-08-20", "name": "August"}, km_box(0, 0, 10, 10)),
    ])
    reference = load_reference(path)
    assert list(reference["date"]) == ["2024-08-20", "2025-03-15"]
    assert list(reference["name"]) == ["August", "March"]
    assert reference.crs.to_epsg() == 4326


def test_as_of_is_accepted_as_the_date_field(tmp_path):
    path = write_geojson(tmp_path / "ref.geojson", [({"as_of": "2024-08"}, km_box(0, 0, 1, 1))])
    assert list(load_reference(path)["date"]) == ["2024-08-01"]


def test_geopackage_in_web_mercator_is_reprojected(tmp_path):
    square = km_box(0, 0, 10, 10)
    frame = geopandas.GeoDataFrame({"date": ["2024-08-20"]}, geometry=[square], crs="EPSG:4326").to_crs(3857)
    path = tmp_path / "ref.gpkg"
    frame.to_file(path, engine="pyogrio")
    reference = load_reference(path)
    assert reference.crs.to_epsg() == 4326
    area = abs(GEOD.geometry_area_perimeter(reference.geometry.iloc[0])[0]) / 1e6
    assert area == pytest.approx(100.0, rel=1e-4)


def test_kml_reference_is_read(tmp_path):
    path = tmp_path / "ref.kml"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>held</name>
<Placemark><name>salient</name>
<ExtendedData><Data name="date"><value>2024-08-20</value></Data></ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{kml_ring(km_box(0, 0, 10, 10))}</coordinates>
</LinearRing></outerBoundaryIs></Polygon></Placemark>
</Folder></Document></kml>""", encoding="utf-8")
    reference = load_reference(path)
    assert list(reference["date"]) == ["2024-08-20"]
    assert list(reference["name"]) == ["salient"]
    area = abs(GEOD.geometry_area_perimeter(reference.geometry.iloc[0])[0]) / 1e6
    assert area == pytest.approx(100.0, rel=1e-4)


def test_own_kml_parser_reads_timestamps_and_kmz(tmp_path):
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>pocket</name><TimeStamp><when>2025-03-15</when></TimeStamp>
<MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>{kml_ring(km_box(0, 0, 2, 2))}</coordinates>
</LinearRing></outerBoundaryIs></Polygon><Polygon><outerBoundaryIs><LinearRing>
<coordinates>{kml_ring(km_box(5, 5, 7, 7))}</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry>
</Placemark></Document></kml>"""
    path = tmp_path / "ref.kmz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("doc.kml", document)
    frame = parse_kml(path)
    assert list(frame["timestamp"]) == ["2025-03-15"]
    assert frame.geometry.iloc[0].geom_type == "MultiPolygon"
    reference = load_reference(path)
    assert list(reference["date"]) == ["2025-03-15"]
    area = abs(GEOD.geometry_area_perimeter(reference.geometry.iloc[0])[0]) / 1e6
    assert area == pytest.approx(8.0, rel=1e-4)


# -- bad files ----------------------------------------------------------------------------------------------
def test_missing_date_field_is_a_clear_error(tmp_path):
    path = write_geojson(tmp_path / "ref.geojson", [({"name": "x"}, km_box(0, 0, 1, 1))])
    with pytest.raises(GeomapError, match="no date field") as error:
        load_reference(path)
    assert error.value.path == str(path)


def test_unreadable_date_is_a_clear_error(tmp_path):
    path = write_geojson(tmp_path / "ref.geojson", [({"date": "last summer"}, km_box(0, 0, 1, 1))])
    with pytest.raises(GeomapError, match="feature 0 has no valid 'date'"):
        load_reference(path)


def test_invalid_polygon_is_repaired_with_a_warning(tmp_path):
    x0, y0 = SUDZHA["anchor_lon"], SUDZHA["anchor_lat"]
    bowtie = shapely.Polygon([(x0, y0), (x0 + 0.1, y0 + 0.1), (x0 + 0.1, y0), (x0, y0 + 0.1), (x0, y0)])
    assert not bowtie.is_valid
    path = write_geojson(tmp_path / "ref.geojson", [({"date": "2024-08-20"}, bowtie)])
    with pytest.warns(ReferenceWarning, match="repaired invalid polygon"):
        reference = load_reference(path)
    assert reference.geometry.iloc[0].is_valid
    assert reference.geometry.iloc[0].area == pytest.approx(0.005)  # two triangles of 0.1 x 0.05 / 2


def test_projected_coordinates_labelled_lonlat_are_refused(tmp_path):
    web_mercator_box = shapely.box(3.9e6, 6.6e6, 3.91e6, 6.61e6)
    path = write_geojson(tmp_path / "ref.geojson", [({"date": "2024-08-20"}, web_mercator_box)])
    with pytest.raises(GeomapError, match="CRS is probably wrong"):
        load_reference(path)


def test_geopackage_without_crs_is_refused(tmp_path):
    frame = geopandas.GeoDataFrame({"date": ["2024-08-20"]}, geometry=[km_box(0, 0, 1, 1)], crs=None)
    path = tmp_path / "ref.gpkg"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame.to_file(path, engine="pyogrio")
    with pytest.raises(GeomapError, match="no CRS"):
        load_reference(path)


def test_points_are_refused(tmp_path):
    path = write_geojson(tmp_path / "ref.geojson", [({"date": "2024-08-20"}, shapely.Point(35.3, 51.2))])
    with pytest.raises(GeomapError, match="feature 0 is a Point"):
        load_reference(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(GeomapError, match="not found"):
        load_reference(tmp_path / "nope.geojson")


# -- comparing ----------------------------------------------------------------------------------------------
def test_iou_of_two_offset_squares(tmp_path, geo, make_claim):
    """Claimed square [0,10]x[0,10] km vs reference [5,15]x[0,10] km: IoU = 50/150, centroids 5 km apart."""
    path = write_geojson(tmp_path / "ref.geojson", [
        ({"date": "2024-08-20"}, km_box(5, 0, 15, 10)),
        ({"date": "2025-03-15"}, km_box(0, 0, 2, 2)),
    ])
    claims = geo([make_claim("area_held", 100, "km²", km2=100.0, **SUDZHA, **AUGUST_2024)])
    claims = claims.set_geometry([km_box(0, 0, 10, 10)], crs="EPSG:4326")
    table = compare_reference(claims, load_reference(path))
    row = table.iloc[0]
    assert row["reference_date"] == "2024-08-20" and row["days_apart"] == 19
    assert row["reference_km2"] == pytest.approx(100.0, rel=1e-4)
    assert row["ratio"] == pytest.approx(1.0, rel=1e-3)
    assert row["iou"] == pytest.approx(1.0 / 3.0, rel=1e-3)
    assert row["centroid_offset_km"] == pytest.approx(5.0, rel=1e-3)


def test_claim_buffer_inside_a_reference_square(tmp_path, geo, make_claim):
    """A 110 km² disc centred in a 20 km x 20 km square: IoU = 110/400, same centre."""
    path = write_geojson(tmp_path / "ref.geojson", [({"date": "2025-03-14"}, km_box(-10, -10, 10, 10))])
    claims = geo([make_claim("area_held", 110, "km²", km2=110.0, **SUDZHA, **MARCH_2025),
                  make_claim("area_held", 110, "km²", km2=110.0, **SUDZHA),
                  make_claim("distance", 10, "km", km=10.0, **SUDZHA)])
    table = compare_reference(claims, load_reference(path))
    assert list(table["claim_id"]) == ["s1#1", "s1#2"]  # area claims only
    dated, undated = table.iloc[0], table.iloc[1]
    assert dated["iou"] == pytest.approx(110.0 / 400.0, rel=0.005)
    assert dated["centroid_offset_km"] < 0.05
    assert dated["ratio"] == pytest.approx(110.0 / 400.0, rel=1e-3)
    assert undated["note"] == "undated claim"
