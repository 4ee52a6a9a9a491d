"""The geoparser's fast paths answer exactly as the plain definitions they replace.

Context words are read with string methods instead of regexes tried at every
position, region names are folded one letter at a time, and the distance to
the nearest other place comes from a per-key table (the distances measured once
for an article's rounds), a word's entries are filtered once a run: each is
checked here against the slow, obvious form on random or real input.
"""

from __future__ import annotations

import math
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.gazetteer.folding import APOSTROPHES, first_folded_chars, fold, fold_all
from geomap.geoparse.fuzzy import RegionNames
from geomap.geoparse.resolve import Context
from geomap.geoparse.text import OF_HEAD, WORD, of_head, tokens_before, word_before

from .test_scan import PIECES as SCAN_PIECES
from .test_scan import SEPARATORS as SCANNED_SEPARATORS
from .test_scan import scanner as scan_test_scanner

# The scan test's words and capitalised words it does not know, next to them in every way.
SCANNED_PIECES = [*SCAN_PIECES, "Boris", "Artem's", "Suzdha", "Kurskaya", "Abcd-Kursk", "X-Sudzha", "Kyivan"]

def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# The definitions, as regexes over the window before a name.
WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.\-]*)[ \t]+$")
PUNCTUATION_BEFORE = re.compile(r"[.!?;:,()\[\]\"“”]\s*$")

PIECES = list("abXY \t\n.,;()\"'’-_1²é\u00a0\u1680") + ["of ", "the ", "Forces ", "Kursk"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, cut=st.floats(0, 1))
def test_context_words_are_read_as_the_regexes_define_them(text: str, cut: float) -> None:
    start = round(cut * len(text))
    match = WORD_BEFORE.search(text, max(0, start - 40), start)
    assert word_before(text, start) == (match.group(1) if match else None)
    window = text[max(0, start - 60):start]
    words = [] if PUNCTUATION_BEFORE.search(window) else [w.lower() for w in WORD.findall(window)]
    assert tokens_before(text, start, 2) == words[-2:]
    head = OF_HEAD.search(text, max(0, start - 60), start)
    fast = of_head(text, start)
    assert (fast and fast.span(1)) == (head and head.span(1))


def test_names_fold_in_bulk_as_one_by_one(geoparser) -> None:
    lines = geoparser.gazetteer.store.places[0].lines
    names = [name for _, name in geoparser.gazetteer.store.places[0].names(range(0, len(lines), 97))]
    names += ["", "'Ain", " x", "\u1680a", "’s-Hertogenbosch", "(Old) Town", "ßad", "中国", "''", "a\uffffb"]
    assert fold_all(names) == [fold(name) for name in names]
    for name, first in zip(names, first_folded_chars(names)):
        assert first.isspace() or fold(name)[:1] == first, name


def test_region_pools_hold_what_folding_every_name_gives(geoparser) -> None:
    store = geoparser.gazetteer.store
    for region in ("UA-14", "RU-KRS", "FR-75", "NO-SUCH"):
        names = store.places[0].names(store.region_place_rows(region))
        pool = RegionNames(names)
        for letter in "aksvzщ":
            pairs = sorted({(row, fold(name)) for row, name in names if fold(name)[:1] == letter})
            expected = ([key for _, key in pairs], [row for row, _ in pairs])
            assert pool.get(letter, ([], [])) == expected, (region, letter)


