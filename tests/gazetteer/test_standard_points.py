"""Countries and first-level regions report the standard point news geoparsing is scored against, with the
GeoNames id; their polygons stay for drawing. Also: the wheel ships every file of geodata/."""

from __future__ import annotations

import fnmatch
import math
import tomllib
from pathlib import Path

import pytest
import shapely

from geomap.gazetteer.lookup import Gazetteer
from geomap.gazetteer.regions import Regions
from geomap.gazetteer.store import Store
from geomap.paths import source_geodata_dir

REPO = Path(__file__).resolve().parents[2]


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(a))


# GeoNames' points and ids for countries whose World Factbook point GeoNames took over.
@pytest.mark.parametrize("name, code, geonameid, lat, lon", [
    ("Russia", "RU", 2017370, 60.0, 100.0),
    ("China", "CN", 1814991, 35.0, 105.0),
    ("Turkey", "TR", 298795, 39.0, 35.0),
    ("Ukraine", "UA", 690791, 49.0, 32.0),
    ("Sudan", "SD", 366755, 15.0, 30.0),
])
def test_country_reports_its_standard_point_and_geonameid(gaz: Gazetteer, name, code, geonameid, lat, lon) -> None:
    top = gaz.lookup(name)[0]
    assert (top.id, top.kind, top.geonameid) == (code, "country", geonameid)
    assert km_between(top.lat, top.lon, lat, lon) < 1


# GeoNames' points for the countries whose Factbook point is more than 150 km off (curated [[country_point]]).
@pytest.mark.parametrize("name, code, geonameid, lat, lon", [
    ("United States", "US", 6252001, 39.76, -98.5),
    ("Canada", "CA", 6251999, 60.10867, -113.64258),
    ("Australia", "AU", 2077456, -25.0, 135.0),
    ("Japan", "JP", 1861060, 35.68536, 139.75309),
    ("Zambia", "ZM", 895949, -14.33333, 28.5),
])
def test_country_far_from_its_factbook_point_reports_geonames_point(gaz: Gazetteer, name, code, geonameid,
                                                                    lat, lon) -> None:
    top = gaz.lookup(name)[0]
    assert (top.id, top.kind, top.geonameid) == (code, "country", geonameid)
    assert km_between(top.lat, top.lon, lat, lon) < 1


def test_country_point_table_refuses_an_override_that_is_not_needed() -> None:
    from geomap.gazetteer.build import BuildError, with_geonames_country_points

    factbook = {"TR": (35.0, 39.0), "US": (-97.0, 38.0)}
    countries = {"TR": {"geonameid": 298795}, "US": {"geonameid": 6252001}}
    near = {"country_point": [{"code": "TR", "geonameid": 298795, "lat": 39.5, "lon": 35.5}]}
    with pytest.raises(BuildError, match="only 70 km"):
        with_geonames_country_points(factbook, near, countries)
    wrong_id = {"country_point": [{"code": "US", "geonameid": 1, "lat": 39.76, "lon": -98.5}]}
    with pytest.raises(BuildError, match="not GeoNames' 6252001"):
        with_geonames_country_points(factbook, wrong_id, countries)
    far = {"country_point": [{"code": "US", "geonameid": 6252001, "lat": 39.76, "lon": -98.5}]}
    assert with_geonames_country_points(factbook, far, countries) == {"TR": (35.0, 39.0), "US": (-98.5, 39.76)}


@pytest.mark.parametrize("name", ["U.S.", "US", "USA", "United States", "United States of America", "America"])
def test_every_us_form_is_the_same_country_entry(gaz: Gazetteer, name: str) -> None:
    top = gaz.lookup(name)[0]
    assert (top.id, top.geonameid) == ("US", 6252001)
    assert (top.lat, top.lon) == (gaz.region("US").lat, gaz.region("US").lon)


