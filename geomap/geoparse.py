"""Geoparsing: find every place an article names and resolve it on the gazetteer.

Pipeline for one source (each step a small function):

1. ``fold_text`` the article (length-preserving apart from apostrophes) and run
   ONE Aho-Corasick scan over it with every folded gazetteer key padded by
   spaces, so matches align with word boundaries. The automaton is built from
   the gazetteer once and cached on disk (see :class:`Scanner`).
2. Keep capitalised matches (Cyrillic too); keep the longest of overlapping
   ones ("Kursk region" over "Kursk"); drop parts of larger proper names
   ("Geneva Convention", "Vladimir Putin", "Armed Forces of Ukraine") and names
   after a personal title; report demonyms ("Ukrainian") as their own type.
3. Gate common words that are also place names ("March", "Bar", "Of") and
   month/weekday names: they count only with a place cue ("in", "near", "the
   town of") or, for months, an explicit "town/city/village of".
4. Score each mention's candidates: lexical match, population/kind prior,
   support from the document (shared country, distance to the other places),
   and the phrase's cue (region words after the name prefer the admin-1
   region: "Kursk offensive"; city words prefer the city: "headquarters in
   Kursk"). One sense per discourse: a bare name follows the sense its cued
   occurrences in the same article took. Weak mentions without support are
   dropped rather than forced onto a far-away village.
5. Misspellings: a capitalised unknown word resolves by fuzzy match only to a
   place the article already names, or one within 150 km of them ("Suzhda" ->
   Sudzha); otherwise it stays unresolved.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import itertools
import math
import os
import pickle
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from geomap import atomic
from geomap.gazetteer.folding import (JOIN_WORDS, MARK, first_folded_chars, fold, fold_all, fold_for_scan, scan_keys,
                                      to_original)
from geomap.gazetteer.lookup import Gazetteer, importance
from geomap.paths import cache_dir
from geomap.records import Candidate, Mention, Source

# -- language knowledge (English news), not data: kept here, next to the rules that use it --------

MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"}
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
# Lower-case words allowed inside a multi-word name ("Kursk region", "Rostov-on-Don").
NAME_CONNECTORS = {"of", "on", "upon", "de", "la", "le", "du", "del", "der", "am", "an", "im", "sur", "the", "and",
                   "region", "oblast", "province", "krai", "state", "governorate", "republic", "territory", "city",
                   "peninsula", "al", "el", "na", "nad"}
# Capitalised words that may follow a place without making it part of another name.
PLACE_FOLLOWERS = {"oblast", "region", "province", "krai", "governorate", "city", "mayor", "governor", "district",
                   "raion", "county", "airport", "front", "direction", "axis", "salient", "offensive", "border",
                   "military", "regional", "administration", "authorities", "officials", "police", "strip",
                   "bank", "oblasts", "regions"}
# Capitalised words that may precede a place without making it part of another name.
PLACE_PRECEDERS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                   "upper", "lower", "greater", "old", "new", "occupied", "liberated", "annexed", "downtown",
                   "in", "near", "from", "to", "at", "of", "the", "and", "by", "into", "outside", "around",
                   "across", "toward", "towards", "via", "between", "through", "over", "under", "beyond", "on"}
# Heads of "X of Y" phrases in which Y is still a place ("the Republic of Crimea", "the city of Sudzha").
PLACE_OF_HEADS = {"city", "town", "village", "region", "oblast", "province", "republic", "kingdom", "state",
                  "gulf", "sea", "bay", "port", "isle", "island", "islands", "strait", "outskirts", "suburbs",
                  "center", "centre", "north", "south", "east", "west", "rest", "part", "parts", "most"}
TITLES = {"president", "gen", "general", "commander", "minister", "mr", "mrs", "ms", "dr", "sgt", "col", "lt",
          "colonel", "lieutenant", "sergeant", "captain", "capt", "chief", "prime", "spokesman", "spokeswoman",
          "senator", "sen", "rep", "gov", "governor", "mayor", "pope", "king", "queen", "prince", "premier",
          "chancellor", "secretary", "ambassador", "marshal", "admiral", "officer", "soldier", "commander-in-chief",
          "blogger", "correspondent", "reporter", "analyst", "st"}
PLACE_PREPOSITIONS = {"in", "near", "from", "to", "at", "outside", "around", "toward", "towards", "into", "across",
                      "through", "via", "between", "inside", "within", "beyond", "entered", "captured",
                      "retook", "seized", "liberated", "took", "visited", "reached", "shelled", "struck",
                      "в", "во", "у", "под", "из", "около", "возле", "біля", "під", "з", "до", "над"}
REGION_CUES_AFTER = {"region", "oblast", "province", "regions", "oblasts", "provinces", "offensive", "salient", "incursion", "campaign", "front",
                     "direction", "axis", "operation", "border", "borderlands", "territory", "battles", "battle",
                     "counteroffensive", "invasion", "fighting", "pocket", "theatre", "theater", "sector"}
# Phrases ending right before a name (tuples: str.endswith takes them at once).
REGION_CUES_BEFORE = ("region of", "province of", "oblast of", "battle for", "battle of", "battles for",
                      "incursion into", "invasion of", "regions of", "governor of")
CITY_CUES_BEFORE = ("city of", "town of", "village of", "settlement of", "headquarters in", "center of",
                    "centre of", "downtown", "streets of", "mayor of", "outskirts of", "suburbs of")
REGION_WORDS = {"region", "oblast", "province", "krai", "governorate", "state", "republic", "territory", "regions",
                "oblasts", "provinces"}
STRONG_CUES_BEFORE = ("city of", "town of", "village of", "settlement of", "hamlet of",
                      "город", "посёлок", "поселок", "село", "деревня", "місто", "селище")
CITY_CUES_AFTER = {"city", "town", "village", "airport", "residents", "mayor", "railway", "station"}

# Patterns of capitalised words begin with the capital so that the regex engine skips ahead
# to capitals; "(?<![\w'’\-].)" right after it says that no word character comes before it.
_NAME_PAIR = re.compile(r"([A-ZА-ЯЁЇІЄҐ](?<![\w'’\-].)[a-zа-яёїієґ'’]+)[ \t]+([A-ZА-ЯЁЇІЄҐ][a-zа-яёїієґ'’\-]+)")
_HYPHEN_COMPOUND = re.compile(r"([A-ZА-ЯЁЇІЄҐ](?<![\w'’\-].)[\w'’.]*?)\.?-([A-ZА-ЯЁЇІЄҐ][\w'’]*)(?![\w'’\-])")
_OF_HEAD = re.compile(r"([^\W\d_][\w'’\-]*)\s+of\s+(?:the\s+)?$")
# ", Donetsk and Luhansk regions": a name in a list of regions.
_ENUMERATED_REGIONS = re.compile(r"\s*(?:,|and|or)\s+[^\W\d_][\w'’\-]*\s+(?:regions|oblasts|provinces)\b")
ORGANISATION_NOUNS = {"post", "times", "convention", "institute", "agreement", "accords", "declaration", "summit",
                      "treaty", "protocol", "herald", "journal", "independent", "review", "university", "station",
                      "stadium", "street", "square", "avenue", "bridge", "river", "lake", "mountains", "sea",
                      "airport", "oblast", "region", "province", "city", "pravda", "tribune", "news", "today",
                      "gazette", "telegraph", "guardian", "observer", "mirror", "express", "business", "forum"}
_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯЁЇІЄҐ](?<![\w'’\-].)[a-zà-öø-ÿа-яёїієґ'’]{3,}(?![\w'’\-])")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-ZА-ЯЁЇІЄҐ0-9])|\n+")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.){1,3}$|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|St|Capt|Gov|Sen|Rep|No|vs|etc"
                           r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")

SCAN_CACHE_VERSION = 4
FUZZY_MIN_SIMILARITY = 0.92
FUZZY_MIN_LENGTH = 5  # shorter unknown words are not read as misspellings
FUZZY_MEMO_SIZE = 200_000  # (word, region) answers a geoparser keeps
ACCEPT_THRESHOLD = 0.4
COMMON_WORD_ZIPF = 4.0  # at least ten times per million English words
NEEDED_SUPPORT = 0.5
CONFIDENT_SCORE = 0.55
UNIQUE_NAME_SCORE = 0.5
MAX_CANDIDATES = 8
READINGS_CACHED = 20_000  # names whose gazetteer entries a geoparser keeps (a few MB)


# -- the scan -----------------------------------------------------------------------------------

SCAN_CACHES_KEPT = 3  # automata of this version kept for other gazetteers (imported dumps), newest use first


def prune_scan_caches(folder: Path, keep: Path) -> list[Path]:
    """Delete the scan automata (160 MB each) that no longer serve: other versions of geomap's
    scan, and this version's beyond the :data:`SCAN_CACHES_KEPT` most recently used; ``keep`` stays.

    Returns the deleted files. A file another process is replacing or has deleted is skipped.
    """
    current = f"scan-v{SCAN_CACHE_VERSION}-"
    same_version = []
    deleted = []
    for path in folder.glob("scan-v*.pickle"):
        if path == keep:
            continue
        try:
            if path.name.startswith(current):
                same_version.append((path.stat().st_mtime, path.name, path))
            else:
                path.unlink()
                deleted.append(path)
        except OSError:
            continue
    for _, _, path in sorted(same_version, reverse=True)[SCAN_CACHES_KEPT - 1:]:
        try:
            path.unlink()
            deleted.append(path)
        except OSError:
            continue
    return deleted


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Turn the cyclic garbage collector off for a block (reference counting still frees memory)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def covered_by(hits: Sequence[tuple[int, int, str]]) -> Callable[[int], bool]:
    """Whether an offset lies inside any of the scan's hits (start, end, key), which may nest and overlap."""
    spans = sorted((start, end) for start, end, _ in hits)
    starts = [start for start, _ in spans]
    # The furthest end of the hits up to each one: a word inside a long name ("Velykyi Burluk Raion") is
    # covered even when a shorter hit ("Burluk") starts between the two.
    reach = list(itertools.accumulate((end for _, end in spans), max))
    name_starts = {start for start, end in spans if end > start}  # the common case, without bisection

    def covered(offset: int) -> bool:
        if offset in name_starts:
            return True
        i = bisect.bisect_right(starts, offset) - 1
        return i >= 0 and offset < reach[i]

    return covered


