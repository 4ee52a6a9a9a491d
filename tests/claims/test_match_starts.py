"""The look-ahead of a pattern's beginnings admits every place the pattern matches, and narrows the places tried."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.claims import match_starts, temporal, words
from geomap.claims.match_starts import match_start_lookahead, with_match_starts

# Patterns with the parts the finders are made of: optional prefixes, alternations of words and numbers, classes,
# repeats with and without a least count, look-arounds in front and inside, a group that may be empty, a
# back-reference, a class of anything-but.
PATTERNS = [
    r"(?<![a-z0-9])(?:(?:in|on|by)\s+)?(?:(?P<n>\d{1,3})\s+days?\s+ago|last\s+(?:week|month)|(?:jan|feb)\w*)",
    r"(?=[0-9]|a|th)(?:the\s+)?(?:first|last)\s+(?:\d+\s+)?days|a\s+few\s+weeks",
    r"(?:x?y?)z+|q{2,3}r|(?<=a)b[^c]d|(a)\1e",
    r"(?:north|south)(?:[\s\-]?(?:east|west))?(?:ern)?\s+(?:half|third)\b|\bhalf\b",
    r"[12][0-9]{3}-[01][0-9]|(?:\s|-)+dash|\.\d+",
]
ALPHABET = "abdehinorstwyxzq0129 -.\n" + "éİ\u212a"
texts = st.text(alphabet=ALPHABET, max_size=60) | st.lists(
    st.sampled_from(["in ", "on ", "the ", "first ", "last ", "12 ", "days ", "ago", "a few weeks", "jan", "north",
                     "eastern ", "half", "third", "1999-01", "qqr", "abxd", "aae", "zz", " - dash", ".5", "said ",
                     "would ", "invasion ", "before ", "since ", "during ", "\u212aursk ", "will "]),
    max_size=12).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(texts)
def test_the_lookahead_keeps_every_place_a_pattern_matches(text):
    for pattern in PATTERNS:
        plain, narrowed = re.compile(pattern), re.compile(with_match_starts(pattern))
        for at in range(len(text) + 1):
            expected = plain.match(text, at)
            found = narrowed.match(text, at)
            assert (found and found.span()) == (expected and expected.span()), (pattern, text, at)


def test_the_lookahead_is_made_of_the_beginnings_and_turns_other_words_away():
    lookahead = re.compile(match_start_lookahead(PATTERNS[0]))
    dates = ("in 3 days ago", "by last week", "12 days ago", "last month", "january")
    assert all(lookahead.match(words) for words in dates)
    assert not any(lookahead.match(word) for word in ("the", "into", "and", "lasting", "monday"))


def test_no_lookahead_where_a_match_may_be_empty_or_fold_case():
    assert match_start_lookahead(r"x?") is None
    assert match_start_lookahead(r"(?:a|\b)y*") is None
    letters_then_x = re.compile(match_start_lookahead(r"\w*x"))
    assert letters_then_x.match("abcdefgx") and not letters_then_x.match("ab-x")
    assert match_start_lookahead("(?i:abc)") is None
    assert match_start_lookahead("abc", re.IGNORECASE) is None
    assert with_match_starts(r"(?<!x).*") == r"(?<!x).*"


def test_the_dates_finder_turns_away_most_word_starts(monkeypatch):
    """The finder with the look-ahead, and without, on a sentence of everyday words: the same one start found,
    and (what the look-ahead is for) the alternation tried at far fewer places."""
    sentence = "In the end the army said on Monday that it had taken 12 villages in the north since 3 March."
    finder = temporal.temporal_finder()
    plain = re.compile(finder.pattern.replace(match_start_lookahead(finder.pattern), "", 1))
    assert [m.span() for m in finder.finditer(sentence.lower())] == [m.span() for m in plain.finditer(sentence.lower())]
    lookahead = re.compile(match_start_lookahead(finder.pattern))
    word_starts = [m.start() for m in re.finditer(r"\b\w", sentence.lower())]
    admitted = [at for at in word_starts if lookahead.match(sentence.lower(), at)]
    assert len(admitted) <= len(word_starts) / 2
    assert match_starts.PREFIX_CHARACTERS >= 3


def test_required_words_start_every_match():
    assert match_starts.required_words(r"\b(?:said|says|according\s+to|told\s+\w+)\b", re.IGNORECASE) == (
        "accor", "said", "says", "told")  # fmt: skip
    assert match_starts.required_words(r"(?:in|into)\s+\d+") == ("in",)  # "into" holds "in"
    assert match_starts.required_words(r"\d+\s+days") is None  # a match may start with any digit
    assert match_starts.required_words(r"(?:a|[bc])x") is None


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(-3, 70), st.integers(-3, 70))
def test_a_word_gated_search_finds_what_the_pattern_finds(text, start, end):
    """Every reader pattern, gated and plain, searched in any stretch of any text (capitals, a Kelvin sign, a
    dotted capital I: the characters str.lower() and IGNORECASE treat apart)."""
    text = text.upper() if start % 2 else text
    for patterns in (words.reader_patterns(reader) for reader in ("dating", "cues", "temporal")):
        for gated in vars(patterns).values():
            if isinstance(gated, words.WordGatedPattern):
                plain = re.compile(gated.pattern, gated.flags)
                found, expected = gated.search(text, start, end), plain.search(text, start, end)
                assert (found and found.span()) == (expected and expected.span()), (gated.pattern, text)
