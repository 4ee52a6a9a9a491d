"""The claim readers' word lists, kept as data in words.toml (one table a reader) and read once on import.

A reader takes its table as ``_WORDS = reader_words("cues")`` and asks ``word in _WORDS.hold_weak``; the lists
are data, so a reader's code keeps only what it does with them.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from types import SimpleNamespace

from geomap.claims.article import word_set

__all__ = ["reader_words"]

_TABLES = tomllib.loads(files("geomap.claims").joinpath("words.toml").read_text(encoding="utf-8"))


def reader_words(reader: str) -> SimpleNamespace:
    """The named word sets of one reader (its table in words.toml), each a frozenset of its words."""
    return SimpleNamespace(**{name: word_set(text) for name, text in _TABLES[reader].items()})
