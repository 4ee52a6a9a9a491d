"""The geoparser's word lists, read from geodata/ (``[geoparse]``, ``[[demonym]]`` and ``[[adjective]]``
of curated.toml, and common_words.txt).

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
    abbreviations: frozenset[str]
    inner_words: frozenset[str]
    place_followers: frozenset[str]
    place_preceders: frozenset[str]
    place_of_heads: frozenset[str]
    titles: frozenset[str]
    place_prepositions: frozenset[str]
    strong_cues_before: tuple[str, ...]  # phrases, as tuples for str.endswith
    region_cues_after: frozenset[str]
    region_cues_before: tuple[str, ...]
    city_cues_after: frozenset[str]
    city_cues_before: tuple[str, ...]
    region_words: frozenset[str]
    organisation_nouns: frozenset[str]
    demonyms: dict[str, str]  # folded word -> ISO country code ("ukrainian" -> "UA")
    adjectives: frozenset[str]  # folded words that are never places ("roman", "soviet")
    common: dict[str, float]  # gazetteer names that are English words -> Zipf frequency ("march": 5.1)


def read_word_lists(data_dir: Path) -> WordLists:
    """The word lists of the bundled data folder."""
    curated = tomllib.loads((data_dir / "curated.toml").read_text(encoding="utf-8"))
    common = {}
    for line in (data_dir / "common_words.txt").read_text(encoding="utf-8").splitlines():
        word, _, zipf = line.partition("\t")
        common[word] = float(zipf or 0)
    return word_lists(curated, common)


def word_lists(curated: dict, common: dict[str, float]) -> WordLists:
    """The word lists of a parsed curated.toml and common-word table."""
    lists = curated.get("geoparse", {})
    values = {}
    for field in fields(WordLists):
        if field.name in ("demonyms", "adjectives", "common"):
            continue
        words = [word.lower() for word in lists.get(field.name, [])]
        values[field.name] = tuple(words) if field.name.endswith("_before") else frozenset(words)
    demonyms = {fold(word): entry["country"] for entry in curated.get("demonym", []) for word in entry["words"]}
    adjectives = frozenset(fold(word) for entry in curated.get("adjective", []) for word in entry["words"])
    return WordLists(**values, demonyms=demonyms, adjectives=adjectives, common=common)
