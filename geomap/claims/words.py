"""The claim readers' word lists and word patterns, kept as data in words.toml and read once on import.

A reader takes its tables as ``_WORDS = reader_words("cues")`` and ``_PATTERNS = reader_patterns("cues")`` and
asks ``word in _WORDS.hold_weak`` or ``_PATTERNS.cleared_of.search(text)``; the vocabulary is data, so a reader's
code keeps only what it does with it.
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from types import SimpleNamespace

from geomap.claims.article import word_set

__all__ = ["reader_patterns", "reader_words"]

_TABLES = tomllib.loads(files("geomap.claims").joinpath("words.toml").read_text(encoding="utf-8"))


def reader_words(reader: str) -> SimpleNamespace:
    """The named word sets of one reader (its [words.READER] table), each a frozenset of its words."""
    return SimpleNamespace(**{name: word_set(text) for name, text in _TABLES["words"][reader].items()})


def reader_patterns(reader: str) -> SimpleNamespace:
    """The named patterns of one reader (its [patterns.READER] table), compiled to match in any case."""
    patterns = _TABLES["patterns"][reader]
    return SimpleNamespace(**{name: re.compile(text, re.IGNORECASE) for name, text in patterns.items()})