def _strong_cue_before(text: str, start: int, words_before: list[str] | None = None) -> bool:
    """Whether the words before ``start`` say a place follows ("the city of", "the village of")."""
    words = _tokens_before(text, start, 2) if words_before is None else words_before
    return " ".join(words).endswith(STRONG_CUES_BEFORE)


def _mark_used(path: Path) -> None:
    """Touch a cache file that was read, so that pruning counts it as in use."""
    try:
        os.utime(path)
    except OSError:
        pass  # someone else's read-only cache: it is still used as it is


class Scanner:
    """One Aho-Corasick automaton over every folded gazetteer key (and demonym).

    Built from the gazetteer on first use and cached in the user cache folder,
    keyed by the data's fingerprint; a missing or stale cache is rebuilt (about
    two seconds), a corrupt one is ignored and replaced.
    """

    def __init__(self, gazetteer: Gazetteer, demonyms: dict[str, str], cache: Path | None = None):
        self.gazetteer = gazetteer
        self.demonyms = demonyms
        fingerprint = gazetteer.store.fingerprint()
        demonym_tag = hashlib.sha256(repr(sorted(demonyms.items())).encode()).hexdigest()[:8]
        self.cache_path = (cache or cache_dir()) / f"scan-v{SCAN_CACHE_VERSION}-{fingerprint}-{demonym_tag}.pickle"
        self.automaton = self._load_or_build()

    def _load_or_build(self) -> ahocorasick.Automaton:
        if self.cache_path.is_file():
            try:
                # Read as a stream: a copy of the whole 160 MB file in memory would cost 0.1 s of page faults.
                with open(self.cache_path, "rb") as stream:
                    automaton = pickle.load(stream)
                if isinstance(automaton, ahocorasick.Automaton):
                    _mark_used(self.cache_path)
                    return automaton
            except Exception:  # noqa: BLE001 - a corrupt cache is rebuilt, never fatal
                pass
        automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        for index in self.gazetteer.store.names:
            for key in index.keys():
                if len(key) >= 2:
                    for pattern in scan_keys(key):
                        automaton.add_word(pattern)
        for key in self.demonyms:
            for pattern in scan_keys(key):
                automaton.add_word(pattern)
        automaton.make_automaton()
        try:
            atomic.write_bytes(self.cache_path, pickle.dumps(automaton, protocol=pickle.HIGHEST_PROTOCOL))
            prune_scan_caches(self.cache_path.parent, keep=self.cache_path)
        except OSError:
            pass  # a read-only cache folder only costs speed
        return automaton

    def scan(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, folded key) of every name occurrence, in original offsets.

        One pass of the automaton over the scan-folded text; each hit is a whole
        name starting at a capitalised word (see ``fold_for_scan``).
        """
        padded, deleted = fold_for_scan(text)
        spans = []
        for end_index, length in self.automaton.iter(padded):
            # The hit is MARK + name + " "; padded index p is folded (and, without
            # deleted apostrophes, original) index p - 1.
            first = end_index - length + 1  # the name's first character, as a folded index
            last = end_index - 2
            key = padded[first + 1:end_index].replace(MARK, " ").strip()
            if deleted:
                spans.append((to_original(first, deleted), to_original(last, deleted) + 1, key))
            else:
                spans.append((first, last + 1, key))
        return spans + self._compound_parts(text, spans)

    def _compound_parts(self, text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Names joined by a hyphen into a compound ("US-Russia talks", "Russia-Ukraine border").

        The scan needs a space after a name, which a hyphen before another capital
        is not; so each part of such a compound is looked up on its own.
        """
        starts = {start for start, _, _ in spans}
        found = []
        for match in _HYPHEN_COMPOUND.finditer(text):
            for group in (1, 2):
                start, end = match.span(group)
                key = fold(match.group(group))
                if start not in starts and key and self.gazetteer.store.names[0].raw_refs(key):
                    found.append((start, end, key))
        return found


