"""The quick test of words before a pattern's search (geomap.claims.words.holds_none): it may only skip a
search that would find nothing."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from geomap.claims import readings, status
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
    for folder in ("real", "heldout", "heldout2", "heldout3", "heldout4"):
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
