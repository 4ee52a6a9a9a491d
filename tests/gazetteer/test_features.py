"""Curated natural features (curated.toml [[feature]]): the valleys, plains, lakes, heights and forests that claims
are about and that no bundled package has, found by name, placed where their source puts them, inside their region."""

from __future__ import annotations

import pytest
import shapely
from pyproj import Geod

from geomap.gazetteer.build import BuildError, RegionRow, _feature_lines
from geomap.gazetteer.lookup import Gazetteer
from geomap.gazetteer.regions import Regions
from geomap.gazetteer.store import Store

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def regions(store: Store) -> Regions:
    return Regions(store)


@pytest.mark.parametrize("name, feature_code, region, lat, lon", [
    ("Golan Heights", "PLAT", "SY-QU", 32.98167, 35.74944),
    ("Galwan Valley", "VAL", "IN-LA", 34.7491, 78.1656),
    ("Pangong Tso", "LK", "IN-LA", 33.71794, 78.8968),
    ("Pangong Lake", "LK", "IN-LA", 33.71794, 78.8968),
    ("Depsang Plains", "PLN", "IN-LA", 35.3, 78.0),
    ("Chushul", "PPL", "IN-LA", 33.601, 78.648),
    ("Sambisa Forest", "FRST", "NG-BO", 11.25, 13.41667),
    ("Lachin corridor", "AREA", "AZ-LAN", 39.60861, 46.54472),
    ("Morag Corridor", "AREA", "PS-GZZ", 31.30833, 34.28806),
    ("Netzarim Corridor", "AREA", "PS-GZZ", 31.48033, 34.41425),
    ("Lake Kivu", "LK", "CD-SK", -2.0, 29.0),
    ("Majorca", "ISL", "ES-PM", 39.617, 2.983),
    ("Elephant Pass", "ISTH", "LK-42", 9.54726, 80.408936),
    ("Ghouta", "OAS", "SY-RD", 33.5, 36.42083),
])
def test_a_feature_claims_are_about_is_found_where_its_source_puts_it(gaz: Gazetteer, name, feature_code, region,
                                                                      lat, lon) -> None:
    found = gaz.lookup(name)[0]
    assert (found.feature_code, found.admin1) == (feature_code, region)
    _, _, metres = GEOD.inv(lon, lat, found.lon, found.lat)
    assert metres < 100
    assert found.geonameid is None  # geomap's own id: no GeoNames feature is claimed for it


def test_every_feature_lies_in_the_region_it_names(store: Store, regions: Regions) -> None:
    rows = [line.split("\t") for line in store.places[0].lines if int(line.split("\t", 1)[0]) >= 1_000_000_000]
    assert len(rows) >= 14
    for row in rows:
        point = shapely.Point(float(row[3]), float(row[2]))
        polygon = regions.polygon(row[6])
        nearest = shapely.shortest_line(point, polygon).coords[-1]
        _, _, metres = GEOD.inv(point.x, point.y, nearest[0], nearest[1])
        assert metres < 25_000, row[1]


def test_the_town_of_arkansas_still_ranks_first_without_context(gaz: Gazetteer) -> None:
    # A border post with no people does not outrank a town of 35,000 on the name alone.
    found = gaz.lookup("Hot Springs")
    assert found[0].id == "4115412"
    assert "1000000005" in [c.id for c in gaz.lookup("Hot Springs", limit=20)]


def _region(code: str, country: str) -> RegionRow:
    square = shapely.box(78.0, 33.0, 79.0, 34.0)
    return RegionRow(code=code, kind="admin1", name=code, country=country, iso=code, names=[code],
                     exact_names=[code], phrase_bases=[], geometry=square, gn_a1=f"{country}.52")


FEATURE = {"id": 1000000099, "name": "Testovo Valley", "aliases": ["Testovo"], "feature_code": "VAL",
           "country": "IN", "region": "IN-LA", "lat": 33.5, "lon": 78.5, "source": "a test"}


def test_a_feature_becomes_a_place_line_of_its_region() -> None:
    [(line, names)] = _feature_lines({"feature": [FEATURE]}, {"IN-LA": _region("IN-LA", "IN")})
    assert line.split("\t") == ["1000000099", "Testovo Valley", "33.50000", "78.50000", "IN", "52", "IN-LA", "0",
                                "VAL", "Testovo"]
    assert names == ["Testovo Valley", "Testovo"]


@pytest.mark.parametrize("change, message", [
    ({"region": "CN-XZ"}, "CN-XZ is no admin-1 region of IN"),
    ({"lat": 36.0}, "lies 222 km outside IN-LA"),
    ({"id": 1250000}, "below 1000000000"),
])
def test_the_build_refuses_a_feature_that_contradicts_its_region(change, message) -> None:
    admin1 = {"IN-LA": _region("IN-LA", "IN"), "CN-XZ": _region("CN-XZ", "CN")}
    with pytest.raises(BuildError, match=message):
        _feature_lines({"feature": [FEATURE | change]}, admin1)


def test_sinai_names_the_peninsula(gaz: Gazetteer, regions: Regions) -> None:
    assert gaz.lookup("Sinai Peninsula")[0].id == "NR:sinai-peninsula"
    assert "NR:sinai-peninsula" in [c.id for c in gaz.lookup("Sinai")]  # beside the village in Ecuador
    assert 55_000 < regions.area_km2("NR:sinai-peninsula") < 65_000  # North and South Sinai governorates
