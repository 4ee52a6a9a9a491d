"""Pass 1, the scan: it finds exactly the names its definition says, with offsets into the text as written.

The definition, in words: a name is a run of up to eight tokens of the folded text
(tokens: what lies between spaces after folding) that starts at a capitalised
word that is no inner word (or, for two words or more, at an inner word: "al-Fashir"), whose tokens are
one separator apart, each after the first capitalised, an inner word or at most
three letters long, and whose folded text is a key. The test spells that out as
plain loops and compares it with the numpy scan on random texts.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.gazetteer.folding import fold, fold_text, to_original
from geomap.geoparse.scan import MAX_NAME_WORDS, Scanner, ScanIndex, SliceHashes, string_hashes

from .support import parse

KEYS = ["kursk", "kursk region", "sudzha", "rostov on don", "deir ez zor", "al fashir", "u s", "new york", "york",
        "ivano frankivsk", "kryvyi rih", "suzhda"]
WORDS = ["ukrainian", "north korean"]
INNER = ["of", "on", "region", "al", "ez"]


def scanner() -> Scanner:
    return Scanner(ScanIndex.of_keys(KEYS), WORDS, INNER)


def reference_hits(text: str) -> set[tuple[int, int, str]]:
    """(start, end, key) by the definition, one token run at a time."""
    folded, deleted = fold_text(text)
    tokens = [(i, i + len(t)) for i, t in _tokens(folded)]
    capital_starts = {to_original(s, deleted) for s, _ in tokens}
    keys = set(KEYS) | set(WORDS)
    found = set()
    for first in range(len(tokens)):
        for last in range(first, min(first + MAX_NAME_WORDS, len(tokens))):
            start, end = tokens[first][0], tokens[last][1]
            original_start = to_original(start, deleted)
            word = folded[tokens[first][0]:tokens[first][1]]
            capital = original_start in capital_starts and _capitalised(text, original_start)
            if not ((capital and word not in INNER) or (last > first and word in INNER)):
                continue
            inner_ok = all(tokens[k][0] - tokens[k - 1][1] == 1
                           and (_capitalised(text, to_original(tokens[k][0], deleted))
                                or folded[tokens[k][0]:tokens[k][1]] in INNER or tokens[k][1] - tokens[k][0] <= 3)
                           for k in range(first + 1, last + 1))
            if inner_ok and folded[start:end] in keys:
                found.add((original_start, to_original(end - 1, deleted) + 1, folded[start:end]))
    return found


def _tokens(folded: str):
    i = 0
    for token in folded.split(" "):
        if token:
            yield i, token
        i += len(token) + 1


def _capitalised(text: str, offset: int) -> bool:
    before = text[offset - 1] if offset else " "
    return text[offset].isupper() and not (before.isalnum() or before == "_" or before in "'’`´ʼʹʻ′")


PIECES = ["Kursk", "kursk", "Region", "region", "Sudzha", "Sud\u00adzha", "Rostov", "on", "Don", "Deir", "ez", "Zor",
          "al", "Fashir", "U.S.", "US", "New", "York", "Ivano", "Frankivsk", "Kryvyi", "Rih", "Ukrainian", "North",
          "Korean", "Putin", "Vladimir", "the", "Ryl'sk", "Suzh\u200bda", "KURSK", "1", "Of", "of"]
SEPARATORS = [" ", " ", "-", ", ", ". ", "\n", "  ", "'s ", "\u00a0", "\t", "’"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=25))
def test_the_scan_finds_what_the_definition_says(pieces) -> None:
    text = "".join(word + separator for word, separator in pieces)
    hits = scanner().scan(text)
    assert {(h.start, h.end, h.key) for h in hits} == reference_hits(text)
    for hit in hits:
        assert fold(text[hit.start:hit.end]) == hit.key
        assert hit.in_words == (hit.key in WORDS)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=8), max_size=6))
def test_texts_scanned_together_give_each_text_s_own_hits(texts) -> None:
    # The break between the texts must end every name, and read as a text's start to the tests of the
    # character before a word ("RUSSIA" opening a text is a dateline; "'s" ending one is a possessive).
    texts = ["".join(word + separator for word, separator in pieces) for pieces in texts]
    one_by_one = [scanner().scan(text) for text in texts]
    assert scanner().scan_many(texts) == one_by_one
    assert scanner().scan_many([*texts, "Kursk"])[-1] == scanner().scan("Kursk")


def test_a_name_glued_to_a_capitalised_word_says_so() -> None:
    text = "Vladimir Putin met officials in New York. Kursk, Sudzha\nNew York Times"
    glued = {(text[h.start:h.end], h.glued) for h in scanner().scan(text)}
    assert ("New York", False) in glued and ("Kursk", False) in glued  # ". " and ", " separate names
    assert ("Sudzha", False) in glued  # a newline too
    assert ("New York", True) in glued  # "New York Times"


def test_invisible_characters_inside_a_name_are_part_of_it() -> None:
    text = "Troops left Sud\u00adzha and Kursk\u200b region."
    found = {text[h.start:h.end]: h.key for h in scanner().scan(text)}
    assert found["Sud\u00adzha"] == "sudzha"
    assert found["Kursk\u200b region"] == "kursk region"


def test_a_slice_hashes_as_the_same_string_alone() -> None:
    text = "the kursk region and sudzha"
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    hashes = SliceHashes(codes)(np.array([4, 4, 21]), np.array([9, 16, 27]))
    assert hashes.tolist() == string_hashes(["kursk", "kursk region", "sudzha"]).tolist()
    assert len(set(string_hashes(KEYS).tolist())) == len(KEYS)


def test_the_bundled_index_finds_long_and_short_names(geoparser) -> None:
    text = "Shelling hit Velyka Novosilka, Rostov-on-Don and the Kursk Oblast; U.S. officials met in Deir ez-Zor."
    keys = {h.key for h in geoparser.scanner.scan(text)}
    assert {"velyka novosilka", "rostov on don", "kursk oblast", "u s", "deir ez zor"} <= keys


def test_zero_width_and_soft_hyphens_in_an_article(geoparser) -> None:
    text = "Russian troops retook Sud\u00adzha in the Kur\u200bsk region, officials in Khar\u00adkiv said."
    found = {m.text: m.id for m in parse(geoparser, text) if m.type == "place"}
    assert found == {"Sud\u00adzha": "486816", "Kur\u200bsk": "RU-KRS", "Khar\u00adkiv": "706483"}
