"""Pass 6, misspellings: a capitalised word the gazetteer lacks, read as a place the article names.

Input: the resolved spans, the scan's hits, the text. Output: new spans with
method "fuzzy" for words one edit (or one swap) from a place the article names
or from a place in one of its regions ("Suzhda" -> Sudzha). Other unknown words
stay unresolved: a misspelling is only believed near what the article is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from geomap.gazetteer.folding import first_folded_chars, fold, fold_all
from geomap.geoparse.scan import Hit
from geomap.geoparse.spans import Span
from geomap.geoparse.text import is_capitalised, word_after, word_before
from geomap.geoparse.words import WordLists
from geomap.records import Candidate

FUZZY_MIN_SIMILARITY = 0.92
FUZZY_MIN_LENGTH = 5  # shorter unknown words are not read as misspellings
FUZZY_MEMO_SIZE = 200_000  # (word, region) answers a geoparser keeps

# A capitalised word of FUZZY_MIN_LENGTH characters or more: shorter ones fold to shorter keys (folding never
# lengthens a word), which are never read as misspellings.
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯЁЇІЄҐ](?<![\w'’\-].)[a-zà-öø-ÿа-яёїієґ'’]{%d,}(?![\w'’\-])"
                          % (FUZZY_MIN_LENGTH - 1))


class Misspellings:
    """Finds misspelled names; keeps the names of the regions it has read, and its answers, for the run."""

    def __init__(self, store, words: WordLists):
        self.store = store
        self.words = words
        self._region_names: dict[str, RegionNames] = {}
        self._memo: dict = {}  # (word, region) -> best match (see closest_place)
        self._keys: dict[str, str] = {}  # word -> its folded key

    def find(self, text: str, spans: list[Span], hits: list[Hit], sentence_of, initials: set[int],
             non_places: set[str], keep: Callable[[list[Span]], list[Span]] = lambda found: found) -> list[Span]:
        """Spans for the capitalised words of ``text`` that misspell a place near the resolved ``spans``;
        ``keep`` filters them as the scanned names were ("Centers for Disease Control")."""
        words = self.words
        resolved = list({s.chosen.id: s.chosen for s in spans
                         if s.chosen and s.chosen.kind == "populated_place"}.values())
        regions = sorted({s.chosen.id for s in spans if s.chosen and s.chosen.kind == "admin1"}
                         | {c.admin1 for c in resolved if c.admin1})
        if not resolved and not regions:
            return []
        found = []
        own = None  # the places the article names itself (own_places), once a word needs them
        closest: dict[str, tuple[float, object] | None] = {}
        keys = self._keys
        if len(keys) > FUZZY_MEMO_SIZE:
            keys.clear()
        for match in unscanned_words(text, hits):
            start = match.start()
            word = match.group()
            if start in initials or word in non_places:
                continue
            key = keys.get(word)
            if key is None:
                key = keys[word] = fold(word)
            if key in words.demonyms or key in words.common:
                continue
            if len(key) < FUZZY_MIN_LENGTH:
                continue  # nothing to match (see closest_place): the context is not read
            end = match.end()
            after = word_after(text, end)
            before = word_before(text, start)
            # An unknown word before a capitalised one is believed a place only before a region word
            # ("Suzhda District"), not before a title or an institution ("Health Minister").
            if (is_capitalised(after) and after.lower() not in words.inner_words) or \
                    (is_capitalised(before) and before.lower() not in words.place_preceders):
                continue
            if before and before.lower().rstrip(".") in words.titles:
                continue
            if key not in closest:
                if own is None:
                    own = own_places(resolved)
                closest[key] = self.closest_place(key, own, regions)
            best = closest[key]
            if best is None:
                continue
            similarity, candidate = best
            if isinstance(candidate, int):
                candidate = self.store.place_candidate(0, candidate)
            span = Span(start, end, key, word, sentence_of(start), False, word_before=before, word_after=after,
                        candidates=[candidate])
            span.chosen = Candidate(**{**candidate.as_dict(), "method": "fuzzy", "score": round(similarity, 4),
                                       "matched": fold(candidate.name)})
            span.method = "fuzzy"
            span.confidence = round(0.8 * similarity, 3)
            found.append(span)
        return keep(found)

    def closest_place(self, key: str, own: dict, regions: list[str]) -> tuple[float, object] | None:
        """What ``key`` plausibly misspells: a place the article names, or one in its regions.

        The first pool with the best similarity wins, as if all were one pool. A
        region's answer is kept for the run: corpora repeat their unknown words
        ("Ministry", "December") and their regions.
        """
        if len(key) < FUZZY_MIN_LENGTH:
            return None  # before reading any region's names
        best = closest_misspelling(key, own)
        for code in regions:
            if (key, code) not in self._memo:
                if len(self._memo) >= FUZZY_MEMO_SIZE:
                    self._memo.clear()
                self._memo[key, code] = closest_misspelling(key, self._region_places(code))
            found = self._memo[key, code]
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        return best

    def _region_places(self, region: str) -> RegionNames:
        """The names of the gazetteer places in one admin-1 region (cached)."""
        if region not in self._region_names:
            rows = self.store.region_place_rows(region)
            self._region_names[region] = RegionNames(self.store.places[0].names(rows))
        return self._region_names[region]


def unscanned_words(text: str, hits: list[Hit]) -> Iterator[re.Match]:
    """The capitalised words of four letters or more (:data:`_CAPITALISED`) that start outside every hit.

    The hits' characters are blanked before the regex runs, so that it never stops
    at the three in four capitalised words the scan has found. No word of the text
    changes: a hit starts after a character that is no letter, digit or
    apostrophe, and the character after it folds to a space, so a blank at either
    end of a hit stands where the regex saw no word character before.
    """
    pieces = []
    written = 0  # the text up to here is in ``pieces``
    for start, end in merged_extents(hits):
        pieces += [text[written:start], " " * (end - start)]
        written = end
    pieces.append(text[written:])
    return _CAPITALISED.finditer("".join(pieces))


def merged_extents(hits: list[Hit]) -> list[tuple[int, int]]:
    """The (start, end) of the text the hits cover, overlapping and nested hits merged; ``hits`` by start."""
    extents: list[tuple[int, int]] = []
    for hit in hits:
        if extents and hit.start < extents[-1][1]:
            if hit.end > extents[-1][1]:
                extents[-1] = (extents[-1][0], hit.end)
        else:
            extents.append((hit.start, hit.end))
    return extents


def own_places(places: list[Candidate]) -> dict[str, tuple[list[str], list[Candidate]]]:
    """The places an article names as a pool of :func:`closest_misspelling`: by the first letter of their
    folded names, (folded names, places)."""
    pool: dict[str, tuple[list[str], list[Candidate]]] = {}
    for place in places:
        name = fold(place.name)
        keys, refs = pool.setdefault(name[:1], ([], []))
        keys.append(name)
        refs.append(place)
    return pool


class RegionNames:
    """The names of one region's places as a pool of :func:`closest_misspelling`:
    ``get(letter)`` gives (folded names that start with it, their place rows).

    A misspelling is compared with the names under its first letter only, so a
    letter's names are folded when first asked for; most letters never are.
    """

    def __init__(self, names: list[tuple[int, str]]):
        self._names = names  # (place row, name)
        self._initials = first_folded_chars([name for _, name in self._names])
        self._folded: dict[str, tuple[list[str], list[int]]] = {}

    def get(self, letter: str, default=None):
        if letter not in self._folded:
            # The names that start with the letter, and those whose first letter only folding tells.
            named = [self._names[m.start()] for m in re.finditer(rf"[{re.escape(letter)}\s]", self._initials)]
            keys = fold_all([name for _, name in named])
            # Each place once per folded name; places in row order, each place's names sorted.
            pairs = sorted({(row, key) for (row, _), key in zip(named, keys) if key[:1] == letter})
            self._folded[letter] = ([key for _, key in pairs], [row for row, _ in pairs])
        return self._folded[letter] if self._folded[letter][0] else default


def closest_misspelling(word: str, pool) -> tuple[float, object] | None:
    """The best (Jaro-Winkler similarity, place) whose name ``word`` plausibly misspells, or None;
    the first of equals.

    ``pool`` maps a first letter to (folded names, places or place rows); a
    misspelling keeps its first letter, so only that letter's names are compared.
    """
    if len(word) < FUZZY_MIN_LENGTH:
        return None
    keys, refs = pool.get(word[:1], ((), ()))
    if not keys:
        return None
    from rapidfuzz import process  # (here: most words have no name to compare with)
    from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

    best = None
    for name, _, index in process.extract(word, keys, scorer=DamerauLevenshtein.distance, score_cutoff=2,
                                          limit=None):
        if name == word or not plausible_misspelling(word, name):
            continue
        similarity = JaroWinkler.normalized_similarity(word, name)
        if similarity >= FUZZY_MIN_SIMILARITY and (best is None or similarity > best[0]):
            best = (similarity, refs[index])
    return best


def plausible_misspelling(word: str, name: str) -> bool:
    """One edit away, or two edits that keep the same letters (a swap or a moved letter: Suzhda/Sudzha)."""
    from rapidfuzz.distance import DamerauLevenshtein

    if len(word) < FUZZY_MIN_LENGTH:
        return False
    distance = DamerauLevenshtein.distance(word, name, score_cutoff=2)
    return distance <= 1 or (distance == 2 and sorted(word) == sorted(name))
