"""Name folding shared by the gazetteer index and the geoparser's text scan.

``fold`` maps a name to the key it is indexed under: case, diacritics and
apostrophes are folded away ("Ryl'sk" = "Rylsk" = "Ryl’sk" = "RYLSK"), except that
a possessive "'s" keeps its apostrophe as a space, as in ``fold_text`` ("People's
Republic of China" is "people s republic of china" in the index and in the text), so are
characters that print nothing (soft hyphens, zero-width spaces and joiners: web
text carries them inside words), every run of punctuation or white space
becomes one space, Cyrillic stays Cyrillic (lower-cased, ё -> е).

``fold_text`` folds a whole article so that gazetteer keys can be found in it by
one multi-pattern scan. It folds character by character (each character becomes
exactly one character, or is deleted when it is an apostrophe or prints nothing), so
an offset in the folded text maps back to the original text through the list of
deleted positions alone. A possessive "'s" keeps its apostrophe as a space, so
"Russia's" scans as "russia s" and "Russia" is found in it.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata

APOSTROPHES = "'\u2019\u2018\u02bc\u02b9`\u00b4\u02bb\u2032"
# Characters that print nothing: soft hyphen, zero-width space / non-joiner / joiner, word joiner, BOM.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
DELETED = APOSTROPHES + INVISIBLE  # folding deletes these; every other character stays one character
# "Kyiv's", "KYIV'S": the s ends a word, or a deleted character follows it. A name's span stops before the
# characters folding deletes after it, so its key is made without them: some are letters to a regex (the
# modifier apostrophe), and the s must read as possessive with them as it does without.
_POSSESSIVE = re.compile("[" + re.escape(APOSTROPHES) + "](?=[sS](?:\\b|[" + re.escape(DELETED) + "]))")

# Code points folded through the table; others pass through str.translate unchanged
# (lower-cased by the casefold fallback below only for keys, which is consistent
# because text outside these blocks never matches Latin/Cyrillic keys anyway).
_TABLE_RANGES = ((0x0000, 0x0530), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x3000, 0x3040), (0xFEFF, 0xFF10))


def _fold_char(ch: str) -> str | None:
    """The single folded character for ``ch`` (None deletes it)."""
    if ch in DELETED:
        return None
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    if not base:
        return " "
    first = base[0]
    return first if first.isalnum() else " "


@functools.lru_cache(maxsize=1)
def _table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for lo, hi in _TABLE_RANGES:
        for code in range(lo, hi):
            table[code] = _fold_char(chr(code))
    return table


def fold(name: str) -> str:
    """Fold a name to its index key.

    >>> fold("Ryl’sk") == fold("Ryl'sk") == fold("RYLSK") == "rylsk"
    True
    >>> fold("Kamianka-Dniprovska")
    'kamianka dniprovska'
    >>> fold("Суджа")
    'суджа'
    """
    return _tidy(_POSSESSIVE.sub(" ", name).translate(_table()))


def _tidy(folded: str) -> str:
    """One space between words, none around them."""
    if "  " in folded or folded[:1] == " " or folded[-1:] == " ":
        folded = " ".join(folded.split())
    return folded


# A noncharacter outside the table's ranges: translate keeps it, and no name contains it.
_SEPARATOR = "\uffff"


def fold_all(names: list[str]) -> list[str]:
    """``[fold(name) for name in names]`` with one translate for all of them (thousands of names)."""
    joined = _SEPARATOR.join(names)
    if not names or joined.count(_SEPARATOR) != len(names) - 1:  # a name holds the separator after all
        return [fold(name) for name in names]
    return [_tidy(folded) for folded in _POSSESSIVE.sub(" ", joined).translate(_table()).split(_SEPARATOR)]


@functools.lru_cache(maxsize=1)
def _initial_table() -> dict[int, str]:
    """The table with deleted characters as spaces: one character out for each one in."""
    return {code: " " if folded is None else folded for code, folded in _table().items()}


def first_folded_chars(names: list[str]) -> str:
    """One character for each name: ``fold(name)[:1]`` when the name's first character
    settles it, else white space (only folding the whole name tells).

    The first character settles it when it folds to a letter or digit, or to itself
    (outside the table) and is no space. One translate for all the names.
    """
    return "".join([name[:1] or " " for name in names]).translate(_initial_table())


def fold_text(text: str) -> tuple[str, list[int]]:
    """Fold an article for scanning; return the folded text and deleted positions.

    The folded text has the same characters as ``text`` except that apostrophes
    and invisible characters are deleted; ``deleted`` lists their original indices
    in order. Use :func:`to_original` to map folded offsets back.
    """
    import numpy as np  # here: looking a name up (``fold``) needs no numpy

    text = _POSSESSIVE.sub(" ", text)
    # Through arrays of code points, not str.translate: a dictionary lookup per character is four fifths
    # of the time of folding a text.
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded_codes, deletes = _code_tables()
    in_plane = np.minimum(codes, 0xFFFF)  # code points past the table's planes fold to themselves (0xFFFF does)
    folded = np.where(codes > 0xFFFF, codes, folded_codes[in_plane])
    gone = deletes[in_plane]
    deleted = np.flatnonzero(gone).tolist()
    if deleted:
        folded = folded[~gone]
    return folded.tobytes().decode("utf-32-le", "surrogatepass"), deleted


@functools.lru_cache(maxsize=1)
def _code_tables():
    """The folding table over the Basic Multilingual Plane as two arrays: each code point's folded code
    point, and whether folding deletes it."""
    import numpy as np

    folded = np.arange(0x10000, dtype=np.uint32)
    deletes = np.zeros(0x10000, dtype=bool)
    for code, char in _table().items():
        if char is None:
            deletes[code] = True
        else:
            folded[code] = ord(char)
    return folded, deletes


def to_original(index: int, deleted: list[int]) -> int:
    """Map an index in the folded text back to the original text."""
    if not deleted:
        return index
    # Each deleted character before the original position shifts it by one; the
    # folded index i is original index i + k where k deletions precede it.
    k = 0
    lo = 0
    while True:
        k_new = bisect.bisect_right(deleted, index + k, lo)
        if k_new == k:
            return index + k
        k = k_new


def script_ok(name: str) -> bool:
    """True for names written in Latin or Cyrillic script only."""
    for ch in name:
        if ch.isalpha():
            script = unicodedata.name(ch, "")
            if not (script.startswith("LATIN") or script.startswith("CYRILLIC")):
                return False
    return True


def keep_alternate_name(name: str) -> bool:
    """Alternate names worth indexing: Latin/Cyrillic, capitalised, not airport codes."""
    name = name.strip()
    if not name or not script_ok(name):
        return False
    letters = [c for c in name if c.isalpha()]
    if not letters or not letters[0].isupper():
        return False  # lower-case romanisations of other scripts ("ku er si ke")
    if len(name) <= 3 and name.isupper():
        return False  # IATA codes ("IEV", "URS")
    return True
