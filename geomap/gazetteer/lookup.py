"""Name lookup: exact and alias matches on folded names, and fuzzy matches.

A name is folded (case, diacritics, apostrophes) and looked up in the sorted
name index. Region phrasing ("Kursk Oblast", "Kursk region", "the Kursk
province") is indexed at build time, so it is an ordinary lookup. Fuzzy lookup
scores the query against every indexed key with rapidfuzz and never reports a
fuzzy hit as exact: its method is "fuzzy" and its score the similarity (0-1).
"""

from __future__ import annotations

import math
import re

from geomap.gazetteer.folding import fold
from geomap.gazetteer.store import Store
from geomap.records import Candidate

KIND_ORDER = {"continent": 0, "country": 1, "supranational": 2, "admin1": 3, "named_region": 4, "populated_place": 5,
              "admin2": 6}
# GeoNames feature codes of the physical features that war reporting names as ground held or fought over:
# valleys, passes, isthmuses, hills, heights, plains, springs, lakes, islands, oases, forests, and areas such as a
# military corridor. Points that stand for the feature. An imported dump keeps those of GeoNames' classes T and H
# beside its populated places (see geomap.gazetteer.imports); curated.toml's [[feature]] entries use the others.
PHYSICAL_FEATURE_CODES = frozenset({
    "VAL", "VALS", "PASS", "GAP", "ISTH", "HLL", "HLLS", "MT", "MTS", "PK", "RDGE", "PLN", "PLAT", "UPLD", "ISL",
    "PEN", "CAPE", "SPNG", "SPNGS", "SPNGT", "LK", "WAD", "OAS", "FRST", "AREA",
})
# GeoNames gives a feature no population: a named valley or pass ranks as a village of this many people, not
# below every hamlet of its name (the "Hot Springs" of Ladakh among the towns of Arkansas and South Dakota).
FEATURE_POPULATION = 1000
_LEADING_ARTICLE = re.compile(r"^(the|a)\s+", re.IGNORECASE)


def importance_of(kind: str, population: int, feature_code: str | None) -> float:
    """A prior for ranking: population on a log scale, a bonus for capitals and larger units."""
    if feature_code in PHYSICAL_FEATURE_CODES:
        population = max(population, FEATURE_POPULATION)
    base = math.log10(population + 10)
    if feature_code == "PPLC":
        base += 1.0
    if kind in ("country", "continent"):
        base += 2.0
    elif kind == "supranational":
        base += 1.0
    elif kind in ("admin1", "named_region"):
        base += 0.3
    elif kind == "admin2":
        base -= 1.0  # its population sums the places inside: the namesake town ("La Coruña") ranks first
    return base


def importance(candidate: Candidate) -> float:
    return importance_of(candidate.kind, candidate.population, candidate.feature_code)


def rank(candidates: list[Candidate]) -> list[Candidate]:
    """Exact before alias before fuzzy; then by score and importance; ties broken by id."""
    method_order = {"exact": 0, "alias": 1, "context": 1, "fuzzy": 2}
    return sorted(
        candidates,
        key=lambda c: (method_order.get(c.method, 3), -round(c.score, 3), -importance(c), KIND_ORDER[c.kind], c.id),
    )


class Gazetteer:
    """Look names up in the bundled gazetteer (and imported dumps).

    Examples
    --------
    >>> gaz = Gazetteer()                                  # doctest: +SKIP
    >>> gaz.lookup("Суджа")[0].name                        # doctest: +SKIP
    'Sudzha'
    """

    def __init__(self, store: Store | None = None):
        self.store = store or Store()
        self._fuzzy_keys: list[str] | None = None

    def lookup(self, name: str, limit: int = 10, fuzzy: bool = False) -> list[Candidate]:
        """Ranked candidates for ``name``: exact/alias matches, then fuzzy ones when asked."""
        found = self.exact(name)
        if not fuzzy:
            return found[:limit]
        seen = {c.id for c in found}
        return rank(found + [c for c in self.fuzzy(name, limit=limit) if c.id not in seen])[:limit]

    def exact(self, name: str) -> list[Candidate]:
        """Exact and alias matches only (case, diacritics, apostrophes folded)."""
        key = fold(name)
        found = self.store.candidates_for_key(key)
        if not found:
            stripped = fold(_LEADING_ARTICLE.sub("", name.strip()))
            if stripped != key:
                found = self.store.candidates_for_key(stripped)
        # The bundled index stores each name's entries already ranked; imported dumps mix in.
        return rank(found) if len(found) > 1 and len(self.store.names) > 1 else found

    def fuzzy(self, name: str, limit: int = 10, min_score: float = 0.85) -> list[Candidate]:
        """Candidates whose names are similar to ``name`` (never exact), best first.

        Similarity is Jaro-Winkler on folded names: it tolerates letters swapped or
        moved ("Suzhda" for "Sudzha") and rewards a shared beginning, which
        misspelled place names nearly always keep.
        """
        from rapidfuzz import process  # imported here: only fuzzy lookups pay for it
        from rapidfuzz.distance import JaroWinkler

        key = fold(name)
        if len(key) < 3:
            return []
        if self._fuzzy_keys is None:
            self._fuzzy_keys = sorted({k for index in self.store.names for k in index.keys()})
        matches = process.extract(
            key, self._fuzzy_keys, scorer=JaroWinkler.normalized_similarity, limit=max(limit * 4, 20),
            score_cutoff=min_score,
        )
        out: list[Candidate] = []
        # An entry that the name matches exactly (by any of its names) is not a fuzzy hit.
        seen: set[str] = {c.id for c in self.store.candidates_for_key(key)}
        for matched_key, score, _ in matches:
            if matched_key == key:
                continue  # an exact key is not a fuzzy hit
            for candidate in self.store.candidates_for_key(matched_key):
                if candidate.id in seen:
                    continue
                seen.add(candidate.id)
                candidate.method = "fuzzy"
                candidate.score = round(float(score), 4)
                out.append(candidate)
        return rank(out)[:limit]

    def place(self, geonameid: int) -> Candidate | None:
        location = self.store.place_location(int(geonameid))
        return self.store.place_candidate(*location) if location else None

    def region(self, code: str) -> Candidate | None:
        """A country (ISO alpha-2), admin-1 region (ISO 3166-2) or named region (NR:slug)."""
        index = self.store.region_index(code)
        return self.store.region_candidate(index) if index is not None else None

    def get(self, entry_id: str) -> Candidate | None:
        """Any entry by its id: a geonameid or a region code."""
        return self.place(int(entry_id)) if str(entry_id).isdigit() else self.region(str(entry_id))