def test_proximity_is_to_the_nearest_place_named_otherwise(geoparser) -> None:
    """proximity = exp(-d/250 km), d the distance to the nearest place named under another key."""
    store = geoparser.gazetteer.store
    rnd = random.Random(1)
    pool = [c for key in ("kyiv", "kursk", "sumy", "paris", "lima", "ukraine")
            for c in store.candidates_for_key(key)[:6]]
    pool += [store.place_candidate(0, rnd.randrange(len(store.places[0].lines))) for _ in range(60)]
    keys = ["a", "b", "c", "d"]
    for _ in range(200):
        candidates = rnd.sample(pool, 25)
        entries = [(rnd.choice(keys), rnd.choice(candidates)) for _ in range(rnd.randint(0, 12))]
        context = Context(entries, candidates)
        named: dict[str, tuple[str, object]] = {}
        for key, place in entries:
            named.setdefault(place.id, (key, place))
        key = rnd.choice(keys)
        others = [c for k, c in named.values() if k != key and c.kind != "country"]
        for candidate, proximity in zip(candidates, context.proximity(candidates, key)):
            nearest = min((haversine_km(candidate.lat, candidate.lon, c.lat, c.lon) for c in others), default=math.inf)
            expected = 0.0 if candidate.kind == "country" else math.exp(-nearest / 250.0)
            assert proximity == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_distances_shared_by_the_rounds_are_those_measured_per_round(geoparser, monkeypatch) -> None:
    """An article's candidates measured against each other once give each round's places the very floats
    that measuring those places alone gives (the resolution's output is byte-identical either way)."""
    import numpy as np

    from geomap.geoparse import resolve

    store = geoparser.gazetteer.store
    rnd = random.Random(2)
    pool = [c for key in ("kyiv", "kursk", "sumy", "paris", "lima", "ukraine", "georgia")
            for c in store.candidates_for_key(key)[:6]]
    pool += [store.place_candidate(0, rnd.randrange(len(store.places[0].lines))) for _ in range(80)]
    for _ in range(20):
        candidates = rnd.sample(pool, 40)
        places = rnd.sample(candidates, 12)
        shared = resolve.CandidateRows(candidates).distances_to(places)
        with monkeypatch.context() as patch:
            patch.setattr(resolve, "SHARED_DISTANCE_ROWS", 0)  # too many candidates: each round measures
            alone = resolve.CandidateRows(candidates).distances_to(places)
        assert shared.shape == alone.shape == (len({c.id for c in candidates}), 12)
        assert np.array_equal(shared, alone)


def test_a_words_entries_are_its_names_entries_filtered_as_the_rules_say(geoparser) -> None:
    from geomap.geoparse.candidates import _abbreviation

    readings = geoparser.readings
    for key in ("ky", "mont", "georgia", "western", "hope", "paris", "calif", "wa", "nsw"):
        for common_word in (False, True):
            for short_forms in (False, True):
                expected = [c for c in readings(key) if not common_word or c.method == "exact" or c.kind == "country"]
                if not short_forms:
                    expected = [c for c in expected if not _abbreviation(c, key)]
                assert readings.of_word(key, common_word, short_forms) == expected, (key, common_word, short_forms)
    assert [c.id for c in readings.of_word("ky", False, True)] != [c.id for c in readings.of_word("ky", False, False)]


def test_a_new_scan_cache_removes_stale_ones(tmp_path):
    import os

    from geomap.geoparse.scan import SCAN_CACHE_VERSION, SCAN_CACHES_KEPT, prune_scan_caches

    old_version = tmp_path / f"scan-v{SCAN_CACHE_VERSION - 1}-aaaa-bbbb.pickle"
    same = [tmp_path / f"scan-v{SCAN_CACHE_VERSION}-{i:04d}.npy" for i in range(SCAN_CACHES_KEPT + 2)]
    unrelated = tmp_path / "notes.txt"
    for age, path in enumerate([old_version, *same, unrelated]):
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 + age, 1_000_000 + age))  # later in the list = used more recently
    new = same[0]  # the one just written (its time does not matter: it is always kept)
    deleted = prune_scan_caches(tmp_path, keep=new)
    left = sorted(p.name for p in tmp_path.iterdir())
    # Kept: the new one, the most recently used others of this version, and files that are not scan caches.
    expected = sorted([new.name, *[p.name for p in same[-(SCAN_CACHES_KEPT - 1):]], unrelated.name])
    assert left == expected
    assert sorted(deleted) == sorted([old_version, *same[1:3]])  # the other version and the two least used


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(SCANNED_PIECES), st.sampled_from(SCANNED_SEPARATORS)), max_size=25))
def test_the_unscanned_words_are_the_capitalised_words_outside_every_hit(pieces) -> None:
    from geomap.geoparse.fuzzy import _CAPITALISED, unscanned_words

    text = "".join(word + separator for word, separator in pieces)
    hits = scan_test_scanner().scan(text)
    outside = [m.span() for m in _CAPITALISED.finditer(text) if not any(h.start <= m.start() < h.end for h in hits)]
    assert [m.span() for m in unscanned_words(text, hits)] == outside


