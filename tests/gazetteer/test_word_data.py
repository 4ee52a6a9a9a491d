"""The geoparser's built word lists: given names (1990 US census) and demonyms (world-countries)."""

from __future__ import annotations

import io
import json
import tarfile

from geomap.gazetteer.word_data import demonym_lines, plural
from geomap.paths import geodata_dir


def _tarball(path, countries: list[dict]):
    data = json.dumps(countries).encode("utf-8")
    with tarfile.open(path, "w:gz") as archive:
        member = tarfile.TarInfo("package/countries.json")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    return path


def test_plural_nouns_of_demonyms():
    assert [plural(w) for w in ("Canadian", "Iraqi", "Chinese", "British", "Swiss", "French", "Thai")] == \
        ["Canadians", "Iraqis", "Chinese", "British", "Swiss", "French", "Thais"]


def test_a_demonym_two_countries_share_goes_to_the_sovereign_one(tmp_path):
    countries = [
        {"cca2": "US", "independent": True, "demonyms": {"eng": {"f": "American", "m": "American"}}},
        {"cca2": "MP", "independent": False, "demonyms": {"eng": {"f": "American", "m": "American"}}},
        {"cca2": "CG", "independent": True, "demonyms": {"eng": {"f": "Congolese", "m": "Congolese"}}},
        {"cca2": "CD", "independent": True, "demonyms": {"eng": {"f": "Congolese", "m": "Congolese"}}},
        {"cca2": "BA", "independent": True, "demonyms": {"eng": {"f": "Bosnian, Herzegovinian",
                                                                 "m": "Bosnian, Herzegovinian"}}},
    ]
    lines = demonym_lines(_tarball(tmp_path / "world-countries.tgz", countries))
    assert lines == ["American\tUS", "Americans\tUS", "Bosnian\tBA", "Bosnians\tBA", "Herzegovinian\tBA",
                     "Herzegovinians\tBA"]


def test_the_bundled_lists_hold_what_the_geoparser_reads():
    given = dict(line.split("\t") for line in (geodata_dir() / "given_names.txt").read_text().splitlines())
    assert {"paul", "jessica", "donald", "hugh"} <= set(given)
    assert not {"china", "kenya", "paris", "asia"} & set(given)  # rarer than the share kept
    demonyms = dict(line.split("\t") for line in (geodata_dir() / "demonyms.txt").read_text().splitlines())
    assert demonyms["Canadian"] == "CA" and demonyms["Canadians"] == "CA" and demonyms["American"] == "US"
    assert demonyms["Sudanese"] == "SD" and "Congolese" not in demonyms