# -- sentences ----------------------------------------------------------------------------------

def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: ends at . ! ? (not after abbreviations like "U.S.") or a newline."""
    bounds = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[match.start()] == "." and _ABBREVIATION.search(text[max(0, match.start() - 6):match.start() + 1]):
            continue
        end = match.end()
        bounds += _trimmed(text, start, end)
        start = end
    return bounds + _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[(start, end)] of text[start:end] without the white space around it; [] when nothing is left."""
    sentence = text[start:end]
    stripped = sentence.lstrip()
    if not stripped:
        return []
    start += len(sentence) - len(stripped)
    return [(start, start + len(stripped.rstrip()))]


# -- mentions before resolution ----------------------------------------------------------------

@dataclass(slots=True)
class Span:
    start: int
    end: int
    key: str
    surface: str
    sentence_index: int
    sentence_initial: bool
    candidates: Sequence[Candidate] = ()  # (empty tuples: no list to make for each of thousands of spans)
    cue: str | None = None  # "region" | "city" | None
    strong_cue: bool = False
    place_context: bool = False
    method_hint: str | None = None
    chosen: Candidate | None = None
    confidence: float = 0.0
    method: str | None = None
    alternatives: Sequence[Candidate] = ()
    needs_support: bool = False
    words_before: Sequence[str] = ()  # up to two, lower-cased (set by _gate_common_words)


# Context around a name is read with string methods where a regex would be tried at every
# position of the window: these run several times for each of a corpus' mentions.
_PUNCTUATION = frozenset(".!?;:,()[]\"“”")
_WORD_AT_END = re.compile(r"[^\W\d_][\w'’.\-]*\Z")
_WORD_AFTER = re.compile(r"[ \t]+([^\W\d_][\w'’\-]*)")


def _tokens_before(text: str, start: int, count: int = 3) -> list[str]:
    window = text[max(0, start - 60):start]
    if window.rstrip()[-1:] in _PUNCTUATION:
        return []  # punctuation right before: no adjacent words to read
    return [w.lower() for w in _WORD.findall(window)[-count:]]


def _word_before(text: str, start: int) -> str | None:
    """The word right before ``start`` when only spaces separate them, as written.

    The word is read within 40 characters. A newline right before ``start`` is
    passed over when spaces precede it, as the regex this replaced did ("$"
    matches before a final newline).
    """
    window_start = max(0, start - 40)
    if start > window_start and text[start - 1] == "\n":
        start -= 1
    window = text[window_start:start]
    words = window.rstrip(" \t")
    if len(words) == len(window) or not words or words[-1].isspace():
        return None
    match = _WORD_AT_END.search(words.rsplit(None, 1)[-1])
    return match.group() if match else None


def _of_head(text: str, start: int) -> re.Match | None:
    """The "X of (the)" phrase ending right before ``start``, X in group 1 ("Armed Forces of ")."""
    window = text[max(0, start - 60):start]
    words = window.rstrip()
    if len(words) == len(window) or not words.endswith(("of", "the")):
        return None  # the common case, told without trying the regex at each of 60 positions
    return _OF_HEAD.search(text, max(0, start - 60), start)