@pytest.mark.parametrize("name", ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom"])
def test_every_uk_form_is_the_united_kingdom(gaz: Gazetteer, name: str) -> None:
    top = gaz.lookup(name)[0]
    assert (top.id, top.kind, top.geonameid) == ("GB", "country", 2635167)


@pytest.mark.parametrize("abbreviation, code", [
    ("Calif.", "US-CA"), ("W.Va.", "US-WV"), ("Ky.", "US-KY"), ("N.Y.", "US-NY"), ("Ga.", "US-GA"), ("Wash.", "US-WA"),
])
def test_ap_state_abbreviations_name_the_state(gaz: Gazetteer, abbreviation: str, code: str) -> None:
    top = gaz.lookup(abbreviation)[0]
    assert (top.id, top.kind, top.country) == (code, "admin1", "US")


def test_postal_codes_are_kept_for_the_geoparser(store: Store) -> None:
    curated = tomllib.loads((source_geodata_dir() / "curated.toml").read_text(encoding="utf-8"))
    postal = {entry["code"]: entry["postal"] for entry in curated["region_alias"] if "postal" in entry}
    assert postal["US-IN"] == "IN" and postal["US-WV"] == "WV" and sum(code.startswith("US-") for code in postal) == 51
    assert postal["CA-BC"] == "BC" and postal["CA-QC"] == "QC"
    assert all(store.region_index(code) is not None for code in postal)


@pytest.mark.parametrize("name, code, geonameid, lat, lon", [
    ("Europe", "CONT:EU", 6255148, 48.69, 9.14),
    ("Africa", "CONT:AF", 6255146, 7.19, 21.09),
    ("Asia", "CONT:AS", 6255147, 29.84, 89.30),
    ("South America", "CONT:SA", 6255150, -14.60, -57.66),
])
def test_continents_report_the_geonames_point(gaz: Gazetteer, name, code, geonameid, lat, lon) -> None:
    top = gaz.lookup(name)[0]
    assert (top.id, top.kind, top.geonameid, top.feature_code) == (code, "continent", geonameid, "CONT")
    assert km_between(top.lat, top.lon, lat, lon) < 1


@pytest.mark.parametrize("name, code, inside", [
    ("EU", "SR:european-union", "DE"),
    ("European Union", "SR:european-union", "FR"),
    ("Middle East", "SR:middle-east", "SA"),
    ("the Balkans", "SR:balkans", "RS"),
    ("Caucasus", "SR:caucasus", "GE"),
    ("Scandinavia", "SR:scandinavia", "SE"),
    ("Sahel", "SR:sahel", "NE"),
    ("Latin America", "SR:latin-america", "BR"),
    ("Gulf states", "SR:gulf-states", "SA"),
])
def test_supranational_regions_have_a_point_inside_their_members(gaz: Gazetteer, store: Store, name, code,
                                                                 inside) -> None:
    top = gaz.lookup(name)[0]
    assert (top.id, top.kind) == (code, "supranational")
    assert inside in top.country.split(",")
    regions = Regions(store)
    members = [regions.polygon(member) for member in top.country.split(",")]
    assert any(m.contains(shapely.Point(top.lon, top.lat)) for m in members)


def test_every_supranational_region_states_the_source_of_its_membership(store: Store) -> None:
    rows = [store.region_row(i) for i, line in enumerate(store.region_lines) if "\tsupranational\t" in line]
    assert len(rows) >= 15
    assert all(row["definition"] for row in rows)


def test_every_country_with_a_geonames_entry_has_its_id_and_a_point(store: Store) -> None:
    countries = [store.region_candidate(i) for i, line in enumerate(store.region_lines)
                 if line.split("\t", 2)[1] == "country"]
    assert len(countries) > 200
    with_id = [c for c in countries if c.geonameid]
    assert len(with_id) >= 0.95 * len(countries)
    assert all(-90 <= c.lat <= 90 and -180 <= c.lon <= 180 for c in countries)


@pytest.mark.parametrize("name, code, geonameid", [
    ("Kentucky", "US-KY", 6254925),
    ("Kursk Oblast", "RU-KRS", 538555),
    ("Sumy Oblast", "UA-59", 692196),
])
def test_admin1_reports_the_geonames_adm1_id_and_a_point_inside(gaz: Gazetteer, store: Store, name, code,
                                                                 geonameid) -> None:
    top = gaz.lookup(name)[0]
    assert (top.id, top.kind, top.geonameid) == (code, "admin1", geonameid)
    polygon = Regions(store).polygon(code)
    assert polygon.contains(shapely.Point(top.lon, top.lat))


def test_country_polygons_stay_for_drawing(store: Store) -> None:
    # The standard point of Russia lies in Siberia; the polygon still covers Kaliningrad to Chukotka.
    polygon = Regions(store).polygon("RU")
    assert polygon.contains(shapely.Point(21.5, 54.6)) and polygon.contains(shapely.Point(172.0, 66.5))


def test_the_wheel_ships_every_file_of_geodata() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["geomap._geodata"]
    files = [p.name for p in source_geodata_dir().iterdir() if p.is_file()]
    unshipped = [name for name in files if not any(fnmatch.fnmatch(name, pattern) for pattern in patterns)]
    assert files and not unshipped, f"pyproject package-data leaves out {unshipped}"


@pytest.mark.parametrize("name, code, geonameid, admin1, lat, lon", [
    ("Laurel County", "US.KY.125", 4297480, "US-KY", 37.11, -84.11),
    ("Cook County", "US.IL.031", 4888671, "US-IL", 41.82, -87.76),
])
def test_us_counties_are_second_level_units_near_the_geonames_point(gaz: Gazetteer, name, code, geonameid, admin1,
                                                                    lat, lon) -> None:
    top = gaz.lookup(name)[0]
    assert (top.id, top.kind, top.geonameid, top.admin1, top.country, top.feature_code) == (
        code, "admin2", geonameid, admin1, "US", "ADM2")
    assert km_between(top.lat, top.lon, lat, lon) < 40


def test_a_bare_county_name_stays_the_town(gaz: Gazetteer) -> None:
    assert all(c.kind != "admin2" for c in gaz.lookup("Laurel"))


def test_second_level_units_report_their_admin1_region(store: Store) -> None:
    units = [store.region_candidate(i) for i, line in enumerate(store.region_lines) if "\tadmin2\t" in line]
    assert len(units) > 20_000
    with_region = [u for u in units if u.admin1 and store.region_index(u.admin1) is not None]
    assert len(with_region) >= 0.9 * len(units)
    assert all(u.geonameid for u in units)


def test_a_two_word_bare_county_name_is_not_the_county(gaz: Gazetteer) -> None:
    assert all(c.kind != "admin2" for c in gaz.lookup("Black Hawk"))
    assert gaz.lookup("Black Hawk County")[0].kind == "admin2"
