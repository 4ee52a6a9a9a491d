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
