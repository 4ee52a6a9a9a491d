"""Pass 2, spans: from the scan's overlapping hits to the names the article writes.

Input: the scan's hits and the article's sentences. Output: :class:`Span` records
for place names and for demonyms, none overlapping another: the longest hit wins
("Kursk region" over "Kursk"), then the leftmost. Adjectives ("Soviet", "Roman")
claim their words and yield nothing, so no place is read into them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from geomap.gazetteer.folding import INVISIBLE
from geomap.geoparse.scan import Hit
from geomap.geoparse.text import word_after, word_before
from geomap.geoparse.words import WordLists
from geomap.records import Candidate


@dataclass(slots=True)
class Span:
    """One name in the text and, as the passes go, what is known of it."""

    start: int
    end: int
    key: str  # the folded name
    surface: str  # as written
    sentence_index: int
    sentence_initial: bool
    glued: bool = False  # a capitalised word follows one space after it (see Hit.glued)
    # The words right before and after the name when only spaces separate them, as written
    # (text.word_before and text.word_after): read once, for the passes that look at them. (The word after
    # is the one after the name as scanned: the candidates pass may take an abbreviation's period later.)
    word_before: str | None = None
    word_after: str | None = None
    embedded: bool = False  # the first words of an organisation's name ("Kentucky Department of Health")
    # A capitalised word that is no place word stands right before: the name may end a longer one, a
    # person's ("Doug Logan") or an organisation's ("Costco Canada", "CTV Winnipeg").
    after_name: bool = False
    # Where a capitalised qualifier before the name starts ("Northern Europe", "South West England"): the
    # mention reports the whole phrase, the place is the name's.
    qualifier_start: int | None = None
    # Where a capitalised feature noun after the name ends ("Salinas Valley", "Panama Canal"): the mention
    # reports the whole phrase, the place is the name's (the gazetteer has no natural features).
    feature_end: int | None = None
    candidates: Sequence[Candidate] = ()  # (empty tuples: no list to make for each of thousands of spans)
    cue: str | None = None  # "region" | "city" | None
    strong_cue: bool = False  # "the town of X"
    place_context: bool = False  # a place preposition right before ("in X")
    # A common word is a place only with support: "near" another place the article names, or in a
    # "country" it names (a city of 100,000 people or more); None: no support needed.
    needs_support: str | None = None
    words_before: Sequence[str] = ()  # up to two, lower-cased
    chosen: Candidate | None = None
    confidence: float = 0.0
    method: str | None = None
    alternatives: Sequence[Candidate] = ()


def select_spans(text: str, hits: list[Hit], sentence_starts: list[int], initials: set[int],
                 words: WordLists) -> tuple[list[Span], list[Span]]:
    """(place spans, demonym spans), each sorted by offset, from the scan's hits.

    ``sentence_starts`` are the sentences' start offsets, ``initials`` the offsets
    of each sentence's first word. A gazetteer name glued to a following
    capitalised word that is no place word ("Vladimir Putin", "Kentucky State
    Troopers") is part of a longer proper name: it takes no part, so a shorter
    name inside it ("Kentucky") may still be read.
    """
    # Longest first, then leftmost; overlapping shorter hits are dropped. The characters taken are
    # marked in one array: a clash costs the span's length, whatever the text's (inserting into a
    # sorted list of taken spans was quadratic in a long article). A hit is tested for whether it takes
    # part only when no longer hit has taken its characters: either way it would yield nothing then.
    taken = bytearray(len(text) + 1)
    places, demonym_spans = [], []
    for hit in sorted(hits, key=_longest_first):
        start, end = hit.start, hit.end
        if taken.find(1, start, end) != -1:
            continue
        embedded = hit.glued and not hit.in_words and _organisation_after(text, end, words)
        if not (hit.in_words or not hit.glued or embedded or _follower(text, end, words)) \
                or _region_word_of_an_organisation(text, hit, words):
            continue
        if text[end:end + 1] == "." and "." in text[start:end]:
            end += 1  # keep the final period of an initialism ("U.S.")
        taken[start:end] = b"\x01" * (end - start)
        key = hit.key
        if hit.in_words and key in words.adjectives:
            continue  # claims the words, so no place is read into "Roman" or "Soviet"
        span = Span(start, end, key, text[start:end], max(0, bisect.bisect_right(sentence_starts, start) - 1),
                    start in initials, hit.glued, word_before(text, start), word_after(text, end),
                    embedded=embedded)
        if hit.in_words and key in words.demonyms:
            demonym_spans.append(span)
        elif hit.in_gazetteer:
            places.append(span)
    places.sort(key=lambda s: s.start)
    demonym_spans.sort(key=lambda s: s.start)
    return places, demonym_spans


def _longest_first(hit: Hit) -> tuple[int, int]:
    return hit.start - hit.end, hit.start


_NAME_AFTER = re.compile(r"(?:[ \t]+(?:[A-Z][\w'’&\-]*|of|for|and|the|&)){1,6}")


def name_after(text: str, end: int) -> list[str]:
    """The words of the run of capitalised words (and connectors: "of", "and") right after ``end``, lower case."""
    run = _NAME_AFTER.match(text, end)
    return run.group().lower().split() if run else []


def _organisation_after(text: str, end: int, words: WordLists) -> bool:
    """Whether the capitalised words after ``end`` name an organisation the place is the first word of:
    one of them is an organisation's noun ("Kentucky Department of Fish and Wildlife", "Winnipeg Free
    Press", "Enfield Council"); not a person ("Paris Hilton") or another name ("New York Times" is a
    newspaper: "times" is one of those nouns too, and the paper is in New York)."""
    return any(word in words.organisation_nouns for word in name_after(text, end))


def _region_word_of_an_organisation(text: str, hit: Hit, words: WordLists) -> bool:
    """Whether the hit ends with a capitalised region word that opens an organisation's name: "Kentucky
    State Police", "Michigan State University" name Kentucky and Michigan, not a region called "Kentucky
    State" (the region phrase is "Kentucky state" or "the state of Kentucky")."""
    last = text[hit.start:hit.end].rpartition(" ")[2]
    return bool(last) and last[0].isupper() and last.lower() in words.region_words \
        and _organisation_after(text, hit.end, words)