def test_hits_that_overlap_or_nest_merge_into_one_extent():
    from geomap.geoparse.fuzzy import merged_extents
    from geomap.geoparse.scan import Hit

    # "Velykyi Burluk Raion": the whole name, and "Burluk" starting inside it and ending before "Raion".
    hits = [Hit(start, end, "", False, True, False) for start, end in [(0, 20), (8, 14), (18, 25), (30, 35)]]
    assert merged_extents(hits) == [(0, 25), (30, 35)]
    assert merged_extents([]) == []



# The sentence splitter as first written: the regex tried at every position, each piece copied to be stripped.
PLAIN_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-ZА-ЯЁЇІЄҐ0-9])|\n+")
SENTENCE_PIECES = ["Gen", "gen", "U.S", "J", "A.B.C", "etc", "Ukraine", "said", "Kyiv", "x", " ", "  ", "\t", "\n",
                   "\u00a0", ".", "..", "!", "?", "…", "\"", "”", "“", "(", ")", "'", "1", "Б"]


def plain_sentences(text: str, forms: frozenset[str]) -> list[tuple[int, int]]:
    bounds, start = [], 0
    ends = [m.end() for m in PLAIN_SENTENCE_END.finditer(text)
            if text[m.start()] != "." or not _plain_abbreviation(text[max(0, m.start() - 6):m.start()], forms)]
    for end in [*ends, len(text)]:
        piece = text[start:end]
        if piece.strip():
            first = start + len(piece) - len(piece.lstrip())
            bounds.append((first, first + len(piece.strip())))
        start = end
    return bounds


def _plain_abbreviation(window: str, forms: frozenset[str]) -> bool:
    before = window.rsplit(None, 1)
    word = before[-1].lstrip("\"'“‘([") if before else ""
    return word in forms or bool(re.fullmatch(r"(?:[A-Z]\.){0,2}[A-Z]", word))


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(SENTENCE_PIECES), max_size=40).map("".join))
def test_sentences_split_as_the_plain_definition_splits_them(text: str) -> None:
    from geomap.geoparse.text import SentenceSplitter

    abbreviations = ["gen", "etc", "no", "sept"]
    splitter = SentenceSplitter(abbreviations)
    forms = frozenset(form for word in abbreviations for form in (word, word.capitalize()))
    assert splitter(text) == plain_sentences(text, forms)


# Where a capitalised word starts, as the scan first defined it: two regexes run over the text.
PLAIN_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁЀ-ЏҐЄІЇ"
PLAIN_CAPITAL_START = re.compile(rf"[{PLAIN_UPPER}](?<![\w{re.escape(APOSTROPHES)}].)")
PLAIN_ELISION = re.compile(rf"[dlDL][{re.escape(APOSTROPHES)}](?=[{PLAIN_UPPER}])")
CAPITAL_PIECES = ["d", "l", "D", "L", "x", "K", "É", "ſ", "Ž", "ž", "Б", "б", "_", "1", "²", " ", "-", "\u00ad",
                  "\u200b", "'", "’", "`", "𝐀", "😀", "\U00020000", "Kyiv", "Ivoire"]


def plain_capital_starts(text: str) -> list[int]:
    starts = {m.start() for m in PLAIN_CAPITAL_START.finditer(text)}
    for m in PLAIN_ELISION.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        if not (before.isalnum() or before == "_" or before in APOSTROPHES):
            starts.add(m.start())
    return sorted(starts)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(CAPITAL_PIECES), max_size=30).map("".join))
def test_capitalised_words_start_where_the_regexes_say(text: str) -> None:
    from geomap.geoparse.scan import _codes, capital_starts

    assert capital_starts(_codes(text)).tolist() == plain_capital_starts(text)
