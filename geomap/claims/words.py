"""The claim readers' word lists and word patterns, kept as data in words.toml and read once on import.

A reader takes its tables as ``_WORDS = reader_words("cues")`` and ``_PATTERNS = reader_patterns("cues")`` and
asks ``word in _WORDS.hold_weak`` or ``_PATTERNS.cleared_of.search(text)``; the vocabulary is data, so a reader's
code keeps only what it does with it.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from importlib.resources import files
from types import ModuleType
from typing import Any

from geomap.claims.article import word_set
from geomap.claims.match_starts import required_words

__all__ = ["WordGatedPattern", "blind_to_case", "folds_to_ascii", "holds_none", "reader_patterns", "reader_words"]

_TABLES = tomllib.loads(files("geomap.claims").joinpath("words.toml").read_text(encoding="utf-8"))


def _namespace(name: str, values: dict[str, object]) -> ModuleType:
    # A module object, not a SimpleNamespace: Python reads a module's attribute as fast as a global, and the
    # readers look these up in their inner loops (a SimpleNamespace cost 7% of the claims stage's time).
    namespace = ModuleType(f"{__name__}.{name}")
    namespace.__dict__.update(values)
    return namespace


def reader_words(reader: str) -> ModuleType:
    """The named word sets of one reader (its [words.READER] table), each a frozenset of its words."""
    return _namespace(f"words.{reader}", {name: word_set(text) for name, text in _TABLES["words"][reader].items()})


def reader_patterns(reader: str) -> ModuleType:
    """The named patterns of one reader (its [patterns.READER] table), compiled to match in any case; each
    one's search first looks for the words its matches start with (:class:`WordGatedPattern`)."""
    patterns = _TABLES["patterns"][reader]
    compiled: dict[str, object] = {
        name: WordGatedPattern(re.compile(text, re.IGNORECASE)) for name, text in patterns.items()
    }
    return _namespace(f"patterns.{reader}", compiled)


class WordGatedPattern:
    """A compiled pattern whose :meth:`search` first looks, with ``in``, for the words one of which starts every
    match (:func:`~geomap.claims.match_starts.required_words`, worked out on the first search) in the lower-cased
    stretch searched, and searches only a stretch that holds one: most stretches hold none ("said", "invasion")
    and re would try the pattern's alternation at every word of them (an IGNORECASE search of a sentence costs
    tens of microseconds). Its other methods and attributes are the pattern's own."""

    __slots__ = ("_search", "_words", "_known", "findall", "finditer", "flags", "fullmatch", "groupindex", "groups",
                 "match", "pattern", "split", "sub", "subn")  # fmt: skip
    pattern: str
    flags: int
    groups: int
    groupindex: Mapping[str, int]
    match: Callable[..., re.Match[str] | None]
    fullmatch: Callable[..., re.Match[str] | None]
    finditer: Callable[..., Iterator[re.Match[str]]]
    findall: Callable[..., list[Any]]
    split: Callable[..., list[Any]]
    sub: Callable[..., str]
    subn: Callable[..., tuple[str, int]]

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self._search = compiled.search
        self._words: tuple[str, ...] | None = None  # None: no such words
        self._known = False  # whether the words are worked out
        for name in self.__slots__[3:]:
            setattr(self, name, getattr(compiled, name))

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if not self._known:
            self._words, self._known = required_words(self.pattern, self.flags), True
        words = self._words
        if words is not None:
            stretch = string[max(pos, 0) : max(endpos, 0)] if pos > 0 or endpos < len(string) else string
            if holds_none(stretch, words):
                return None
        return self._search(string, pos, endpos)


# The characters, none an ASCII letter, that re.IGNORECASE matches with one: the Kelvin sign (k), the long s (s),
# the dotless i and the capital I with a dot (i). str.lower() keeps them apart from those letters.
_FOLDED_TO_ASCII = ("\u212a", "\u017f", "\u0131", "\u0130")


def holds_none(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` holds none of the lower-case ASCII ``words``, in any case, as re.IGNORECASE finds them (False
    when the text has a character that folds to an ASCII letter). A pattern every match of which holds one of the
    words cannot match such a text: a test that costs a few passes of ``str.find`` instead of the pattern's search.
    """
    if folds_to_ascii(text):
        return False
    lower = text.lower()
    return not any(word in lower for word in words)


def folds_to_ascii(text: str) -> bool:
    """Whether ``text`` has a character other than an ASCII letter that re.IGNORECASE matches with one. A text
    without is matched by a pattern that ignores case exactly as its lower-cased copy is by the same pattern
    written in lower case (str.lower() then also keeps every offset)."""
    return any(char in text for char in _FOLDED_TO_ASCII)


def blind_to_case(pattern: str) -> str:
    """``pattern`` (IGNORECASE but for its ``(?-i:...)`` groups and capitals-only classes) rewritten for a
    lower-cased text without IGNORECASE: those groups in lower case, those classes for small letters. Compiled
    without IGNORECASE, it matches the lower-cased text (of a text without :func:`folds_to_ascii`) wherever
    ``pattern`` matches the text, and at a few more places ("may" the verb): a quick search for where to try
    ``pattern``, or a quick test that it cannot match (re compares plain characters faster than folded ones).
    It holds while no such group or class is inside a negative look-ahead or look-behind."""
    blind = re.sub(r"\(\?-i:([^()]*)\)", lambda group: f"(?:{group.group(1).lower()})", pattern)
    return blind.replace("[A-Z]", "[a-z]")