def _follower(text: str, end: int, words: WordLists) -> bool:
    """Whether the capitalised word after ``end`` may follow a place ("Oblast", "Governor", "Region")."""
    following = (word_after(text, end) or "").lower()
    # The word itself, without a possessive, or its first part: "Army's", "President-elect".
    following = following.split("-")[0].removesuffix("'s").removesuffix("’s")
    # A day or a month after a place is when, not more of the name ("in Toronto Saturday night").
    if following in words.place_followers or following in words.inner_words or following in words.weekdays \
            or following in words.months:
        return True
    # An office of the place further on in the name: "New York Gov. Mario Cuomo", "Quebec Health Minister".
    return any(word.rstrip(".") in words.titles for word in name_after(text, end)[:3])


def reported_extent(span: Span, words: WordLists) -> tuple[int, int]:
    """The (start, end) a mention reports for a span: without a lower-case kind word after the name or
    before it with "of" ("Sichuan province" and "the state of Maharashtra" report "Sichuan" and
    "Maharashtra"), the convention of the public news corpora; a capitalised one is part of the name
    ("Kursk Oblast", "Republic of Crimea"). The span itself keeps the words: they say what kind of place is
    meant. A capitalised qualifier before the name is part of it ("Northern Europe": see ``qualifier_start``),
    and so is a capitalised feature noun after it ("Salinas Valley": ``feature_end``)."""
    start, end = span.start, span.end
    first, _, rest = span.surface.partition(" ")
    of, _, name = rest.partition(" ")
    if name and first.islower() and first in words.kind_words and of == "of":
        start = end - len(name)
    head, _, last = span.surface[start - span.start:].rpartition(" ")
    if head and last.islower() and last in words.kind_words:
        end = start + len(head.rstrip().rstrip(INVISIBLE))
    if span.qualifier_start is not None:
        start = span.qualifier_start
    if span.feature_end is not None:
        end = span.feature_end
    return start, end
