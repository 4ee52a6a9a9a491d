"""The geoparser's word lists, read from geodata/: ``[geoparse]``, ``[[demonym]]`` and ``[[adjective]]``
of curated.toml, and the built lists common_words.txt, given_names.txt and demonyms.txt (see
geomap.gazetteer.word_data).

Every pass takes its words from one :class:`WordLists`; none is written in code,
so a list grows by editing the data, and a test can hand a pass its own lists.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from geomap.gazetteer.folding import fold


@dataclass(frozen=True)
class WordLists:
    """Lower-case words (and phrases of words, for the ``*_before`` lists) the passes look for."""

    months: frozenset[str]
    weekdays: frozenset[str]
    holidays: frozenset[str]
    abbreviations: frozenset[str]
    inner_words: frozenset[str]
    name_connectors: frozenset[str]
    place_followers: frozenset[str]
    place_preceders: frozenset[str]
    qualifiers: frozenset[str]  # capitalised, they open a region's name before a place's ("Northern Europe")
    feature_nouns: frozenset[str]  # capitalised, they end a natural feature's name after a place's ("Salinas Valley")
    place_of_heads: frozenset[str]
    titles: frozenset[str]
    place_prepositions: frozenset[str]
    locative_prepositions: frozenset[str]
    strong_cues_before: tuple[str, ...]  # phrases, as tuples for str.endswith
    region_cues_after: frozenset[str]
    region_cues_before: tuple[str, ...]
    city_cues_after: frozenset[str]
    city_cues_before: tuple[str, ...]
    country_cues_before: tuple[str, ...]
    region_words: frozenset[str]
    kind_words: frozenset[str]
    organisation_nouns: frozenset[str]
    thoroughfare_nouns: frozenset[str]
    facility_nouns: frozenset[str]
    building_nouns: frozenset[str]
    publication_nouns: frozenset[str]
    eras: frozenset[str]
    organisation_regions: frozenset[str]  # ids, as written ("SR:nato")
    speech_verbs: frozenset[str]
    language_cues: frozenset[str]
    demonyms: dict[str, str]  # folded word -> ISO country code ("ukrainian" -> "UA")
    adjectives: frozenset[str]  # folded words that are never places ("roman", "soviet")
    common: dict[str, float]  # gazetteer names that are English words -> Zipf frequency ("march": 5.1)
    given_names: frozenset[str]  # lower case ("paul", "jessica")


def read_word_lists(data_dir: Path) -> WordLists:
    """The word lists of the bundled data folder."""
    curated = tomllib.loads((data_dir / "curated.toml").read_text(encoding="utf-8"))
    common = {word: float(value or 0) for word, value in _table(data_dir / "common_words.txt")}
    given_names = frozenset(name for name, _ in _table(data_dir / "given_names.txt"))
    demonyms = dict(_table(data_dir / "demonyms.txt"))
    return word_lists(curated, common, given_names, demonyms)


def _table(path: Path) -> list[tuple[str, str]]:
    """The "key<TAB>value" lines of a built list (none when the file is missing)."""
    if not path.is_file():
        return []
    return [tuple(line.split("\t", 1)) if "\t" in line else (line, "")
            for line in path.read_text(encoding="utf-8").splitlines() if line]


def word_lists(curated: dict, common: dict[str, float], given_names: frozenset[str] = frozenset(),
               built_demonyms: dict[str, str] | None = None) -> WordLists:
    """The word lists of a parsed curated.toml and the built tables (demonyms: word as written -> code)."""
    lists = curated.get("geoparse", {})
    values = {}
    for field in fields(WordLists):
        if field.name in ("demonyms", "adjectives", "common", "given_names"):
            continue
        words = [word if field.name.endswith("_regions") else word.lower() for word in lists.get(field.name, [])]
        values[field.name] = tuple(words) if field.name.endswith("_before") else frozenset(words)
    adjectives = frozenset(fold(word) for entry in curated.get("adjective", []) for word in entry["words"])
    demonyms = {fold(word): code for word, code in (built_demonyms or {}).items() if fold(word) not in adjectives}
    # curated.toml's own entries win: "pro-Russian", "North Korean", corrections of the built list.
    demonyms.update({fold(word): entry["country"] for entry in curated.get("demonym", []) for word in entry["words"]})
    return WordLists(**values, demonyms=demonyms, adjectives=adjectives, common=common, given_names=given_names)
