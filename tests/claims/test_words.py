"""The quick ways around a pattern's search (geomap.claims.words): a test of words that may only skip a search
that would find nothing (holds_none), and a search of the lower-cased text that finds what the pattern that
ignores case finds in the text (folds_to_ascii; the quantities' atoms)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from geomap.claims import quantities, readings, status
from geomap.claims.words import _FOLDED_TO_ASCII, holds_none

DATA = Path(__file__).resolve().parent.parent / "data" / "claims"


def test_the_characters_that_fold_to_ascii_letters_are_all_known():
    letter = re.compile("[a-z]", re.IGNORECASE)
    folded = [chr(code) for code in range(128, sys.maxunicode + 1) if letter.fullmatch(chr(code))]
    assert sorted(folded) == sorted(_FOLDED_TO_ASCII)


@pytest.mark.parametrize(
    ("text", "none"),
    [
        ("Kyiv says the area is roughly the SIZE of Luxembourg.", False),
        ("an area Larger than Malta", False),
        ("Troops advanced 10 km on Monday.", True),
        ("an area the \u017fize of Malta", False),  # a long s: re.IGNORECASE reads "size"
    ],
)
def test_holds_none_reads_words_in_any_case(text, none):
    assert holds_none(text, readings._SIZE_WORDS) is none
    assert (readings._SIZE_OF_RE.search(text) is None) or not none


def texts() -> list[str]:
    found = []
    for name in ("sentences.jsonl", "real_sentences.jsonl"):
        with open(DATA / name, encoding="utf-8") as handle:
            found += [json.loads(line)["text"] for line in handle if line.strip()]
    for folder in ("real", "heldout", *(f"heldout{n}" for n in range(2, 21))):
        with open(DATA / folder / "corpus.jsonl", encoding="utf-8") as handle:
            found += [json.loads(line)["text"] for line in handle if line.strip()]
    return found


def test_every_size_comparison_holds_a_size_word():
    matches = [m.group() for text in texts() for m in readings._SIZE_OF_RE.finditer(text)]
    assert matches, "the test texts have size comparisons to check"
    assert all(not holds_none(match, readings._SIZE_WORDS) for match in matches)


def test_every_withdrawal_toward_a_place_holds_a_withdrawal_word():
    # _WITHDRAW_TO ends at the end of the text before a place: tried on the text up to each "to", "into", "toward"
    ends = [(text, m.end()) for text in texts() for m in re.finditer(r"\b(?:to|into|towards?)\s+", text)]
    matches = [m.group() for text, end in ends for m in [status._WITHDRAW_TO.search(text, 0, end)] if m]
    assert matches, "the test texts have withdrawals to check"
    assert all(not holds_none(match, status._WITHDRAW_WORDS) for match in matches)


def case_sensitive_parts(pattern: str) -> list[str]:
    """What in ``pattern`` (compiled to ignore case) would not match a lower-cased text as it matches the text:
    a part that turns IGNORECASE off, an upper-case letter, a class with a capital but not its small letter."""
    from re import _constants as codes
    from re import _parser as parser

    found = []
    pending = [parser.parse(pattern, re.IGNORECASE)]
    while pending:
        for op, value in pending.pop():
            if op is codes.SUBPATTERN:
                if value[2] & re.IGNORECASE:
                    found.append("(?-i:...)")
                pending.append(value[3])
            elif op in (codes.LITERAL, codes.NOT_LITERAL) and chr(value).isupper():
                found.append(chr(value))
            elif op is codes.IN:
                accepted = {chr(v) for kind, v in value if kind is codes.LITERAL} | {
                    chr(c) for kind, v in value if kind is codes.RANGE for c in range(v[0], v[1] + 1)
                }
                found += [c for c in accepted if c.isupper() and c.lower() not in accepted]
            else:
                for item in value if isinstance(value, (list, tuple)) else ():
                    if isinstance(item, parser.SubPattern):
                        pending.append(item)
                    elif isinstance(item, (list, tuple)):
                        pending += [part for part in item if isinstance(part, parser.SubPattern)]
    return found


def test_the_atoms_pattern_ignores_case_everywhere():
    assert case_sensitive_parts(quantities._ATOM_RE.pattern) == []
    found = case_sensitive_parts(r"(?-i:usd)|[A-Z]x|Q")  # what a change to it must not bring
    assert {"(?-i:...)", "A", "Q"} <= set(found) and case_sensitive_parts(r"[a-zA-Z]+\s(?:km|mi)") == []


def test_the_lower_cased_search_finds_the_atoms_the_pattern_finds():
    for text in texts():
        plain, pos = [], 0
        while (m := quantities._ATOM_RE.search(text, pos)) is not None:
            plain.append(m.span())
            pos = max(m.end(), m.start() + 1)
        lowered, pos, fast = text.lower(), 0, []
        while (m := quantities._ATOM_FINDER_RE.search(lowered, pos)) is not None:
            fast.append(quantities._ATOM_RE.match(text, m.start()).span())
            pos = max(fast[-1][1], m.start() + 1)
        assert fast == plain


def test_the_dates_finder_matches_wherever_the_dates_pattern_does():
    from geomap.claims import temporal

    assert "(?-i:" in temporal._TEMPORAL_RE.pattern and case_sensitive_parts(temporal.temporal_finder().pattern) == []
    for text in texts():
        plain, pos = [], 0
        while (m := temporal._TEMPORAL_RE.search(text, pos)) is not None:
            plain.append(m.span())
            pos = m.start() + 1
        fast, pos = [], 0
        while (m := temporal._next_match(text, text.lower(), pos)) is not None:
            fast.append(m.span())
            pos = m.start() + 1
        assert fast == plain


def test_the_cue_gate_turns_away_only_windows_without_a_cue():
    assert "(?-i:" in status._BEFORE_RE.pattern and case_sensitive_parts(status._BEFORE_GATE_RE.pattern) == []
    windows = [
        text[max(0, m.start() - status.WINDOW_BEFORE) : m.start()]
        for text in texts()
        for m in re.finditer(r"\b[A-Z][a-z]+", text)  # before each capitalised word, where places stand
    ]
    cues = [window for window in windows if status._BEFORE_RE.match(window)]
    assert len(cues) > 50, "the test texts have cues to check"
    assert all(status._BEFORE_GATE_RE.match(window.lower()) for window in cues)
