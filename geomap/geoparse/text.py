"""Reading an article around a name: sentences, and the words right before and after an offset.

These run several times for each of a corpus' mentions, so the context is read
with string methods where a regex would be tried at every position of a window.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# A sentence ends at a run of . ! ? … (and closing quotes or brackets) before white space and a capital or a
# digit, or at a run of newlines. The pattern opens with one character class, the set of its possible first
# characters: the regex engine then skips to those characters in C instead of trying the pattern at every
# position of the text (an alternation of repeats has no such prefix: a fifth of the time as before).
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)\n*|(?<=[.!?…])[.!?…]*[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-ZА-ЯЁЇІЄҐ0-9]))")
_SPACES = re.compile(r"\s*")
_ABBREVIATION_WINDOW = 6  # an abbreviation or initials before a period are read within this many characters
_INITIALS = re.compile(r"(?:[A-Z]\.){0,2}[A-Z]")  # "U.S" before the final period, "J"
_OPENING = re.compile(r"[\"'“‘«(\[\s—–-]*")
_PUNCTUATION = frozenset(".!?;:,()[]\"“”")
WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_WORD_AT_END = re.compile(r"[^\W\d_][\w'’.\-]*\Z")
_WORD_AFTER = re.compile(r"[ \t]+([^\W\d_][\w'’\-]*)")
OF_HEAD = re.compile(r"([^\W\d_][\w'’\-]*)\s+of\s+(?:the\s+)?$")


class SentenceSplitter:
    """Splits a text at . ! ? (not after an abbreviation such as "U.S." or "Gen.") and at newlines."""

    def __init__(self, abbreviations: Iterable[str]):
        self._forms = frozenset(form for word in abbreviations for form in (word, word.capitalize()))

    def _after_abbreviation(self, text: str, period: int) -> bool:
        """Whether the period at ``period`` ends an abbreviation ("Gen.") or initials ("U.S.", "J.")."""
        window = text[max(0, period - _ABBREVIATION_WINDOW):period]
        if len(window) == _ABBREVIATION_WINDOW and window.isalpha():
            return window in self._forms  # the common case: a long word ends the sentence ("Ukraine.")
        before = window.rsplit(None, 1)
        word = before[-1].lstrip("\"'“‘([") if before else ""
        return word in self._forms or bool(_INITIALS.fullmatch(word))

    def __call__(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each sentence, without the white space around it."""
        bounds: list[tuple[int, int]] = []
        start = 0
        for match in _SENTENCE_END.finditer(text):
            if text[match.start()] == "." and self._after_abbreviation(text, match.start()):
                continue
            end = match.end()
            _add_trimmed(bounds, text, start, end)
            start = end
        _add_trimmed(bounds, text, start, len(text))
        return bounds


@functools.lru_cache(maxsize=1)
def _bundled_splitter() -> SentenceSplitter:
    from geomap.geoparse.words import read_word_lists
    from geomap.paths import geodata_dir

    return SentenceSplitter(read_word_lists(geodata_dir()).abbreviations)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, with the bundled list of abbreviations."""
    return _bundled_splitter()(text)


def _add_trimmed(bounds: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """Add the (start, end) of text[start:end] without the white space around it, unless nothing is left.
    (Read in place: a sentence is not copied to be stripped.)"""
    start = _SPACES.match(text, start, end).end()
    if start == end:
        return
    while text[end - 1].isspace():
        end -= 1
    bounds.append((start, end))


def initial_positions(text: str, sentences: list[tuple[int, int]]) -> set[int]:
    """Offsets of the first word of each sentence (after opening quotes/brackets)."""
    return {_OPENING.match(text, start, end).end() for start, end in sentences}


def tokens_before(text: str, start: int, count: int = 3) -> list[str]:
    """Up to ``count`` words right before ``start``, lower-cased; none when punctuation comes first."""
    window = text[max(0, start - 60):start]
    if window.rstrip()[-1:] in _PUNCTUATION:
        return []  # punctuation right before: no adjacent words to read
    return [w.lower() for w in WORD.findall(window)[-count:]]


def word_before(text: str, start: int) -> str | None:
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
    last = words.rsplit(None, 1)[-1]
    if last.isalpha():
        return last  # the common case ("in", "said"), told without the regex: all of it is the word
    match = _WORD_AT_END.search(last)
    return match.group() if match else None


def of_head(text: str, start: int) -> re.Match | None:
    """The "X of (the)" phrase ending right before ``start``, X in group 1 ("Armed Forces of ")."""
    window = text[max(0, start - 60):start]
    words = window.rstrip()
    if len(words) == len(window) or not words.endswith(("of", "the")):
        return None  # the common case, told without trying the regex at each of 60 positions
    return OF_HEAD.search(text, max(0, start - 60), start)


def word_after(text: str, end: int) -> str | None:
    """The word right after ``end`` when only spaces separate them, as written."""
    match = _WORD_AFTER.match(text, end, end + 40)
    return match.group(1) if match else None


def spaces_before(text: str, offset: int) -> int:
    """How many spaces or tabs stand right before ``offset``."""
    count = 0
    while offset - count > 0 and text[offset - count - 1] in " \t":
        count += 1
    return count


def is_capitalised(word: str | None) -> bool:
    return bool(word) and word[0].isupper()
