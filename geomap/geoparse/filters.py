"""Pass 3, filters: which spans name places here, by the article's own evidence.

Input: the place spans, the text, the word lists. Output: the spans that stay,
each with the cues read around it (``words_before``, ``place_context``,
``strong_cue``, ``needs_support``).

A span is dropped when the text says it is not a place here:

- it is part of a longer proper name: a capitalised word that is no place word
  follows it ("Vladimir Putin", "Geneva Convention") or precedes it ("Mr Bar",
  "Artem Kariakin"), or it ends an organisation's "X of Y" name ("Armed Forces
  of Ukraine");
- a personal title comes right before it ("President Trump");
- it is a first name elsewhere in the article ("volunteer Artem Kariakin"), unless
  a strong cue says a town is meant ("the town of Artem");
- it is a month or weekday without "the town of", or a common English word
  ("Western aid", "a Bar") without a place cue.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from geomap.gazetteer.folding import fold
from geomap.geoparse.spans import Span
from geomap.geoparse.text import is_capitalised, of_head, spaces_before, tokens_before, word_before
from geomap.geoparse.words import WordLists

COMMON_WORD_ZIPF = 4.0  # at least ten times per million English words

# Two capitalised words one space apart; "(?<![\w'’\-].)" right after the first capital says that no
# word character comes before it (the regex engine then skips ahead to capitals).
_NAME_PAIR = re.compile(r"([A-ZА-ЯЁЇІЄҐ](?<![\w'’\-].)[a-zа-яёїієґ'’]+)[ \t]+([A-ZА-ЯЁЇІЄҐ][a-zа-яёїієґ'’\-]+)")


def strong_cue_before(text: str, start: int, words: WordLists, words_before: list[str] | None = None) -> bool:
    """Whether the words before ``start`` say a place follows ("the city of", "the village of")."""
    before = tokens_before(text, start, 2) if words_before is None else words_before
    return " ".join(before).endswith(words.strong_cues_before)


def first_names(text: str, spans: list[Span], initials: set[int], words: WordLists) -> set[str]:
    """Capitalised words used as a first name in the article: the first of two capitalised words that
    are neither a place phrase nor an organisation's name ("Artem Kariakin", not "North Darfur")."""
    multiword = sorted((s.start, s.end) for s in spans if " " in s.surface or "-" in s.surface)
    multiword_starts = [start for start, _ in multiword]

    def in_multiword(offset: int) -> bool:
        i = bisect.bisect_right(multiword_starts, offset) - 1
        return i >= 0 and multiword[i][0] <= offset < multiword[i][1]

    found: set[str] = set()
    for match in _NAME_PAIR.finditer(text):
        first, second = match.group(1), match.group(2)
        lower_first, lower_second = first.lower(), second.lower()
        if match.start(1) in initials or lower_first in words.place_preceders or lower_first in words.titles \
                or fold(first) in words.demonyms or lower_second in words.organisation_nouns \
                or lower_second in words.inner_words or lower_second in words.place_followers \
                or in_multiword(match.start(1)):
            continue
        found.add(first)
    return found


def drop_parts_of_longer_names(text: str, spans: list[Span], initials: set[int], words: WordLists) -> list[Span]:
    """The spans that are not part of a longer proper name, nor right after a personal title."""
    ends = {s.end for s in spans}
    kept = []
    for span in spans:
        before = word_before(text, span.start)
        word = before.lower().rstrip(".") if before else None
        if before and word in words.titles:
            continue  # "President Trump"
        if before and is_capitalised(before) and span.start not in initials and word not in words.place_preceders \
                and not before.endswith(("'s", "’s")) and fold(before) not in words.demonyms:
            gap_end = span.start - spaces_before(text, span.start)  # where the word before ends
            if gap_end - len(before) not in initials and gap_end not in ends:
                continue  # "Mr Bar", "Artem Kariakin"
        head = of_head(text, span.start)
        if head and head.group(1).lower() not in words.place_of_heads and is_capitalised(head.group(1)) \
                and head.start(1) not in initials:
            continue  # "Armed Forces of Ukraine"
        kept.append(span)
    return kept


def read_place_cues(text: str, spans: list[Span], words: WordLists) -> None:
    """Set each span's words before, place preposition and strong cue."""
    for span in spans:
        span.words_before = tokens_before(text, span.start, 2)
        span.strong_cue = strong_cue_before(text, span.start, words, span.words_before)
        span.place_context = bool(span.words_before and span.words_before[-1] in words.place_prepositions)


def gate_common_words(spans: list[Span], words: WordLists, names_country: Callable[[str], bool]) -> list[Span]:
    """Months, weekdays and common words count as places only with a place cue.

    ``names_country(key)`` tells whether a name is a country's ("Chad", "Jordan"):
    a country's name is no common word to gate.
    """
    kept = []
    for span in spans:
        key = span.key
        if key in words.months or key in words.weekdays:
            if span.strong_cue:
                kept.append(span)
            continue
        zipf = words.common.get(key, 0.0)
        if zipf and not span.strong_cue and not names_country(key):
            if not span.sentence_initial and zipf >= COMMON_WORD_ZIPF and not span.place_context:
                continue  # "Western aid", "a Bar": a common word without a place cue
            # "Sparks flew", "the Hope clinic": the place must also lie near the article's
            # other places, or the word is just a word.
            span.needs_support = True
        kept.append(span)
    return kept