def _word_after(text: str, end: int) -> str | None:
    """The word right after ``end`` when only spaces separate them, as written."""
    match = _WORD_AFTER.match(text, end, end + 40)
    return match.group(1) if match else None


def _spaces_before(text: str, offset: int) -> int:
    """How many spaces or tabs stand right before ``offset``."""
    count = 0
    while offset - count > 0 and text[offset - count - 1] in " \t":
        count += 1
    return count


def _is_capitalised(word: str | None) -> bool:
    return bool(word) and word[0].isupper()


_OPENING = re.compile(r"[\"'“‘«(\[\s—–-]*")


def _initial_positions(text: str, sentences: list[tuple[int, int]]) -> set[int]:
    """Offsets of the first word of each sentence (after opening quotes/brackets)."""
    return {_OPENING.match(text, start, end).end() for start, end in sentences}


class Geoparser:
    """Find and resolve toponyms; one instance serves many sources."""

    def __init__(self, gazetteer: Gazetteer, demonyms: dict[str, str], common_words: dict[str, float],
                 adjectives: set[str] = frozenset(), cache: Path | None = None):
        self.gazetteer = gazetteer
        self.demonyms = demonyms  # folded word -> ISO country code
        self.common_words = common_words  # folded word -> Zipf frequency in English
        self.adjectives = set(adjectives)  # folded words that are never places ("Roman", "Soviet")
        self.scanner = Scanner(gazetteer, {**{a: "" for a in self.adjectives}, **demonyms}, cache)
        self._region_names: dict[str, _RegionNames] = {}
        self._countries: dict[str, Candidate | None] = {}
        self._fuzzy_memo: dict = {}  # (word, region) -> best match (see _closest_place)
        self._readings_cache: dict[str, tuple[list[Candidate], bool]] = {}

    # -- public ------------------------------------------------------------------------------
    def parse(self, source: Source) -> list[Mention]:
        text = source.text
        if not text.strip():
            return []
        # The parse makes no reference cycles, only many objects: a cycle collection in the middle of a
        # long text walks all of them again (in a 2 MB text, a fifth of the time, growing with the text).
        with collector_paused():
            return self._parse(source, text)

    def _parse(self, source: Source, text: str) -> list[Mention]:
        sentences = split_sentences(text)
        sentence_starts = [s for s, _ in sentences]
        initials = _initial_positions(text, sentences)

        def sentence_of(offset: int) -> int:
            return max(0, bisect.bisect_right(sentence_starts, offset) - 1)

        raw = self.scanner.scan(text)
        spans, demonym_spans = self._select_spans(text, raw, sentence_of, initials)
        non_places = self._filter_names(text, spans, initials)
        # A name used as a first name elsewhere in the article is still a place after a strong cue ("the town of").
        spans = [s for s in spans if s.surface not in non_places or _strong_cue_before(text, s.start)]
        spans = self._gate_common_words(text, spans)
        for span in spans:
            span.candidates = self._readings(span.key)[0]
            if span.key in self.common_words:
                # A common word names a place only by that place's own name, not an alias
                # ("Western" is an alias of a town in Wisconsin).
                span.candidates = [c for c in span.candidates if c.method == "exact" or c.kind == "country"]
            self._read_cues(text, span)
        spans = [s for s in spans if s.candidates]
        self._resolve(spans)
        spans = [s for s in spans if s.chosen is not None]
        spans += self._fuzzy_mentions(text, spans, raw, sentence_of, initials, non_places)
        mentions = [self._mention(source, text, sentences, s) for s in spans]
        mentions += [self._demonym(source, text, sentences, d) for d in demonym_spans]
        mentions.sort(key=lambda m: (m.start, m.end))
        return mentions

    def _readings(self, key: str) -> tuple[list[Candidate], bool]:
        """The most important entries named ``key``, and whether one of all its entries is a country.

        Kept for the run (a corpus names the same places in article after article),
        up to READINGS_CACHED keys.
        """
        readings = self._readings_cache.get(key)
        if readings is None:
            found = self.gazetteer.store.candidates_for_key(key)
            # The few most important readings are enough; "Washington" has dozens.
            found.sort(key=lambda c: (-importance(c), c.id))
            readings = (found[:MAX_CANDIDATES], any(c.kind == "country" for c in found))
            if len(self._readings_cache) >= READINGS_CACHED:
                self._readings_cache.clear()
            self._readings_cache[key] = readings
        return readings

    # -- step 2: spans ---------------------------------------------------------------------------
    def _select_spans(self, text, raw, sentence_of, initials):
        accepted: list[tuple[int, int, str]] = []
        for start, end, key in raw:
            if start < len(text) and (text[start].isupper() or key.split(" ", 1)[0] in JOIN_WORDS):
                accepted.append((start, end, key))
        # Longest first, then leftmost; overlapping shorter matches are dropped. The characters
        # taken are marked in one array: a clash costs the span's length, whatever the text's
        # (inserting into a sorted list of taken spans was quadratic in a long article).
        accepted.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        taken = bytearray(len(text) + 1)
        spans, demonyms = [], []
        for start, end, key in accepted:
            if taken.find(1, start, end) != -1:
                continue
            if "." in text[start:end] and text[end:end + 1] == ".":
                end += 1  # keep the final period of an initialism ("U.S.")
            taken[start:end] = b"\x01" * (end - start)
            if key in self.adjectives:
                continue  # claims the words, so no place is read into "Roman" or "Soviet"
            span = Span(start, end, key, text[start:end], sentence_of(start), start in initials)
            (demonyms if key in self.demonyms else spans).append(span)
        spans.sort(key=lambda s: s.start)
        demonyms.sort(key=lambda s: s.start)
        return spans, demonyms

    def _filter_names(self, text: str, spans: list[Span], initials: set[int]) -> set[str]:
        """Drop place names that are parts of other proper names; return surfaces used as non-places.

        The scan already skips names glued to a following capitalised word
        ("Vladimir Putin"); here a name is dropped when a capitalised word that is
        not a place precedes it ("Artem Kariakin" is not a concern, "Mr Bar" is),
        when a personal title precedes it, or when it ends an organisation's
        "X of Y" name ("Armed Forces of Ukraine"). First names seen before a
        surname ("Artem Kariakin") are non-places in the whole article.
        """
        ends = {s.end for s in spans}
        multiword = sorted((s.start, s.end) for s in spans if " " in s.surface or "-" in s.surface)
        multiword_starts = [start for start, _ in multiword]

        def in_multiword(offset: int) -> bool:
            i = bisect.bisect_right(multiword_starts, offset) - 1
            return i >= 0 and multiword[i][0] <= offset < multiword[i][1]

        non_places: set[str] = set()
        for match in _NAME_PAIR.finditer(text):
            first, second = match.group(1), match.group(2)
            if match.start(1) in initials or first.lower() in PLACE_PRECEDERS or first.lower() in TITLES \
                    or fold(first) in self.demonyms or second.lower() in ORGANISATION_NOUNS \
                    or second.lower() in JOIN_WORDS \
                    or in_multiword(match.start(1)):
                continue
            non_places.add(first)
        keep = []
        for span in spans:
            before = _word_before(text, span.start)
            word = before.lower().rstrip(".") if before else None
            reason = None
            if before and word in TITLES:
                reason = "after a personal title"
            elif before and _is_capitalised(before) and span.start not in initials and word not in PLACE_PRECEDERS \
                    and not before.endswith(("'s", "’s")) and fold(before) not in self.demonyms:
                gap_end = span.start - _spaces_before(text, span.start)  # where the word before ends
                if gap_end - len(before) not in initials and gap_end not in ends:
                    reason = "preceded by another proper name"
            if reason is None:
                head = _of_head(text, span.start)
                if head and head.group(1).lower() not in PLACE_OF_HEADS and _is_capitalised(head.group(1)) \
                        and head.start(1) not in initials:
                    reason = "inside an organisation's name"
            if reason is None:
                keep.append(span)
        spans[:] = keep
        return non_places

    def _gate_common_words(self, text: str, spans: list[Span]) -> list[Span]:
        """Common words and month/weekday names count as places only with a place cue."""
        kept = []
        for span in spans:
            key = span.key
            span.words_before = _tokens_before(text, span.start, 2)
            strong = _strong_cue_before(text, span.start, span.words_before)
            span.strong_cue = strong
            span.place_context = bool(span.words_before and span.words_before[-1] in PLACE_PREPOSITIONS)
            if key in MONTHS or key in WEEKDAYS:
                if strong:
                    kept.append(span)
                continue
            zipf = self.common_words.get(key, 0.0)
            if zipf and not strong and not self._readings(key)[1]:
                if not span.sentence_initial and zipf >= COMMON_WORD_ZIPF and not span.place_context:
                    continue  # "Western aid", "a Bar": a common word without a place cue
                # "Sparks flew", "the Hope clinic": the place must also lie near the article's
                # other places, or the word is just a word.
                span.needs_support = True
            kept.append(span)
        return kept

    def _read_cues(self, text: str, span: Span) -> None:
        if _strip_region_word(span.key) != span.key:
            span.cue = "region"  # the phrase says so itself: "the Luhansk region", "Sumy Oblast"
            return
        after = (_word_after(text, span.end) or "").lower()
        before_phrase = " ".join(span.words_before)
        if after in REGION_CUES_AFTER or before_phrase.endswith(REGION_CUES_BEFORE) \
                or _ENUMERATED_REGIONS.match(text, span.end, span.end + 60):
            span.cue = "region"
        elif after in CITY_CUES_AFTER or before_phrase.endswith(CITY_CUES_BEFORE):
            span.cue = "city"

    # -- step 4: resolution ----------------------------------------------------------------------
    def _resolve(self, spans: list[Span]) -> None:
        """Choose a candidate for each span, using the rest of the article as context.

        Spans are grouped by (name, cue): every occurrence of a name with the same
        cue gets the same reading, and the work is per distinct name, not per span.
        """
        # One sense per discourse: the cue a name carries anywhere in the article, including
        # region phrases ("Kursk region" tells how a later bare "Kursk" is meant).
        surface_cue: dict[str, str] = {}
        for span in spans:
            base = _strip_region_word(span.key)
            if base != span.key and any(c.kind == "admin1" for c in span.candidates):
                surface_cue.setdefault(base, "region")
            if span.cue:
                surface_cue.setdefault(span.key, span.cue)
        groups: dict[tuple[str, str | None], list[Span]] = {}
        for span in spans:
            groups.setdefault((span.key, span.cue or surface_cue.get(span.key)), []).append(span)
        # What does not change from round to round, once per group: each candidate's prior,
        # whether any occurrence has a place cue.
        priors = {g: self._priors(members[0].candidates, g[1], g[0]) for g, members in groups.items()}
        place_context = {g: any(m.place_context or m.strong_cue for m in members) for g, members in groups.items()}
        # Context comes in stages so that weak readings cannot prop each other up: first only
        # confident readings (countries, regions, towns of 100,000 or more, names with one
        # reading), then the readings the first round accepted with a clear margin.
        provisional = {g: _top(members[0].candidates, priors[g]) for g, members in groups.items()}
        trusted = {g for g, c in provisional.items()
                   if c.kind != "populated_place" or c.population >= 100_000 or len(groups[g][0].candidates) == 1}
        scored_by_group = {}
        every_candidate = [c for members in groups.values() for c in members[0].candidates]
        for round_number in range(2):
            context = _Context([(g[0], c) for g, c in provisional.items() if g in trusted], every_candidate)
            for group, members in groups.items():
                candidates = members[0].candidates
                supports = context.support(candidates, group[0])
                scored = sorted(((self._score(c, prior, support, place_context[group], members), c)
                                 for c, prior, support in zip(candidates, priors[group], supports)),
                                key=lambda sc: (-sc[0], sc[1].id))
                scored_by_group[group] = scored
            provisional = {g: scored[0][1] for g, scored in scored_by_group.items()}
            # Readings confirmed in this round join the trusted ones (two places that support
            # each other, "Bakhmut and Kharkov", both stay).
            trusted |= {g for g, scored in scored_by_group.items() if scored[0][0] >= CONFIDENT_SCORE}
        for group, members in groups.items():
            scored = scored_by_group[group]
            best_score, best = scored[0]
            bare_priors = priors[group] if group[1] is None else self._priors(members[0].candidates, None, group[0])
            prior_top = _top(members[0].candidates, bare_priors)
            method = "context" if len(members[0].candidates) > 1 and prior_top.id != best.id else best.method
            supported = context.proximity([best], group[0])[0] >= NEEDED_SUPPORT
            confidence = round(max(0.05, min(0.99, best_score)), 3)
            alternatives = [c for _, c in scored[1:4]]
            for span in members:
                if best_score < ACCEPT_THRESHOLD and not span.strong_cue:
                    continue
                if span.needs_support and not supported:
                    continue
                span.chosen = best
                span.confidence = confidence
                span.method = method
                span.alternatives = alternatives

    def _priors(self, candidates: list[Candidate], cue: str | None, key: str) -> list[float]:
        """The prior of each candidate of the name ``key`` read with ``cue``."""
        local_script = any("а" <= ch <= "я" or ch in "ёіїєґ" for ch in key)
        return [self._prior(c, cue, local_script) for c in candidates]

    def _prior(self, candidate: Candidate, cue: str | None, local_script: bool) -> float:
        prior = min(1.0, importance(candidate) / 8.0)
        if cue == "region" and candidate.kind == "admin1":
            prior += 0.5
        elif cue == "city" and candidate.kind == "populated_place":
            prior += 0.5
        elif candidate.kind == "admin1":
            prior -= 0.15  # a bare name more often means the town than the province it may share a name with
        if candidate.method == "alias" and not (cue == "region" and candidate.kind == "admin1") \
                and not local_script:  # "Суджа" is Sudzha's own name in its own script, not an exonym
            # Another name of a place (an exonym, a former name: Pokrovsk was Engels' name until
            # 1931) counts for less than a place's own name.
            prior -= 0.2 if candidate.population >= 10000 else 0.3
        return prior

    def _score(self, candidate: Candidate, prior: float, support: float, place_context: bool,
               members: list[Span]) -> float:
        score = 0.6 * prior + 0.35 * support + (0.1 if place_context else 0.0)
        if candidate.kind == "country":
            score = max(score, 0.9)
        elif len(members[0].candidates) == 1 and place_context and candidate.method == "exact" \
                and members[0].key not in self.common_words:
            # The only place in the world with this name, after "in"/"near"/"the town of":
            # enough even in a one-line text.
            score = max(score, UNIQUE_NAME_SCORE)
        return score

    # -- step 5: misspellings --------------------------------------------------------------------
    def _fuzzy_mentions(self, text, spans, raw, sentence_of, initials, non_places) -> list[Span]:
        resolved = list({s.chosen.id: s.chosen for s in spans
                         if s.chosen and s.chosen.kind == "populated_place"}.values())
        regions = sorted({s.chosen.id for s in spans if s.chosen and s.chosen.kind == "admin1"}
                         | {c.admin1 for c in resolved if c.admin1})
        if not resolved and not regions:
            return []
        is_covered = covered_by(raw)
        found = []
        own = None  # the places the article names itself, by first letter
        closest: dict[str, tuple[float, object] | None] = {}
        for match in _CAPITALISED.finditer(text):
            start, end = match.span()
            word = match.group()
            if start in initials or word in non_places or is_covered(start):
                continue
            key = fold(word)
            if key in self.demonyms or key in self.common_words:
                continue
            after = _word_after(text, end)
            before = _word_before(text, start)
            if (_is_capitalised(after) and after.lower() not in PLACE_FOLLOWERS) or \
                    (_is_capitalised(before) and before.lower() not in PLACE_PRECEDERS):
                continue
            if before and before.lower().rstrip(".") in TITLES:
                continue
            if own is None:
                own = {}
                for c in resolved:
                    keys, refs = own.setdefault(fold(c.name)[:1], ([], []))
                    keys.append(fold(c.name))
                    refs.append(c)
            if key not in closest:
                closest[key] = self._closest_place(key, own, regions)
            best = closest[key]
            if best is None:
                continue
            similarity, candidate = best
            if isinstance(candidate, int):
                candidate = self.gazetteer.store.place_candidate(0, candidate)
            span = Span(start, end, key, word, sentence_of(start), False, [candidate])
            span.chosen = Candidate(**{**candidate.as_dict(), "method": "fuzzy", "score": round(similarity, 4),
                                       "matched": fold(candidate.name)})
            span.method = "fuzzy"
            span.confidence = round(0.8 * similarity, 3)
            found.append(span)
        return found

    def _closest_place(self, key: str, own: dict, regions: list[str]) -> tuple[float, object] | None:
        """What ``key`` plausibly misspells: a place the article names, or one in its regions.

        The first pool with the best similarity wins, as if all were one pool. A
        region's answer is kept for the run: corpora repeat their unknown words
        ("Ministry", "December") and their regions.
        """
        if len(key) < FUZZY_MIN_LENGTH:
            return None  # before reading any region's names
        best = _closest_misspelling(key, own)
        for code in regions:
            if (key, code) not in self._fuzzy_memo:
                if len(self._fuzzy_memo) >= FUZZY_MEMO_SIZE:
                    self._fuzzy_memo.clear()
                self._fuzzy_memo[key, code] = _closest_misspelling(key, self._region_places(code))
            found = self._fuzzy_memo[key, code]
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        return best

    def _region_places(self, region: str) -> _RegionNames:
        """The names of the gazetteer places in one admin-1 region (cached)."""
        if region not in self._region_names:
            rows = self.gazetteer.store.region_place_rows(region)
            self._region_names[region] = _RegionNames(self.gazetteer.store.places[0].names(rows))
        return self._region_names[region]

    # -- records ---------------------------------------------------------------------------------
    def _mention(self, source: Source, text: str, sentences, span: Span) -> Mention:
        s_start, s_end = sentences[span.sentence_index]
        c = span.chosen
        return Mention(
            source=source.id, start=span.start, end=span.end, text=span.surface,
            sentence=text[s_start:s_end], sentence_start=s_start, type="place", id=c.id, name=c.name,
            kind=c.kind, geonameid=c.geonameid, feature_code=c.feature_code, country=c.country, admin1=c.admin1,
            lat=c.lat, lon=c.lon, confidence=span.confidence, method=span.method,
            alternatives=[{"id": a.id, "name": a.name, "kind": a.kind, "country": a.country, "lat": a.lat,
                           "lon": a.lon} for a in span.alternatives],
        )

    def _demonym(self, source: Source, text: str, sentences, span: Span) -> Mention:
        s_start, s_end = sentences[span.sentence_index]
        country = self.demonyms[span.key]
        if country not in self._countries:
            self._countries[country] = self.gazetteer.region(country)
        entry = self._countries[country]
        return Mention(
            source=source.id, start=span.start, end=span.end, text=span.surface, sentence=text[s_start:s_end],
            sentence_start=s_start, type="demonym", id=country, name=entry.name if entry else country,
            kind="country", country=country, lat=entry.lat if entry else None, lon=entry.lon if entry else None,
            confidence=0.9, method="exact",
        )


