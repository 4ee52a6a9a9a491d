"""Pass 1, scan: every gazetteer name and listed word that starts at a capitalised word.

Input: the article's text. Output: :class:`Hit` records (original offsets, the
folded key, whether a capitalised word follows one space after it).

The text is folded (:func:`geomap.gazetteer.folding.fold_text`: case, accents,
apostrophes and invisible characters away, punctuation as spaces) and cut into
tokens. A name may start at a capitalised token (or at an inner word: "al-Fashir");
it continues over tokens one separator apart that are capitalised, inner words
("Kursk region", "Rostov-on-Don") or short ("Deir ez-Zor"). Every such run of
up to :data:`MAX_NAME_WORDS` tokens is a candidate, and its polynomial hash is
looked up in the sorted hashes of every gazetteer key, all in numpy: no
per-word Python work. A hit whose hash matches is confirmed later by the
gazetteer lookup itself, so a hash collision costs one lookup, never a wrong
name.

The sorted key hashes (700,000 keys, 5 MB) are built from the gazetteer once
and kept in the cache folder as a ``.npy`` file that is memory-mapped: a new
process has them in a millisecond.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geomap import atomic
from geomap.gazetteer.folding import APOSTROPHES, fold_text
from geomap.paths import cache_dir

# Between the texts of one scan (see Scanner.scan_many): two characters, so no name continues across it.
ARTICLE_BREAK = "\n\n"
MAX_NAME_WORDS = 8  # longer gazetteer names (a few hundred of 700,000) are never looked for
SCAN_CACHE_VERSION = 5
SCAN_CACHES_KEPT = 3  # indexes of this version kept for other gazetteers (imported dumps), newest use first

# The polynomial hash of a folded string s: sum of ord(s[i]) * INVERSE^i, modulo 2^64 (numpy's
# unsigned arithmetic wraps). With INVERSE the inverse of an odd BASE, the hash of any slice of a
# text comes from the text's prefix sums in two operations (see :class:`SliceHashes`).
BASE = 0x9E3779B97F4A7C15
INVERSE = pow(BASE, -1, 2 ** 64)
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁЀ-ЏҐЄІЇ"
# Flags of a character in the table of the Basic Multilingual Plane (see _character_flags).
_CAPITAL, _IN_WORD, _ELISION_LETTER, _APOSTROPHE = 1, 2, 4, 8


@dataclass(slots=True)
class Hit:
    """One scanned name: ``text[start:end]`` folds to ``key``."""

    start: int
    end: int
    key: str
    glued: bool  # a capitalised word follows one space after it ("Vladimir Putin", "Kentucky Department")
    in_gazetteer: bool  # the key's hash is a gazetteer key's (confirmed by the lookup)
    in_words: bool  # the key is one of the listed words (demonyms, adjectives)


def _powers(value: int, count: int) -> np.ndarray:
    """[1, value, value^2, ...] modulo 2^64, ``count`` of them."""
    out = np.full(count, value, dtype=np.uint64)
    out[:1] = 1
    return np.cumprod(out, dtype=np.uint64)


class SliceHashes:
    """The polynomial hash of any slice of one array of code points, from its prefix sums."""

    def __init__(self, codes: np.ndarray):
        with np.errstate(over="ignore"):
            self.prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
            np.cumsum(codes.astype(np.uint64) * _powers(INVERSE, len(codes)), out=self.prefix[1:])
            self.powers = _powers(BASE, len(codes) + 1)

    def __call__(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """The hash of ``codes[start:end]`` for each pair."""
        with np.errstate(over="ignore"):
            return (self.prefix[ends] - self.prefix[starts]) * self.powers[starts]


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def string_hashes(strings: list[str]) -> np.ndarray:
    """The polynomial hash of each string (as :class:`SliceHashes` gives it for the same string in a text)."""
    if not strings:
        return np.zeros(0, dtype=np.uint64)
    lengths = np.fromiter((len(s) for s in strings), dtype=np.int64, count=len(strings))
    ends = np.cumsum(lengths + 1) - 1  # each string and a separator
    starts = ends - lengths
    return SliceHashes(_codes("\n".join(strings)))(starts, ends)


def key_hashes(keys: Iterable[str]) -> np.ndarray:
    """Sorted distinct hashes of the keys short enough to be scanned for."""
    hashes = np.sort(string_hashes([key for key in keys if len(key) >= 2 and key.count(" ") < MAX_NAME_WORDS]))
    # Distinct by comparing neighbours (numpy's unique takes twenty times the sort's time on these).
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))] if len(hashes) else hashes


class ScanIndex:
    """Sorted hashes of a set of folded keys; ``contains`` tells which of many hashes are among them."""

    def __init__(self, hashes: np.ndarray):
        self.hashes = hashes

    @classmethod
    def of_keys(cls, keys: Iterable[str]) -> ScanIndex:
        return cls(key_hashes(keys))

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        if not len(self.hashes) or not len(hashes):
            return np.zeros(len(hashes), dtype=bool)
        at = np.searchsorted(self.hashes, hashes)
        at[at == len(self.hashes)] = 0
        return self.hashes[at] == hashes


def gazetteer_scan_index(store, cache: Path | None = None) -> ScanIndex:
    """The scan index of every key of the store's name indexes, from the cache or built (and cached).

    The cache file is named after the store's fingerprint, so an imported dump or a
    rebuilt gazetteer gets its own; a corrupt one is rebuilt, an unwritable folder
    only costs the build (about a second).
    """
    path = (cache or cache_dir()) / f"scan-v{SCAN_CACHE_VERSION}-{store.fingerprint()}.npy"
    try:
        hashes = np.load(path, mmap_mode="r", allow_pickle=False)
        if hashes.dtype == np.uint64 and hashes.ndim == 1:
            _mark_used(path)
            return ScanIndex(hashes)
    except (OSError, ValueError):
        pass
    keys = (line[:line.index("\t")] for index in store.names for line in index.lines)
    hashes = key_hashes(keys)
    try:
        with atomic.atomic_path(path) as tmp:
            with open(tmp, "wb") as stream:
                np.save(stream, hashes, allow_pickle=False)
        prune_scan_caches(path.parent, keep=path)
    except OSError:
        pass  # a read-only cache folder only costs speed
    return ScanIndex(hashes)


def _mark_used(path: Path) -> None:
    """Touch a cache file that was read, so that pruning counts it as in use."""
    try:
        os.utime(path)
    except OSError:
        pass  # someone else's read-only cache: it is still used as it is


def prune_scan_caches(folder: Path, keep: Path) -> list[Path]:
    """Delete the scan indexes that no longer serve: those of other versions of geomap's scan
    (the pickled automata of earlier versions too), and this version's beyond the
    :data:`SCAN_CACHES_KEPT` most recently used; ``keep`` stays.

    Returns the deleted files. A file another process is replacing or has deleted is skipped.
    """
    current = f"scan-v{SCAN_CACHE_VERSION}-"
    same_version = []
    deleted = []
    for path in folder.glob("scan-v*"):
        if path == keep or path.suffix not in (".npy", ".pickle"):
            continue
        try:
            if path.name.startswith(current):
                same_version.append((path.stat().st_mtime, path.name, path))
            else:
                path.unlink()
                deleted.append(path)
        except OSError:
            continue
    for _, _, path in sorted(same_version, reverse=True)[SCAN_CACHES_KEPT - 1:]:
        try:
            path.unlink()
            deleted.append(path)
        except OSError:
            continue
    return deleted


@dataclass
class Tokens:
    """The folded text cut at spaces, with what the scan needs to know of each token."""

    folded: str
    deleted: list[int]  # original offsets of the characters folding deleted
    hashes: SliceHashes  # of the folded text
    starts: np.ndarray  # folded offsets
    ends: np.ndarray
    capital: np.ndarray  # starts with a capital letter in the text
    inner: np.ndarray  # is one of the inner words ("of", "region", "al")
    gap: np.ndarray  # folded characters between the previous token and this one (a large number for the first)
    spaced: np.ndarray  # that gap is one space (or tab, no-break space) in the text

    def original(self, folded_offsets: np.ndarray) -> np.ndarray:
        """Original offsets of folded ones (each deleted character before an offset shifts it by one)."""
        if not self.deleted:
            return folded_offsets
        deleted = np.asarray(self.deleted, dtype=np.int64)
        # The i-th deleted character sits right before folded offset deleted[i] - i.
        shifted_at = deleted - np.arange(len(deleted))
        return folded_offsets + np.searchsorted(shifted_at, folded_offsets, side="right")


def tokenise(text: str, inner_index: ScanIndex) -> Tokens:
    """Fold ``text`` and describe its tokens (see :class:`Tokens`)."""
    folded, deleted = fold_text(text)
    codes = _codes(folded)
    hashes = SliceHashes(codes)
    is_space = np.concatenate(([True], codes == 32, [True]))
    edges = np.flatnonzero(is_space[:-1] != is_space[1:])
    starts, ends = edges[0::2], edges[1::2]
    tokens = Tokens(folded, deleted, hashes, starts, ends, np.zeros(len(starts), bool), np.zeros(len(starts), bool),
                    np.full(len(starts), 1 << 30, dtype=np.int64), np.zeros(len(starts), bool))
    if not len(starts):
        return tokens
    tokens.inner = inner_index.contains(hashes(starts, ends))
    text_codes = _codes(text)
    capitals = capital_starts(text_codes)
    if len(capitals):
        if deleted:  # to folded offsets: minus the deleted characters before each
            capitals = capitals - np.searchsorted(np.asarray(deleted, dtype=np.int64), capitals)
        is_capital = np.zeros(len(folded) + 1, dtype=bool)
        is_capital[capitals] = True
        tokens.capital = is_capital[starts]
    tokens.gap[1:] = starts[1:] - ends[:-1]
    one = np.flatnonzero(tokens.gap == 1)
    if len(one):
        gap_codes = text_codes[tokens.original(starts[one] - 1)]
        tokens.spaced[one] = (gap_codes == 32) | (gap_codes == 9) | (gap_codes == 0xA0)  # space, tab, no-break space
    return tokens


@functools.lru_cache(maxsize=1)
def _character_flags() -> np.ndarray:
    """For each code point of the Basic Multilingual Plane, its flags: a capital a name may start with
    (:data:`_UPPER`); a character a word continues with, so that a capital right after it starts no word
    (a letter, digit or underscore, as the regex ``\\w``, or an apostrophe); the letter of an elided article
    ("d", "l"); an apostrophe. Set from the same character classes as regexes, run by run (a few ms)."""
    plane = np.arange(0x10000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    flags = np.zeros(0x10000, dtype=np.uint8)
    apostrophes = re.escape(APOSTROPHES)
    for flag, members in ((_CAPITAL, _UPPER), (_IN_WORD, rf"\w{apostrophes}"), (_ELISION_LETTER, "dlDL"),
                          (_APOSTROPHE, apostrophes)):
        for run in re.finditer(f"[{members}]+", plane):
            flags[run.start():run.end()] |= flag
    return flags


def capital_starts(codes: np.ndarray) -> np.ndarray:
    """Offsets in a text (its code points) where a capitalised word starts: a capital letter after no
    letter, digit or apostrophe; or the apostrophe-elided article before such a capital ("d'Ivoire",
    "l'Aquila"): folding deletes the apostrophe, so the word starts at the "d". In order.

    All in arrays: a regex stopping at every capital of a megabyte took four times as long.
    """
    flags = _character_flags()[np.minimum(codes, 0xFFFF)]  # (0xFFFF has no flag)
    beyond = np.flatnonzero(codes > 0xFFFF)
    if len(beyond):  # past the table: letters and digits there continue words too (no capital or apostrophe is)
        flags[beyond] = [_IN_WORD if chr(code).isalnum() else 0 for code in codes[beyond].tolist()]
    word_start = np.ones(len(codes), dtype=bool)
    word_start[1:] = (flags[:-1] & _IN_WORD) == 0
    capital = (flags & _CAPITAL) != 0
    starts = capital & word_start
    if len(codes) > 2:
        starts[:-2] |= (word_start[:-2] & ((flags[:-2] & _ELISION_LETTER) != 0) & ((flags[1:-1] & _APOSTROPHE) != 0)
                        & capital[2:])
    return np.flatnonzero(starts)


def _unglue_capitals(text: str, tokens: Tokens, glued_after: np.ndarray) -> None:
    """Two words in capitals ("RUSSIA RETAKES SUDZHA") are no longer proper name: in a headline every
    word is capitalised, so capitals say nothing about where a name ends. Nor is a word in capitals that
    opens a line, the dateline of a wire story ("WASHINGTON Barack Obama pardoned", "DETROIT The")."""
    pairs = np.flatnonzero(glued_after & tokens.capital)
    if not len(pairs):
        return
    starts = tokens.original(tokens.starts[pairs]).tolist()
    ends = (tokens.original(tokens.ends[pairs] - 1) + 1).tolist()
    next_starts = tokens.original(tokens.starts[pairs + 1]).tolist()
    next_ends = (tokens.original(tokens.ends[pairs + 1] - 1) + 1).tolist()
    for pair, a, b, c, d in zip(pairs.tolist(), starts, ends, next_starts, next_ends):
        if b - a > 1 and text[a:b].isupper() and ((d - c > 1 and text[c:d].isupper())
                                                  or a == 0 or text[a - 1] == "\n"):
            glued_after[pair] = False


class Scanner:
    """Finds the gazetteer's names and the listed words (demonyms, adjectives) in a text."""

    def __init__(self, gazetteer_index: ScanIndex, words: Iterable[str], inner_words: Iterable[str]):
        self.gazetteer_index = gazetteer_index
        self.words = frozenset(words)
        self.word_index = ScanIndex.of_keys(self.words)
        self.inner_index = ScanIndex.of_keys(inner_words)

    def scan(self, text: str) -> list[Hit]:
        """Every hit, by start offset then length."""
        return self.scan_many([text])[0]

    def scan_many(self, texts: list[str]) -> list[list[Hit]]:
        """The hits of each text, as :meth:`scan` gives them, from one scan of the texts joined.

        Each numpy operation of the scan costs a few microseconds whatever its array's length:
        a corpus of short articles scanned one by one spends a third of the scan's time on that.
        The texts are joined with :data:`ARTICLE_BREAK`, which no name continues across (a break
        of two characters is no gap of one) and which reads as the start of a text to every
        test that looks at the character before a word (a newline, not a letter).
        """
        joined = ARTICLE_BREAK.join(texts)
        lengths = np.fromiter((len(text) for text in texts), dtype=np.int64, count=len(texts))
        text_starts = np.cumsum(lengths + len(ARTICLE_BREAK)) - lengths - len(ARTICLE_BREAK)
        hits = self._scan(joined, text_starts)
        out: list[list[Hit]] = [[] for _ in texts]
        for text_number, text_hits in hits:
            out[text_number] = text_hits
        return out

    def _scan(self, text: str, text_starts: np.ndarray) -> list[tuple[int, list[Hit]]]:
        tokens = tokenise(text, self.inner_index)
        count = len(tokens.starts)
        if not count:
            return []
        short = (tokens.ends - tokens.starts) <= 3
        # A token continues the name before it: one separator apart, and capitalised, an inner word or short.
        continues = (tokens.gap == 1) & (tokens.capital | tokens.inner | short)
        breaks = np.cumsum(~continues)  # a run i..j continues throughout when breaks[j] == breaks[i]
        # A name starts at a capitalised word; one of several words may start at an inner word ("al-Fashir"),
        # and an inner word alone ("On", "Region") is no name.
        starts_ok = np.flatnonzero(tokens.capital | tokens.inner)
        glued_after = np.zeros(count, dtype=bool)
        glued_after[:-1] = tokens.spaced[1:] & tokens.capital[1:]
        _unglue_capitals(text, tokens, glued_after)
        # Every run of 1..MAX_NAME_WORDS tokens from each possible start, at once: a start's runs end
        # at most at the last token of its block of continuing tokens.
        block_last = np.searchsorted(breaks, breaks[starts_ok], side="right") - 1
        lengths = np.minimum(block_last - starts_ok + 1, MAX_NAME_WORDS)
        first = np.repeat(starts_ok, lengths)
        offset = np.arange(len(first)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        last = first + offset
        single_inner = (offset == 0) & tokens.inner[first]
        first, last = first[~single_inner], last[~single_inner]
        hashes = tokens.hashes(tokens.starts[first], tokens.ends[last])
        in_gazetteer = self.gazetteer_index.contains(hashes)
        in_words = self.word_index.contains(hashes)
        hit = np.flatnonzero(in_gazetteer | in_words)
        return self._hits(tokens, (first[hit], last[hit], in_gazetteer[hit], in_words[hit]), glued_after,
                          text_starts)

    def _hits(self, tokens: Tokens, found, glued_after: np.ndarray,
              text_starts: np.ndarray) -> list[tuple[int, list[Hit]]]:
        """(text number, its hits) for each text with hits, offsets counted from the text's start."""
        first, last, in_gazetteer, in_words = found
        folded_starts, folded_ends = tokens.starts[first], tokens.ends[last]
        starts = tokens.original(folded_starts)
        ends = tokens.original(folded_ends - 1) + 1
        text_numbers = np.searchsorted(text_starts, starts, side="right") - 1
        shift = text_starts[text_numbers]
        starts, ends = (starts - shift).tolist(), (ends - shift).tolist()
        folded, words = tokens.folded, self.words
        keys = [folded[fs:fe] for fs, fe in zip(folded_starts.tolist(), folded_ends.tolist())]
        # Already by start, then length: the runs were made by first token, then by last, and masks keep order.
        # The flags as Python lists: indexing a numpy array one element at a time costs ten times as much.
        hits = [Hit(start, end, key, glued, gazetteer, word and key in words)  # a hash collision is no word
                for start, end, key, glued, gazetteer, word
                in zip(starts, ends, keys, glued_after[last].tolist(), in_gazetteer.tolist(), in_words.tolist())]
        # The texts' hits are consecutive runs, in the texts' order.
        cuts = np.flatnonzero(np.diff(text_numbers)) + 1
        bounds = [0, *cuts.tolist(), len(hits)]
        numbers = text_numbers[bounds[:-1]].tolist() if hits else []
        return [(number, hits[a:b]) for number, a, b in zip(numbers, bounds, bounds[1:])]