SUPPORT_KINDS = ("populated_place", "admin1", "named_region")
SUPPORT_SCALE_KM = 250.0
SAME_COUNTRY_SUPPORT = 0.45  # another place the article names is in the same country
NAMED_COUNTRY_SUPPORT = 0.35  # the article names the candidate's country itself
FAR_KM = 1000.0
MAX_CONTEXT_PLACES = 150


class _Context:
    """The places an article names (by name key), for scoring one name's candidates against the others.

    Built for a fixed set of candidates (every candidate of the article), so that
    scoring one name's candidates is lookups, not array work per name.
    """

    def __init__(self, entries: list[tuple[str, Candidate]], candidates: list[Candidate] = ()):
        import numpy as np

        by_id = {}
        for key, candidate in entries:
            by_id.setdefault(candidate.id, (key, candidate))
        if len(by_id) > MAX_CONTEXT_PLACES:
            # A report naming thousands of places: its most important ones are context enough,
            # and keep the work linear in the number of names.
            ranked = sorted(by_id.items(), key=lambda item: (-importance(item[1][1]), item[0]))
            by_id = dict(ranked[:MAX_CONTEXT_PLACES])
        # By key: each key's places are then neighbouring columns of the distance matrix.
        places = sorted(((k, c) for k, c in by_id.values() if c.kind in SUPPORT_KINDS), key=lambda kc: kc[0])
        self.lat = np.radians([c.lat for _, c in places])
        self.lon = np.radians([c.lon for _, c in places])
        # The keys that bring each country or region into the context: whether one is named
        # under another key than a given one is then a lookup.
        self.country_keys = _keys_by_code((k, code) for k, c in places for code in (c.country or "").split(",") if code)
        self.named_keys = _keys_by_code((k, c.id) for k, c in by_id.values() if c.kind == "country")
        self.region_keys = _keys_by_code((k, c.id) for k, c in by_id.values() if c.kind == "admin1")
        distinct = list(dict((c.id, c) for c in candidates).values())
        self.row_of = {c.id: i for i, c in enumerate(distinct)}
        self._nearest_by_key([k for k, _ in places], self._distance_matrix(distinct))

    def _distance_matrix(self, candidates: list[Candidate]):
        import numpy as np

        if not candidates or not len(self.lat):
            return np.zeros((len(candidates), len(self.lat)))
        lat = np.radians([c.lat for c in candidates])[:, None]
        lon = np.radians([c.lon for c in candidates])[:, None]
        a = (np.sin((self.lat - lat) / 2) ** 2 + np.cos(lat) * np.cos(self.lat) * np.sin((self.lon - lon) / 2) ** 2)
        # Great-circle distance, for ranking readings only (measures on maps use pyproj's Geod).
        return 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(1.0, a)))

    def _nearest_by_key(self, place_keys: list[str], distances) -> None:
        """For each candidate, its nearest place, that place's key, and the nearest place under another key.

        The nearest place not named by key K is then the nearest one, or the
        second when the nearest is K's: a selection, so the same distance as a
        minimum over the places not named by K. ``place_keys`` are sorted.
        """
        import numpy as np

        firsts = [i for i, k in enumerate(place_keys) if i == 0 or k != place_keys[i - 1]]
        self.key_number = {place_keys[i]: number for number, i in enumerate(firsts)}
        rows = np.arange(distances.shape[0])
        if firsts and len(rows):
            by_key = np.minimum.reduceat(distances, firsts, axis=1)  # (candidates, keys)
            nearest_key = by_key.argmin(axis=1)
            nearest = by_key[rows, nearest_key]
            by_key[rows, nearest_key] = np.inf
            second = by_key.min(axis=1)
        else:
            nearest_key = np.full(len(rows), -1)
            nearest = second = np.full(len(rows), np.inf)
        self.nearest_key = nearest_key.tolist()
        self.nearest_km = [nearest.tolist(), second.tolist()]
        # exp(-d/250 km): closeness of the nearest other place, as proximity and support weigh it.
        self.closeness = [np.exp(-nearest / SUPPORT_SCALE_KM).tolist(), np.exp(-second / SUPPORT_SCALE_KM).tolist()]

    def _nearest(self, candidate: Candidate, key: str) -> tuple[int, int]:
        """The candidate's row, and 1 when its nearest place is named by ``key`` (the second nearest counts
        then), else 0: the index into nearest_km and closeness."""
        row = self.row_of[candidate.id]
        return row, int(self.nearest_key[row] == self.key_number.get(key))

    def proximity(self, candidates: list[Candidate], key: str) -> list[float]:
        """exp(-d/250 km) for the nearest other place (not country) the article names; 0 for countries."""
        out = []
        for candidate in candidates:
            row, which = self._nearest(candidate, key)
            out.append(0.0 if candidate.kind == "country" else self.closeness[which][row])
        return out

    def support(self, candidates: list[Candidate], key: str) -> list[float]:
        """How much the rest of the article supports each candidate (0-1): being in the same
        country as the other places it names, near one of them, or in a country it names."""
        out = []
        for candidate in candidates:
            if candidate.kind == "country":
                out.append(1.0 if _named_elsewhere(self.country_keys, candidate.id, key) else 0.0)
                continue
            if candidate.kind != "admin1" and _named_elsewhere(self.region_keys, candidate.admin1, key):
                out.append(1.0)  # inside a region the article names ("Korenevo ... in the Kursk region")
                continue
            support = SAME_COUNTRY_SUPPORT if _named_elsewhere(self.country_keys, candidate.country, key) else (
                NAMED_COUNTRY_SUPPORT if _named_elsewhere(self.named_keys, candidate.country, key) else 0.0)
            row, which = self._nearest(candidate, key)
            if self.nearest_km[which][row] > FAR_KM and candidate.population < 100_000:
                support = 0.0  # a small town 4,000 km from every other place named: the country is no help
            out.append(max(support, self.closeness[which][row]))
        return out


def _keys_by_code(pairs) -> dict[str, set[str]]:
    """{code: the name keys it comes with} from (key, code) pairs."""
    keys: dict[str, set[str]] = {}
    for key, code in pairs:
        keys.setdefault(code, set()).add(key)
    return keys


def _named_elsewhere(keys_by_code: dict[str, set[str]], code: str | None, key: str) -> bool:
    """Whether ``code`` comes with a name other than ``key``."""
    keys = keys_by_code.get(code)
    return bool(keys) and (len(keys) > 1 or key not in keys)


def _top(candidates: list[Candidate], priors: list[float]) -> Candidate:
    """The candidate with the highest prior (the highest id among equals)."""
    return max(zip(priors, candidates), key=lambda pc: (pc[0], pc[1].id))[1]


class _RegionNames:
    """The names of one region's places as a pool of ``_closest_misspelling``:
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


def _closest_misspelling(word: str, pool) -> tuple[float, object] | None:
    """The best (Jaro-Winkler similarity, place) whose name ``word`` plausibly misspells, or None;
    the first of equals.

    ``pool`` maps a first letter to (folded names, places or place rows); a
    misspelling keeps its first letter, so only that letter's names are compared.
    """
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

    if len(word) < FUZZY_MIN_LENGTH:
        return None
    keys, refs = pool.get(word[:1], ((), ()))
    if not keys:
        return None
    best = None
    for name, _, index in process.extract(word, keys, scorer=DamerauLevenshtein.distance, score_cutoff=2,
                                          limit=None):
        if name == word or not _plausible_misspelling(word, name):
            continue
        similarity = JaroWinkler.normalized_similarity(word, name)
        if similarity >= FUZZY_MIN_SIMILARITY and (best is None or similarity > best[0]):
            best = (similarity, refs[index])
    return best


def _plausible_misspelling(word: str, name: str) -> bool:
    """One edit away, or two edits that keep the same letters (a swap or a moved letter: Suzhda/Sudzha)."""
    from rapidfuzz.distance import DamerauLevenshtein

    if len(word) < FUZZY_MIN_LENGTH:
        return False
    distance = DamerauLevenshtein.distance(word, name, score_cutoff=2)
    return distance <= 1 or (distance == 2 and sorted(word) == sorted(name))


def _strip_region_word(key: str) -> str:
    """"kursk region" -> "kursk" (the name a region phrase is built on)."""
    head, _, last = key.rpartition(" ")
    return head if head and last in REGION_WORDS else key


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance for ranking candidates only (maps and checks use pyproj's Geod)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def load_geoparser(cache: Path | None = None) -> Geoparser:
    """A geoparser over the bundled gazetteer, demonyms and common-word list."""
    import tomllib

    from geomap.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    data_dir = gazetteer.store.data_dir
    curated = tomllib.loads((data_dir / "curated.toml").read_text(encoding="utf-8"))
    demonyms = {fold(word): entry["country"] for entry in curated.get("demonym", []) for word in entry["words"]}
    adjectives = {fold(word) for entry in curated.get("adjective", []) for word in entry["words"]}
    common = {}
    for line in (data_dir / "common_words.txt").read_text(encoding="utf-8").splitlines():
        word, _, zipf = line.partition("\t")
        common[word] = float(zipf or 0)
    return Geoparser(gazetteer, demonyms, common, adjectives, cache)


def geocode(sources: list[Source], geoparser: Geoparser | None = None) -> list[Mention]:
    """Every mention in every source, sorted by source order then offset."""
    geoparser = geoparser or load_geoparser()
    mentions: list[Mention] = []
    for source in sources:
        mentions.extend(geoparser.parse(source))
    return mentions
